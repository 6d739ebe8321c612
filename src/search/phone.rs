//! Phone numbers: normalisation to E.164 and the digit keys that make lookups index scans.

use phonenumber::country;
use phonenumber::Mode;

use crate::i18n::Msg;
use crate::model::{Phone, E164};

/// Parses a number in any common notation; numbers without a country code take `region`.
/// Only numbers valid for their country are accepted, so typos surface at entry.
pub fn normalize(raw: &str, region: country::Id) -> Result<E164, String> {
    let trimmed = raw.trim();
    if !trimmed.chars().any(|c| c.is_ascii_digit()) {
        return Err(Msg::NotAPhone.fill(&[("raw", &trimmed)]));
    }
    let number = phonenumber::parse(Some(region), trimmed)
        .map_err(|e| format!("{} ({e})", Msg::NotAPhone.fill(&[("raw", &trimmed)])))?;
    if !number.is_valid() {
        return Err(Msg::NotAValidPhone.fill(&[("raw", &trimmed)]));
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

/// The number as staff see it on screen, `+86 187****8293`: the middle of the national number
/// is hidden (full numbers only where needed). The last `shown_tail` digits stay visible, so
/// the digits a caller just gave are never hidden from the agent.
pub fn masked(e164: &E164, shown_tail: usize) -> String {
    let digits = e164.digits();
    let code_len = country_code_len(digits);
    let national = &digits[code_len.min(digits.len())..];
    let n = national.len();
    let head = match n {
        10.. => 3,
        8..=9 => 2,
        _ => 0,
    };
    let tail = shown_tail.max(4).min(n);
    let hidden: String = national
        .chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { c } else { '*' })
        .collect();
    if code_len == 0 {
        format!("+{hidden}")
    } else {
        format!("+{} {hidden}", &digits[..code_len])
    }
}

/// How many leading digits of an E.164 number are its country code. Calling codes are
/// prefix-free, so the first known prefix is it: a few map lookups, where a full parse would
/// run the numbering plan's patterns for every phone on every frame.
fn country_code_len(digits: &str) -> usize {
    (1..=3.min(digits.len()))
        .find(|&len| {
            digits[..len]
                .parse::<u16>()
                .is_ok_and(|code| phonenumber::metadata::DATABASE.region(&code).is_some())
        })
        .unwrap_or(0)
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

    #[test]
    fn masked_hides_the_middle_but_not_what_the_caller_gave() {
        let mobile = normalize("13800138000", country::Id::CN).unwrap();
        assert_eq!(masked(&mobile, 4), "+86 138****8000");
        assert_eq!(masked(&mobile, 0), "+86 138****8000");
        assert_eq!(masked(&mobile, 6), "+86 138**138000");
        assert_eq!(masked(&mobile, 13), "+86 13800138000");
        let us = normalize("+1 (415) 555-0132", country::Id::CN).unwrap();
        assert_eq!(masked(&us, 4), "+1 415***0132");
        let hk = normalize("+852 9123 4567", country::Id::CN).unwrap();
        assert_eq!(masked(&hk, 4), "+852 91**4567");
    }
}
