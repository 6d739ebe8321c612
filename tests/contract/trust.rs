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
    // Before the hotel requires sign-in, a password given must still be the right one.
    let guessed = Credentials {
        user: "admin".into(),
        password: Some("guess".into()),
    };
    assert!(matches!(
        db.try_open(&guessed).err().unwrap(),
        StoreError::WrongPassword { .. }
    ));
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

/// Every change is on record with who, when and from where; the log is read by guest, by
/// user and from a day, by managers and admins only, and holds no personal values.
pub fn every_change_is_in_the_audit_log_for_managers_to_read(db: &Db) {
    let mut admin = db.open("admin");
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "fo", Role::FrontOffice);
    add_account(&mut admin, "mgr", Role::Manager);
    let mut fo = db.open("fo");
    let patch = GuestPatch {
        name: Some("欧阳娜娜".into()),
        phones: Some(vec![guestbook::search::phone::phone(
            "13912345678",
            phonenumber::country::Id::CN,
        )
        .unwrap()]),
        ..GuestPatch::default()
    };
    let g = fo.add_guest(Some(GuestId::from("A1")), &patch).unwrap();
    fo.add_preference(NewPreference {
        guest_id: g.id.clone(),
        category: "tea".into(),
        value: "longjing".into(),
        note: None,
        observed_by: None,
        observed_at: chrono::Utc::now(),
        source: None,
    })
    .unwrap();
    let mut mgr = db.open("mgr");
    let about = mgr
        .audit(&AuditQuery {
            guest: Some(g.id.clone()),
            ..AuditQuery::default()
        })
        .unwrap();
    let actions: Vec<(&str, &str)> = about
        .iter()
        .map(|e| (e.user.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(actions, [("fo", "preference_add"), ("fo", "add")]);
    assert!(about
        .iter()
        .all(|e| e.host.as_deref().is_some_and(|h| !h.is_empty())));
    let by_admin = mgr
        .audit(&AuditQuery {
            by: Some("admin".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(by_admin.iter().all(|e| e.user == "admin") && by_admin.len() >= 2);
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let none = mgr
        .audit(&AuditQuery {
            since: Some(tomorrow),
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(none.is_empty());
    // No personal value reaches the log: the name and the phone are nowhere in it.
    let all = mgr.audit(&AuditQuery::default()).unwrap();
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains("欧阳") && !text.contains("12345678"),
        "{text}"
    );
    assert!(matches!(
        fo.audit(&AuditQuery::default()),
        Err(StoreError::Forbidden { .. })
    ));
}

/// The demo's date shift moves every date in the file: it is on record like any other write,
/// and a role that may not shift is refused with nothing shifted and nothing logged.
pub fn shifting_the_sample_dates_is_in_the_audit_log(db: &Db) {
    let mut admin = db.open("admin");
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "fo", Role::FrontOffice);
    let mut fo = db.open("fo");
    let before = snapshot(&mut admin);
    assert!(matches!(
        fo.shift_sample_dates(3).unwrap_err(),
        StoreError::Forbidden {
            role: Role::FrontOffice,
            ..
        }
    ));
    assert_eq!(snapshot(&mut admin), before);
    // A shift past any date SQLite can hold is refused naming the value, and changes nothing.
    for days in [36_601, -36_601, i64::MAX - 1, i64::MIN] {
        assert_eq!(
            admin.shift_sample_dates(days).unwrap_err(),
            StoreError::invalid(
                "days",
                Problem::OutOfRange {
                    min: -36_600,
                    max: 36_600
                }
            ),
            "{days}"
        );
    }
    assert_eq!(snapshot(&mut admin), before);
    admin.shift_sample_dates(-2).unwrap();
    let shifts: Vec<(String, String)> = admin
        .audit(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "sample_shift")
        .map(|e| (e.user, e.detail))
        .collect();
    assert_eq!(shifts, [("admin".to_string(), "-2 days".to_string())]);
}
