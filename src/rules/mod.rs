//! Business rules every store shares: what counts as a stay, the VIP order, the alerts of a
//! guest, the board, merging and erasing. Backends only read and write rows; the rules are
//! here once, so a second backend cannot disagree with the first.

pub mod board;
pub mod celebrate;
pub mod dupes;
pub mod merge;
pub mod settings;
pub mod validate;

use crate::model::{Alert, Flag, Guest, HitStay, Preference, StayNow, StayStatus};
use chrono::NaiveDate;

/// How many days ahead an arrival makes a guest a likely caller.
pub const ARRIVING_WITHIN_DAYS: u64 = 7;

/// A stay as the lookup reads it to tell where its guest stands today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayRow {
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
    pub room: Option<String>,
    pub status: StayStatus,
}

/// The last day an arrival still makes a guest "arriving" on `today`.
pub fn arriving_until(today: NaiveDate) -> NaiveDate {
    today + chrono::Days::new(ARRIVING_WITHIN_DAYS)
}

/// Where a stay stands on `today`: in house (arrived before and leaving later, or checked in
/// today), arriving (today and not yet checked in, or within [`ARRIVING_WITHIN_DAYS`]),
/// leaving today; nothing for a stay that is over, further ahead, cancelled or a no-show.
pub fn stay_now(stay: &StayRow, today: NaiveDate) -> Option<StayNow> {
    if !stay.status.is_real() {
        return None;
    }
    if stay.departure == today && stay.arrival < today {
        return Some(StayNow::Departing);
    }
    if stay.status == StayStatus::Departed {
        return None;
    }
    if stay.arrival < today && today < stay.departure {
        return Some(StayNow::InHouse);
    }
    if stay.arrival == today && stay.status == StayStatus::InHouse {
        return Some(StayNow::InHouse);
    }
    (today <= stay.arrival && stay.arrival <= arriving_until(today)).then_some(StayNow::Arriving)
}

/// The stay a guest is known by today, of all theirs: in house, else the next arrival within
/// the week, else the one leaving today.
pub fn current_stay<'a>(
    stays: impl IntoIterator<Item = &'a StayRow>,
    today: NaiveDate,
) -> Option<HitStay> {
    stays
        .into_iter()
        .filter_map(|s| Some((stay_now(s, today)?, s)))
        .min_by_key(|(now, s)| (*now as u8, s.arrival))
        .map(|(status, s)| HitStay {
            status,
            room: s.room.clone(),
            arrival: s.arrival,
            departure: s.departure,
        })
}

/// The lookup's first tie-break: guests in house or arriving within the week are the likely
/// callers, then those leaving today, then everyone else.
pub fn likely_caller_rank(stay: Option<&HitStay>) -> u8 {
    match stay.map(|s| s.status) {
        Some(StayNow::InHouse | StayNow::Arriving) => 0,
        Some(StayNow::Departing) => 1,
        None => 2,
    }
}

/// The stay count shown on the board, the profile and the VIP sheet: stays that happened
/// (in house or departed). Expected stays are bookings, not stays yet; cancelled and no-show
/// reservations never were stays.
pub fn counts_as_stay(status: StayStatus) -> bool {
    matches!(status, StayStatus::InHouse | StayStatus::Departed)
}

/// The one VIP order, for the board, the lookup's tie-breaks and the VIP sheet: codes in
/// their own order (`V1` before `V2`), any code before none.
pub fn vip_rank(vip: Option<&str>) -> (bool, &str) {
    (vip.is_none(), vip.unwrap_or(""))
}

/// What nobody serving the guest may miss, in this order: do-not-rent, open complaints, and a
/// birthday or anniversary falling between `from` and `to` (both included).
pub fn alerts(
    guest: &Guest,
    prefs: &[Preference],
    open_complaints: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if guest.has_flag(Flag::DoNotRent) {
        alerts.push(Alert::DoNotRent);
    }
    // Every other flag, in the catalogue's order, so no screen or sheet can miss one.
    alerts.extend(
        Flag::ALL
            .iter()
            .filter(|f| **f != Flag::DoNotRent && guest.has_flag(**f))
            .map(|&flag| Alert::Flag { flag }),
    );
    if open_complaints > 0 {
        alerts.push(Alert::OpenComplaint {
            count: open_complaints,
        });
    }
    // Nobody wishes a deceased guest's family a happy birthday.
    if !guest.has_flag(Flag::Deceased) {
        alerts.extend(celebrate::celebrations(guest, prefs, from, to));
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stays_that_happened_count() {
        let counted: Vec<StayStatus> = StayStatus::ALL
            .iter()
            .copied()
            .filter(|s| counts_as_stay(*s))
            .collect();
        assert_eq!(counted, [StayStatus::InHouse, StayStatus::Departed]);
    }

    fn row(arrival: u32, departure: u32, status: StayStatus) -> StayRow {
        let d = |day| NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
        StayRow {
            arrival: d(arrival),
            departure: d(departure),
            room: Some(format!("R{arrival}")),
            status,
        }
    }

    #[test]
    fn where_a_stay_stands_today() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let cases = [
            (row(14, 17, StayStatus::InHouse), Some(StayNow::InHouse)),
            (row(14, 17, StayStatus::Expected), Some(StayNow::InHouse)),
            (row(15, 17, StayStatus::InHouse), Some(StayNow::InHouse)),
            (row(15, 17, StayStatus::Expected), Some(StayNow::Arriving)),
            (row(22, 24, StayStatus::Expected), Some(StayNow::Arriving)),
            (row(23, 24, StayStatus::Expected), None),
            (row(12, 15, StayStatus::Departed), Some(StayNow::Departing)),
            (row(12, 15, StayStatus::InHouse), Some(StayNow::Departing)),
            (row(12, 17, StayStatus::Departed), None),
            (row(10, 12, StayStatus::Departed), None),
            (row(14, 17, StayStatus::Cancelled), None),
            (row(15, 17, StayStatus::NoShow), None),
        ];
        for (stay, want) in cases {
            assert_eq!(stay_now(&stay, today), want, "{stay:?}");
        }
    }

    #[test]
    fn in_house_before_arriving_before_leaving() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let stays = [
            row(12, 15, StayStatus::Departed),
            row(20, 22, StayStatus::Expected),
            row(17, 19, StayStatus::Expected),
        ];
        let now = current_stay(&stays, today).unwrap();
        assert_eq!(
            (now.status, now.room.as_deref()),
            (StayNow::Arriving, Some("R17"))
        );
        assert_eq!(
            current_stay(&stays[..1], today).unwrap().status,
            StayNow::Departing
        );
        assert_eq!(current_stay(&[], today), None);
    }

    #[test]
    fn vip_codes_before_no_code() {
        let mut codes = vec![None, Some("V2"), Some("V1")];
        codes.sort_by_key(|c| vip_rank(*c));
        assert_eq!(codes, [Some("V1"), Some("V2"), None]);
    }
}
