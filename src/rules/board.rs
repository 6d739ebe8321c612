//! The board of a business date: which stays are arrivals, in house or departures, what each
//! row says (stay count, alerts during the stay, key preferences), and their order.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{Board, BoardPreference, BoardRow, Guest, GuestId, Preference};

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
        rows.sort_by(|a, b| row_order(a).cmp(&row_order(b)));
    }
    board
}

fn row_order(r: &BoardRow) -> ((bool, &str), (bool, u64, &str), &str) {
    (
        super::vip_rank(r.vip.as_deref()),
        room_order(r.room.as_deref()),
        &r.name,
    )
}

/// Rooms in the order a floor plan has them: numbers as numbers, then other names, then none.
pub fn room_order(room: Option<&str>) -> (bool, u64, &str) {
    match room {
        Some(r) => match r.trim().parse::<u64>() {
            Ok(n) => (false, n, r),
            Err(_) => (false, u64::MAX, r),
        },
        None => (true, u64::MAX, ""),
    }
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

    #[test]
    fn rooms_sort_as_numbers() {
        let mut rooms = vec![Some("2917"), None, Some("802"), Some("PH1"), Some("1215")];
        rooms.sort_by_key(|r| room_order(*r));
        assert_eq!(
            rooms,
            [Some("802"), Some("1215"), Some("2917"), Some("PH1"), None]
        );
    }
}
