//! The board of a business date: which stays are arrivals, in house or departures, what each
//! row says (stay count, alerts during the stay, key preferences), and their order.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{
    Board, BoardPreference, BoardRow, Feedback, Guest, GuestId, Preference, VipEntry, VipSheet,
};

/// The VIP sheet of a VIP-only board: each row with its guest's complaints (a guest without
/// an entry in `complaints` has none).
pub fn vip_sheet(board: Board, complaints: &HashMap<GuestId, Vec<Feedback>>) -> VipSheet {
    let entries = |rows: Vec<BoardRow>| -> Vec<VipEntry> {
        rows.into_iter()
            .map(|row| VipEntry {
                complaints: complaints.get(&row.guest_id).cloned().unwrap_or_default(),
                row,
            })
            .collect()
    };
    VipSheet {
        date: board.date,
        arrivals: entries(board.arrivals),
        in_house: entries(board.in_house),
        departures: entries(board.departures),
    }
}

/// A stay as the backend reads it for the board: one that happened or will (not cancelled,
/// not a no-show) and touches the date.
#[derive(Debug, Clone)]
pub struct BoardStay {
    pub reservation_id: String,
    pub guest_id: GuestId,
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
    pub room: Option<String>,
    /// The stay's own VIP code, which outranks the profile's for this stay.
    pub vip: Option<String>,
}

/// What the board needs of a guest, read once for all of their rows.
#[derive(Debug, Clone)]
pub struct GuestFacts {
    pub guest: Guest,
    /// Active preferences, newest first.
    pub preferences: Vec<Preference>,
    pub open_complaints: u32,
    /// Per [`super::counts_as_stay`].
    pub stay_count: u32,
}

/// The board of `date` from its stays and their guests' facts: arrivals arrive on `date`,
/// departures leave on it, in-house guests arrived before and leave after. A stay whose
/// guest has no facts (gone since the stays were read) is left out. Rows are in VIP order,
/// then by room (as numbers: 802 before 2917), then by name.
pub fn assemble(
    date: NaiveDate,
    vip_only: bool,
    stays: Vec<BoardStay>,
    facts: &HashMap<GuestId, GuestFacts>,
) -> Board {
    let mut board = Board {
        date,
        arrivals: Vec::new(),
        in_house: Vec::new(),
        departures: Vec::new(),
    };
    for stay in stays {
        let Some(f) = facts.get(&stay.guest_id) else {
            continue;
        };
        let vip = stay.vip.clone().or_else(|| f.guest.vip.clone());
        if vip_only && vip.is_none() {
            continue;
        }
        let row = BoardRow {
            guest_id: stay.guest_id.clone(),
            name: f.guest.name.clone(),
            name_latin: f.guest.name_latin.clone(),
            preferred_address: f.guest.preferred_address.clone(),
            reservation_id: stay.reservation_id.clone(),
            room: stay.room.clone(),
            vip,
            arrival: stay.arrival,
            departure: stay.departure,
            stay_count: f.stay_count,
            alerts: super::alerts(
                &f.guest,
                &f.preferences,
                f.open_complaints,
                stay.arrival,
                stay.departure,
            ),
            preferences: key_preferences(&f.preferences),
        };
        if stay.arrival == date {
            board.arrivals.push(row.clone());
        }
        if stay.departure == date {
            board.departures.push(row.clone());
        }
        if stay.arrival < date && date < stay.departure {
            board.in_house.push(row);
        }
    }
    for rows in [
        &mut board.arrivals,
        &mut board.in_house,
        &mut board.departures,
    ] {
        rows.sort_by(row_order);
    }
    board
}

fn row_order(a: &BoardRow, b: &BoardRow) -> std::cmp::Ordering {
    super::vip_rank(a.vip.as_deref())
        .cmp(&super::vip_rank(b.vip.as_deref()))
        .then_with(|| crate::model::room_order(a.room.as_deref(), b.room.as_deref()))
        .then_with(|| a.name.cmp(&b.name))
}

/// The preferences that matter for the board: the newest active one per category and value.
pub fn key_preferences(prefs: &[Preference]) -> Vec<BoardPreference> {
    let mut out: Vec<BoardPreference> = Vec::new();
    for p in prefs.iter().filter(|p| !p.retired) {
        if !out
            .iter()
            .any(|o| o.category == p.category && o.value == p.value)
        {
            out.push(BoardPreference {
                category: p.category.clone(),
                value: p.value.clone(),
                note: p.note.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stay(room: &str, vip: Option<&str>, guest: &str) -> BoardStay {
        let d = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        BoardStay {
            reservation_id: format!("R{room}"),
            guest_id: GuestId::from(guest),
            arrival: d,
            departure: d + chrono::Duration::days(2),
            room: Some(room.into()),
            vip: vip.map(String::from),
        }
    }

    #[test]
    fn vips_first_then_rooms_as_numbers() {
        let mut facts = HashMap::new();
        for id in ["A", "B", "C"] {
            facts.insert(
                GuestId::from(id),
                GuestFacts {
                    guest: Guest::new(GuestId::from(id), id),
                    preferences: Vec::new(),
                    open_complaints: 0,
                    stay_count: 1,
                },
            );
        }
        let stays = vec![
            stay("2917", None, "A"),
            stay("802", None, "B"),
            stay("3501", Some("V1"), "C"),
        ];
        let date = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let board = assemble(date, false, stays, &facts);
        let rooms: Vec<&str> = board
            .arrivals
            .iter()
            .filter_map(|r| r.room.as_deref())
            .collect();
        assert_eq!(rooms, ["3501", "802", "2917"]);
        assert!(board.in_house.is_empty() && board.departures.is_empty());
    }
}
