//! Business rules every store shares: what counts as a stay, the VIP order, the alerts of a
//! guest, the board, merging and erasing. Backends only read and write rows; the rules are
//! here once, so a second backend cannot disagree with the first.

pub mod board;
pub mod celebrate;
pub mod merge;
pub mod settings;
pub mod validate;

use crate::model::{Alert, Flag, Guest, Preference, StayStatus};
use chrono::NaiveDate;

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
    if open_complaints > 0 {
        alerts.push(Alert::OpenComplaint {
            count: open_complaints,
        });
    }
    alerts.extend(celebrate::celebrations(guest, prefs, from, to));
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

    #[test]
    fn vip_codes_before_no_code() {
        let mut codes = vec![None, Some("V2"), Some("V1")];
        codes.sort_by_key(|c| vip_rank(*c));
        assert_eq!(codes, [Some("V1"), Some("V2"), None]);
    }
}
