//! Helpers the integration tests share.

use chrono::NaiveDate;
use guestbook::store::{BadRows, ImportItem, ImportRow, Kind, Store};

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
