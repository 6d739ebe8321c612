//! Retention and erasure: the retention rule on an injected business date (who goes, who is
//! blocked and why, a dry run writes nothing), tombstones no import or add brings back, the
//! destruction record, and the access-request export with its audit entry.

use guestbook::model::*;
use guestbook::store::{BadRows, ImportItem, ImportRow, Kind, Store, StoreError};

use crate::common::{add_account, date, import, snapshot, stay};
use crate::store::{guest, preference};
use crate::Db;

/// Six guests around the retention cutoff of 2033-06-01 (five years back: 2028-06-01; every
/// profile was created before it, today): G1 left in 2020 and G6 never stayed (both go);
/// G2 left after the cutoff (kept, not even a candidate); G3 has a stale expected stay,
/// G4 a legal hold and G5 do-not-rent (all three blocked).
fn old_and_new_guests(db: &Db) -> Box<dyn Store> {
    let mut s = db.open("admin");
    let mut held = guest("G4", "赵敏", &[]);
    held.flags = vec![Flag::LegalHold];
    let mut banned = guest("G5", "周芷若", &[]);
    banned.flags = vec![Flag::DoNotRent];
    let guests = vec![
        guest("G1", "张无忌", &["13911112222"]),
        guest("G2", "殷素素", &[]),
        guest("G3", "谢逊", &[]),
        held,
        banned,
        guest("G6", "小昭", &[]),
    ];
    import(
        &mut s,
        Kind::Guests,
        guests.into_iter().map(ImportItem::Guest).collect(),
    );
    let stays = vec![
        stay(
            "R1",
            "G1",
            "2020-03-01",
            "2020-03-04",
            StayStatus::Departed,
            "801",
        ),
        stay(
            "R2",
            "G2",
            "2028-12-30",
            "2029-01-02",
            StayStatus::Departed,
            "802",
        ),
        stay(
            "R3",
            "G3",
            "2020-05-01",
            "2020-05-02",
            StayStatus::Expected,
            "803",
        ),
    ];
    import(
        &mut s,
        Kind::Stays,
        stays.into_iter().map(ImportItem::Stay).collect(),
    );
    s.add_preference(preference("G1", "pillow", "buckwheat"))
        .unwrap();
    s
}

pub fn retention_anonymises_old_profiles_and_counts_the_blocked(db: &Db) {
    let mut admin = old_and_new_guests(db);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "mgr.wang", Role::Manager);
    let today = date("2033-06-01");

    // A manager may look (the dry run) and writes nothing; only an admin purges.
    let before = snapshot(&mut admin);
    let mut manager = db.open("mgr.wang");
    let dry = manager.purge(today, true).unwrap();
    assert_eq!(snapshot(&mut admin), before);
    assert!(admin.destructions().unwrap().is_empty());
    assert_eq!((dry.anonymized, dry.blocked, dry.dry_run), (2, 3, true));
    assert_eq!(dry.cutoff, date("2028-06-01"));
    let going: Vec<(&str, chrono::NaiveDate)> = dry
        .guests
        .iter()
        .map(|c| (c.id.0.as_str(), c.last_activity))
        .collect();
    let created = chrono::Utc::now().date_naive();
    assert_eq!(going, vec![("G1", created), ("G6", created)]);
    let blocked: Vec<(&str, Vec<Blocker>)> = dry
        .blocked_guests
        .iter()
        .map(|c| (c.id.0.as_str(), c.blocked_by.clone()))
        .collect();
    assert_eq!(
        blocked,
        vec![
            ("G3", vec![Blocker::CurrentStay]),
            ("G4", vec![Blocker::LegalHold]),
            ("G5", vec![Blocker::DoNotRent]),
        ]
    );
    assert!(matches!(
        manager.purge(today, false).unwrap_err(),
        StoreError::Forbidden {
            role: Role::Manager,
            ..
        }
    ));

    // The purge itself: G1 and G6 go, the rest stay.
    let done = admin.purge(today, false).unwrap();
    assert_eq!((done.anonymized, done.blocked, done.dry_run), (2, 3, false));
    assert!(done.guests.is_empty() && done.blocked_guests.is_empty());
    let g1 = admin.profile(&"G1".into()).unwrap();
    assert!(g1.erased_at.is_some());
    assert_eq!(g1.guest.name, "[erased]");
    assert!(g1.guest.phones.is_empty() && g1.preferences.is_empty());
    assert_eq!(g1.stays.len(), 1, "the stay stays, anonymous");
    assert_eq!(g1.stays[0].room.as_deref(), Some("801"));
    for kept in ["G2", "G3", "G4", "G5"] {
        let p = admin.profile(&kept.into()).unwrap();
        assert!(p.erased_at.is_none(), "{kept}");
    }
    // The phone no longer finds anybody.
    assert!(admin.search("13911112222", 5).unwrap().is_empty());

    // One destruction record with the counts and no personal data; a second run finds
    // nothing more to do and records nothing.
    let again = admin.purge(today, false).unwrap();
    assert_eq!((again.anonymized, again.blocked), (0, 3));
    let records = manager.destructions().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].reason, DestructionReason::Retention);
    assert_eq!(records[0].user, "admin");
    assert_eq!(
        records[0].counts,
        DestructionCounts {
            guests: 2,
            stays_kept: 1,
            preferences: 1,
            feedback: 0
        }
    );
    let audit = manager
        .audit(&AuditQuery {
            by: Some("admin".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(audit[0].action, "purge");
    assert!(
        audit[0].detail.contains("0 anonymized, 3 blocked"),
        "{audit:?}"
    );
}

pub fn an_erased_id_is_a_tombstone_no_import_or_add_brings_back(db: &Db) {
    let mut admin = old_and_new_guests(db);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "fo.li", Role::FrontOffice);
    admin
        .add_feedback(NewFeedback {
            guest_id: "G1".into(),
            kind: FeedbackKind::Complaint,
            text: "noisy".into(),
            department: None,
        })
        .unwrap();
    let counts = admin.erase_because(&"G1".into(), Some("DSR-7")).unwrap();
    assert_eq!(
        counts,
        DestructionCounts {
            guests: 1,
            stays_kept: 1,
            preferences: 1,
            feedback: 1
        }
    );

    // The next PMS import of that id leaves those rows out with a warning naming the line
    // and the id; the other rows go in, even with bad rows refused.
    let mut rows = vec![
        ImportItem::Guest(guest("G1", "张无忌", &["13911112222"])),
        ImportItem::Guest(guest("G7", "杨逍", &[])),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, item)| ImportRow {
        line: i as u64 + 2,
        item: Ok(item),
    });
    let report = admin
        .import(Kind::Guests, &mut rows, BadRows::Refuse)
        .unwrap();
    assert!(report.committed);
    assert_eq!((report.imported, report.rejected, report.erased), (1, 0, 1));
    assert_eq!(report.notices.len(), 1);
    assert_eq!(
        (report.notices[0].line, report.notices[0].column.as_str()),
        (2, "id")
    );
    assert!(
        report.notices[0].reason.contains("G1"),
        "{:?}",
        report.notices
    );
    let mut prefs = vec![ImportItem::Preference(preference("G1", "tea", "longjing"))]
        .into_iter()
        .map(|item| ImportRow {
            line: 2,
            item: Ok(item),
        });
    let report = admin
        .import(Kind::Preferences, &mut prefs, BadRows::Refuse)
        .unwrap();
    assert_eq!((report.imported, report.erased), (0, 1));
    let g1 = admin.profile(&"G1".into()).unwrap();
    assert!(g1.erased_at.is_some() && g1.guest.phones.is_empty() && g1.preferences.is_empty());
    assert!(g1.stays[0].notes.is_none());

    // Nor may anyone add the id again or write to the tombstone.
    let erased = |e: StoreError| {
        matches!(
            e,
            StoreError::Invalid {
                problem: Problem::Erased,
                ..
            }
        )
    };
    let patch = GuestPatch {
        name: Some("张无忌".into()),
        ..GuestPatch::default()
    };
    assert!(erased(
        admin.add_guest(Some("G1".into()), &patch).unwrap_err()
    ));
    assert!(erased(
        admin.update_guest(&"G1".into(), &patch, None).unwrap_err()
    ));
    assert!(erased(
        admin
            .add_preference(preference("G1", "tea", "longjing"))
            .unwrap_err()
    ));

    // A legal hold stops an erasure; only admins erase; the record says why, not whose.
    assert!(matches!(
        admin.erase(&"G4".into()).unwrap_err(),
        StoreError::Invalid {
            problem: Problem::LegalHold,
            ..
        }
    ));
    let mut fo = db.open("fo.li");
    assert!(matches!(
        fo.erase_because(&"G2".into(), None).unwrap_err(),
        StoreError::Forbidden { .. }
    ));
    assert!(matches!(
        fo.destructions().unwrap_err(),
        StoreError::Forbidden { .. }
    ));
    let records = admin.destructions().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].reason, DestructionReason::Request);
    assert_eq!(records[0].note.as_deref(), Some("DSR-7"));
    assert_eq!(records[0].counts, counts);
}

pub fn export_guest_holds_everything_about_one_guest_and_is_audited(db: &Db) {
    let mut admin = old_and_new_guests(db);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "mgr.wang", Role::Manager);
    add_account(&mut admin, "fo.li", Role::FrontOffice);
    let tea = admin
        .add_preference(preference("G1", "tea", "longjing"))
        .unwrap();
    admin.retire_preference(&"G1".into(), tea.id).unwrap();
    admin
        .add_feedback(NewFeedback {
            guest_id: "G1".into(),
            kind: FeedbackKind::Praise,
            text: "lovely stay".into(),
            department: None,
        })
        .unwrap();

    let mut fo = db.open("fo.li");
    assert!(matches!(
        fo.export_guest(&"G1".into()).unwrap_err(),
        StoreError::Forbidden { .. }
    ));
    let mut manager = db.open("mgr.wang");
    let record = manager.export_guest(&"G1".into()).unwrap();
    assert_eq!(record.exported_by, "mgr.wang");
    assert_eq!(record.guest.name, "张无忌");
    assert_eq!(record.guest.phones[0].e164.to_string(), "+8613911112222");
    assert!(record.erased_at.is_none());
    // Withdrawn preferences too: an access request is about everything held.
    let mut prefs: Vec<(&str, bool)> = record
        .preferences
        .iter()
        .map(|p| (p.value.as_str(), p.retired))
        .collect();
    prefs.sort();
    assert_eq!(prefs, vec![("buckwheat", false), ("longjing", true)]);
    assert_eq!(record.stays.len(), 1);
    assert_eq!(record.feedback[0].text, "lovely stay");
    let actions: Vec<&str> = record.audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "preference_add",
            "preference_add",
            "preference_retire",
            "feedback_add",
            "export_guest"
        ]
    );
    // The export is on record, by whom and about whom.
    let audit = manager
        .audit(&AuditQuery {
            guest: Some("G1".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(
        (audit[0].action.as_str(), audit[0].user.as_str()),
        ("export_guest", "mgr.wang")
    );
    assert!(matches!(
        manager.export_guest(&"nobody".into()).unwrap_err(),
        StoreError::NotFound { .. }
    ));
}
