//! Edits of a profile: a stale edit is refused naming who changed the profile and when and
//! never overwrites; an edit moves the search keys; an import never clears what it lacks.

use guestbook::i18n::Lang;
use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{ImportItem, Kind, StoreError};

use crate::common::{import, snapshot};
use crate::store::{guest, hotel};
use crate::Db;

pub fn stale_edit_is_refused_naming_who_changed_it_and_when(db: &Db) {
    let mut store = db.open("test");
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "张伟", &["13800138000"]))],
    );

    // Two terminals read the same version; the front office saves first.
    let mut front = db.open("fo.chenjie");
    let mut agent = db.open("cc.zhaomin");
    let mine = agent.profile(&GuestId::from("G1")).unwrap().guest;
    let theirs = GuestPatch {
        preferred_address: Some(Some("张总".into())),
        ..GuestPatch::default()
    };
    let saved = front
        .update_guest(&mine.id, &theirs, Some(mine.version))
        .unwrap();
    assert_eq!(saved.version, mine.version + 1);

    let stale = GuestPatch {
        notes: Some(Some("prefers quiet rooms".into())),
        ..GuestPatch::default()
    };
    let err = agent
        .update_guest(&mine.id, &stale, Some(mine.version))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale { by, .. } if by == "fo.chenjie"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("fo.chenjie") && text.contains("G1"), "{text}");

    let kept = store.profile(&GuestId::from("G1")).unwrap().guest;
    assert_eq!(kept.preferred_address.as_deref(), Some("张总"));
    assert_eq!(kept.notes, None);
}

/// Two connections by two users read version N of the same field; the second save is
/// refused with who saved first and when, the first save stays whole, and nothing of the
/// refused edit reaches the database. Reloaded, the second user's edit goes through.
pub fn a_stale_edit_from_another_connection_keeps_the_first_change_whole(db: &Db) {
    drop(hotel(db));
    let mut front = db.open("fo.chenjie");
    let mut agent = db.open("cc.zhaomin");
    let id = GuestId::from("G1");
    let read_by_front = front.profile(&id).unwrap().guest;
    let read_by_agent = agent.profile(&id).unwrap().guest;
    assert_eq!(read_by_front, read_by_agent);

    let first = GuestPatch {
        company: Some(Some("华夏贸易".into())),
        phones: Some(vec![phone::phone(
            "13912345678",
            phonenumber::country::Id::CN,
        )
        .unwrap()]),
        ..GuestPatch::default()
    };
    let saved = front
        .update_guest(&id, &first, Some(read_by_front.version))
        .unwrap();
    assert_eq!(saved.updated_by.as_deref(), Some("fo.chenjie"));
    let after_first = snapshot(&mut agent);

    let second = GuestPatch {
        company: Some(Some("Acme".into())),
        vip: Some(Some("V1".into())),
        ..GuestPatch::default()
    };
    let err = agent
        .update_guest(&id, &second, Some(read_by_agent.version))
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Stale {
            id: id.clone(),
            by: "fo.chenjie".into(),
            at: saved.updated_at,
        }
    );
    assert_eq!(
        err.text_in(Lang::En, "hotel.db"),
        format!(
            "Guest G1 was changed by fo.chenjie at {} after you opened it; reload and try again.",
            guestbook::i18n::local_time(&saved.updated_at)
        )
    );
    assert_eq!(snapshot(&mut agent), after_first);
    assert_eq!(snapshot(&mut front), after_first);
    assert_eq!(agent.profile(&id).unwrap().guest, saved);

    // Reloaded, the agent's edit applies on top of the front office's.
    let reloaded = agent.profile(&id).unwrap().guest;
    let merged = agent
        .update_guest(&id, &second, Some(reloaded.version))
        .unwrap();
    assert_eq!(merged.version, saved.version + 1);
    assert_eq!(merged.company.as_deref(), Some("Acme"));
    assert_eq!(merged.vip.as_deref(), Some("V1"));
    assert_eq!(merged.phones, saved.phones);
    assert_eq!(merged.updated_by.as_deref(), Some("cc.zhaomin"));
}

pub fn edit_moves_search_keys_with_the_profile(db: &Db) {
    let mut store = db.open("test");
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "张伟", &["13800138000"]))],
    );
    let patch = GuestPatch {
        phones: Some(vec![phone::phone(
            "13912345678",
            phonenumber::country::Id::CN,
        )
        .unwrap()]),
        ..GuestPatch::default()
    };
    store
        .update_guest(&GuestId::from("G1"), &patch, None)
        .unwrap();
    assert!(store.search("13800138000", 5).unwrap().is_empty());
    assert_eq!(store.search("5678", 5).unwrap()[0].id, GuestId::from("G1"));
}

pub fn a_guest_import_with_some_columns_leaves_the_others_alone(db: &Db) {
    let mut s = hotel(db);
    let mut partial = Guest::new(GuestId::from("G1"), "张伟");
    partial.preferred_address = Some("张总".into());
    import(&mut s, Kind::Guests, vec![ImportItem::Guest(partial)]);
    let g = s.profile(&"G1".into()).unwrap().guest;
    assert_eq!(g.preferred_address.as_deref(), Some("张总"));
    assert_eq!(g.phones[0].e164.0, "+8613800138000");
    assert_eq!(g.emails, ["zhang.wei@example.com"]);
}
