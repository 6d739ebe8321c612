//! The role matrix of issue 11: what each role sees of a profile (full, masked, hidden), what
//! it may reveal (on record), incognito guests, and masked values never written back.

use chrono::{Duration, NaiveDate, Utc};
use guestbook::model::*;
use guestbook::store::{Credentials, Entity, ImportItem, Kind, NewAccount, Store, StoreError};

use crate::common::{add_account, import, snapshot, stay};
use crate::store::guest;
use crate::Db;

const ROLES: [Role; 5] = [
    Role::Agent,
    Role::Housekeeping,
    Role::FrontOffice,
    Role::Manager,
    Role::Admin,
];

/// The account name of each role in [`governed_hotel`].
fn user(role: Role) -> String {
    format!("{role}.user")
}

/// The business date by the store's clock (the store decides housekeeping's reach by it).
fn today(store: &mut Box<dyn Store>) -> NaiveDate {
    guestbook::rules::settings::business_date(&store.settings().unwrap(), Utc::now())
}

/// G1 王芳 in house today with spend and an open complaint, incognito as 林女士; G2 张伟 not
/// staying; an account for every role.
fn governed_hotel(db: &Db) -> Box<dyn Store> {
    let mut admin = db.open("admin");
    add_account(&mut admin, "admin", Role::Admin);
    for role in ROLES {
        add_account(&mut admin, &user(role), role);
    }
    let mut g1 = guest("G1", "王芳", &["13800138000"]);
    g1.name_latin = Some("Wang Fang".into());
    g1.preferred_address = Some("王女士".into());
    g1.emails = vec!["fang.wang@example.com".into()];
    g1.id_doc_type = Some(IdDocType::Passport);
    g1.id_doc_number = Some("E12345678".into());
    g1.birth_date = NaiveDate::from_ymd_opt(1985, 3, 15);
    g1.pseudonym = Some("林女士".into());
    let g2 = guest("G2", "张伟", &["13900139000"]);
    import(
        &mut admin,
        Kind::Guests,
        vec![ImportItem::Guest(g1), ImportItem::Guest(g2)],
    );
    let day = today(&mut admin);
    let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut s = stay(
        "R1",
        "G1",
        &text(day - Duration::days(1)),
        &text(day + Duration::days(2)),
        StayStatus::InHouse,
        "1808",
    );
    s.vip = Some("V1".into());
    s.spend_room = Some("2400.00".into());
    import(&mut admin, Kind::Stays, vec![ImportItem::Stay(s)]);
    admin
        .add_feedback(NewFeedback {
            guest_id: "G1".into(),
            kind: FeedbackKind::Complaint,
            text: "空调太吵".into(),
            department: None,
        })
        .unwrap();
    admin
}

/// What one role sees of G1, as the matrix of docs/privacy.md says.
struct Seen {
    name: &'static str,
    phone: &'static str,
    id_doc: Option<&'static str>,
    birth_date: Option<&'static str>,
    email: bool,
    spend: bool,
    complaint_text: bool,
}

fn expected(role: Role) -> Seen {
    let below_manager = !matches!(role, Role::Manager | Role::Admin);
    let name = if below_manager { "林女士" } else { "王芳" };
    match role {
        Role::Agent => Seen {
            name,
            phone: "+8613800138000",
            id_doc: Some("*****5678"),
            birth_date: Some("****-03-15"),
            email: true,
            spend: false,
            complaint_text: true,
        },
        Role::Housekeeping => Seen {
            name,
            phone: "*********8000",
            id_doc: None,
            birth_date: Some("****-03-15"),
            email: false,
            spend: false,
            complaint_text: false,
        },
        Role::FrontOffice => Seen {
            name,
            phone: "+8613800138000",
            id_doc: Some("E12345678"),
            birth_date: Some("1985-03-15"),
            email: true,
            spend: false,
            complaint_text: true,
        },
        Role::Manager | Role::Admin => Seen {
            name,
            phone: "+8613800138000",
            id_doc: Some("E12345678"),
            birth_date: Some("1985-03-15"),
            email: true,
            spend: true,
            complaint_text: true,
        },
    }
}

/// Every role reads G1 through show, search, board and export as its row of the matrix
/// says, and the JSON keeps every key (a masked one holds the masked text).
pub fn each_role_sees_a_profile_as_the_matrix_says(db: &Db) {
    let mut admin = governed_hotel(db);
    let day = today(&mut admin);
    for role in ROLES {
        let want = expected(role);
        let mut store = db.open(&user(role));
        let p = store.profile(&"G1".into()).unwrap();
        let g = &p.guest;
        assert_eq!(g.name, want.name, "{role}");
        assert_eq!(g.phones[0].e164.0, want.phone, "{role}");
        assert_eq!(g.id_doc_number.as_deref(), want.id_doc, "{role}");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["birth_date"].as_str(),
            want.birth_date,
            "{role}: {json}"
        );
        for key in ["id_doc_number", "emails", "name_latin", "phones"] {
            assert!(json.get(key).is_some(), "{role} keeps the key {key}");
        }
        assert_eq!(!g.emails.is_empty(), want.email, "{role}");
        assert_eq!(p.stays[0].spend_room.is_some(), want.spend, "{role}");
        let complaint = &p.feedback[0];
        assert!(complaint.is_open_complaint(), "{role} sees it is open");
        assert_eq!(complaint.text == "空调太吵", want.complaint_text, "{role}");
        let masked = !g.masked.is_empty();
        assert_eq!(masked, !matches!(role, Role::Manager | Role::Admin));

        let hits = store.search("13800138000", 5).unwrap();
        assert_eq!(hits.len(), 1, "{role}");
        assert_eq!(hits[0].name, want.name, "{role}");
        assert_eq!(hits[0].phones[0].0, want.phone, "{role}");

        let board = store.board(day, false).unwrap();
        assert_eq!(board.in_house.len(), 1, "{role}");
        assert_eq!(board.in_house[0].name, want.name, "{role}");

        let mut rows = Vec::new();
        let exported = store.export(Kind::Guests, &mut |item| {
            rows.push(item);
            Ok(())
        });
        match role {
            Role::Agent | Role::Housekeeping => assert!(
                matches!(exported, Err(StoreError::Forbidden { .. })),
                "{role}: {exported:?}"
            ),
            _ => {
                assert_eq!(exported.unwrap(), 2, "{role}");
                let ImportItem::Guest(g1) = &rows[0] else {
                    panic!("a guest row")
                };
                assert_eq!(g1.name, want.name, "{role}");
            }
        }
    }
}

/// Housekeeping reaches the guests staying today only: another guest's id answers exactly
/// like an id nobody has, and search does not list them.
pub fn housekeeping_guessing_an_id_not_in_house_gets_not_found(db: &Db) {
    let _admin = governed_hotel(db);
    let mut hk = db.open(&user(Role::Housekeeping));
    let known = hk.profile(&"G2".into()).unwrap_err();
    let unknown = hk.profile(&"G9".into()).unwrap_err();
    assert_eq!(
        known,
        StoreError::NotFound {
            what: Entity::Guest,
            id: "G2".into()
        }
    );
    assert!(matches!(unknown, StoreError::NotFound { .. }));
    assert!(hk.search("13900139000", 5).unwrap().is_empty());
    assert!(hk.search("张伟", 5).unwrap().is_empty());
    // The call centre reaches every guest.
    let mut agent = db.open(&user(Role::Agent));
    assert_eq!(agent.profile(&"G2".into()).unwrap().guest.name, "张伟");
    // Nor does the board of another day show housekeeping a guest it may not open.
    let mut admin = db.open("admin");
    let day = today(&mut admin);
    let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let later = stay(
        "R2",
        "G2",
        &text(day + Duration::days(10)),
        &text(day + Duration::days(12)),
        StayStatus::Expected,
        "2301",
    );
    import(&mut admin, Kind::Stays, vec![ImportItem::Stay(later)]);
    let arriving = |store: &mut Box<dyn Store>| -> Vec<String> {
        let board = store.board(day + Duration::days(10), false).unwrap();
        board.arrivals.into_iter().map(|r| r.guest_id.0).collect()
    };
    assert_eq!(arriving(&mut agent), ["G2"]);
    assert!(arriving(&mut hk).is_empty());
    let today_board = hk.board(day, false).unwrap();
    assert_eq!(today_board.in_house[0].guest_id.0, "G1");
}

/// An incognito guest's pseudonym is set, changed or cleared only by who may see the real
/// name (clearing it would show the name to everyone), and a role that sees the pseudonym
/// cannot overwrite the names behind it blind.
pub fn only_who_sees_the_real_name_changes_it_or_the_pseudonym(db: &Db) {
    let _admin = governed_hotel(db);
    for role in [Role::Agent, Role::FrontOffice] {
        let mut store = db.open(&user(role));
        let clear = GuestPatch {
            pseudonym: Some(None),
            ..GuestPatch::default()
        };
        assert!(
            matches!(
                store.update_guest(&"G1".into(), &clear, None).unwrap_err(),
                StoreError::Forbidden {
                    action: guestbook::privacy::Action::SetPseudonym,
                    ..
                }
            ),
            "{role}"
        );
        let rename = GuestPatch {
            name: Some("林 女士".into()),
            ..GuestPatch::default()
        };
        match store.update_guest(&"G1".into(), &rename, None).unwrap_err() {
            StoreError::Invalid { field, problem } => {
                assert_eq!((field.as_str(), problem), ("name", Problem::MaskedValue))
            }
            other => panic!("{role}: {other:?}"),
        }
    }
    let mut manager = db.open(&user(Role::Manager));
    assert_eq!(manager.profile(&"G1".into()).unwrap().guest.name, "王芳");
    let clear = GuestPatch {
        pseudonym: Some(None),
        ..GuestPatch::default()
    };
    let cleared = manager.update_guest(&"G1".into(), &clear, None).unwrap();
    assert_eq!(cleared.pseudonym, None);
}

/// A masked text sent back as data is refused naming the field, whether in an edit or in an
/// export by a masked role imported again; nothing changes.
pub fn a_masked_value_is_never_written_back(db: &Db) {
    let mut admin = governed_hotel(db);
    let before = snapshot(&mut admin);
    let mut agent = db.open(&user(Role::Agent));
    let seen = agent.profile(&"G1".into()).unwrap().guest;
    for patch in [
        GuestPatch {
            id_doc_number: Some(seen.id_doc_number.clone()),
            ..GuestPatch::default()
        },
        GuestPatch {
            birth_date: Some(seen.birth_date),
            ..GuestPatch::default()
        },
        GuestPatch {
            name: Some(seen.name.clone()),
            ..GuestPatch::default()
        },
    ] {
        let field = patch.fields()[0].as_str();
        let err = agent.update_guest(&"G1".into(), &patch, None).unwrap_err();
        assert_eq!(
            err,
            StoreError::Invalid {
                field: field.into(),
                problem: Problem::MaskedValue
            },
            "{field}"
        );
    }
    // Front office's export: the pseudonym for the name, spend masked.
    let mut fo = db.open(&user(Role::FrontOffice));
    let mut stays = Vec::new();
    fo.export(Kind::Stays, &mut |item| {
        stays.push(item);
        Ok(())
    })
    .unwrap();
    let ImportItem::Stay(s) = &stays[0] else {
        panic!("a stay row")
    };
    assert_eq!(s.spend_room.as_deref(), Some("****"));
    let mut guests = Vec::new();
    fo.export(Kind::Guests, &mut |item| {
        guests.push(item);
        Ok(())
    })
    .unwrap();
    let mut rows = guests.into_iter().map(|item| guestbook::store::ImportRow {
        line: 2,
        item: Ok(item),
    });
    let report = fo
        .import(Kind::Guests, &mut rows, guestbook::store::BadRows::Refuse)
        .unwrap();
    assert!(!report.committed);
    assert_eq!(report.errors[0].column, "name", "{:?}", report.errors);
    assert_eq!(snapshot(&mut admin), before);
}

/// A reveal shows the field in full to a role allowed to, needs a reason, and is on record
/// with who, the field and the reason, never the value.
pub fn a_reveal_is_allowed_per_the_matrix_and_on_record(db: &Db) {
    let mut admin = governed_hotel(db);
    let mut agent = db.open(&user(Role::Agent));
    let g = agent
        .reveal(
            &"G1".into(),
            GuestField::IdDocNumber,
            "caller verifies booking",
        )
        .unwrap();
    assert_eq!(g.id_doc_number.as_deref(), Some("E12345678"));
    // Only that field: the name stays the pseudonym.
    assert_eq!(g.name, "林女士");
    assert_eq!(
        agent
            .reveal(&"G1".into(), GuestField::Name, "curious")
            .unwrap_err(),
        StoreError::Invalid {
            field: "name".into(),
            problem: Problem::RevealNotAllowed
        }
    );
    assert_eq!(
        agent
            .reveal(&"G1".into(), GuestField::IdDocNumber, "  ")
            .unwrap_err(),
        StoreError::Invalid {
            field: "reason".into(),
            problem: Problem::Required
        }
    );
    let mut hk = db.open(&user(Role::Housekeeping));
    assert!(matches!(
        hk.reveal(&"G1".into(), GuestField::Phones, "room call")
            .unwrap_err(),
        StoreError::Forbidden {
            role: Role::Housekeeping,
            ..
        }
    ));
    let mut fo = db.open(&user(Role::FrontOffice));
    let g = fo
        .reveal(&"G1".into(), GuestField::Name, "check-in with passport")
        .unwrap();
    assert_eq!(g.name, "王芳");

    let log = admin
        .audit(&AuditQuery {
            guest: Some("G1".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    let reveals: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.action == "reveal")
        .map(|e| (e.user.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        reveals,
        [
            ("front_office.user", "name: check-in with passport"),
            ("agent.user", "id_doc_number: caller verifies booking"),
        ]
    );
    assert!(log.iter().all(|e| !e.detail.contains("E12345678")));
    assert!(log.iter().all(|e| e.host.is_some()));
}

/// An incognito guest is found by the pseudonym by everyone, by the real name only by
/// managers and admins; every printed VIP sheet shows the pseudonym.
pub fn incognito_guests_are_found_by_their_real_name_only_from_manager_up(db: &Db) {
    let mut admin = governed_hotel(db);
    let day = today(&mut admin);
    for role in ROLES {
        let mut store = db.open(&user(role));
        let ids =
            |hits: Vec<SearchHit>| -> Vec<String> { hits.into_iter().map(|h| h.id.0).collect() };
        let by_alias = ids(store.search("林女士", 5).unwrap());
        assert_eq!(by_alias, ["G1"], "{role}");
        let by_name = ids(store.search("王芳", 5).unwrap());
        let by_pinyin = ids(store.search("wang fang", 5).unwrap());
        if matches!(role, Role::Manager | Role::Admin) {
            assert_eq!(by_name, ["G1"], "{role}");
            assert_eq!(by_pinyin, ["G1"], "{role}");
        } else {
            assert!(by_name.is_empty(), "{role}: {by_name:?}");
            assert!(by_pinyin.is_empty(), "{role}: {by_pinyin:?}");
        }
        if matches!(role, Role::FrontOffice | Role::Manager | Role::Admin) {
            let sheet = store.vip_sheet(day).unwrap();
            assert_eq!(sheet.in_house[0].row.name, "林女士", "{role}");
        }
    }
}

/// Sign-ins with a password, refused sign-ins and exports are on record: the user name
/// only, the kind and count of an export.
pub fn sign_ins_and_exports_are_on_record(db: &Db) {
    let mut admin = governed_hotel(db);
    admin
        .add_account(&NewAccount {
            user: "li.na".into(),
            role: Role::FrontOffice,
            department: None,
            password: Some("longjing-22".into()),
        })
        .unwrap();
    let right = Credentials {
        user: "li.na".into(),
        password: Some("longjing-22".into()),
    };
    let wrong = Credentials {
        password: Some("longjing-23".into()),
        ..right.clone()
    };
    assert!(matches!(
        db.try_open(&wrong).err().unwrap(),
        StoreError::WrongPassword { .. }
    ));
    let mut li = db.try_open(&right).unwrap();
    li.export(Kind::Guests, &mut |_| Ok(())).unwrap();
    let log = admin
        .audit(&AuditQuery {
            by: Some("li.na".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    let entries: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        entries,
        [("export", "guests 2"), ("login", ""), ("login_failed", "")]
    );
    assert!(log.iter().all(|e| !e.detail.contains("longjing")));
}
