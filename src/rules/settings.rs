//! The hotel's settings as rules: checking a new set of settings, and what follows from them
//! (the catalogue, the phone region, the business date).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};

use crate::catalog::Catalog;
use crate::model::{Invalid, Problem, Settings};

/// Checks every value; the error names the setting.
pub fn check(s: &Settings) -> Result<(), Invalid> {
    if s.rollover_hour > 23 {
        return Err(Invalid::new(
            "rollover_hour",
            Problem::NotOneOf {
                value: s.rollover_hour.to_string(),
                choices: "0–23".into(),
            },
        ));
    }
    if phonenumber::country::Id::try_from(s.default_region.as_str()).is_err() {
        return Err(Invalid::new(
            "default_region",
            Problem::NotOneOf {
                value: s.default_region.clone(),
                choices: "CN, HK, US, GB, …".into(),
            },
        ));
    }
    if s.time_zone != "local" && s.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(Invalid::new(
            "time_zone",
            Problem::NotOneOf {
                value: s.time_zone.clone(),
                choices: "local, Asia/Shanghai, Europe/Paris, …".into(),
            },
        ));
    }
    if s.vip_codes.is_empty()
        || s.vip_codes
            .iter()
            .any(|c| c.trim().is_empty() || c.contains([';', ',']))
    {
        return Err(Invalid::new("vip_codes", Problem::Required));
    }
    if s.retention_days == 0 {
        return Err(Invalid::new(
            "retention_days",
            Problem::NotOneOf {
                value: "0".into(),
                choices: "1–36500".into(),
            },
        ));
    }
    catalog(s).map(|_| ())
}

/// The built-in catalogue with the hotel's additions.
pub fn catalog(s: &Settings) -> Result<Catalog, Invalid> {
    Catalog::with_additions(&s.catalog)
        .map_err(|reason| Invalid::new("catalog", Problem::Catalogue { reason }))
}

/// The region numbers without a country code belong to.
pub fn region(s: &Settings) -> phonenumber::country::Id {
    phonenumber::country::Id::try_from(s.default_region.as_str())
        .unwrap_or(phonenumber::country::Id::CN)
}

/// The business date at `now`: the hotel's wall clock, and before the rollover hour the
/// hotel's day has not ended yet (02:30 on the 16th is still the 15th).
pub fn business_date(s: &Settings, now: DateTime<Utc>) -> NaiveDate {
    let wall = match s.time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).naive_local(),
        Err(_) => now.with_timezone(&chrono::Local).naive_local(),
    };
    date_after_rollover(wall, s.rollover_hour)
}

/// Before `rollover_hour` the hotel's day has not ended yet.
pub fn date_after_rollover(wall: NaiveDateTime, rollover_hour: u32) -> NaiveDate {
    if wall.hour() < rollover_hour {
        (wall - Duration::days(1)).date()
    } else {
        wall.date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn night_audit_still_sees_yesterday_before_rollover() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            date_after_rollover(at("2026-06-16 02:30"), 4),
            d("2026-06-15")
        );
        assert_eq!(
            date_after_rollover(at("2026-06-16 04:00"), 4),
            d("2026-06-16")
        );
        assert_eq!(
            date_after_rollover(at("2026-06-16 00:10"), 0),
            d("2026-06-16")
        );
    }

    #[test]
    fn the_hotels_time_zone_decides_the_day() {
        let s = Settings {
            time_zone: "Asia/Shanghai".into(),
            ..Settings::default()
        };
        // 20:30 UTC is 04:30 the next morning in Shanghai: past the rollover.
        let now = DateTime::parse_from_rfc3339("2026-06-15T20:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(business_date(&s, now).to_string(), "2026-06-16");
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let bad = Settings {
            time_zone: "Mars/Olympus".into(),
            ..Settings::default()
        };
        assert!(matches!(check(&bad), Err(Invalid { field, .. }) if field == "time_zone"));
        assert!(check(&Settings::default()).is_ok());
    }
}
