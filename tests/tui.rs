//! The TUI on a real SQLite file: every screen snapshotted through ratatui's TestBackend (80x24
//! and 120x40, English and Chinese), and the staff flows driven key by key through `update()`.

mod common;

use common::*;

use std::collections::VecDeque;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use guestbook::catalog::Catalog;
use guestbook::config::AmbiguousWidth;
use guestbook::i18n::Lang;
use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{ImportItem, Kind, Store};
use guestbook::tui::app::{App, Clock, Effect, Entry, Input, MessageKind, Screen, Settings};
use guestbook::tui::form::FieldKey;
use guestbook::tui::keymap::Keymap;
use guestbook::tui::ui;
use guestbook::tui::worker::{self, Job, Request};
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::style::Color;
use ratatui::Terminal;
use tempfile::TempDir;

// ---------------------------------------------------------------- fixture

const REGION: phonenumber::country::Id = phonenumber::country::Id::CN;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn today() -> NaiveDate {
    date("2026-06-15")
}

fn guest(id: &str, name: &str, phones: &[&str]) -> Guest {
    let mut g = Guest::new(GuestId::from(id), name);
    g.phones = phones
        .iter()
        .map(|p| phone::phone(p, REGION).unwrap())
        .collect();
    g.created_at = at("2025-01-01T00:00:00Z");
    g.updated_at = g.created_at;
    g
}

fn pref(
    guest: &str,
    category: &str,
    value: &str,
    by: &str,
    source: Source,
    when: &str,
) -> NewPreference {
    NewPreference {
        guest_id: GuestId::from(guest),
        category: category.into(),
        value: value.into(),
        note: None,
        observed_by: Some(by.into()),
        observed_at: at(when),
        source: Some(source),
    }
}

fn feedback(
    guest: &str,
    kind: FeedbackKind,
    when: &str,
    text: &str,
    status: FeedbackStatus,
) -> Feedback {
    Feedback {
        id: 0,
        guest_id: GuestId::from(guest),
        kind,
        at: at(when),
        department: Some(Source::Housekeeping),
        text: text.into(),
        resolution: (status == FeedbackStatus::Resolved).then(|| "Apologised, fruit basket".into()),
        status: Some(status),
    }
}

/// A small hotel on 2026-06-15: a V1 arrival with a birthday this week and an open complaint,
/// an in-house V2 guest, a departing German guest, a do-not-rent guest sharing the last four
/// digits 8000 with the VIP, and a guest with no history.
fn hotel(dir: &TempDir) -> Box<dyn Store> {
    let mut store = guestbook::store::open_file(&dir.path().join("guestbook.db"), "test").unwrap();
    let mut zhang = guest("G0001", "张伟", &["13800138000"]);
    zhang.name_latin = Some("Zhang Wei".into());
    zhang.preferred_address = Some("张总".into());
    zhang.vip = Some("V1".into());
    zhang.birth_date = Some(date("1978-06-17"));
    zhang.company = Some("华东贸易有限公司".into());
    let mut ouyang = guest("G0002", "欧阳娜娜", &["13912345678"]);
    ouyang.name_latin = Some("Ouyang Nana".into());
    ouyang.preferred_address = Some("欧阳女士".into());
    ouyang.vip = Some("V2".into());
    let mut muller = guest("G0003", "Hans Müller", &["+49 151 12345678"]);
    muller.preferred_address = Some("Mr Müller".into());
    let mut wang = guest("G0004", "王芳", &["13800008000"]);
    wang.name_latin = Some("Wang Fang".into());
    wang.flags = vec![Flag::DoNotRent];
    wang.notes =
        Some("Damaged the room on 2025-11-02; manager approval needed for any booking.".into());
    let li = guest("G0005", "李娜", &["18612340000"]);
    import(
        &mut store,
        Kind::Guests,
        [zhang, ouyang, muller, wang, li]
            .into_iter()
            .map(ImportItem::Guest)
            .collect(),
    );
    let stays = vec![
        stay(
            "R0101",
            "G0001",
            "2025-10-08",
            "2025-10-10",
            StayStatus::Departed,
            "1806",
        ),
        stay(
            "R0102",
            "G0001",
            "2026-03-02",
            "2026-03-05",
            StayStatus::Departed,
            "1808",
        ),
        stay(
            "R0103",
            "G0001",
            "2026-06-15",
            "2026-06-18",
            StayStatus::Expected,
            "1808",
        ),
        stay(
            "R0201",
            "G0002",
            "2026-06-13",
            "2026-06-17",
            StayStatus::InHouse,
            "2301",
        ),
        stay(
            "R0301",
            "G0003",
            "2026-06-12",
            "2026-06-15",
            StayStatus::InHouse,
            "1205",
        ),
        stay(
            "R0401",
            "G0004",
            "2025-11-01",
            "2025-11-02",
            StayStatus::Departed,
            "0902",
        ),
    ];
    import(
        &mut store,
        Kind::Stays,
        stays.into_iter().map(ImportItem::Stay).collect(),
    );
    let prefs = vec![
        pref(
            "G0001",
            "pillow",
            "buckwheat",
            "lihua",
            Source::Housekeeping,
            "2025-10-09T02:00:00Z",
        ),
        pref(
            "G0001",
            "tea",
            "longjing",
            "chenjie",
            Source::FrontOffice,
            "2026-03-03T08:00:00Z",
        ),
        pref(
            "G0001",
            "room_temp",
            "22",
            "lihua",
            Source::Housekeeping,
            "2026-03-03T09:00:00Z",
        ),
        pref(
            "G0001",
            "food_taboo",
            "sour",
            "zhaomin",
            Source::Fnb,
            "2026-03-04T11:00:00Z",
        ),
        pref(
            "G0002",
            "coffee",
            "latte",
            "chenjie",
            Source::FrontOffice,
            "2026-06-14T01:00:00Z",
        ),
    ];
    import(
        &mut store,
        Kind::Preferences,
        prefs.into_iter().map(ImportItem::Preference).collect(),
    );
    let items = vec![
        feedback(
            "G0001",
            FeedbackKind::Complaint,
            "2026-03-04T06:00:00Z",
            "Room was not ready at 14:00; waited forty minutes in the lobby.",
            FeedbackStatus::Open,
        ),
        feedback(
            "G0001",
            FeedbackKind::Praise,
            "2025-10-10T03:00:00Z",
            "感谢礼宾部帮忙改签航班。",
            FeedbackStatus::Resolved,
        ),
        feedback(
            "G0004",
            FeedbackKind::Complaint,
            "2025-11-02T04:00:00Z",
            "Disputed the damage charge.",
            FeedbackStatus::Open,
        ),
    ];
    import(
        &mut store,
        Kind::Feedback,
        items.into_iter().map(ImportItem::Feedback).collect(),
    );
    store
}

// ---------------------------------------------------------------- harness

fn clock() -> Clock {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    Clock::at(today().and_hms_opt(10, 30, 0).unwrap(), offset)
}

fn settings(lang: Lang, keymap: Keymap) -> Settings {
    Settings {
        user: "lihua".into(),
        role: Role::Housekeeping,
        department: Source::Housekeeping,
        require_sign_in: false,
        fields: guestbook::interchange::ImportOptions::new(&guestbook::model::Settings::default())
            .unwrap(),
        backend: "file: guestbook.db".into(),
        lang,
        color: true,
        ambiguous_width: AmbiguousWidth::Narrow,
        today: Some(today()),
        rollover_hour: 4,
        idle_lock: Some(Duration::minutes(5)),
        catalog: Catalog::builtin(),
        keymap,
        recent_file: None,
    }
}

/// The app, its store and the requests between them. With `auto`, each request is served
/// as soon as it is made, as a fast store would; otherwise the test decides when.
struct Harness {
    _dir: TempDir,
    app: App,
    store: Box<dyn Store>,
    queue: VecDeque<Request>,
    copies: Vec<String>,
    /// The recent lists the event loop was asked to keep, by user.
    saved_recent: Vec<(String, Vec<GuestId>)>,
    quit: bool,
    auto: bool,
}

impl Harness {
    fn new(lang: Lang) -> Harness {
        Harness::with_keymap(lang, Keymap::default_keys())
    }

    fn with_keymap(lang: Lang, keymap: Keymap) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = hotel(&dir);
        Harness {
            _dir: dir,
            app: App::new(settings(lang, keymap), clock()),
            store,
            queue: VecDeque::new(),
            copies: Vec::new(),
            saved_recent: Vec::new(),
            quit: false,
            auto: true,
        }
    }

    fn feed(&mut self, input: Input) {
        let effects = self.app.update(input);
        self.apply(effects);
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(request) => self.queue.push_back(request),
                Effect::Copy(text) => self.copies.push(text),
                Effect::SaveRecent { user, ids } => self.saved_recent.push((user, ids)),
                Effect::Quit => self.quit = true,
            }
        }
        if self.auto {
            self.serve_all();
        }
    }

    fn serve_one(&mut self) -> Option<guestbook::tui::worker::Reply> {
        let request = self.queue.pop_front()?;
        Some(worker::serve(self.store.as_mut(), request))
    }

    fn serve_all(&mut self) {
        while let Some(reply) = self.serve_one() {
            let effects = self.app.update(Input::Reply(reply));
            for effect in effects {
                match effect {
                    Effect::Send(request) => self.queue.push_back(request),
                    Effect::Copy(text) => self.copies.push(text),
                    Effect::SaveRecent { user, ids } => self.saved_recent.push((user, ids)),
                    Effect::Quit => self.quit = true,
                }
            }
        }
    }

    fn press_with(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.feed(Input::Key(KeyEvent::new(code, mods)));
    }

    fn press(&mut self, code: KeyCode) {
        self.press_with(code, KeyModifiers::NONE);
    }

    fn ctrl(&mut self, c: char) {
        self.press_with(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// The lookup typed, then Enter on the first result.
    fn open(&mut self, query: &str) {
        self.type_text(query);
        self.press(KeyCode::Enter);
        assert_eq!(
            self.app.screen(),
            Screen::Profile,
            "{query} did not open a profile"
        );
    }

    fn render(&self, width: u16, height: u16) -> String {
        screen_text(&self.buffer(width, height))
    }

    fn buffer(&self, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| ui::draw(frame, &self.app)).unwrap();
        terminal.backend().buffer().clone()
    }

    fn stored_preferences(&mut self, id: &str) -> Vec<Preference> {
        self.store.profile(&GuestId::from(id)).unwrap().preferences
    }
}

/// The screen as plain lines, wide characters once, trailing spaces kept out of diffs.
fn screen_text(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width.max(1)) {
        let mut line = String::new();
        let mut skip: u16 = 0;
        for cell in row {
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            skip = skip.max(cell.cell_width()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const LANGS: [(Lang, &str); 2] = [(Lang::En, "en"), (Lang::Zh, "zh")];

/// Snapshots a screen, set up by `setup`, in both languages at both sizes.
fn snapshot_all(name: &str, setup: impl Fn(&mut Harness)) {
    for (lang, tag) in LANGS {
        let mut h = Harness::new(lang);
        setup(&mut h);
        for (w, height) in SIZES {
            insta::assert_snapshot!(format!("{name}_{tag}_{w}x{height}"), h.render(w, height));
        }
    }
}

// ---------------------------------------------------------------- snapshots

#[test]
fn snapshot_lookup_start() {
    snapshot_all("lookup_start", |_| {});
}

#[test]
fn snapshot_lookup_last_four_digits() {
    snapshot_all("lookup_8000", |h| h.type_text("8000"));
}

#[test]
fn snapshot_lookup_pinyin() {
    snapshot_all("lookup_ouyang", |h| h.type_text("ouyang"));
}

#[test]
fn snapshot_lookup_no_match() {
    snapshot_all("lookup_no_match", |h| h.type_text("zzzz"));
}

#[test]
fn no_match_offers_a_new_profile_only_to_a_role_that_may_create_one() {
    let cases = [
        (
            Role::Housekeeping,
            Source::Housekeeping,
            "No guest matches 'zzzz'.",
        ),
        (
            Role::Agent,
            Source::CallCentre,
            "No guest matches 'zzzz'. Press ctrl-n to create a profile for this caller.",
        ),
    ];
    for (role, department, expected) in cases {
        let mut h = Harness::new(Lang::En);
        as_role(&mut h, role, department);
        h.type_text("zzzz");
        let screen = h.render(80, 24);
        assert_eq!(screen.lines().nth(1).unwrap().trim(), expected, "{role:?}");
    }
}

#[test]
fn snapshot_profile_vip_with_alerts() {
    snapshot_all("profile_zhang", |h| h.open("13800138000"));
}

#[test]
fn snapshot_profile_do_not_rent() {
    snapshot_all("profile_wang", |h| h.open("13800008000"));
}

#[test]
fn snapshot_record_category_popup() {
    snapshot_all("record_categories", |h| {
        h.open("13800138000");
        h.type_text("p");
    });
}

#[test]
fn snapshot_record_options_second_page() {
    snapshot_all("record_food_taboo_page2", |h| {
        h.open("13800138000");
        h.type_text("pf");
        h.press(KeyCode::Tab);
    });
}

#[test]
fn snapshot_record_number() {
    snapshot_all("record_room_temp", |h| {
        h.open("13800138000");
        h.type_text("pr2");
    });
}

#[test]
fn snapshot_note_entry() {
    snapshot_all("note_entry", |h| {
        h.open("13800138000");
        h.type_text("pp1nsame as last time");
    });
}

#[test]
fn snapshot_board() {
    snapshot_all("board", |h| h.ctrl('b'));
}

#[test]
fn snapshot_help_over_profile() {
    snapshot_all("help_profile", |h| {
        h.open("13800138000");
        h.type_text("?");
    });
}

#[test]
fn snapshot_locked() {
    snapshot_all("locked", |h| {
        h.open("13800138000");
        h.ctrl('l');
    });
}

// ---------------------------------------------------------------- flows

#[test]
fn phone_number_and_enter_with_one_match_opens_the_profile_even_before_results() {
    let mut h = Harness::new(Lang::En);
    h.auto = false;
    h.type_text("138 0013 8000");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Lookup);
    h.serve_all();
    assert_eq!(h.app.screen(), Screen::Profile);
    let shown = h.app.profile.profile.as_ref().unwrap();
    assert_eq!(shown.guest.id, GuestId::from("G0001"));
}

#[test]
fn enter_before_the_results_opens_what_enter_after_them_opens() {
    let opened = |wait_for_results: bool| {
        let mut h = Harness::new(Lang::En);
        h.auto = wait_for_results;
        h.type_text("8000");
        h.press(KeyCode::Enter);
        assert_eq!(h.app.screen() == Screen::Profile, wait_for_results);
        h.serve_all();
        assert_eq!(h.app.screen(), Screen::Profile);
        h.app.profile.id.clone().unwrap()
    };
    assert_eq!(opened(false), opened(true));
    assert_eq!(opened(false), GuestId::from("G0001"));
}

#[test]
fn keys_typed_while_a_profile_loads_are_applied_once_it_is_open() {
    let mut h = Harness::new(Lang::En);
    h.auto = false;
    h.type_text("13912345678");
    h.press(KeyCode::Enter);
    h.type_text("pp1");
    assert_eq!(h.app.held_keys(), 3);
    assert_eq!(h.app.lookup.query, "13912345678");
    h.serve_all();
    assert_eq!(h.app.held_keys(), 0);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0002")));
    let newest = h.stored_preferences("G0002").remove(0);
    assert_eq!(
        (newest.category.as_str(), newest.value.as_str()),
        ("pillow", "buckwheat")
    );
}

#[test]
fn a_burst_typed_at_once_goes_through_the_event_loop_in_order() {
    use guestbook::tui::wide::WideAware;
    use guestbook::tui::worker::{Answer, Worker};
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};
    use std::sync::mpsc;

    let dir = tempfile::tempdir().unwrap();
    drop(hotel(&dir));
    let store = guestbook::store::open_file(&dir.path().join("guestbook.db"), "lihua").unwrap();
    let (events, inbox) = mpsc::channel();
    let (recorded, was_recorded) = mpsc::channel();
    let replies = events.clone();
    let worker = Worker::spawn(store, move |reply| {
        let added = matches!(reply.result, Ok(Answer::Added(_)));
        let _ = replies.send(Input::Reply(reply));
        if added {
            let _ = recorded.send(());
        }
    })
    .unwrap();
    // The whole burst is queued before the loop reads any of it, as from a paste or a slow
    // SSH link: the query, Enter, then three keys meant for the profile Enter opens.
    let key = |code| Input::Key(KeyEvent::new(code, KeyModifiers::NONE));
    for c in "zhangwei".chars() {
        events.send(key(KeyCode::Char(c))).unwrap();
    }
    events.send(key(KeyCode::Enter)).unwrap();
    for c in "pp1".chars() {
        events.send(key(KeyCode::Char(c))).unwrap();
    }
    let mut settings = settings(Lang::En, Keymap::default_keys());
    settings.idle_lock = None;
    let mut app = App::new(settings, clock());
    let backend = WideAware::new(CrosstermBackend::new(Vec::new()));
    let viewport = Viewport::Fixed(Rect::new(0, 0, 80, 24));
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let running = std::thread::spawn(move || {
        let result = guestbook::tui::event_loop(&mut terminal, &mut app, &worker, &inbox, vec![]);
        (result.is_ok(), app)
    });
    was_recorded
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the burst records a preference");
    events
        .send(Input::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )))
        .unwrap();
    let (ok, app) = running.join().unwrap();
    assert!(ok);
    assert_eq!(app.lookup.query, "zhangwei");
    assert_eq!(app.screen(), Screen::Profile);
    assert_eq!(app.profile.id, Some(GuestId::from("G0001")));
    assert_eq!(
        app.message.unwrap().text,
        "Recorded Pillow: Buckwheat · n add a note · u undo"
    );
    let mut store = guestbook::store::open_file(&dir.path().join("guestbook.db"), "lihua").unwrap();
    let newest = store.profile(&GuestId::from("G0001")).unwrap().preferences[0].clone();
    assert_eq!(
        (newest.category.as_str(), newest.value.as_str()),
        ("pillow", "buckwheat")
    );
    assert_eq!(newest.observed_by.as_deref(), Some("lihua"));
}

#[test]
fn stale_search_reply_is_dropped() {
    let mut h = Harness::new(Lang::En);
    h.auto = false;
    h.type_text("zhan");
    let first = h.queue.pop_front().unwrap();
    h.type_text("g");
    let old = worker::serve(h.store.as_mut(), first);
    h.feed(Input::Reply(old));
    assert!(h.app.lookup.hits.is_empty(), "the reply for 'z' was shown");
    assert!(h.app.busy());
    let newest = h.queue.pop_back().unwrap();
    h.queue.clear();
    let reply = worker::serve(h.store.as_mut(), newest);
    h.feed(Input::Reply(reply));
    let names: Vec<&str> = h
        .app
        .lookup
        .hits
        .iter()
        .map(|hit| hit.name.as_str())
        .collect();
    assert_eq!(names, ["张伟"]);
    assert_eq!(h.app.lookup.hits_for, "zhang");
    assert!(!h.app.busy());
}

#[test]
fn three_keys_record_a_pillow_preference_under_the_users_department() {
    let mut h = Harness::new(Lang::En);
    // The screens are lihua's, a housekeeping supervisor: the store acts as her account
    // (it records who observed, whatever a front end sends).
    add_account(&mut h.store, "test", Role::Admin);
    add_account(&mut h.store, "lihua", Role::Housekeeping);
    // Housekeeping reaches the guests staying on the store's business date only.
    let today = guestbook::rules::settings::business_date(&h.store.settings().unwrap(), Utc::now());
    let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let now = stay(
        "R0299",
        "G0002",
        &text(today - Duration::days(1)),
        &text(today + Duration::days(1)),
        StayStatus::InHouse,
        "2301",
    );
    import(&mut h.store, Kind::Stays, vec![ImportItem::Stay(now)]);
    h.store = guestbook::store::open_file(&h._dir.path().join("guestbook.db"), "lihua").unwrap();
    h.open("13912345678");
    h.type_text("pp1");
    let stored = h.stored_preferences("G0002");
    let newest = &stored[0];
    assert_eq!(
        (newest.category.as_str(), newest.value.as_str()),
        ("pillow", "buckwheat")
    );
    assert_eq!(newest.source, Some(Source::Housekeeping));
    assert_eq!(newest.observed_by.as_deref(), Some("lihua"));
    assert_eq!(newest.observed_at, clock().utc);
    let screen = h.render(80, 24);
    let shown = |l: &str| {
        l.contains("Pillow") && l.contains("Buckwheat        Housekeeping · lihua · 2026-06-15")
    };
    assert!(screen.lines().any(shown), "{screen}");
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Info);
    assert_eq!(
        message.text,
        "Recorded Pillow: Buckwheat · n add a note · u undo"
    );
}

#[test]
fn note_is_added_to_the_entry_just_recorded() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("pt3nwith honey");
    h.press(KeyCode::Enter);
    let newest = &h.stored_preferences("G0002")[0];
    assert_eq!(newest.value, "jasmine");
    assert_eq!(newest.note.as_deref(), Some("with honey"));
}

#[test]
fn undo_retires_the_last_entry_and_hides_it() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("pp1pt1u");
    // The profile holds what is in force: the undone tea is gone, the pillow stays.
    let stored = h.stored_preferences("G0002");
    let has = |v: &str| stored.iter().any(|p| p.value == v);
    assert!(!has("longjing"));
    assert!(has("buckwheat"));
    let screen = h.render(80, 24);
    assert!(!screen.lines().any(|l| l.starts_with("  Tea")), "{screen}");
    assert!(screen.contains("Undone: Tea: Longjing"), "{screen}");
    h.type_text("uu");
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "Nothing recorded here to undo."
    );
}

#[test]
fn numeric_category_takes_a_number_and_refuses_one_out_of_range() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("pr40");
    h.press(KeyCode::Enter);
    assert_eq!(
        h.app.message.as_ref().unwrap().text,
        "Type a whole number from 16 to 30 °C, then Enter."
    );
    assert!(matches!(h.app.profile.entry, Some(Entry::Number { .. })));
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Backspace);
    h.type_text("24");
    h.press(KeyCode::Enter);
    let newest = &h.stored_preferences("G0002")[0];
    assert_eq!(
        (newest.category.as_str(), newest.value.as_str()),
        ("room_temp", "24")
    );
}

#[test]
fn second_page_of_options_is_reached_with_zero() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("pf01");
    let newest = &h.stored_preferences("G0002")[0];
    assert_eq!(newest.value, "sour");
}

#[test]
fn escape_returns_to_the_lookup_with_query_and_selection_kept() {
    let mut h = Harness::new(Lang::En);
    h.type_text("8000");
    h.press(KeyCode::Down);
    let chosen = h.app.lookup.hits[1].id.clone();
    h.press(KeyCode::Enter);
    assert_eq!(h.app.profile.profile.as_ref().unwrap().guest.id, chosen);
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screen(), Screen::Lookup);
    assert_eq!(h.app.lookup.query, "8000");
    assert_eq!(h.app.lookup.selected, 1);
}

#[test]
fn board_shows_the_vip_arrival_and_steps_through_days() {
    let mut h = Harness::new(Lang::En);
    h.ctrl('b');
    let board = h.app.board.board.clone().unwrap();
    assert_eq!(board.date, today());
    assert_eq!(board.arrivals[0].name, "张伟");
    assert_eq!(board.arrivals[0].vip.as_deref(), Some("V1"));
    h.type_text("v");
    let vip = h.app.board.board.clone().unwrap();
    assert!(vip.departures.is_empty(), "Müller has no VIP code");
    h.type_text("]");
    assert_eq!(h.app.board.board.as_ref().unwrap().date, date("2026-06-16"));
    h.type_text("t");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0001")));
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screen(), Screen::Board);
}

#[test]
fn idle_lock_hides_everything_personal_but_keeps_the_watermark() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    let mut later = clock();
    later.utc += Duration::minutes(5);
    h.feed(Input::Tick(later));
    assert!(h.app.locked);
    let screen = h.render(80, 24);
    for personal in ["张伟", "Zhang", "138", "1808", "Buckwheat", "G0001"] {
        assert!(
            !screen.contains(personal),
            "{personal} visible while locked:\n{screen}"
        );
    }
    assert!(
        screen.contains("lihua · housekeeping · file: guestbook.db"),
        "{screen}"
    );
    h.type_text("b");
    assert!(
        h.app.locked,
        "keys other than unlock do nothing while locked"
    );
    h.press(KeyCode::Enter);
    assert!(!h.app.locked);
    assert!(h.render(80, 24).contains("张伟"));
}

#[test]
fn watermark_is_on_every_screen() {
    let mut h = Harness::new(Lang::En);
    let mark = "lihua · housekeeping · file: guestbook.db · Business date 2026-06-15 · 10:30";
    assert!(h.render(80, 24).contains(mark));
    h.open("13800138000");
    assert!(h.render(80, 24).contains(mark));
    h.type_text("b");
    assert!(h.render(80, 24).contains(mark));
    h.type_text("?");
    assert!(h.render(80, 24).contains(mark));
}

#[test]
fn copy_puts_the_phone_or_reservation_on_the_clipboard() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    h.type_text("yY");
    assert_eq!(h.copies, ["+8613800138000", "R0103"]);
}

#[test]
fn key_release_events_are_ignored() {
    let mut h = Harness::new(Lang::En);
    let mut release = KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    h.feed(Input::Key(release));
    assert_eq!(h.app.lookup.query, "");
}

#[test]
fn ctrl_c_quits_from_any_screen() {
    for setup in ["", "p", "n"] {
        let mut h = Harness::new(Lang::En);
        h.open("13800138000");
        h.type_text(setup);
        h.ctrl('c');
        assert!(h.quit, "after {setup:?}");
    }
}

#[test]
fn ctrl_c_over_unsaved_typing_warns_once_and_the_second_quits() {
    let warning = "What you typed is not saved: press ctrl-c again to quit without saving it.";
    // A note half typed, then a changed edit form.
    for setup in ["pp1nquiet room", "eX"] {
        let mut h = Harness::new(Lang::En);
        as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
        h.open("13800138000");
        h.type_text(setup);
        h.ctrl('c');
        assert!(!h.quit, "after {setup:?}");
        assert_eq!(h.app.message.as_ref().unwrap().text, warning);
        // Another key in between takes the warning back: Ctrl-C warns again.
        h.type_text("!");
        h.ctrl('c');
        assert!(!h.quit, "after {setup:?}");
        h.ctrl('c');
        assert!(h.quit, "after {setup:?}");
    }
}

#[test]
fn store_error_is_shown_and_the_screen_stays_usable() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    let path = h._dir.path().join("guestbook.db");
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("DROP TABLE preferences").unwrap();
    h.type_text("pp1");
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    // Said in a sentence for staff: no table name, no SQLite text.
    assert!(message.text.contains("database"), "{}", message.text);
    assert!(!message.text.contains("preferences"), "{}", message.text);
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screen(), Screen::Lookup);
}

#[test]
fn slow_store_shows_a_spinner_not_a_frozen_screen() {
    let mut h = Harness::new(Lang::En);
    h.auto = false;
    h.type_text("zhang");
    h.tick_after(0);
    assert!(h.app.busy());
    // An answer in the next moment would only flash a spinner on every keystroke.
    let prompt = |h: &Harness| {
        h.render(80, 24)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(prompt(&h).trim_end(), "Find › zhang");
    assert!(!h.render(80, 24).contains("Searching…"));
    h.tick_after(1);
    assert!(h.render(80, 24).contains("Searching…"));
    assert!(prompt(&h).trim_end().ends_with('\\'), "{}", prompt(&h));
    h.serve_all();
    assert!(!h.app.busy());
    assert!(!h.render(80, 24).contains("Searching…"));
}

#[test]
fn no_color_uses_no_colours_anywhere() {
    let mut h = Harness::new(Lang::En);
    h.app.settings.color = false;
    h.open("13800138000");
    let screens = [h.buffer(80, 24), {
        h.ctrl('b');
        h.buffer(80, 24)
    }];
    for buffer in screens {
        for cell in &buffer.content {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
        }
    }
}

#[test]
fn tiny_windows_render_without_panicking() {
    let mut h = Harness::new(Lang::Zh);
    let check = |h: &Harness| {
        for (w, height) in [(0, 0), (1, 1), (5, 2), (10, 3), (19, 4), (20, 5), (33, 7)] {
            h.render(w, height);
        }
    };
    check(&h);
    h.type_text("8000");
    check(&h);
    h.press(KeyCode::Enter);
    check(&h);
    h.type_text("p");
    check(&h);
    h.type_text("f");
    check(&h);
    h.press(KeyCode::Esc);
    h.type_text("?");
    check(&h);
    h.press(KeyCode::Esc);
    h.ctrl('b');
    check(&h);
    h.ctrl('l');
    check(&h);
}

#[test]
fn twenty_by_five_still_shows_the_query_and_the_watermark() {
    let mut h = Harness::new(Lang::En);
    h.type_text("8000");
    let screen = h.render(20, 5);
    assert!(screen.lines().next().unwrap().contains("8000"), "{screen}");
    assert!(screen.lines().last().unwrap().contains("lihua"), "{screen}");
}

#[test]
fn help_is_generated_from_the_active_keymap() {
    let mut h = Harness::with_keymap(Lang::En, Keymap::load("vim", None).unwrap());
    h.open("13800138000");
    h.type_text("?");
    let screen = h.render(120, 40);
    assert!(screen.contains("Keys (vim keymap)"), "{screen}");
    assert!(screen.contains("k / up"), "{screen}");
    h.type_text("q");
    assert!(h.app.help.is_none());
}

#[test]
fn screen_pop_with_a_phone_opens_a_single_match() {
    let mut h = Harness::new(Lang::En);
    let effects = h.app.start(Some("+86 139 1234 5678"), true);
    h.apply(effects);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0002")));
}

#[test]
fn find_opens_on_the_query_without_opening_a_profile() {
    let mut h = Harness::new(Lang::En);
    let effects = h.app.start(Some("欧阳"), false);
    h.apply(effects);
    assert_eq!(h.app.screen(), Screen::Lookup);
    assert_eq!(h.app.lookup.hits.len(), 1);
}

// ---------------------------------------------------------------- nothing hidden silently

/// Twelve more arrivals today, in rooms that sort differently as text and as numbers.
fn crowded_arrivals(h: &mut Harness) {
    let rooms = [
        "2917", "802", "1203", "905", "3101", "1510", "2002", "710", "1111", "606", "2525", "1999",
    ];
    let guests = (0..rooms.len())
        .map(|i| {
            let mut g = guest(&format!("G1{i:03}"), &format!("Guest {i}"), &[]);
            g.name_latin = None;
            ImportItem::Guest(g)
        })
        .collect();
    import(&mut h.store, Kind::Guests, guests);
    let stays = rooms
        .iter()
        .enumerate()
        .map(|(i, room)| {
            ImportItem::Stay(stay(
                &format!("R1{i:03}"),
                &format!("G1{i:03}"),
                "2026-06-15",
                "2026-06-16",
                StayStatus::Expected,
                room,
            ))
        })
        .collect();
    import(&mut h.store, Kind::Stays, stays);
}

fn arrival_rooms(h: &Harness) -> Vec<String> {
    let board = h.app.board.board.as_ref().unwrap();
    board
        .arrivals
        .iter()
        .map(|r| r.room.clone().unwrap_or_default())
        .collect()
}

#[test]
fn board_rooms_sort_as_numbers_after_the_vips() {
    let mut h = Harness::new(Lang::En);
    crowded_arrivals(&mut h);
    h.ctrl('b');
    // The harness's VIP arrival (1808) first, then the rooms as numbers.
    assert_eq!(
        arrival_rooms(&h),
        [
            "1808", "606", "710", "802", "905", "1111", "1203", "1510", "1999", "2002", "2525",
            "2917", "3101"
        ]
    );
}

#[test]
fn board_panel_says_how_many_rows_are_below_and_arrows_reach_them() {
    let mut h = Harness::new(Lang::En);
    crowded_arrivals(&mut h);
    h.ctrl('b');
    let screen = h.render(80, 24);
    let title = screen.lines().nth(1).unwrap();
    assert_eq!(title, " Arrivals today (13)  8 more below");
    for _ in 0..7 {
        h.press(KeyCode::Down);
    }
    let screen = h.render(80, 24);
    let title = screen.lines().nth(1).unwrap();
    assert_eq!(title, " Arrivals today (13)  3 above · 5 more below");
    assert!(screen.contains("1510"), "{screen}");
    for _ in 7..12 {
        h.press(KeyCode::Down);
    }
    let screen = h.render(80, 24);
    let title = screen.lines().nth(1).unwrap();
    assert_eq!(title, " Arrivals today (13)  8 above");
    assert!(screen.contains("3101"), "{screen}");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G1004")));
    h.press(KeyCode::Esc);
    // Down past the last arrival goes on to the guests in house.
    h.press(KeyCode::Down);
    assert_eq!(h.app.board.panel, 1);
    assert_eq!(h.app.selected_row().unwrap().name, "欧阳娜娜");
    h.press(KeyCode::Up);
    assert_eq!(h.app.board.panel, 0);
    assert_eq!(h.app.selected_row().unwrap().room.as_deref(), Some("3101"));
}

#[test]
fn board_panels_name_the_day_they_show() {
    for (lang, today, tomorrow, later) in [
        (
            Lang::En,
            " Arrivals today (1)",
            " Arrivals tomorrow (0)",
            " Arrivals 06-17 (0)",
        ),
        (Lang::Zh, " 今日抵店 (1)", " 明日抵店 (0)", " 06-17抵店 (0)"),
    ] {
        let mut h = Harness::new(lang);
        h.ctrl('b');
        let title = |h: &Harness| h.render(80, 24).lines().nth(1).unwrap().to_string();
        assert_eq!(title(&h), today);
        h.type_text("]");
        assert_eq!(title(&h), tomorrow);
        h.type_text("]");
        assert_eq!(title(&h), later);
    }
}

#[test]
fn board_alerts_are_never_cut_and_come_before_preferences_when_narrow() {
    let mut h = Harness::new(Lang::En);
    h.ctrl('b');
    for w in [60, 80, 100] {
        let screen = h.render(w, 24);
        let row = screen.lines().find(|l| l.starts_with("1808")).unwrap();
        let alerts = row.find("Complaint Birthday");
        let prefs = row.find("Buckwhe");
        assert!(alerts.is_some(), "{w}: {row}");
        assert!(alerts < prefs, "{w}: {row}");
    }
    let screen = h.render(120, 40);
    let row = screen.lines().find(|l| l.starts_with("1808")).unwrap();
    assert!(row.ends_with("Complaint Birthday"), "{row}");
    let narrow = h.render(50, 24);
    let row = narrow.lines().find(|l| l.starts_with("1808")).unwrap();
    assert!(row.ends_with("Complaint Birthday"), "{row}");
}

#[test]
fn a_guest_with_many_flags_keeps_the_names_on_the_board_and_counts_the_rest() {
    let mut h = Harness::new(Lang::En);
    let flags = GuestPatch {
        flags: Some(vec![
            Flag::NoMarketing,
            Flag::LegalHold,
            Flag::EraseRequested,
        ]),
        ..GuestPatch::default()
    };
    h.store
        .update_guest(&GuestId::from("G0001"), &flags, None)
        .unwrap();
    h.ctrl('b');
    let screen = h.render(80, 24);
    let row = screen.lines().find(|l| l.starts_with("1808")).unwrap();
    assert!(row.contains("张伟"), "{row}");
    assert!(row.contains(" +"), "{row}");
    // Every other row keeps its name column where it was.
    let other = screen.lines().find(|l| l.starts_with("2301")).unwrap();
    assert!(other.contains("欧阳娜娜 Ouyang N… V2"), "{other}");
}

#[test]
fn text_cut_to_fit_ends_with_an_ellipsis() {
    let mut h = Harness::new(Lang::En);
    h.ctrl('b');
    let screen = h.render(80, 24);
    let row = screen.lines().find(|l| l.starts_with("2301")).unwrap();
    assert!(row.contains("欧阳娜娜 Ouyang N… V2"), "{row}");
    let row = screen.lines().find(|l| l.starts_with("1808")).unwrap();
    assert!(row.ends_with("Buckwheat, Longjing, 22 °C,…"), "{row}");
}

// ---------------------------------------------------------------- long input

#[test]
fn a_long_query_scrolls_so_its_end_cursor_and_count_stay_visible() {
    let mut h = Harness::new(Lang::En);
    let query: String = (0..30).map(|i| format!("word{i:02} ")).collect::<String>() + "8000";
    h.feed(Input::Paste(query.clone()));
    assert_eq!(h.app.lookup.query.chars().count(), 200);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &h.app)).unwrap();
    let first = screen_text(terminal.backend().buffer())
        .lines()
        .next()
        .unwrap()
        .to_string();
    let tail: String = h
        .app
        .lookup
        .query
        .chars()
        .rev()
        .take(20)
        .collect::<String>();
    let tail: String = tail.chars().rev().collect();
    assert!(first.starts_with("Find › …"), "{first}");
    assert!(first.contains(&tail), "{first}");
    assert!(first.ends_with("0 found"), "{first}");
    let cursor = terminal.get_cursor_position().unwrap();
    let end = first.find(" 0 found").unwrap();
    let columns = first[..end].trim_end().chars().count();
    assert_eq!((cursor.y, cursor.x as usize), (0, columns));
    let message = h.app.message.clone().unwrap();
    assert_eq!(
        (message.kind, message.text.as_str()),
        (
            MessageKind::Error,
            "A query may have at most 200 characters."
        )
    );
}

#[test]
fn a_note_over_the_limit_is_refused_with_the_limit_shown_and_kept_for_editing() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("pp1n");
    let long = "安静".repeat(1000) + "!";
    h.feed(Input::Paste(long.clone()));
    h.press(KeyCode::Enter);
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert_eq!(
        message.text,
        "A note may have at most 2000 characters; this one has 2001. Shorten it, then Enter."
    );
    assert!(matches!(&h.app.profile.entry, Some(Entry::Note { text, .. }) if *text == long));
    assert_eq!(h.stored_preferences("G0002")[0].note, None);
    let screen = h.render(80, 24);
    assert!(screen.contains("2001/2000 characters"), "{screen}");
    assert!(
        screen.contains("安静安静!"),
        "the end of the note is in view:\n{screen}"
    );
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.message.clone().unwrap().text, "Note saved.");
    let stored = h.stored_preferences("G0002")[0].note.clone().unwrap();
    assert_eq!(stored.chars().count(), 2000);
}

// ---------------------------------------------------------------- small screens

#[test]
fn at_40x10_the_category_menu_shows_there_is_more_and_scrolls_to_it() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    h.type_text("p");
    let screen = h.render(40, 10);
    assert!(screen.contains("p Pillow"), "{screen}");
    assert!(screen.contains("more: tab"), "{screen}");
    assert!(!screen.contains("i In-room amenity"), "{screen}");
    let mut seen = String::new();
    for _ in 0..6 {
        seen.push_str(&h.render(40, 10));
        h.press(KeyCode::Tab);
    }
    for letter in ["p ", "t ", "f ", "w ", "a ", "i "] {
        assert!(seen.contains(letter), "{letter} never shown:\n{seen}");
    }
}

#[test]
fn at_40x10_every_food_taboo_can_be_seen() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    h.type_text("pf");
    let taboo = Catalog::builtin().get("food_taboo").unwrap().clone();
    let mut seen = String::new();
    for _ in 0..8 {
        seen.push_str(&h.render(40, 10));
        h.press(KeyCode::Tab);
    }
    for page in 0..taboo.pages() {
        for digit in 1..=9 {
            if let Some(choice) = taboo.choice_at(page, digit) {
                let label = choice.label(Lang::En);
                assert!(
                    seen.contains(&format!("{digit} {label}")),
                    "{digit} {label}:\n{seen}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------- every terminal

fn wide_harness(lang: Lang) -> Harness {
    let mut h = Harness::new(lang);
    h.app.settings.ambiguous_width = AmbiguousWidth::Wide;
    h
}

#[test]
fn wide_ambiguous_mode_draws_no_character_a_wide_terminal_would_widen() {
    for lang in [Lang::En, Lang::Zh] {
        let mut h = wide_harness(lang);
        h.open("13800138000");
        for (w, height) in SIZES {
            let buffer = h.buffer(w, height);
            for cell in &buffer.content {
                let mut chars = cell.symbol().chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    assert_eq!(
                        guestbook::text::ascii_stand_in(c),
                        None,
                        "{c:?} at {w}x{height}"
                    );
                }
            }
        }
    }
}

#[test]
fn snapshot_profile_ambiguous_wide_and_narrow() {
    for (lang, tag) in LANGS {
        let mut narrow = Harness::new(lang);
        narrow.open("13800138000");
        let mut wide = wide_harness(lang);
        wide.open("13800138000");
        insta::assert_snapshot!(
            format!("ambiguous_narrow_{tag}_80x24"),
            narrow.render(80, 24)
        );
        insta::assert_snapshot!(format!("ambiguous_wide_{tag}_80x24"), wide.render(80, 24));
    }
}

/// A guest whose name is half-width katakana with a voiced mark, arriving today in 1010.
fn katakana_guest(h: &mut Harness) {
    let g = guest("G2001", "ｻﾄｳ ﾀﾞｲｽｹ", &["09012345678"]);
    import(&mut h.store, Kind::Guests, vec![ImportItem::Guest(g)]);
    let s = stay(
        "R2001",
        "G2001",
        "2026-06-15",
        "2026-06-17",
        StayStatus::Expected,
        "1010",
    );
    import(&mut h.store, Kind::Stays, vec![ImportItem::Stay(s)]);
}

#[test]
fn a_narrow_window_wraps_the_profile_header_by_whole_items() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    let screen = h.render(44, 20);
    let header: Vec<&str> = screen.lines().take(6).collect();
    assert_eq!(
        header,
        [
            "[V1] 张伟  Zhang Wei  G0001",
            "Greet as 张总  Stays: 2",
            "arrives today · 1808  Last stay 2026-03-02",
            " OPEN COMPLAINT (1)   birthday 06-17",
            "Phone +86 138****8000",
            "Company 华东贸易有限公司",
        ],
        "{screen}"
    );
}

#[test]
fn every_stay_status_is_shown_whole_in_the_stay_history() {
    for (lang, expected) in [(Lang::En, "Cancelled R0999"), (Lang::Zh, "已取消 R0999")] {
        let mut h = Harness::new(lang);
        let s = stay(
            "R0999",
            "G0005",
            "2026-05-01",
            "2026-05-03",
            StayStatus::Cancelled,
            "1201",
        );
        import(&mut h.store, Kind::Stays, vec![ImportItem::Stay(s)]);
        h.open("18612340000");
        let screen = h.render(80, 24);
        let row = screen.lines().find(|l| l.contains("R0999")).unwrap();
        assert!(row.ends_with(expected), "{row}");
    }
}

#[test]
fn halfwidth_katakana_keeps_its_last_character_in_the_list_and_on_the_board() {
    let mut h = Harness::new(Lang::En);
    katakana_guest(&mut h);
    h.type_text("ｻﾄｳ");
    assert_eq!(h.app.lookup.hits.len(), 1, "{:?}", h.app.lookup.hits);
    let screen = h.render(80, 24);
    assert!(screen.contains("ｻﾄｳ ﾀﾞｲｽｹ"), "{screen}");
    h.press(KeyCode::Esc);
    h.ctrl('b');
    let screen = h.render(80, 24);
    let row = screen.lines().find(|l| l.starts_with("1010")).unwrap();
    assert!(row.contains("ｻﾄｳ ﾀﾞｲｽｹ "), "{row}");
}

#[test]
fn help_lists_b_only_where_b_opens_the_board() {
    let mut h = Harness::new(Lang::En);
    h.type_text("?");
    let help: Vec<String> = h
        .render(80, 40)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let at = |text: &str| help.iter().position(|l| l == text);
    let everywhere = at("│Everywhere │").unwrap();
    let profile = at("│Profile │").unwrap();
    assert!(everywhere < profile, "{help:#?}");
    assert_eq!(at("│ ctrl-b / f2 VIP board │"), Some(everywhere + 3));
    assert_eq!(at("│ b VIP board │"), Some(profile + 2), "{help:#?}");
    h.press(KeyCode::Esc);
    h.type_text("b");
    assert_eq!(h.app.lookup.query, "b", "b is text in the lookup field");
    assert_eq!(h.app.screen(), Screen::Lookup);
}

#[test]
fn profile_alerts_wrap_instead_of_being_cut_on_a_narrow_screen() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    let screen = h.render(30, 24);
    let lines: Vec<&str> = screen.lines().collect();
    let complaint = lines.iter().position(|l| l.contains("OPEN COMPLAINT (1)"));
    let birthday = lines.iter().position(|l| l.contains("birthday 06-17"));
    assert!(
        complaint.is_some() && birthday == complaint.map(|c| c + 1),
        "{screen}"
    );
}

#[test]
fn keys_held_for_a_loading_profile_are_dropped_when_the_screen_locks() {
    let mut h = Harness::new(Lang::En);
    h.auto = false;
    h.type_text("13912345678");
    h.press(KeyCode::Enter);
    h.type_text("pp1");
    assert_eq!(h.app.held_keys(), 3);
    let mut later = clock();
    later.utc += Duration::minutes(5);
    h.feed(Input::Tick(later));
    assert!(h.app.locked);
    assert_eq!(h.app.held_keys(), 0);
    h.serve_all();
    assert!(h.app.locked);
    let stored: Vec<(String, String)> = h
        .stored_preferences("G0002")
        .into_iter()
        .map(|p| (p.category, p.value))
        .collect();
    assert_eq!(stored, [("coffee".to_string(), "latte".to_string())]);
}

// ---------------------------------------------------------------- forms (issue 9)

fn field_text(h: &Harness, key: FieldKey) -> String {
    let form = h.app.active_form().expect("a form is open");
    form.text(key).to_string()
}

fn field_error(h: &Harness, key: FieldKey) -> Option<String> {
    let form = h.app.active_form().expect("a form is open");
    form.field(key).and_then(|f| f.error.clone())
}

fn as_role(h: &mut Harness, role: Role, department: Source) {
    h.app.settings.role = role;
    h.app.settings.department = department;
}

/// Another terminal on the same file, acting as `user`.
fn second_terminal(h: &Harness, user: &str) -> Box<dyn Store> {
    guestbook::store::open_file(&h._dir.path().join("guestbook.db"), user).unwrap()
}

const NAME: FieldKey = FieldKey::Guest(GuestField::Name);
const PHONES: FieldKey = FieldKey::Guest(GuestField::Phones);
const COMPANY: FieldKey = FieldKey::Guest(GuestField::Company);
const GREETING: FieldKey = FieldKey::Guest(GuestField::PreferredAddress);
const VIP: FieldKey = FieldKey::Guest(GuestField::Vip);

#[test]
fn snapshot_new_profile_form_from_a_number_with_no_match() {
    snapshot_all("new_guest_form", |h| {
        as_role(h, Role::Agent, Source::CallCentre);
        h.type_text("13700001111");
        h.ctrl('n');
    });
}

#[test]
fn a_caller_not_on_file_gets_a_profile_with_the_typed_number_and_it_opens() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.type_text("13700001111");
    assert!(h.app.lookup.hits.is_empty());
    h.ctrl('n');
    assert_eq!(h.app.screen(), Screen::Form);
    assert_eq!(field_text(&h, PHONES), "13700001111");
    assert_eq!(
        h.app.active_form().unwrap().focus,
        0,
        "the cursor waits in the name"
    );
    h.type_text("赵敏");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    let profile = h
        .app
        .profile
        .profile
        .clone()
        .expect("the new profile is shown");
    assert_eq!(profile.guest.name, "赵敏");
    let phones: Vec<&str> = profile
        .guest
        .phones
        .iter()
        .map(|p| p.e164.0.as_str())
        .collect();
    assert_eq!(phones, vec!["+8613700001111"]);
    let message = h.app.message.clone().unwrap();
    assert_eq!(
        message.text,
        format!("Profile {} created.", profile.guest.id)
    );
    let hits = h.store.search("13700001111", 10).unwrap();
    let names: Vec<&str> = hits.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["赵敏"]);
}

#[test]
fn a_name_with_no_match_fills_the_name_of_the_new_profile() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.type_text("Ada Lovelace");
    h.ctrl('n');
    assert_eq!(field_text(&h, NAME), "Ada Lovelace");
    assert_eq!(field_text(&h, PHONES), "");
    assert_eq!(h.app.active_form().unwrap().focus, 1);
}

#[test]
fn an_invalid_value_is_marked_on_its_field_and_nothing_typed_is_lost() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.type_text("13700001111");
    h.ctrl('n');
    h.type_text("赵敏");
    for _ in 0..6 {
        h.press(KeyCode::Tab);
    }
    h.type_text("V9");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Form, "nothing was saved");
    assert_eq!(
        field_error(&h, VIP).as_deref(),
        Some("'V9' is not a configured VIP code (V1, V2, V3, V4, V5)")
    );
    assert_eq!(field_text(&h, VIP), "V9");
    assert_eq!(field_text(&h, NAME), "赵敏");
    assert_eq!(field_text(&h, PHONES), "13700001111");
    assert!(h.store.search("13700001111", 10).unwrap().is_empty());
    let screen = h.render(80, 24);
    assert!(screen.contains("is not a configured VIP code"), "{screen}");
    // Corrected, it goes through.
    h.ctrl('u');
    h.type_text("v2");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(
        h.app.profile.profile.as_ref().unwrap().guest.vip.as_deref(),
        Some("V2")
    );
}

#[test]
fn esc_leaves_the_new_profile_form_without_saving() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.type_text("13700001111");
    h.ctrl('n');
    h.type_text("赵敏");
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screen(), Screen::Lookup);
    assert_eq!(h.app.lookup.query, "13700001111");
    assert!(h.store.search("13700001111", 10).unwrap().is_empty());
}

#[test]
fn snapshot_edit_form() {
    snapshot_all("edit_form", |h| {
        as_role(h, Role::FrontOffice, Source::FrontOffice);
        h.open("13800138000");
        h.type_text("e");
    });
}

#[test]
fn an_edit_sends_only_the_changed_field_with_the_version_it_read() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
    h.open("13800138000");
    let before = h.store.profile(&GuestId::from("G0001")).unwrap().guest;
    h.type_text("e");
    assert_eq!(h.app.screen(), Screen::Form);
    assert_eq!(field_text(&h, COMPANY), "华东贸易有限公司");
    assert_eq!(field_text(&h, PHONES), "13800138000");
    for _ in 0..5 {
        h.press(KeyCode::Down);
    }
    h.ctrl('u');
    h.type_text("华东国际");
    h.auto = false;
    h.press(KeyCode::Enter);
    assert_eq!(
        h.queue.front().map(|r| r.job.clone()),
        Some(Job::UpdateGuest {
            id: GuestId::from("G0001"),
            patch: Box::new(GuestPatch {
                company: Some(Some("华东国际".into())),
                ..GuestPatch::default()
            }),
            if_version: before.version,
        })
    );
    h.serve_all();
    assert_eq!(h.app.screen(), Screen::Profile);
    let after = h.store.profile(&GuestId::from("G0001")).unwrap().guest;
    assert_eq!(after.version, before.version + 1);
    assert_eq!(
        GuestPatch::between(&before, &after).fields(),
        vec![GuestField::Company]
    );
    assert_eq!(h.app.profile.profile.as_ref().unwrap().guest, after);
    assert_eq!(
        h.app.message.clone().unwrap().text,
        format!("Profile G0001 saved (version {}).", after.version)
    );
}

#[test]
fn an_edit_that_changes_nothing_saves_nothing() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
    h.open("13800138000");
    let before = h.store.profile(&GuestId::from("G0001")).unwrap().guest;
    h.type_text("e");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "Nothing changed, so nothing was saved."
    );
    assert_eq!(
        h.store.profile(&GuestId::from("G0001")).unwrap().guest,
        before
    );
}

#[test]
fn a_stale_edit_names_who_and_when_shows_the_newer_profile_and_keeps_what_was_typed() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
    h.open("13800138000");
    h.type_text("e");
    for _ in 0..5 {
        h.press(KeyCode::Down);
    }
    h.ctrl('u');
    h.type_text("华东国际");
    // Meanwhile at the front desk: amy changes the greeting of the same guest.
    let mut other = second_terminal(&h, "amy");
    let greeting = GuestPatch {
        preferred_address: Some(Some("张董".into())),
        ..GuestPatch::default()
    };
    let theirs = other
        .update_guest(&GuestId::from("G0001"), &greeting, None)
        .unwrap();
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Form, "the edit was refused");
    let at = theirs
        .updated_at
        .with_timezone(&h.app.clock.offset)
        .format("%Y-%m-%d %H:%M");
    assert_eq!(
        h.app.active_form().unwrap().notice.clone(),
        Some(format!(
            "amy changed this profile at {at}, after you opened it. Their version is shown; \
             what you typed is kept: press enter to apply it."
        ))
    );
    // The newer profile is shown, and what was typed is still there.
    assert_eq!(
        h.app
            .profile
            .profile
            .as_ref()
            .unwrap()
            .guest
            .preferred_address
            .as_deref(),
        Some("张董")
    );
    assert_eq!(field_text(&h, GREETING), "张董");
    assert_eq!(field_text(&h, COMPANY), "华东国际");
    let form = h.app.active_form().unwrap();
    assert_eq!(
        form.field(COMPANY).unwrap().stored,
        None,
        "amy did not touch the company: nothing to compare"
    );
    // Applying again keeps amy's change and adds ours.
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    let stored = h.store.profile(&GuestId::from("G0001")).unwrap().guest;
    assert_eq!(stored.preferred_address.as_deref(), Some("张董"));
    assert_eq!(stored.company.as_deref(), Some("华东国际"));
    assert_eq!(stored.version, theirs.version + 1);
}

#[test]
fn a_field_both_changed_shows_what_the_other_stored_beside_what_was_typed() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
    h.open("13800138000");
    h.type_text("e");
    for _ in 0..5 {
        h.press(KeyCode::Down);
    }
    h.ctrl('u');
    h.type_text("Ours Ltd");
    let company = GuestPatch {
        company: Some(Some("Theirs Ltd".into())),
        ..GuestPatch::default()
    };
    let mut other = second_terminal(&h, "amy");
    other
        .update_guest(&GuestId::from("G0001"), &company, None)
        .unwrap();
    h.press(KeyCode::Enter);
    assert_eq!(field_text(&h, COMPANY), "Ours Ltd");
    let form = h.app.active_form().unwrap();
    assert_eq!(
        form.field(COMPANY).unwrap().stored.as_deref(),
        Some("Theirs Ltd")
    );
    let screen = h.render(80, 24);
    assert!(screen.contains("now stored: Theirs Ltd"), "{screen}");
}

#[test]
fn housekeeping_may_not_edit_or_record_feedback_and_the_key_says_so() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    for (key, action) in [
        ('e', guestbook::privacy::Action::EditGuest),
        ('c', guestbook::privacy::Action::RecordFeedback),
    ] {
        h.type_text(&key.to_string());
        assert_eq!(h.app.screen(), Screen::Profile);
        let refusal = guestbook::store::StoreError::Forbidden {
            action,
            role: Role::Housekeeping,
        };
        let message = h.app.message.clone().unwrap();
        assert_eq!(message.kind, MessageKind::Error);
        assert_eq!(message.text, refusal.text_in(Lang::En, "the database"));
    }
    h.press(KeyCode::Esc);
    h.type_text("x");
    h.ctrl('n');
    assert_eq!(h.app.screen(), Screen::Lookup);
}

#[test]
fn snapshot_feedback_form() {
    snapshot_all("feedback_form", |h| {
        as_role(h, Role::Agent, Source::CallCentre);
        h.open("13912345678");
        h.type_text("c");
        h.type_text("Air conditioning noisy");
    });
}

#[test]
fn a_complaint_taken_on_the_phone_is_on_the_profile_at_once() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.open("13912345678");
    let before = h.app.profile.profile.as_ref().unwrap().feedback.len();
    h.type_text("c");
    assert_eq!(h.app.screen(), Screen::Form);
    assert_eq!(field_text(&h, FieldKey::Kind), "complaint");
    assert_eq!(field_text(&h, FieldKey::Department), "call_centre");
    h.type_text("空调噪音大，客人要求换房");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "Complaint recorded on the profile."
    );
    let shown = &h.app.profile.profile.as_ref().unwrap().feedback;
    assert_eq!(shown.len(), before + 1);
    assert_eq!(shown[0].text, "空调噪音大，客人要求换房");
    assert_eq!(shown[0].kind, FeedbackKind::Complaint);
    assert_eq!(shown[0].department, Some(Source::CallCentre));
    assert_eq!(shown[0].status, Some(FeedbackStatus::Open));
    let stored = h.store.profile(&GuestId::from("G0002")).unwrap().feedback;
    assert_eq!(stored[0], shown[0]);
    assert!(h.render(80, 24).contains("空调噪音大"));
}

#[test]
fn praise_for_another_department_is_chosen_with_the_arrows() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.open("13912345678");
    h.type_text("c");
    h.press(KeyCode::Up);
    h.press(KeyCode::Right);
    h.press(KeyCode::Down);
    h.type_text("Thanks to the concierge");
    h.press(KeyCode::Down);
    h.press(KeyCode::Right);
    assert_eq!(field_text(&h, FieldKey::Department), "front_office");
    h.press(KeyCode::Left);
    h.press(KeyCode::Left);
    assert_eq!(field_text(&h, FieldKey::Department), "concierge");
    h.press(KeyCode::Enter);
    let stored = h.store.profile(&GuestId::from("G0002")).unwrap().feedback;
    assert_eq!(stored[0].kind, FeedbackKind::Praise);
    assert_eq!(stored[0].department, Some(Source::Concierge));
    assert_eq!(stored[0].status, None);
}

#[test]
fn a_complaint_over_the_limit_is_refused_on_its_field_and_kept() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Agent, Source::CallCentre);
    h.open("13912345678");
    h.type_text("c");
    let long = "噪".repeat(NOTE_MAX_CHARS + 1);
    h.feed(Input::Paste(long.clone()));
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Form);
    assert_eq!(
        field_error(&h, FieldKey::Text).as_deref(),
        Some("At most 2000 characters; this has 2001.")
    );
    assert_eq!(field_text(&h, FieldKey::Text), long);
    assert!(h
        .store
        .profile(&GuestId::from("G0002"))
        .unwrap()
        .feedback
        .is_empty());
}

/// A shared front-desk terminal: accounts with passwords, amy signed in on a profile.
fn sign_in_terminal(lang: Lang) -> Harness {
    let mut h = Harness::new(lang);
    let account = |user: &str, role: Role, password: Option<&str>| guestbook::store::NewAccount {
        user: user.into(),
        role,
        department: None,
        password: password.map(String::from),
    };
    // The admin turning sign-in on has a password: otherwise they could not sign in again.
    h.store
        .add_account(&account("test", Role::Admin, Some("admin-secret-0")))
        .unwrap();
    h.store
        .add_account(&account("amy", Role::FrontOffice, Some("amy-secret-1")))
        .unwrap();
    h.store
        .add_account(&account("bob", Role::Agent, Some("bob-secret-2")))
        .unwrap();
    let mut hotel = h.store.settings().unwrap();
    hotel.require_sign_in = true;
    h.store.set_settings(&hotel).unwrap();
    let amy = guestbook::store::Credentials {
        user: "amy".into(),
        password: Some("amy-secret-1".into()),
    };
    let principal = h.store.sign_in(&amy).unwrap();
    h.app.settings.user = principal.user;
    h.app.settings.role = principal.role;
    h.app.settings.department = principal.department;
    h.app.settings.require_sign_in = true;
    h.open("13800138000");
    h
}

fn idle(h: &mut Harness) {
    let mut later = h.app.clock;
    later.utc += Duration::minutes(5);
    h.feed(Input::Tick(later));
}

#[test]
fn snapshot_sign_in_after_idle_lock() {
    for (lang, tag) in LANGS {
        let mut h = sign_in_terminal(lang);
        idle(&mut h);
        h.type_text("bob");
        h.press(KeyCode::Tab);
        h.type_text("secret");
        insta::assert_snapshot!(format!("sign_in_{tag}_80x24"), h.render(80, 24));
    }
}

#[test]
fn idle_lock_signs_out_and_the_next_person_signs_in_on_a_fresh_screen() {
    let mut h = sign_in_terminal(Lang::En);
    idle(&mut h);
    assert!(h.app.locked);
    assert!(h.app.sign_in.is_some());
    let screen = h.render(80, 24);
    for personal in ["张伟", "Zhang", "138", "G0001", "amy"] {
        assert!(!screen.contains(personal), "{personal} visible:\n{screen}");
    }
    h.type_text("bob");
    h.press(KeyCode::Tab);
    h.type_text("wrong-one");
    assert!(
        h.render(80, 24).contains("*********"),
        "the password is not echoed"
    );
    assert!(!h.render(80, 24).contains("wrong-one"));
    h.press(KeyCode::Enter);
    assert!(h.app.locked, "a wrong password does not unlock");
    assert_eq!(
        h.app.sign_in.as_ref().unwrap().notice.as_deref(),
        Some("Wrong password for bob.")
    );
    assert_eq!(field_text(&h, FieldKey::Password), "");
    assert_eq!(h.app.sign_in.as_ref().unwrap().focus, 1);
    h.type_text("bob-secret-2");
    h.press(KeyCode::Enter);
    assert!(!h.app.locked);
    assert_eq!(h.app.settings.user, "bob");
    assert_eq!(h.app.settings.role, Role::Agent);
    assert_eq!(h.store.principal().user, "bob");
    assert_eq!(h.app.screen(), Screen::Lookup);
    assert!(h.app.profile.profile.is_none());
    assert_eq!(h.app.lookup.query, "");
    let screen = h.render(80, 24);
    assert!(!screen.contains("张伟"), "{screen}");
    assert!(screen.contains("bob · agent"), "{screen}");
}

#[test]
fn the_same_person_signing_in_again_comes_back_to_their_screen() {
    let mut h = sign_in_terminal(Lang::En);
    h.ctrl('l');
    assert!(h.app.sign_in.is_some(), "locking by hand signs out too");
    h.type_text("amy");
    h.press(KeyCode::Tab);
    h.type_text("amy-secret-1");
    h.press(KeyCode::Enter);
    assert!(!h.app.locked);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert!(h.render(80, 24).contains("张伟"));
}

#[test]
fn an_unverified_phone_is_marked_and_its_extension_shown_on_the_profile() {
    let mut h = Harness::new(Lang::En);
    let mut g = guest("G0009", "钱七", &[]);
    g.phones = vec![
        phone::parse_field("021-62881234转806", REGION)
            .unwrap()
            .phones[0]
            .clone(),
        Phone {
            raw: "5550123".into(),
            e164: E164("+865550123".into()),
            verified: false,
            extension: None,
        },
    ];
    import(&mut h.store, Kind::Guests, vec![ImportItem::Guest(g)]);
    h.open("钱七");
    let screen = h.render(120, 40);
    let line = screen
        .lines()
        .find(|l| l.starts_with("Phone"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("ext. 806"), "{screen}");
    assert!(line.ends_with("[unverified]"), "{line}");
    assert_eq!(line.matches("[unverified]").count(), 1, "{line}");
}

#[test]
fn the_new_profile_key_comes_from_the_keymap_and_the_help_lists_it() {
    for (name, key, code) in [
        ("default", "ctrl-n", KeyCode::Char('n')),
        ("vim", "ctrl-a", KeyCode::Char('a')),
    ] {
        let mut h = Harness::with_keymap(Lang::En, Keymap::load(name, None).unwrap());
        as_role(&mut h, Role::Agent, Source::CallCentre);
        h.type_text("zzzz");
        assert!(
            h.render(80, 24)
                .contains(&format!("Press {key} to create a profile")),
            "{name}"
        );
        h.press(KeyCode::F(1));
        let lines = ui::help::help_lines(&h.app, &ui::Theme { color: false });
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let entry = text
            .iter()
            .find(|l| l.contains("new profile for this caller"))
            .unwrap_or_else(|| panic!("{name}: {text:?}"));
        assert!(entry.contains(key), "{name}: {entry}");
        h.press(KeyCode::Esc);
        h.press_with(code, KeyModifiers::CONTROL);
        assert_eq!(h.app.screen(), Screen::Form, "{name}");
        assert_eq!(field_text(&h, NAME), "zzzz");
    }
}

// ---------------------------------------------------------------- live board and profile

impl Harness {
    /// The clock moved on by `seconds`: the tick that polls the store for changes.
    fn tick_after(&mut self, seconds: i64) {
        let mut later = self.app.clock;
        later.utc += Duration::seconds(seconds);
        self.feed(Input::Tick(later));
    }
}

#[test]
fn the_board_shows_a_change_made_elsewhere_after_a_poll_with_the_selection_kept() {
    let mut h = Harness::new(Lang::En);
    h.app.settings.idle_lock = None;
    h.tick_after(0);
    h.ctrl('b');
    assert_eq!(arrival_names(&h), ["张伟"]);
    assert_eq!(
        h.app.selected_row().unwrap().guest_id,
        GuestId::from("G0001")
    );
    // The PMS interface books a V1 arrival into a lower room, from another process: it sorts
    // above the selected guest.
    let mut pms = second_terminal(&h, "pms");
    let mut li = stay(
        "R0501",
        "G0005",
        "2026-06-15",
        "2026-06-16",
        StayStatus::Expected,
        "802",
    );
    li.vip = Some("V1".into());
    import(&mut pms, Kind::Stays, vec![ImportItem::Stay(li)]);
    let before = h.render(80, 24);
    assert!(!before.contains("李娜"), "{before}");
    h.tick_after(1);
    assert_eq!(arrival_names(&h), ["李娜", "张伟"]);
    assert_eq!(
        h.app.selected_row().unwrap().guest_id,
        GuestId::from("G0001"),
        "the selection follows the guest, not the row number"
    );
    let after = h.render(80, 24);
    assert!(after.contains("李娜"), "{after}");
    assert!(!h.app.busy(), "a refresh shows no spinner");
}

fn arrival_names(h: &Harness) -> Vec<String> {
    let board = h.app.board.board.as_ref().unwrap();
    board.arrivals.iter().map(|r| r.name.clone()).collect()
}

#[test]
fn an_unchanged_store_is_polled_but_nothing_is_read_again() {
    let mut h = Harness::new(Lang::En);
    h.app.settings.idle_lock = None;
    h.tick_after(0);
    h.ctrl('b');
    h.press(KeyCode::Enter);
    assert_eq!(
        h.app.stack,
        [Screen::Lookup, Screen::Board, Screen::Profile]
    );
    h.auto = false;
    h.app.dirty = false;
    h.tick_after(1);
    let polls: Vec<Job> = h.queue.iter().map(|r| r.job.clone()).collect();
    assert_eq!(polls, [Job::DataVersion]);
    h.serve_all();
    assert!(h.queue.is_empty(), "nothing re-read: {:?}", h.queue);
    assert!(!h.app.dirty, "nothing redrawn");
    // Not more often than once a second.
    h.tick_after(0);
    assert!(h.queue.is_empty(), "{:?}", h.queue);
}

#[test]
fn an_open_profile_shows_a_change_made_elsewhere_and_keeps_a_half_typed_note() {
    let mut h = Harness::new(Lang::En);
    h.app.settings.idle_lock = None;
    h.tick_after(0);
    h.open("13800138000");
    h.type_text("pp1");
    h.type_text("n");
    h.type_text("firm, two of");
    h.app.profile.scroll = 2;
    let mut colleague = second_terminal(&h, "chenjie");
    import(
        &mut colleague,
        Kind::Preferences,
        vec![ImportItem::Preference(pref(
            "G0001",
            "coffee",
            "americano",
            "chenjie",
            Source::FrontOffice,
            "2026-06-15T01:00:00Z",
        ))],
    );
    h.tick_after(1);
    let profile = h.app.profile.profile.as_ref().unwrap();
    assert!(
        profile
            .preferences
            .iter()
            .any(|p| p.category == "coffee" && p.value == "americano"),
        "{:?}",
        profile.preferences
    );
    match &h.app.profile.entry {
        Some(Entry::Note { text, .. }) => assert_eq!(text, "firm, two of"),
        other => panic!("the note being typed was lost: {other:?}"),
    }
    assert_eq!(h.app.profile.scroll, 2);
    // The rest of the note goes on as if nothing happened.
    h.type_text(" them");
    h.press(KeyCode::Enter);
    let stored = h.stored_preferences("G0001");
    let pillow = stored.iter().find(|p| p.category == "pillow").unwrap();
    assert_eq!(pillow.note.as_deref(), Some("firm, two of them"));
}

// ---------------------------------------------------------------- recent profiles

/// Opens each query's first hit from the lookup and goes back to an empty lookup.
fn visit(h: &mut Harness, queries: &[&str]) {
    for query in queries {
        h.open(query);
        h.press(KeyCode::Esc);
        h.ctrl('u');
    }
}

fn recent_names(h: &Harness) -> Vec<String> {
    let profiles = &h.app.recent.profiles;
    profiles.iter().map(|p| p.guest.name.clone()).collect()
}

#[test]
fn snapshot_recent_profiles() {
    snapshot_all("recent", |h| {
        visit(h, &["13800138000", "欧阳", "muller"]);
        h.ctrl('o');
        h.press(KeyCode::Down);
    });
}

#[test]
fn recent_profiles_are_one_key_away_newest_first_and_open_with_enter() {
    let mut h = Harness::new(Lang::En);
    h.ctrl('o');
    assert_eq!(h.app.screen(), Screen::Recent);
    assert!(
        h.render(80, 24)
            .contains("No profile opened yet by lihua on this terminal."),
        "{}",
        h.render(80, 24)
    );
    h.press(KeyCode::Esc);
    visit(&mut h, &["13800138000", "欧阳", "muller", "13800138000"]);
    h.press(KeyCode::F(3));
    assert_eq!(recent_names(&h), ["张伟", "Hans Müller", "欧阳娜娜"]);
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    h.press(KeyCode::Up);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0003")));
    // Back goes where the list was opened from, not to the list.
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screen(), Screen::Lookup);
    // From the profile and the board too; in the vim keymap as well.
    h.open("欧阳");
    h.ctrl('o');
    assert_eq!(recent_names(&h)[0], "欧阳娜娜");
    let mut vim = Harness::with_keymap(Lang::En, Keymap::load("vim", None).unwrap());
    visit(&mut vim, &["13800138000", "欧阳"]);
    vim.ctrl('b');
    vim.ctrl('o');
    vim.type_text("j");
    vim.press(KeyCode::Enter);
    assert_eq!(vim.app.profile.id, Some(GuestId::from("G0001")));
}

#[test]
fn the_recent_list_keeps_ten_per_user_and_is_kept_for_the_next_run() {
    let mut list = Vec::new();
    for n in 0..12 {
        guestbook::tui::recent::push_front(&mut list, GuestId(format!("G{n:04}")));
    }
    guestbook::tui::recent::push_front(&mut list, GuestId::from("G0005"));
    assert_eq!(list.len(), 10);
    assert_eq!(list[0], GuestId::from("G0005"));
    assert_eq!(list[1], GuestId::from("G0011"));
    assert_eq!(list.iter().filter(|id| id.0 == "G0005").count(), 1);

    let mut h = Harness::new(Lang::En);
    let file = h._dir.path().join("state").join("recent-profiles.json");
    h.app.settings.recent_file = Some(guestbook::tui::recent::RecentFile {
        path: file.clone(),
        database: "guestbook.db".into(),
    });
    visit(&mut h, &["13800138000", "欧阳"]);
    let ids = |names: &[&str]| names.iter().map(|n| GuestId::from(*n)).collect::<Vec<_>>();
    assert_eq!(
        h.saved_recent.last(),
        Some(&("lihua".to_string(), ids(&["G0002", "G0001"])))
    );
    // What the event loop does with that effect, and what the next run reads.
    let backend = "guestbook.db";
    guestbook::tui::recent::save(&file, backend, "lihua", &ids(&["G0002", "G0001"])).unwrap();
    guestbook::tui::recent::save(&file, backend, "chenjie", &ids(&["G0004"])).unwrap();
    guestbook::tui::recent::save(&file, "other.db", "lihua", &ids(&["X1"])).unwrap();
    let lists = guestbook::tui::recent::load(&file, backend);
    assert_eq!(lists["lihua"], ids(&["G0002", "G0001"]));
    assert_eq!(lists["chenjie"], ids(&["G0004"]));
    let mut next = Harness::new(Lang::En);
    next.app.recent.by_user = lists;
    next.ctrl('o');
    assert_eq!(recent_names(&next), ["欧阳娜娜", "张伟"]);
}

// ---------------------------------------------------------------- screen-pop

#[test]
fn a_call_from_the_phone_system_opens_the_caller_at_once_from_any_screen() {
    let mut h = Harness::new(Lang::En);
    h.ctrl('b');
    h.press(KeyCode::F(1));
    h.feed(Input::Pop("+86 139 1234 5678".into()));
    assert_eq!(h.app.stack, [Screen::Lookup, Screen::Profile]);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0002")));
    assert!(h.app.help.is_none());
    assert_eq!(h.app.lookup.query, "+86 139 1234 5678");
}

#[test]
fn a_call_waits_while_a_note_or_form_is_typed_and_says_so() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::FrontOffice, Source::FrontOffice);
    h.open("13800138000");
    h.type_text("e");
    assert_eq!(h.app.screen(), Screen::Form);
    h.type_text(" (Sr.)");
    h.feed(Input::Pop("13912345678".into()));
    assert_eq!(h.app.screen(), Screen::Form, "the form stays");
    assert!(field_text(&h, NAME).ends_with(" (Sr.)"));
    let screen = h.render(80, 24);
    assert!(
        screen.contains("Call from 13912345678 waiting: it comes up once this is saved or closed"),
        "{screen}"
    );
    // A newer call replaces one still waiting.
    h.feed(Input::Pop("186 1234 0000".into()));
    h.press(KeyCode::Esc);
    assert_eq!(h.app.stack, [Screen::Lookup, Screen::Profile]);
    assert_eq!(h.app.lookup.query, "186 1234 0000");
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0005")));
    assert!(h.app.held_call.is_none());
    // Locked: the call waits for whoever unlocks.
    let mut later = h.app.clock;
    later.utc += Duration::minutes(6);
    h.feed(Input::Tick(later));
    assert!(h.app.locked);
    h.feed(Input::Pop("13800138000".into()));
    assert!(!h.render(80, 24).contains("13800138000"));
    h.press(KeyCode::Enter);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0001")));
}

// ---------------------------------------------------------------- privacy: masking, reveal

/// The call centre's screens on 欧阳娜娜 (G0002) made incognito as 林女士, in a hotel that
/// masks phones and hides e-mails from agents (`field_access`): the store masks, the TUI
/// only shows.
fn as_agent_of_an_incognito_guest(h: &mut Harness) {
    use guestbook::privacy::{Access, Governed};
    add_account(&mut h.store, "test", Role::Admin);
    add_account(&mut h.store, "ann", Role::Agent);
    let mut settings = h.store.settings().unwrap();
    settings.field_access = std::collections::BTreeMap::from([(
        Role::Agent,
        std::collections::BTreeMap::from([
            (Governed::Phones, Access::Masked),
            (Governed::Emails, Access::Hidden),
        ]),
    )]);
    h.store.set_settings(&settings).unwrap();
    let patch = GuestPatch {
        pseudonym: Some(Some("林女士".into())),
        ..GuestPatch::default()
    };
    h.store.update_guest(&"G0002".into(), &patch, None).unwrap();
    h.store = second_terminal(h, "ann");
    as_role(h, Role::Agent, Source::CallCentre);
}

#[test]
fn snapshot_masked_profile() {
    snapshot_all("masked_profile", |h| {
        as_agent_of_an_incognito_guest(h);
        h.open("13912345678");
    });
}

#[test]
fn snapshot_reveal_prompt() {
    snapshot_all("reveal_prompt", |h| {
        as_agent_of_an_incognito_guest(h);
        h.open("13912345678");
        h.type_text("v");
        h.type_text("caller verifies her booking");
    });
}

#[test]
fn a_reveal_shows_the_value_and_puts_the_reason_on_record() {
    let mut h = Harness::new(Lang::En);
    as_agent_of_an_incognito_guest(&mut h);
    h.open("13912345678");
    let shown = h.app.profile.profile.as_ref().unwrap().guest.clone();
    assert_eq!(shown.name, "林女士");
    assert_eq!(shown.phones[0].e164.0, "*********5678");
    h.type_text("v");
    assert_eq!(h.app.screen(), Screen::Form);
    assert_eq!(field_text(&h, FieldKey::RevealField), "phones");
    // No reason, no reveal: refused on its field.
    h.press(KeyCode::Enter);
    assert_eq!(
        field_error(&h, FieldKey::Reason).as_deref(),
        Some("a value is required")
    );
    h.type_text("caller verifies her booking");
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "Phones: 13912345678 (revealed, on record)"
    );
    let mut admin = second_terminal(&h, "test");
    let log = admin
        .audit(&AuditQuery {
            guest: Some("G0002".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(log[0].action, "reveal");
    assert_eq!(log[0].user, "ann");
    assert_eq!(log[0].detail, "phones: caller verifies her booking");
}

#[test]
fn every_profile_field_has_its_own_label_and_reveal_offers_them_by_name() {
    let revealable: Vec<&str> = guestbook::privacy::REVEALABLE
        .iter()
        .map(|f| FieldKey::Guest(*f).label().text_in(Lang::En))
        .collect();
    assert_eq!(
        revealable,
        ["ID document number", "Phones", "E-mails", "Born", "Name"]
    );
    for (lang, _) in LANGS {
        let labels: std::collections::HashSet<&str> = GuestField::ALL
            .iter()
            .map(|f| FieldKey::Guest(*f).label().text_in(lang))
            .collect();
        assert_eq!(labels.len(), GuestField::ALL.len(), "{lang:?}: {labels:?}");
    }
}

// ---------------------------------------------------------------- duplicates, history, print

/// 张伟 G0001 gets a twin: G0006, the same name and birth date under another number.
fn with_twin(h: &mut Harness) {
    let mut twin = guest("G0006", "张伟", &["13700001234"]);
    twin.birth_date = Some(date("1978-06-17"));
    twin.company = Some("华东贸易".into());
    import(&mut h.store, Kind::Guests, vec![ImportItem::Guest(twin)]);
}

/// The store of the harness acting as a new account with `role` (the first account, "test",
/// is the admin).
fn store_as(h: &mut Harness, user: &str, role: Role) {
    for (name, role) in [("test", Role::Admin), (user, role)] {
        add_account(&mut h.store, name, role);
    }
    h.store = second_terminal(h, user);
}

/// Audit times and the host are the run's own: shown as placeholders.
fn without_run_details(screen: &str) -> String {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    screen
        .lines()
        .map(|l| match l.strip_prefix(" 20").filter(|r| r.len() > 14) {
            Some(rest) => format!(" YYYY-MM-DD HH:MM{}", &rest[14..]),
            None => l.to_string(),
        })
        .map(|l| l.replace(&host, "HOST"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshot_merge_with_a_likely_duplicate_side_by_side() {
    for (lang, tag) in LANGS {
        let mut h = Harness::new(lang);
        as_role(&mut h, Role::Manager, Source::FrontOffice);
        with_twin(&mut h);
        h.open("13800138000");
        h.type_text("m");
        assert_eq!(h.app.screen(), Screen::Merge);
        for (w, height) in SIZES {
            insta::assert_snapshot!(
                format!("merge_list_{tag}_{w}x{height}"),
                h.render(w, height)
            );
        }
        h.press(KeyCode::Enter);
        for (w, height) in SIZES {
            insta::assert_snapshot!(
                format!("merge_compare_{tag}_{w}x{height}"),
                h.render(w, height)
            );
        }
    }
}

#[test]
fn merge_keeps_the_left_profile_and_swap_keeps_the_other() {
    let mut h = Harness::new(Lang::En);
    with_twin(&mut h);
    h.open("13800138000");
    h.type_text("m");
    h.press(KeyCode::Enter);
    // Differences are marked in the text itself, not by colour alone.
    let screen = h.render(80, 24);
    assert!(screen.contains("≠ Phones"), "{screen}");
    assert!(screen.contains("  Born"), "{screen}");
    h.type_text("s");
    let (keep, other, _) = h.app.merge.sides().unwrap();
    assert_eq!(
        (keep.guest.id.0.as_str(), other.guest.id.0.as_str()),
        ("G0006", "G0001")
    );
    h.type_text("s");
    h.type_text("y");
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(h.app.profile.id, Some(GuestId::from("G0001")));
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.text, "Merged G0006 into G0001 (张伟).");
    let kept = h.store.profile(&GuestId::from("G0006")).unwrap();
    assert_eq!(kept.guest.id.0, "G0001");
    assert_eq!(kept.guest.phones.len(), 2);
}

#[test]
fn merge_refused_for_the_role_and_no_duplicates_are_status_sentences() {
    let mut h = Harness::new(Lang::En);
    h.open("13912345678");
    h.type_text("m");
    assert_eq!(h.app.screen(), Screen::Profile);
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "No likely duplicates of G0002."
    );
    let mut h = Harness::new(Lang::En);
    with_twin(&mut h);
    store_as(&mut h, "desk", Role::FrontOffice);
    h.open("13800138000");
    h.type_text("m");
    h.press(KeyCode::Enter);
    h.type_text("y");
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(message.text.contains("merge profiles"), "{}", message.text);
    assert_eq!(h.app.screen(), Screen::Merge, "the comparison stays");
    assert_eq!(
        h.store.profile(&GuestId::from("G0006")).unwrap().guest.id.0,
        "G0006"
    );
}

#[test]
fn snapshot_profile_history_from_the_audit_log() {
    for (lang, tag) in LANGS {
        let mut h = Harness::new(lang);
        h.open("13800138000");
        h.type_text("pp1");
        h.type_text("h");
        assert_eq!(h.app.screen(), Screen::History);
        for (w, height) in SIZES {
            let screen = without_run_details(&h.render(w, height));
            insta::assert_snapshot!(format!("history_{tag}_{w}x{height}"), screen);
        }
    }
}

#[test]
fn history_is_refused_with_a_sentence_for_roles_that_may_not_read_the_audit() {
    let mut h = Harness::new(Lang::En);
    store_as(&mut h, "amy", Role::Agent);
    h.open("13800138000");
    h.type_text("h");
    assert_eq!(h.app.screen(), Screen::Profile);
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(message.text.contains("audit"), "{}", message.text);
}

#[test]
fn snapshot_board_prints_the_vip_sheet_to_a_private_file() {
    for (lang, tag) in LANGS {
        let mut h = Harness::new(lang);
        let dir = tempfile::tempdir().unwrap();
        h.app.print_dir = Some(dir.path().to_path_buf());
        h.ctrl('b');
        h.type_text("p");
        let path = dir.path().join("vip-2026-06-15.html");
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(html.contains("张伟"), "the V1 arrival is on the sheet");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let shown = dir.path().display().to_string();
        let screen = h.render(120, 40).replace(&shown, "DIR");
        insta::assert_snapshot!(format!("board_print_{tag}_120x40"), screen);
    }
    let mut h = Harness::new(Lang::En);
    store_as(&mut h, "hk", Role::Housekeeping);
    h.ctrl('b');
    h.type_text("p");
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(message.text.contains("VIP"), "{}", message.text);
}
// ---------------------------------------------------------------- over a server

/// The reply the worker gives a request it cannot run: `failure`.
fn failed(gen: u64, failure: guestbook::tui::worker::Failure) -> Input {
    Input::Reply(guestbook::tui::worker::Reply {
        gen,
        result: Err(failure),
    })
}

/// A search typed while the server does not answer: the worker said it keeps trying.
fn server_away(h: &mut Harness) {
    h.auto = false;
    h.type_text("138");
    let search = h.queue.pop_front().unwrap();
    h.feed(failed(
        search.gen,
        guestbook::tui::worker::Failure::Retrying,
    ));
    // The search has been waiting a while: the spinner and "Searching…" show.
    h.tick_after(0);
    h.tick_after(1);
}

#[test]
fn snapshot_server_unreachable() {
    snapshot_all("server_unreachable", server_away);
}

#[test]
fn an_unreachable_server_is_said_in_the_status_bar_keys_are_kept_and_it_clears_by_itself() {
    let mut h = Harness::new(Lang::En);
    server_away(&mut h);
    let screen = h.render(80, 24);
    let status = screen.lines().nth(23).unwrap();
    assert!(
        status.starts_with(" server unreachable — retrying  lihua · "),
        "{screen}"
    );
    assert!(h.app.busy(), "the search is still in flight");
    // Keys typed meanwhile are applied: the query grows and its search is queued.
    h.type_text("00138000");
    assert_eq!(h.app.lookup.query, "13800138000");
    h.press(KeyCode::Enter);
    h.auto = true;
    h.serve_all();
    assert!(!h.app.unreachable);
    assert_eq!(h.app.screen(), Screen::Profile);
    assert!(!h.render(80, 24).contains("unreachable"));
}

#[test]
fn a_session_that_ends_asks_the_same_user_for_the_password_and_keeps_the_half_typed_note() {
    let mut h = Harness::new(Lang::En);
    h.open("13800138000");
    h.type_text("pp1nsame as");
    h.auto = false;
    let mut later = clock();
    later.utc += Duration::seconds(2);
    h.feed(Input::Tick(later));
    let poll = h.queue.pop_front().expect("a poll");
    assert_eq!(poll.job, Job::DataVersion);
    h.feed(failed(
        poll.gen,
        guestbook::tui::worker::Failure::Store(guestbook::store::StoreError::SessionEnded),
    ));
    assert!(h.app.locked);
    let form = h.app.sign_in.as_ref().expect("the sign-in form");
    assert_eq!(form.text(FieldKey::User), "lihua");
    let screen = h.render(80, 24);
    assert!(
        screen.contains("Your session on the server has ended."),
        "{screen}"
    );
    assert!(
        !screen.contains("张伟"),
        "nothing personal while signed out"
    );
    // The password goes where the cursor is; the user is already filled in.
    h.type_text("secret");
    h.press(KeyCode::Enter);
    let sign_in = h.queue.pop_front().expect("the sign-in");
    assert_eq!(
        sign_in.job,
        Job::SignIn(guestbook::store::Credentials {
            user: "lihua".into(),
            password: Some("secret".into()),
        })
    );
    h.feed(Input::Reply(guestbook::tui::worker::Reply {
        gen: sign_in.gen,
        result: Ok(guestbook::tui::worker::Answer::SignedIn(
            guestbook::store::Principal {
                user: "lihua".into(),
                role: Role::Housekeeping,
                department: Source::Housekeeping,
            },
        )),
    }));
    // The worker runs the refused poll again; the screen is as it was.
    h.queue.push_back(poll);
    h.auto = true;
    h.serve_all();
    assert!(!h.app.locked);
    assert_eq!(h.app.lookup.query, "13800138000");
    assert_eq!(h.app.screen(), Screen::Profile);
    assert!(matches!(&h.app.profile.entry, Some(Entry::Note { text, .. }) if text == "same as"));
    h.type_text(" last time");
    h.press(KeyCode::Enter);
    let notes: Vec<Option<String>> = h
        .stored_preferences("G0001")
        .into_iter()
        .map(|p| p.note)
        .collect();
    assert!(
        notes.contains(&Some("same as last time".into())),
        "{notes:?}"
    );
}

// ---------------------------------------------------------------- erasure, export, retention

/// The day an erasure made now shows (the harness's terminal is at UTC+8), as the placeholder
/// `ERASED-DAY`, so snapshots hold from one day to the next.
fn without_erasure_day(screen: &str) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    let day = Utc::now().with_timezone(&offset).date_naive().to_string();
    screen.replace(&day, "ERASED-DAY")
}

/// Types the erase form: the reason, then the id typed again, then Enter.
fn erase_typed(h: &mut Harness, reason: &str, id: &str) {
    h.type_text("E");
    assert_eq!(h.app.screen(), Screen::Form);
    h.type_text(reason);
    h.press(KeyCode::Tab);
    h.type_text(id);
    h.press(KeyCode::Enter);
}

#[test]
fn snapshot_erase_form_names_the_guest_and_what_goes() {
    snapshot_all("erase_form", |h| {
        as_role(h, Role::Admin, Source::FrontOffice);
        h.open("13800138000");
        h.type_text("E");
        h.type_text("DSR-2026-031");
    });
}

#[test]
fn an_admin_erases_the_open_guest_after_typing_the_id_and_the_profile_shows_as_erased() {
    for (lang, tag) in LANGS {
        let mut h = Harness::new(lang);
        as_role(&mut h, Role::Admin, Source::FrontOffice);
        h.open("13800138000");
        // Another guest's id is not a confirmation: nothing is erased.
        erase_typed(&mut h, "DSR-2026-031", "G0002");
        assert_eq!(h.app.screen(), Screen::Form);
        let id = GuestId::from("G0001");
        assert_eq!(h.store.profile(&id).unwrap().guest.name, "张伟");
        if lang == Lang::En {
            assert_eq!(
                field_error(&h, FieldKey::Confirm).as_deref(),
                Some("type G0001 exactly to confirm; nothing was erased")
            );
        }
        h.ctrl('u');
        h.type_text("G0001");
        h.press(KeyCode::Enter);
        assert_eq!(h.app.screen(), Screen::Profile);
        if lang == Lang::En {
            assert_eq!(
                h.app.message.clone().unwrap().text,
                "Erased G0001: 3 stays kept anonymously; 4 preferences and 2 feedback removed."
            );
        }
        let stored = h.store.profile(&id).unwrap();
        assert!(stored.erased_at.is_some());
        assert!(stored.guest.phones.is_empty() && stored.preferences.is_empty());
        let records = h.store.destructions().unwrap();
        assert_eq!(records[0].note.as_deref(), Some("DSR-2026-031"));
        assert_eq!(records[0].user, "test");
        for (w, height) in SIZES {
            let screen = without_erasure_day(&h.render(w, height));
            assert!(
                !screen.contains("张伟") && !screen.contains("138"),
                "{screen}"
            );
            insta::assert_snapshot!(format!("profile_erased_{tag}_{w}x{height}"), screen);
        }
        // Erasing it again is not offered: the key says it is done.
        h.type_text("E");
        assert_eq!(h.app.screen(), Screen::Profile);
    }
}

#[test]
fn erase_needs_a_reason_and_is_refused_with_the_stores_sentence_for_other_roles() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Admin, Source::FrontOffice);
    h.open("13800138000");
    erase_typed(&mut h, "", "G0001");
    assert_eq!(h.app.screen(), Screen::Form);
    assert!(field_error(&h, FieldKey::Reason).is_some());
    h.press(KeyCode::Esc);
    for role in [Role::Manager, Role::FrontOffice, Role::Housekeeping] {
        as_role(&mut h, role, Source::FrontOffice);
        h.type_text("E");
        assert_eq!(h.app.screen(), Screen::Profile, "{role:?}");
        let message = h.app.message.clone().unwrap();
        assert_eq!(message.kind, MessageKind::Error);
        assert!(
            message.text.contains("may not erase"),
            "{role:?}: {}",
            message.text
        );
    }
    // The store is the one that decides: an admin's key on a manager's account is refused.
    let mut h = Harness::new(Lang::En);
    store_as(&mut h, "mgr", Role::Manager);
    as_role(&mut h, Role::Admin, Source::FrontOffice);
    h.open("13800138000");
    erase_typed(&mut h, "DSR-1", "G0001");
    let form = h.app.active_form().unwrap();
    assert!(
        form.notice.as_deref().unwrap().contains("may not erase"),
        "{:?}",
        form.notice
    );
    let id = GuestId::from("G0001");
    assert_eq!(h.store.profile(&id).unwrap().guest.name, "张伟");
}

#[test]
fn export_writes_the_whole_record_to_a_private_file_and_is_on_record() {
    let mut h = Harness::new(Lang::En);
    let dir = tempfile::tempdir().unwrap();
    h.app.print_dir = Some(dir.path().to_path_buf());
    h.open("13800138000");
    h.type_text("x");
    let day = chrono::Local::now().date_naive();
    let path = dir.path().join(format!("guest-G0001-{day}.json"));
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(record["guest"]["name"], "张伟");
    assert_eq!(record["preferences"].as_array().unwrap().len(), 4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Info);
    assert_eq!(
        message.text,
        format!(
            "Wrote everything held about guest G0001 to {}.",
            path.display()
        )
    );
    let query = AuditQuery {
        guest: Some(GuestId::from("G0001")),
        ..AuditQuery::default()
    };
    let audit = h.store.audit(&query).unwrap();
    assert_eq!(audit[0].action, "export_guest");
    assert_eq!(audit[0].user, "test");

    // The front desk may not: the store's sentence, and no file.
    let mut h = Harness::new(Lang::En);
    let dir = tempfile::tempdir().unwrap();
    h.app.print_dir = Some(dir.path().to_path_buf());
    store_as(&mut h, "desk", Role::FrontOffice);
    h.open("13800138000");
    h.type_text("x");
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(
        message.text.contains("export a guest's whole record"),
        "{}",
        message.text
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Three profiles past the five-year retention on 2026-06-15: one that would go, one under a
/// legal hold, one with a booking to come.
fn with_old_guests(h: &mut Harness) {
    let old = |id: &str, name: &str, created: &str| {
        let mut g = guest(id, name, &[]);
        g.created_at = at(created);
        g.updated_at = g.created_at;
        g
    };
    let gone = old("G0101", "周杰", "2019-03-01T00:00:00Z");
    let mut held = old("G0102", "Anna Berg", "2018-01-01T00:00:00Z");
    held.flags = vec![Flag::LegalHold];
    let booked = old("G0103", "陈静", "2019-01-01T00:00:00Z");
    import(
        &mut h.store,
        Kind::Guests,
        [gone, held, booked]
            .into_iter()
            .map(ImportItem::Guest)
            .collect(),
    );
    let stays = vec![
        stay(
            "R9001",
            "G0101",
            "2019-05-01",
            "2019-05-03",
            StayStatus::Departed,
            "0501",
        ),
        stay(
            "R9002",
            "G0102",
            "2018-02-01",
            "2018-02-03",
            StayStatus::Departed,
            "0502",
        ),
        stay(
            "R9003",
            "G0103",
            "2019-01-10",
            "2019-01-12",
            StayStatus::Departed,
            "0503",
        ),
        stay(
            "R9004",
            "G0103",
            "2026-07-01",
            "2026-07-03",
            StayStatus::Expected,
            "0503",
        ),
    ];
    import(
        &mut h.store,
        Kind::Stays,
        stays.into_iter().map(ImportItem::Stay).collect(),
    );
}

#[test]
fn snapshot_retention_dry_run_from_the_board() {
    snapshot_all("retention", |h| {
        as_role(h, Role::Manager, Source::FrontOffice);
        with_old_guests(h);
        h.ctrl('b');
        h.type_text("r");
        assert_eq!(h.app.screen(), Screen::Retention);
    });
}

#[test]
fn an_admin_purges_after_confirming_and_the_destruction_record_shows_it() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Admin, Source::FrontOffice);
    with_old_guests(&mut h);
    h.press(KeyCode::F(4));
    assert_eq!(h.app.screen(), Screen::Retention);
    let report = h.app.retention.report.clone().unwrap();
    assert_eq!((report.anonymized, report.blocked), (1, 2));
    // Asked first; Esc keeps them.
    h.type_text("p");
    assert!(h.app.retention.confirming);
    let screen = h.render(80, 24);
    assert!(screen.contains("Anonymise 1 profiles now?"), "{screen}");
    insta::assert_snapshot!("retention_confirm_en_80x24", screen);
    h.press(KeyCode::Esc);
    assert!(!h.app.retention.confirming);
    assert_eq!(h.app.screen(), Screen::Retention);
    assert!(h
        .store
        .profile(&GuestId::from("G0101"))
        .unwrap()
        .erased_at
        .is_none());
    h.type_text("py");
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "Anonymised 1 profiles whose last activity was before 2021-06-15; 2 kept \
         (current stay, legal hold or do not rent)."
    );
    assert!(h
        .store
        .profile(&GuestId::from("G0101"))
        .unwrap()
        .erased_at
        .is_some());
    assert!(h
        .store
        .profile(&GuestId::from("G0102"))
        .unwrap()
        .erased_at
        .is_none());
    // The screen was read again: nothing more to go, and the record names the purge.
    let report = h.app.retention.report.clone().unwrap();
    assert_eq!((report.anonymized, report.blocked), (0, 2));
    let screen = h.render(80, 24);
    assert!(screen.contains("  test          retention"), "{screen}");
    assert!(screen.contains("1 profiles, 1 stays kept"), "{screen}");
    h.type_text("p");
    assert_eq!(
        h.app.message.clone().unwrap().text,
        "Nothing is past retention: there is nothing to purge."
    );
}

#[test]
fn retention_is_a_managers_dry_run_and_an_admins_purge() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Manager, Source::FrontOffice);
    with_old_guests(&mut h);
    h.press(KeyCode::F(4));
    h.type_text("p");
    assert!(!h.app.retention.confirming);
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(
        message
            .text
            .contains("may not purge profiles past retention"),
        "{}",
        message.text
    );
    // Below manager the store refuses the screen itself.
    let mut h = Harness::new(Lang::En);
    store_as(&mut h, "desk", Role::FrontOffice);
    h.press(KeyCode::F(4));
    assert_eq!(h.app.screen(), Screen::Lookup);
    let message = h.app.message.clone().unwrap();
    assert_eq!(message.kind, MessageKind::Error);
    assert!(
        message.text.contains("list the profiles past retention"),
        "{}",
        message.text
    );
}

#[test]
fn a_long_retention_list_scrolls_and_every_line_fits_80_columns() {
    let mut h = Harness::new(Lang::En);
    as_role(&mut h, Role::Manager, Source::FrontOffice);
    let many: Vec<Guest> = (0..40)
        .map(|i| {
            let mut g = guest(&format!("OLD{i:04}"), "Old Guest", &[]);
            g.created_at = at("2019-03-01T00:00:00Z");
            g.updated_at = g.created_at;
            g
        })
        .collect();
    import(
        &mut h.store,
        Kind::Guests,
        many.into_iter().map(ImportItem::Guest).collect(),
    );
    h.press(KeyCode::F(4));
    let screen = h.render(80, 24);
    assert!(
        screen.contains("OLD0000") && !screen.contains("OLD0039"),
        "{screen}"
    );
    h.press(KeyCode::End);
    let screen = h.render(80, 24);
    assert!(screen.contains("OLD0039"), "{screen}");
    assert!(screen.contains("No destruction records."), "{screen}");
    for line in h.render(60, 20).lines() {
        assert!(guestbook::text::width(line) <= 60, "{line}");
    }
}

#[test]
fn the_recent_list_shows_an_erased_guest_as_erased_and_a_merged_one_as_its_keeper() {
    let mut h = Harness::new(Lang::En);
    with_twin(&mut h);
    visit(&mut h, &["13700001234", "13800138000", "欧阳"]);
    // Another terminal merges the twin into G0001 and erases 欧阳娜娜.
    let mut other = second_terminal(&h, "test");
    other
        .merge(&GuestId::from("G0001"), &GuestId::from("G0006"))
        .unwrap();
    other
        .erase_because(&GuestId::from("G0002"), Some("DSR-7"))
        .unwrap();
    h.ctrl('o');
    assert_eq!(recent_names(&h), vec!["[erased]", "张伟"]);
    let screen = without_erasure_day(&h.render(80, 24));
    assert!(screen.contains("ERASED G0002"), "{screen}");
    assert!(screen.contains("erased on ERASED-DAY"), "{screen}");
    assert!(
        !screen.contains("欧阳") && !screen.contains("13912345678"),
        "{screen}"
    );
    insta::assert_snapshot!("recent_erased_and_merged_en_80x24", screen);
    // The list itself now holds the keeper once, not the merged-away id.
    assert_eq!(
        h.app.recent_ids(),
        &[GuestId::from("G0002"), GuestId::from("G0001")]
    );
    // Opening the list again never shows what was read before while it is read again.
    h.press(KeyCode::Esc);
    h.auto = false;
    h.ctrl('o');
    assert!(h.app.recent.profiles.is_empty());
}
