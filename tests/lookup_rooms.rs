//! The lookup on a business date: a room number finds today's guest in that room, and among
//! guests sharing digits or a name the ones in house or arriving within the week come first.

mod common;

use std::process::Command;

use common::*;

use guestbook::model::{Guest, GuestId, HitStay, Stay, StayNow, StayStatus};
use guestbook::search::{phone, MatchKind, SearchHit};
use guestbook::store::{ImportItem, Kind, Store};
use phonenumber::country::Id::CN;

const TODAY: &str = "2026-06-15";

fn guest(id: &str, name: &str, phone_text: &str, vip: Option<&str>) -> Guest {
    let mut g = Guest::new(GuestId(id.into()), name);
    g.phones = vec![phone::phone(phone_text, CN).expect("a test phone")];
    g.vip = vip.map(String::from);
    g
}

fn stay(id: &str, arrival: &str, departure: &str, status: StayStatus, room: &str) -> Stay {
    Stay {
        reservation_id: format!("R-{id}-{arrival}"),
        guest_id: GuestId(id.into()),
        arrival: date(arrival),
        departure: date(departure),
        status,
        room: Some(room.into()),
        room_type: None,
        vip: None,
        adults: None,
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    }
}

/// Room 2112: 张伟 (A01) in house, 李娜 (A05) left this morning, a cancelled booking (A09).
/// Three 张伟: in house, arriving on the 20th, and a VIP who stayed in January. 王芳 (VIP)
/// has a phone ending 2112. Two guests share the last digits 7777: a VIP and one in house.
fn open() -> (tempfile::TempDir, Box<dyn Store>) {
    use StayStatus::*;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store =
        guestbook::store::open_file(&dir.path().join("gb.db"), "test").expect("store opens");
    let guests = vec![
        guest("A01", "张伟", "13800001111", None),
        guest("A02", "张伟", "13900002222", Some("V1")),
        guest("A03", "张伟", "13700003333", None),
        guest("A04", "王芳", "13600002112", Some("V2")),
        guest("A05", "李娜", "13500004444", None),
        guest("A06", "John Smith", "+1 415 555 0132", None),
        guest("A07", "Mary Smith", "+1 415 555 0199", Some("V1")),
        guest("A08", "张伟", "13300008888", None),
        guest("A09", "赵刚", "13300009999", None),
        guest("A11", "孙丽", "13000007777", Some("V1")),
        guest("A12", "周杰", "13100007777", None),
    ];
    let stays = vec![
        stay("A01", "2026-06-13", "2026-06-18", InHouse, "2112"),
        stay("A02", "2026-01-02", "2026-01-05", Departed, "1501"),
        stay("A03", "2026-06-20", "2026-06-22", Expected, "3501"),
        stay("A05", "2026-06-12", "2026-06-15", Departed, "2112"),
        stay("A06", "2026-06-14", "2026-06-16", InHouse, "802"),
        stay("A08", "2026-06-23", "2026-06-25", Expected, "1203"),
        stay("A09", "2026-06-15", "2026-06-17", Cancelled, "2112"),
        stay("A12", "2026-06-15", "2026-06-16", Expected, "1808"),
    ];
    import(
        &mut store,
        Kind::Guests,
        guests.into_iter().map(ImportItem::Guest).collect(),
    );
    import(
        &mut store,
        Kind::Stays,
        stays.into_iter().map(ImportItem::Stay).collect(),
    );
    (dir, store)
}

fn on_today(store: &mut Box<dyn Store>, q: &str) -> Vec<SearchHit> {
    store
        .search_on(q, 20, Some(date(TODAY)))
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

fn found(hits: &[SearchHit]) -> Vec<(&str, MatchKind)> {
    hits.iter().map(|h| (h.id.0.as_str(), h.matched)).collect()
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.0.as_str()).collect()
}

fn hit_stay(status: StayNow, room: &str, arrival: &str, departure: &str) -> Option<HitStay> {
    Some(HitStay {
        status,
        room: Some(room.into()),
        arrival: date(arrival),
        departure: date(departure),
    })
}

#[test]
fn a_room_prefix_finds_the_guest_in_the_room_in_house_before_leaving() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "r2112");
    assert_eq!(
        found(&hits),
        [("A01", MatchKind::Room), ("A05", MatchKind::Room)]
    );
    assert_eq!(
        hits[0].stay,
        hit_stay(StayNow::InHouse, "2112", "2026-06-13", "2026-06-18")
    );
    assert_eq!(
        hits[1].stay,
        hit_stay(StayNow::Departing, "2112", "2026-06-12", "2026-06-15")
    );
    for q in ["R2112", "r 2112", "room 2112", "房间2112", "ｒ２１１２"] {
        assert_eq!(ids(&on_today(&mut store, q)), ["A01", "A05"], "{q}");
    }
}

#[test]
fn four_digits_that_are_a_room_and_phone_digits_show_both_room_first() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "2112");
    assert_eq!(
        found(&hits),
        [
            ("A01", MatchKind::Room),
            ("A05", MatchKind::Room),
            ("A04", MatchKind::Phone)
        ]
    );
}

#[test]
fn a_short_room_number_finds_its_guest_alone() {
    let (_dir, mut store) = open();
    assert_eq!(
        found(&on_today(&mut store, "802")),
        [("A06", MatchKind::Room)]
    );
    assert!(on_today(&mut store, "r1501").is_empty(), "January's stay");
    assert!(on_today(&mut store, "r9999").is_empty());
}

#[test]
fn without_a_business_date_no_room_is_looked_up() {
    let (_dir, mut store) = open();
    assert!(store.search("802", 20).expect("search").is_empty());
    let hits = store.search("2112", 20).expect("search");
    assert_eq!(found(&hits), [("A04", MatchKind::Phone)]);
    assert_eq!(hits[0].stay, None);
}

#[test]
fn namesakes_in_house_or_arriving_this_week_come_before_a_vip() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "张伟");
    assert_eq!(ids(&hits), ["A01", "A03", "A02", "A08"]);
    assert_eq!(
        hits[1].stay,
        hit_stay(StayNow::Arriving, "3501", "2026-06-20", "2026-06-22")
    );
    assert_eq!(hits[3].stay, None, "arrives in eight days: not this week");
    assert_eq!(ids(&on_today(&mut store, "zhang wei")), ids(&hits));
    // Without a date the VIP leads, as before.
    assert_eq!(ids(&store.search("张伟", 20).expect("search"))[0], "A02");
}

#[test]
fn a_latin_name_finds_the_guest_in_house_first() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "smith");
    assert_eq!(ids(&hits), ["A06", "A07"]);
    assert_eq!(
        hits[0].stay,
        hit_stay(StayNow::InHouse, "802", "2026-06-14", "2026-06-16")
    );
}

#[test]
fn last_digits_find_the_guest_arriving_today_before_a_vip() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "7777");
    assert_eq!(
        found(&hits),
        [("A12", MatchKind::Phone), ("A11", MatchKind::Phone)]
    );
    assert_eq!(
        hits[0].stay,
        hit_stay(StayNow::Arriving, "1808", "2026-06-15", "2026-06-16")
    );
}

#[test]
fn the_stay_line_says_where_the_guest_is() {
    use guestbook::i18n::Lang;
    let today = date(TODAY);
    let in_house = hit_stay(StayNow::InHouse, "2112", "2026-06-13", "2026-11-30").unwrap();
    let arriving = hit_stay(StayNow::Arriving, "3501", "2026-06-20", "2026-06-22").unwrap();
    let leaving = hit_stay(StayNow::Departing, "2112", "2026-06-12", "2026-06-15").unwrap();
    assert_eq!(
        in_house.text_in(Lang::En, today),
        "in house · 2112 · until 11-30"
    );
    assert_eq!(in_house.text_in(Lang::Zh, today), "在住 · 2112 · 至 11-30");
    assert_eq!(arriving.text_in(Lang::En, today), "arrives 06-20 · 3501");
    assert_eq!(arriving.text_in(Lang::Zh, today), "06-20 抵店 · 3501");
    assert_eq!(leaving.text_in(Lang::En, today), "leaves today · 2112");
}

#[test]
fn search_json_carries_the_room_reason_and_the_stay() {
    let (dir, store) = open();
    drop(store);
    let out = Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("--db")
        .arg(dir.path().join("gb.db"))
        .args([
            "--today", TODAY, "--user", "test", "search", "2112", "--json",
        ])
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", "en_US.UTF-8")
        .output()
        .expect("guestbook runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(hits[0]["id"], "A01");
    assert_eq!(hits[0]["matched"], "room");
    assert_eq!(
        hits[0]["stay"],
        serde_json::json!({"status": "in_house", "room": "2112",
            "arrival": "2026-06-13", "departure": "2026-06-18"})
    );
    assert_eq!(hits[2]["id"], "A04");
    assert_eq!(hits[2]["matched"], "phone");
    assert_eq!(hits[2]["stay"], serde_json::Value::Null);
}

#[test]
fn one_wrong_digit_offers_the_closest_number_as_did_you_mean() {
    let (_dir, mut store) = open();
    for q in ["13800001112", "138 0001 0111", "+86 13800001110"] {
        let hits = on_today(&mut store, q);
        assert_eq!(found(&hits), [("A01", MatchKind::NearPhone)], "{q}");
        assert_eq!(
            hits[0].matched_phone.as_ref().map(|p| p.0.as_str()),
            Some("+8613800001111")
        );
    }
    assert_eq!(
        found(&on_today(&mut store, "13800001111")),
        [("A01", MatchKind::Phone)],
        "a number that matches offers no guesses"
    );
    assert!(
        on_today(&mut store, "13899991111").is_empty(),
        "two digits off"
    );
}

#[test]
fn a_misheard_word_finds_the_closest_spelling_then_the_other_word() {
    let (_dir, mut store) = open();
    let hits = on_today(&mut store, "jon smith");
    assert_eq!(ids(&hits), ["A06", "A07"]);
    assert!(hits[0].score > hits[1].score, "closest spelling first");
    assert_eq!(ids(&on_today(&mut store, "john smth")), ["A06"]);
}

/// Forty 王芳 sharing the last digits 5555: a VIP among them, and the oldest profile, which a
/// capped scan of the newest namesakes never reaches, in house.
fn crowd() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store =
        guestbook::store::open_file(&dir.path().join("gb.db"), "test").expect("store opens");
    let guests = (0..40)
        .map(|i| {
            let vip = (i == 20).then_some("V1");
            guest(&format!("C{i:02}"), "王芳", &format!("139{i:04}5555"), vip)
        })
        .map(ImportItem::Guest)
        .collect();
    import(&mut store, Kind::Guests, guests);
    let staying = stay(
        "C00",
        "2026-06-14",
        "2026-06-17",
        StayStatus::InHouse,
        "1102",
    );
    import(&mut store, Kind::Stays, vec![ImportItem::Stay(staying)]);
    (dir, store)
}

#[test]
fn the_guest_in_house_leads_a_crowd_of_namesakes_beyond_the_scan_cap() {
    let (_dir, mut store) = crowd();
    for q in ["王芳", "wang fang", "5555"] {
        let hits = on_today(&mut store, q);
        assert_eq!(ids(&hits)[..2], ["C00", "C20"], "{q}");
        assert_eq!(
            hits[0].stay,
            hit_stay(StayNow::InHouse, "1102", "2026-06-14", "2026-06-17"),
            "{q}"
        );
    }
}
