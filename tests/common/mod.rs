//! Helpers the integration tests share.

use chrono::NaiveDate;
use guestbook::model::Role;
use guestbook::model::{GuestId, Stay, StayStatus};
use guestbook::store::{BadRows, ImportItem, ImportRow, Kind, NewAccount, Store};

/// Imports rows as if they came from a file (line 2 on), refusing any bad row.
pub fn import(store: &mut Box<dyn Store>, kind: Kind, items: Vec<ImportItem>) {
    let mut rows = items.into_iter().enumerate().map(|(i, item)| ImportRow {
        line: i as u64 + 2,
        item: Ok(item),
    });
    let report = store
        .import(kind, &mut rows, BadRows::Refuse)
        .expect("import runs");
    assert!(report.committed, "{:?}", report.errors);
}

#[allow(dead_code)] // not every test file needs dates
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test date")
}

/// Everything a store holds, as its users could read it back: every row of every kind in
/// export order, the accounts and the settings. Two equal snapshots are the same database.
#[allow(dead_code)] // not every test file compares whole databases
pub fn snapshot(store: &mut Box<dyn Store>) -> Vec<String> {
    let mut rows = Vec::new();
    for kind in [Kind::Guests, Kind::Preferences, Kind::Stays, Kind::Feedback] {
        store
            .export(kind, &mut |item| {
                rows.push(format!("{item:?}"));
                Ok(())
            })
            .expect("export runs");
    }
    rows.extend(
        store
            .accounts()
            .expect("accounts")
            .iter()
            .map(|a| format!("{a:?}")),
    );
    rows.push(format!("{:?}", store.settings().expect("settings")));
    rows
}

/// A reservation in one room, one adult (the shape most tests need).
#[allow(dead_code)] // not every test file books stays
pub fn stay(
    res: &str,
    guest: &str,
    arrival: &str,
    departure: &str,
    status: StayStatus,
    room: &str,
) -> Stay {
    Stay {
        reservation_id: res.into(),
        guest_id: GuestId::from(guest),
        arrival: date(arrival),
        departure: date(departure),
        status,
        room: Some(room.into()),
        room_type: None,
        vip: None,
        adults: Some(1),
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    }
}

/// Adds an account without a password, in the role's department.
#[allow(dead_code)] // not every test file adds accounts
pub fn add_account(store: &mut Box<dyn Store>, user: &str, role: Role) {
    store
        .add_account(&NewAccount {
            user: user.into(),
            role,
            department: None,
            password: None,
        })
        .unwrap();
}

/// One runtime thread pool for every loopback server of a test binary.
#[allow(dead_code)] // only the test files that start a server need it
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}
