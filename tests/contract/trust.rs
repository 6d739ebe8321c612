//! Who is acting comes from the database, every call is checked against the role, and the
//! hotel's settings are checked on every write.

use guestbook::model::*;
use guestbook::store::{AccountChange, Credentials, NewAccount, StoreError};

use crate::common::{add_account, snapshot};
use crate::store::{hotel, preference};
use crate::Db;

fn who(user: &str) -> Credentials {
    Credentials {
        user: user.into(),
        password: None,
    }
}

pub fn roles_come_from_the_database_and_every_call_is_checked(db: &Db) {
    let mut admin = hotel(db);
    add_account(&mut admin, "admin", Role::Agent); // the first account is the admin, whatever was asked
    add_account(&mut admin, "hk.liping", Role::Housekeeping);
    assert_eq!(admin.accounts().unwrap()[0].role, Role::Admin);

    let mut hk = db.open("hk.liping");
    assert_eq!(hk.principal().department, Source::Housekeeping);
    let before = snapshot(&mut admin);
    let patch = GuestPatch {
        vip: Some(Some("V1".into())),
        ..GuestPatch::default()
    };
    let err = hk.update_guest(&"G1".into(), &patch, None).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Forbidden {
                role: Role::Housekeeping,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(matches!(
        hk.erase(&"G1".into()).unwrap_err(),
        StoreError::Forbidden {
            role: Role::Housekeeping,
            ..
        }
    ));
    // Refused calls changed nothing.
    assert_eq!(snapshot(&mut admin), before);
    // What housekeeping records is filed under housekeeping, by the account's name.
    let pref = hk
        .add_preference(preference("G1", "pillow", "buckwheat"))
        .unwrap();
    assert_eq!(pref.observed_by.as_deref(), Some("hk.liping"));
    assert_eq!(pref.source, Some(Source::Housekeeping));

    // A user the database does not know is refused with how to get an account.
    let err = db.try_open(&who("stranger")).err().unwrap();
    assert!(
        err.to_string().contains("guestbook user add stranger"),
        "{err}"
    );
    // A disabled account is refused too.
    admin
        .change_account("hk.liping", &AccountChange::Disable)
        .unwrap();
    assert!(matches!(
        db.try_open(&who("hk.liping")).err().unwrap(),
        StoreError::AccountDisabled { .. }
    ));
}

pub fn sign_in_is_required_when_the_hotel_says_so(db: &Db) {
    let mut admin = hotel(db);
    admin
        .add_account(&NewAccount {
            user: "admin".into(),
            role: Role::Admin,
            department: None,
            password: Some("longjing-22".into()),
        })
        .unwrap();
    let settings = Settings {
        require_sign_in: true,
        ..admin.settings().unwrap()
    };
    admin.set_settings(&settings).unwrap();
    assert!(matches!(
        db.try_open(&who("admin")).err().unwrap(),
        StoreError::SignInRequired { .. }
    ));
    let wrong = Credentials {
        user: "admin".into(),
        password: Some("longjing-23".into()),
    };
    assert!(matches!(
        admin.sign_in(&wrong).unwrap_err(),
        StoreError::WrongPassword { .. }
    ));
    let right = Credentials {
        password: Some("longjing-22".into()),
        ..wrong
    };
    assert_eq!(admin.sign_in(&right).unwrap().role, Role::Admin);
    assert_eq!(db.try_open(&right).unwrap().principal().user, "admin");
}

pub fn settings_in_the_database_are_checked_on_every_write(db: &Db) {
    let mut s = hotel(db);
    let patch = GuestPatch {
        vip: Some(Some("V9".into())),
        ..GuestPatch::default()
    };
    let err = s.update_guest(&"G1".into(), &patch, None).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "vip"),
        "{err:?}"
    );
    let settings = Settings {
        vip_codes: vec!["V1".into(), "V9".into()],
        ..s.settings().unwrap()
    };
    s.set_settings(&settings).unwrap();
    assert_eq!(
        s.update_guest(&"G1".into(), &patch, None)
            .unwrap()
            .vip
            .as_deref(),
        Some("V9")
    );
    // A setting that cannot be right is refused naming it, and nothing is stored.
    let before = snapshot(&mut s);
    let bad = Settings {
        time_zone: "Mars/Olympus".into(),
        ..s.settings().unwrap()
    };
    let err = s.set_settings(&bad).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "time_zone"),
        "{err:?}"
    );
    assert_eq!(snapshot(&mut s), before);
    // Another terminal reads the settings from the database.
    assert_eq!(db.open("admin").settings().unwrap(), settings);
}
