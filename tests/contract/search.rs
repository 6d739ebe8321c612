//! The caller lookup: every kind of query a hurried agent types, on a hand-made set of guests
//! with namesakes, and the same queries after edit, merge and erase.

use chrono::NaiveDate;
use guestbook::model::{Guest, GuestId, GuestPatch, Stay, StayStatus};
use guestbook::search::{phone, MatchKind, SearchHit};
use guestbook::store::{ImportItem, Kind, Store};
use phonenumber::country::Id::CN;

use crate::common::{date, import};
use crate::Db;

struct Spec {
    id: &'static str,
    name: &'static str,
    latin: Option<&'static str>,
    phones: &'static [&'static str],
    email: Option<&'static str>,
    vip: Option<&'static str>,
    last_stay: Option<&'static str>,
}

const fn g(id: &'static str, name: &'static str, phones: &'static [&'static str]) -> Spec {
    Spec {
        id,
        name,
        latin: None,
        phones,
        email: None,
        vip: None,
        last_stay: None,
    }
}

/// Two 张伟 (one a VIP), 张伟明, polyphonic surnames, a Hong Kong and a Korean name with their
/// own romanisation, accented and apostrophised Latin names, and two Smiths.
fn fixture() -> Vec<Spec> {
    vec![
        Spec {
            last_stay: Some("2026-05-01"),
            ..g("G01", "张伟", &["13800138000"])
        },
        Spec {
            vip: Some("V2"),
            last_stay: Some("2025-01-10"),
            ..g("G02", "张伟", &["13900001234"])
        },
        g("G03", "张伟明", &["13700000001"]),
        Spec {
            latin: Some("Chan Tai Man"),
            ..g("G04", "陳大文", &["+852 9123 4567"])
        },
        g("G05", "曾志伟", &["13600000002"]),
        g("G06", "单田芳", &["13600000003"]),
        g("G07", "尉迟恭", &["13600000004"]),
        Spec {
            email: Some("John.Smith@Example.com"),
            ..g("G08", "John Smith", &["+1 (415) 555-0132"])
        },
        g("G09", "Dr. Jürgen Müller", &["+49 30 1234567"]),
        g("G10", "Seán O'Brien", &[]),
        g("G11", "José Álvarez", &[]),
        g("G12", "Nguyễn Văn An", &[]),
        Spec {
            latin: Some("Kim Min Jun"),
            ..g("G13", "김민준", &[])
        },
        g("G14", "王芳", &["(021) 6234 5678"]),
        g("G15", "Mary Smith", &["+1 415 555 0199"]),
        g("G16", "朴树", &[]),
        g("G17", "查良镛", &[]),
        g("G18", "区家明", &[]),
    ]
}

fn guest(spec: &Spec) -> Guest {
    let mut g = Guest::new(GuestId(spec.id.into()), spec.name);
    g.name_latin = spec.latin.map(String::from);
    g.phones = spec
        .phones
        .iter()
        .map(|p| phone::phone(p, CN).expect("fixture phone is valid"))
        .collect();
    g.emails = spec.email.iter().map(|e| e.to_string()).collect();
    g.vip = spec.vip.map(String::from);
    g
}

fn stay(spec: &Spec) -> Option<Stay> {
    let arrival = NaiveDate::parse_from_str(spec.last_stay?, "%Y-%m-%d").ok()?;
    Some(Stay {
        reservation_id: format!("R-{}", spec.id),
        guest_id: GuestId(spec.id.into()),
        arrival,
        departure: arrival.succ_opt()?,
        status: StayStatus::Departed,
        room: None,
        room_type: None,
        vip: None,
        adults: None,
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    })
}

/// The fixture's guests and their last stays.
fn hotel(db: &Db) -> Box<dyn Store> {
    let mut store = db.open("test");
    let specs = fixture();
    import(
        &mut store,
        Kind::Guests,
        specs.iter().map(|s| ImportItem::Guest(guest(s))).collect(),
    );
    import(
        &mut store,
        Kind::Stays,
        specs
            .iter()
            .filter_map(stay)
            .map(ImportItem::Stay)
            .collect(),
    );
    store
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.0.as_str()).collect()
}

fn search(store: &mut Box<dyn Store>, q: &str) -> Vec<SearchHit> {
    store.search(q, 20).unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

/// What a query must give: the leading ids in order, or ids that must be among the hits, or
/// exactly these ids.
enum Want {
    Leading(&'static [&'static str]),
    Among(&'static [&'static str], usize),
    Exactly(&'static [&'static str]),
}

use Want::*;

const CASES: &[(&str, Want, Option<MatchKind>)] = &[
    // phone numbers in any notation
    ("13800138000", Exactly(&["G01"]), Some(MatchKind::Phone)),
    (
        "+86 138-0013-8000",
        Exactly(&["G01"]),
        Some(MatchKind::Phone),
    ),
    (
        "0086 13800138000",
        Exactly(&["G01"]),
        Some(MatchKind::Phone),
    ),
    ("8613800138000", Exactly(&["G01"]), Some(MatchKind::Phone)),
    ("(021) 6234 5678", Exactly(&["G14"]), Some(MatchKind::Phone)),
    (
        "+1 (415) 555-0132",
        Exactly(&["G08"]),
        Some(MatchKind::Phone),
    ),
    ("4155550132", Exactly(&["G08"]), Some(MatchKind::Phone)),
    // trailing digits
    ("8000", Exactly(&["G01"]), Some(MatchKind::Phone)),
    ("138000", Exactly(&["G01"]), Some(MatchKind::Phone)),
    ("0132", Exactly(&["G08"]), Some(MatchKind::Phone)),
    // Han, whole or part; traditional and simplified fold together
    (
        "张伟",
        Leading(&["G02", "G01", "G03"]),
        Some(MatchKind::Name),
    ),
    (
        "张",
        Among(&["G01", "G02", "G03"], 3),
        Some(MatchKind::Name),
    ),
    ("伟", Among(&["G01", "G02"], 2), Some(MatchKind::Name)),
    ("陈大文", Exactly(&["G04"]), Some(MatchKind::Name)),
    ("陳大文", Exactly(&["G04"]), Some(MatchKind::Name)),
    // pinyin, spaced or not, full or initials, any case
    (
        "zhangwei",
        Leading(&["G02", "G01", "G03"]),
        Some(MatchKind::Pinyin),
    ),
    (
        "zhang wei",
        Leading(&["G02", "G01", "G03"]),
        Some(MatchKind::Pinyin),
    ),
    (
        "Wei Zhang",
        Leading(&["G02", "G01"]),
        Some(MatchKind::Pinyin),
    ),
    (
        "Zhang",
        Among(&["G01", "G02", "G03"], 3),
        Some(MatchKind::Pinyin),
    ),
    ("zw", Leading(&["G02", "G01"]), Some(MatchKind::Pinyin)),
    (
        "zhangw",
        Among(&["G01", "G02", "G03"], 3),
        Some(MatchKind::Pinyin),
    ),
    // polyphonic surnames read as surnames
    ("zengzhiwei", Leading(&["G05"]), Some(MatchKind::Pinyin)),
    ("shan tianfang", Leading(&["G06"]), Some(MatchKind::Pinyin)),
    ("yuchigong", Leading(&["G07"]), Some(MatchKind::Pinyin)),
    ("piaoshu", Leading(&["G16"]), Some(MatchKind::Pinyin)),
    ("zha liangyong", Leading(&["G17"]), Some(MatchKind::Pinyin)),
    ("oujiaming", Leading(&["G18"]), Some(MatchKind::Pinyin)),
    // Latin names in any order and case, accents and marks folded
    ("smith john", Leading(&["G08"]), Some(MatchKind::Name)),
    ("JOHN SMITH", Leading(&["G08"]), Some(MatchKind::Name)),
    ("smith", Among(&["G08", "G15"], 2), Some(MatchKind::Name)),
    ("muller", Leading(&["G09"]), Some(MatchKind::Name)),
    ("mueller", Leading(&["G09"]), Some(MatchKind::Name)),
    ("jurgen muller", Leading(&["G09"]), Some(MatchKind::Name)),
    ("obrien", Leading(&["G10"]), Some(MatchKind::Name)),
    ("o'brien", Leading(&["G10"]), Some(MatchKind::Name)),
    ("alvarez", Leading(&["G11"]), Some(MatchKind::Name)),
    ("nguyen van an", Leading(&["G12"]), Some(MatchKind::Name)),
    ("an nguyen", Leading(&["G12"]), Some(MatchKind::Name)),
    ("chan tai man", Leading(&["G04"]), Some(MatchKind::Name)),
    ("kim min jun", Leading(&["G13"]), Some(MatchKind::Name)),
    // typos still rank the right guest near the top
    ("jonh smith", Among(&["G08"], 2), None),
    ("zahng wei", Among(&["G01", "G02"], 3), None),
    ("zhanng wei", Among(&["G01", "G02"], 3), None),
    ("alvarze", Among(&["G11"], 2), None),
    // e-mail or its local part
    (
        "john.smith@example.com",
        Exactly(&["G08"]),
        Some(MatchKind::Email),
    ),
    ("John.Smith", Leading(&["G08"]), None),
    // a name plus digits narrows namesakes
    ("张伟 8000", Exactly(&["G01"]), Some(MatchKind::Name)),
    ("张伟8000", Exactly(&["G01"]), Some(MatchKind::Name)),
    ("zhang wei 1234", Exactly(&["G02"]), Some(MatchKind::Pinyin)),
    ("smith 0132", Exactly(&["G08"]), Some(MatchKind::Name)),
];

pub fn every_kind_of_query_finds_the_right_guest(db: &Db) {
    let mut store = hotel(db);
    check_cases(&mut store, CASES);
}

fn check_cases(store: &mut Box<dyn Store>, cases: &[(&str, Want, Option<MatchKind>)]) {
    let mut failures = Vec::new();
    for (q, want, kind) in cases {
        let hits = search(store, q);
        let got = ids(&hits);
        let ok = match want {
            Leading(lead) => got.len() >= lead.len() && got[..lead.len()] == **lead,
            Among(must, within) => must
                .iter()
                .all(|m| got.iter().take(*within).any(|g| g == m)),
            Exactly(exact) => got == **exact,
        };
        let kind_ok = kind.is_none_or(|k| hits.first().is_some_and(|h| h.matched == k));
        if !ok || !kind_ok {
            let first = hits.first().map(|h| (h.matched, h.score));
            failures.push(format!("{q:?}: got {got:?} (first {first:?})"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

pub fn exact_phone_outranks_name_and_highlights_the_digits(db: &Db) {
    let mut store = hotel(db);
    let hits = search(&mut store, "138000");
    assert_eq!(
        hits[0].matched_phone.as_ref().map(|p| p.0.as_str()),
        Some("+8613800138000")
    );
    assert_eq!(hits[0].matched_digits, 6);
    let exact = search(&mut store, "13800138000");
    assert_eq!(exact[0].score, guestbook::search::SCORE_EXACT_PHONE);
    assert_eq!(exact[0].matched_digits, 13);
    assert_eq!(exact[0].last_stay, NaiveDate::from_ymd_opt(2026, 5, 1));
}

pub fn namesakes_tie_break_on_vip_then_most_recent_stay(db: &Db) {
    let mut store = hotel(db);
    let hits = search(&mut store, "张伟");
    assert_eq!(ids(&hits)[..2], ["G02", "G01"]);
    assert_eq!(hits[0].score, hits[1].score);
}

pub fn a_vip_among_hundreds_of_namesakes_comes_first_and_stops_when_no_longer_vip(db: &Db) {
    let mut store = db.open("test");
    // The VIP is the oldest profile: more namesakes follow than one scan takes.
    let guests = (0..150)
        .map(|i| {
            let mut g = Guest::new(GuestId(format!("W{i:03}")), "王芳");
            g.phones = vec![phone::phone(&format!("1390000{i:04}"), CN).unwrap()];
            g.vip = (i == 0).then(|| "V2".to_string());
            ImportItem::Guest(g)
        })
        .collect();
    import(&mut store, Kind::Guests, guests);
    for q in ["王芳", "wang fang", "wangf"] {
        let hits = search(&mut store, q);
        assert_eq!(hits[0].id.0, "W000", "{q}");
        assert_eq!(hits[0].vip.as_deref(), Some("V2"), "{q}");
    }

    let patch = GuestPatch {
        vip: Some(None),
        ..GuestPatch::default()
    };
    store.update_guest(&"W000".into(), &patch, None).unwrap();
    assert!(search(&mut store, "王芳").iter().all(|h| h.vip.is_none()));
}

pub fn last_stay_follows_stays_imported_changed_and_moved(db: &Db) {
    let mut store = hotel(db);
    let last = |store: &mut Box<dyn Store>, q: &str| search(store, q)[0].last_stay;
    let later = Stay {
        reservation_id: "R-later".into(),
        arrival: date("2026-06-01"),
        departure: date("2026-06-03"),
        ..stay(&fixture()[0]).unwrap()
    };
    import(
        &mut store,
        Kind::Stays,
        vec![ImportItem::Stay(later.clone())],
    );
    assert_eq!(last(&mut store, "13800138000"), Some(date("2026-06-01")));

    // Cancelled after all: the earlier stay is the last one again.
    let cancelled = Stay {
        status: StayStatus::Cancelled,
        ..later.clone()
    };
    import(&mut store, Kind::Stays, vec![ImportItem::Stay(cancelled)]);
    assert_eq!(last(&mut store, "13800138000"), Some(date("2026-05-01")));

    // The PMS moves the reservation to the other 张伟.
    let moved = Stay {
        guest_id: GuestId("G02".into()),
        ..later
    };
    import(&mut store, Kind::Stays, vec![ImportItem::Stay(moved)]);
    assert_eq!(last(&mut store, "13900001234"), Some(date("2026-06-01")));
    assert_eq!(last(&mut store, "13800138000"), Some(date("2026-05-01")));
}

pub fn last_digits_shared_by_many_rank_vip_then_recent_stay_and_skip_merged(db: &Db) {
    let mut store = hotel(db);
    let specs = [
        Spec {
            last_stay: Some("2024-03-01"),
            ..g("T1", "周杰", &["13511117777"])
        },
        Spec {
            vip: Some("V3"),
            last_stay: Some("2023-01-01"),
            ..g("T2", "吴芳", &["13622227777"])
        },
        g("T3", "郑浩", &["13733337777"]),
        Spec {
            last_stay: Some("2026-04-01"),
            ..g("T4", "冯雪", &["13844447777"])
        },
    ];
    let guests = specs.iter().map(|s| ImportItem::Guest(guest(s))).collect();
    import(&mut store, Kind::Guests, guests);
    let stays = specs
        .iter()
        .filter_map(stay)
        .map(ImportItem::Stay)
        .collect();
    import(&mut store, Kind::Stays, stays);
    assert_eq!(ids(&search(&mut store, "7777")), ["T2", "T4", "T1", "T3"]);
    // Only the first two are fetched: chosen from what the phone keys say of each guest.
    assert_eq!(ids(&store.search("7777", 2).unwrap()), ["T2", "T4"]);
    store.merge(&"T1".into(), &"T4".into()).unwrap();
    assert_eq!(ids(&search(&mut store, "7777")), ["T2", "T1", "T3"]);
    assert_eq!(ids(&store.search("7777", 2).unwrap()), ["T2", "T1"]);
    assert_eq!(
        search(&mut store, "7777")[1].last_stay,
        Some(date("2026-04-01"))
    );
}

pub fn limit_caps_the_hits(db: &Db) {
    let mut store = hotel(db);
    assert_eq!(store.search("张", 2).expect("search").len(), 2);
    assert!(store.search("张", 0).expect("search").is_empty());
}

pub fn nonsense_gives_no_hits_and_no_error(db: &Db) {
    let mut store = hotel(db);
    let long = "x".repeat(10_000);
    let mixed = "张伟 ".repeat(3_000);
    for q in [
        "%",
        "_",
        "'; DROP TABLE guests; --",
        "😀🙂",
        "   ",
        "",
        "\u{0}",
        "12",
        &long,
        &mixed,
        "%%%%8000",
    ] {
        let hits = store.search(q, 20).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        let shown: String = q.chars().take(20).collect();
        if q != "%%%%8000" && q != mixed {
            assert!(hits.is_empty(), "{shown:?} gave {:?}", ids(&hits));
        }
    }
}

pub fn queries_stay_right_after_edit_merge_and_erase(db: &Db) {
    let mut store = hotel(db);

    // Edit: a new name and number are found, the old ones no longer are.
    let patch = GuestPatch {
        name: Some("John Smythe".into()),
        phones: Some(vec![phone::phone("+1 415 555 0177", CN).expect("valid")]),
        ..GuestPatch::default()
    };
    let version = store.profile(&"G08".into()).expect("G08").guest.version;
    store
        .update_guest(&"G08".into(), &patch, Some(version))
        .expect("edit saves");
    assert_eq!(ids(&search(&mut store, "smythe john")), ["G08"]);
    assert_eq!(ids(&search(&mut store, "0177")), ["G08"]);
    assert!(search(&mut store, "0132").is_empty());
    assert_eq!(ids(&search(&mut store, "smith")), ["G15"]);

    // Merge: OTHER's phone finds KEEP; OTHER never appears again.
    let merged = store.merge(&"G08".into(), &"G15".into()).expect("merge");
    let phones: Vec<&str> = merged
        .guest
        .phones
        .iter()
        .map(|p| p.e164.0.as_str())
        .collect();
    assert_eq!(phones, ["+14155550177", "+14155550199"]);
    assert_eq!(ids(&search(&mut store, "+1 415 555 0199")), ["G08"]);
    assert_eq!(ids(&search(&mut store, "smith 0199")), Vec::<&str>::new());
    assert!(search(&mut store, "mary smith").is_empty());
    assert!(search(&mut store, "mary").is_empty());
    assert!(store.merge(&"G08".into(), &"G15".into()).is_err());

    // Merge moves stays: 张伟 G01's stay goes to G02.
    let kept = store.merge(&"G02".into(), &"G01".into()).expect("merge");
    assert_eq!(kept.guest.phones.len(), 2);
    assert_eq!(kept.stays.len(), 2);
    assert_eq!(ids(&search(&mut store, "13800138000")), ["G02"]);
    assert_eq!(ids(&search(&mut store, "张伟 8000")), ["G02"]);
    assert_eq!(ids(&search(&mut store, "张伟")), ["G02", "G03"]);

    // Erase: nothing of the guest is findable; the stays remain, anonymous.
    store.erase(&"G02".into()).expect("erase");
    for q in ["13800138000", "8000", "张伟 8000", "zw", "伟"] {
        assert!(!ids(&search(&mut store, q)).contains(&"G02"), "{q}");
    }
    assert_eq!(ids(&search(&mut store, "张伟")), ["G03"]);
    assert!(search(&mut store, "erased").is_empty());
    let erased = store
        .profile(&"G02".into())
        .expect("erased profile is kept");
    assert_eq!(erased.guest.name, "[erased]");
    assert!(erased.guest.phones.is_empty() && erased.preferences.is_empty());
    assert_eq!(erased.stays.len(), 2);

    // A new guest is findable at once, and the untouched queries still work.
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest(&g(
            "G30",
            "张伟",
            &["13800138000"],
        )))],
    );
    assert_eq!(ids(&search(&mut store, "张伟 8000")), ["G30"]);
    check_cases(
        &mut store,
        &[
            ("陈大文", Exactly(&["G04"]), Some(MatchKind::Name)),
            ("muller", Leading(&["G09"]), Some(MatchKind::Name)),
            ("zengzhiwei", Leading(&["G05"]), Some(MatchKind::Pinyin)),
            ("(021) 6234 5678", Exactly(&["G14"]), Some(MatchKind::Phone)),
        ],
    );
}

pub fn a_guest_cannot_be_merged_into_itself(db: &Db) {
    let mut store = hotel(db);
    let err = store
        .merge(&"G01".into(), &"G01".into())
        .expect_err("refused");
    assert!(err.to_string().contains("G01"), "{err}");
}

/// Names as they are written: dotted Uyghur names, surnames read several ways, given-name
/// characters read several ways, ü typed as v or u, compatibility forms and characters
/// outside the BMP; each query finds exactly the guests listed, best first.
pub fn names_as_they_are_written_are_found_every_way_they_are_said(db: &Db) {
    let mut store = db.open("test");
    let names = [
        ("N01", "买买提·艾力"),
        ("N02", "阿依古丽•买买提"),
        ("N03", "艾力・吐尔逊"),
        ("N04", "都明"),
        ("N05", "盖明"),
        ("N06", "子车明"),
        ("N07", "吕然"),
        ("N08", "佐々木"),
        ("N09", "王调"),
        ("N10", "张率"),
        ("N11", "𠮷田"),
        ("N12", "该明"),
        ("N13", "钟离明"),
    ];
    let items = names
        .iter()
        .map(|(id, name)| ImportItem::Guest(Guest::new(GuestId((*id).into()), name)))
        .collect();
    import(&mut store, Kind::Guests, items);
    for (query, want) in [
        ("买买提·艾力", &["N01"][..]),
        ("Maimaiti Aili", &["N01"]),
        ("aili maimaiti", &["N01"]),
        ("艾力", &["N03", "N01"]),
        ("aili", &["N03", "N01"]),
        ("tuerxun", &["N03"]),
        ("ayiguli", &["N02"]),
        ("du ming", &["N04"]),
        ("duming", &["N04"]),
        ("dou ming", &["N04"]),
        ("ge ming", &["N05"]),
        // 该明 is read gāi míng; 盖明 read so is only a second reading.
        ("gai ming", &["N12", "N05"]),
        ("ziju", &["N06"]),
        ("ziju ming", &["N06"]),
        ("lvran", &["N07"]),
        ("lv ran", &["N07"]),
        ("luran", &["N07"]),
        ("lu ran", &["N07"]),
        ("lü ran", &["N07"]),
        ("lüran", &["N07"]),
        ("佐佐木", &["N08"]),
        ("佐々木", &["N08"]),
        ("wang tiao", &["N09"]),
        ("wangdiao", &["N09"]),
        ("zhang shuai", &["N10"]),
        ("zhanglv", &["N10"]),
        ("𠮷田", &["N11"]),
        ("ji tian", &["N11"]),
        ("ｍａｉｍａｉｔｉ", &["N01", "N02"]),
        ("zhongli ming", &["N13"]),
        ("离明", &["N13"]),
    ] {
        let hits = store.search(query, 10).expect("search runs");
        let ids: Vec<&str> = hits.iter().map(|h| h.id.0.as_str()).collect();
        assert_eq!(ids, want, "{query}");
    }
}
