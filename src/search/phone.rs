//! Phone numbers: normalisation to E.164 and the digit keys that make lookups index scans.

use phonenumber::country;
use phonenumber::Mode;

use crate::model::{Phone, E164};

/// Parses a number in any common notation; numbers without a country code take `region`.
/// Only numbers valid for their country are accepted, so typos surface at entry.
pub fn normalize(raw: &str, region: country::Id) -> Result<E164, String> {
    let trimmed = raw.trim();
    if !trimmed.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("'{trimmed}' is not a phone number"));
    }
    let number = phonenumber::parse(Some(region), trimmed)
        .map_err(|e| format!("'{trimmed}' is not a phone number ({e})"))?;
    if !number.is_valid() {
        return Err(format!("'{trimmed}' is not a valid phone number"));
    }
    Ok(E164(number.format().mode(Mode::E164).to_string()))
}

/// A phone as entered plus its E.164 form.
pub fn phone(raw: &str, region: country::Id) -> Result<Phone, String> {
    Ok(Phone {
        raw: raw.trim().to_string(),
        e164: normalize(raw, region)?,
    })
}

/// The E.164 digits reversed (`+8613800138000` -> `0008310083168`): a caller's last digits
/// become a key prefix, so "ends with 8000" is an index range scan.
pub fn reversed_digits(e164: &E164) -> String {
    e164.digits().chars().rev().collect()
}

/// Only the ASCII digits of a query (`(021) 6234-5678` -> `02162345678`).
pub fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(raw: &str) -> String {
        normalize(raw, country::Id::CN).unwrap().0
    }

    #[test]
    fn notations_fold_to_one_e164() {
        for raw in [
            "13800138000",
            "+86 138-0013-8000",
            "0086 13800138000",
            "138 0013 8000",
        ] {
            assert_eq!(e164(raw), "+8613800138000", "{raw}");
        }
        assert_eq!(e164("(021) 6234 5678"), "+862162345678");
        assert_eq!(e164("+1 (415) 555-0132"), "+14155550132");
        assert_eq!(e164("+49 30 1234567"), "+49301234567");
    }

    #[test]
    fn nonsense_is_refused() {
        for raw in ["", "abc", "12", "1380013800", "+86 138 0013 8000 99 99"] {
            assert!(normalize(raw, country::Id::CN).is_err(), "{raw}");
        }
    }

    #[test]
    fn reversed_digits_put_last_digits_first() {
        assert_eq!(
            reversed_digits(&E164("+8613800138000".into())),
            "0008310083168"
        );
        assert_eq!(digits_of("(021) 6234-5678"), "02162345678");
    }
}
