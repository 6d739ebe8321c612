//! Phone numbers: folding what hotels write into numbers, normalisation to E.164, and the
//! digit keys that make lookups index scans.

use phonenumber::country;
use phonenumber::{Mode, PhoneNumber};
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Msg;
use crate::model::{Phone, E164};

/// Parses a number in any common notation; numbers without a country code take `region`.
/// Only numbers valid for their country are accepted, so typos surface at entry.
pub fn normalize(raw: &str, region: country::Id) -> Result<E164, String> {
    let folded = fold(raw);
    let trimmed = folded.trim();
    if !trimmed.chars().any(|c| c.is_ascii_digit()) {
        return Err(Msg::NotAPhone.fill(&[("raw", &raw.trim())]));
    }
    let number = parse(trimmed, region)
        .map_err(|e| format!("{} ({e})", Msg::NotAPhone.fill(&[("raw", &raw.trim())])))?;
    if !number.is_valid() {
        return Err(Msg::NotAValidPhone.fill(&[("raw", &raw.trim())]));
    }
    Ok(e164_of(&number))
}

/// A phone as entered plus its E.164 form.
pub fn phone(raw: &str, region: country::Id) -> Result<Phone, String> {
    Ok(Phone {
        raw: raw.trim().to_string(),
        e164: normalize(raw, region)?,
        verified: true,
        extension: None,
    })
}

/// Parses with `region` only when the number does not carry its own country code.
///
/// phonenumber 0.3.10 applies the given region's national-prefix rules even to `+33 1 23 45
/// 67 89` (it becomes `+336789`): the fault is upstream, in `parser::parse_with`, which takes
/// the metadata of the region passed in rather than of the number's own country code. A
/// number written with `+`, `00` or the region's international prefix is therefore parsed
/// with no region at all.
fn parse(text: &str, region: country::Id) -> Result<PhoneNumber, phonenumber::ParseError> {
    match international(text, region) {
        Some(plus) => phonenumber::parse(None, plus),
        None => phonenumber::parse(Some(region), text),
    }
}

/// The number rewritten with `+` when it starts with one, with `00` or with the region's
/// international prefix (`011` dialled from the US).
fn international(text: &str, region: country::Id) -> Option<String> {
    let text = text.trim_start_matches(|c: char| !(c.is_ascii_digit() || c == '+'));
    if text.starts_with('+') {
        return Some(text.to_string());
    }
    let digits_from = |skip: usize| {
        let mut seen = 0;
        let at = text
            .char_indices()
            .find(|(_, c)| {
                if c.is_ascii_digit() {
                    seen += 1;
                }
                seen > skip
            })
            .map_or(text.len(), |(i, _)| i);
        format!("+{}", &text[at..])
    };
    let digits = digits_of(text);
    if digits.starts_with("00") && !digits.starts_with("000") {
        return Some(digits_from(2));
    }
    // Every region's international prefix starts with 0 or 8 (`011`, `810`) but Chile's and
    // Cuba's (`1xx0`, `119`): most numbers are spared the pattern.
    let unusual = matches!(region, country::Id::CL | country::Id::CU);
    if !unusual && !digits.starts_with(['0', '8']) {
        return None;
    }
    let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref())?;
    let idd = meta.international_prefix()?.find(&digits)?;
    (idd.start() == 0 && idd.end() > 0 && digits.len() > idd.end() + 6)
        .then(|| digits_from(idd.end()))
}

fn e164_of(number: &PhoneNumber) -> E164 {
    E164(number.format().mode(Mode::E164).to_string())
}

/// Code points of the digit zero of every Unicode decimal digit block (general category Nd),
/// each followed by the other nine. Generated from Python's `unicodedata` (Unicode 15).
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The ASCII digit a Unicode decimal digit stands for (`８`, `٣`, `३`).
fn ascii_digit(c: char) -> Option<char> {
    let cp = c as u32;
    let at = DIGIT_ZEROS
        .partition_point(|&zero| zero <= cp)
        .checked_sub(1)?;
    let value = cp - DIGIT_ZEROS[at];
    (value < 10).then(|| char::from(b'0' + value as u8))
}

/// Full-width and other compatibility forms folded (NFKC: `＋８６` -> `+86`, `（` -> `(`), and
/// every Unicode decimal digit written as its ASCII digit.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.nfkc().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// What importing a phone field said besides its numbers: a kept but unknown number, a
/// placeholder ignored, a leading zero put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneWarning {
    /// No digits (`n/a`, `-`, `无`) or only zeros: nothing kept.
    Placeholder { raw: String },
    /// Kept and findable by its digits, but the numbering plan does not know it.
    Unverified { raw: String, e164: E164 },
    /// A spreadsheet dropped the leading `0` (or `00`); only one reading is a valid number.
    ZeroRestored { raw: String, e164: E164 },
}

impl PhoneWarning {
    /// One sentence for the import summary, in the process-wide language.
    pub fn message(&self) -> String {
        match self {
            PhoneWarning::Placeholder { raw } => {
                Msg::PhonePlaceholderIgnored.fill(&[("value", raw)])
            }
            PhoneWarning::Unverified { raw, e164 } => {
                Msg::PhoneKeptUnverified.fill(&[("value", raw), ("e164", e164)])
            }
            PhoneWarning::ZeroRestored { raw, e164 } => {
                Msg::PhoneZeroRestored.fill(&[("value", raw), ("e164", e164)])
            }
        }
    }
}

/// The numbers of one phone field, and what the importer should be told about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhoneField {
    pub phones: Vec<Phone>,
    pub warnings: Vec<PhoneWarning>,
}

/// Reads a phone field as hotels write it: several numbers (split on `;`, and on `/ , 、 or`
/// where each side is a whole number), extensions, full-width digits, `+86 (0)21 …`,
/// placeholders. A guest is never refused because of a phone: every number with digits is
/// kept, verified or not. The one refusal is a number Excel rounded (`1.38001E+10`), whose
/// digits are gone.
pub fn parse_field(field: &str, region: country::Id) -> Result<PhoneField, String> {
    let folded = fold(field);
    let mut out = PhoneField::default();
    for part in split_numbers(&folded) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if excel_rounded(part) {
            return Err(Msg::PhoneExcelRounded.fill(&[("value", &part)]));
        }
        let raw = part.to_string();
        let (number, extension) = split_extension(part);
        let digits = digits_of(number);
        if digits.trim_start_matches('0').is_empty() {
            out.warnings.push(PhoneWarning::Placeholder { raw });
            continue;
        }
        let (e164, verified, warning) = read_number(number, &raw, region);
        out.warnings.extend(warning);
        out.phones.push(Phone {
            raw,
            e164,
            verified,
            extension,
        });
    }
    Ok(out)
}

/// One number's E.164 form, whether the plan knows it, and what to tell the importer.
fn read_number(number: &str, raw: &str, region: country::Id) -> (E164, bool, Option<PhoneWarning>) {
    // `+86 (0)21 …`: the trunk prefix a caller abroad leaves out, written in brackets. Italy
    // keeps its 0 after the country code, so the bracketed digit is tried both ways.
    let without_trunk = drop_bracketed_trunk(number);
    let tries = [without_trunk.as_deref(), Some(number)];
    let mut first_parse = None;
    for text in tries.into_iter().flatten() {
        if let Ok(parsed) = parse(text, region) {
            if parsed.is_valid() {
                return (e164_of(&parsed), true, None);
            }
            first_parse.get_or_insert(parsed);
        }
    }
    if let Some(e164) = restored_zero(number, region) {
        let warning = PhoneWarning::ZeroRestored {
            raw: raw.to_string(),
            e164: e164.clone(),
        };
        return (e164, true, Some(warning));
    }
    let e164 = first_parse
        .filter(|p| p.national().value() > 0)
        .map(|p| e164_of(&p))
        .unwrap_or_else(|| digits_as_e164(number, region));
    let warning = PhoneWarning::Unverified {
        raw: raw.to_string(),
        e164: e164.clone(),
    };
    (e164, false, Some(warning))
}

/// A number missing the digits a spreadsheet strips from the front of what it took for an
/// integer: the trunk `0` (`212345678` for Milan's `0212345678`) or the `00` before a country
/// code (`8613800138000`). Recovered only when exactly one of the readings is valid.
fn restored_zero(number: &str, region: country::Id) -> Option<E164> {
    if international(number, region).is_some() || number.trim_start().starts_with('0') {
        return None;
    }
    let digits = digits_of(number);
    let valid = |text: String| {
        parse(&text, region)
            .ok()
            .filter(PhoneNumber::is_valid)
            .map(|p| e164_of(&p))
    };
    let readings: Vec<E164> = [valid(format!("0{digits}")), valid(format!("+{digits}"))]
        .into_iter()
        .flatten()
        .collect();
    match readings.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// The digits of a number the plan does not know, with the country code they most likely
/// carry: their own after `+` or `00`, else the region's after its trunk prefix.
fn digits_as_e164(number: &str, region: country::Id) -> E164 {
    if let Some(plus) = international(number, region) {
        return E164(format!("+{}", digits_of(&plus)));
    }
    let digits = digits_of(number);
    let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref());
    let trunk = meta.and_then(|m| m.national_prefix()).unwrap_or("");
    let national = if trunk.is_empty() {
        &digits[..]
    } else {
        digits.strip_prefix(trunk).unwrap_or(&digits)
    };
    let code = meta.map_or(0, |m| m.country_code());
    E164(format!("+{code}{national}"))
}

/// `+86 (0)21 6288 1234` -> `+86 21 6288 1234`; `None` when there is no bracketed trunk digit.
fn drop_bracketed_trunk(number: &str) -> Option<String> {
    let compact: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let at = compact.find("(0)")?;
    let after = &compact[at + 3..];
    (after.chars().any(|c| c.is_ascii_digit())).then(|| format!("{}{after}", &compact[..at]))
}

/// `1.38001E+10` (`1,38001E+10` in a European Excel): a number a spreadsheet stored as a
/// float and rounded.
fn excel_rounded(part: &str) -> bool {
    let compact: String = part.chars().filter(|c| !c.is_whitespace()).collect();
    let Some((mantissa, exponent)) = compact.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let decimal = |c: char| c == '.' || c == ',';
    let mantissa_ok = !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || decimal(c))
        && mantissa.chars().filter(|&c| decimal(c)).count() <= 1
        && mantissa.starts_with(|c: char| c.is_ascii_digit());
    mantissa_ok && !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
}

/// What may stand between a number and its extension, lower case.
const EXTENSION_MARKS: &[&str] = &["分机", "转", "ext.", "ext", "x", "#"];

/// A typed query without the extension at its end (`021-62881234转806` -> `021-62881234`):
/// numbers are filed without theirs.
pub fn without_extension(query: &str) -> &str {
    split_extension(query).0
}

/// `021-62881234转806` -> (`021-62881234`, `806`): the last mark followed only by digits.
fn split_extension(part: &str) -> (&str, Option<String>) {
    let lower = part.to_lowercase();
    // Lower-casing keeps byte offsets only for ASCII and Han text; anything else is taken as is.
    if lower.len() != part.len() {
        return (part, None);
    }
    for mark in EXTENSION_MARKS {
        let Some(at) = lower.rfind(mark) else {
            continue;
        };
        let (number, rest) = (&part[..at], &part[at + mark.len()..]);
        let extension = rest.trim().trim_start_matches(['.', ':']).trim();
        let is_extension = !extension.is_empty()
            && extension.len() <= 6
            && extension.chars().all(|c| c.is_ascii_digit());
        if is_extension && digits_of(number).len() >= MIN_NUMBER_DIGITS {
            return (number.trim_end(), Some(extension.to_string()));
        }
    }
    (part, None)
}

/// Digits a number has at least: a side with fewer is part of its neighbour (`030/1234567`).
const MIN_NUMBER_DIGITS: usize = 7;

/// Separators that may part two numbers, beside `;` (which always does).
const SOFT_SEPARATORS: &[&str] = &["/", ",", "、", "，", " or "];

/// The numbers of a field: split on `;`, and on a soft separator only where each side is a
/// whole number (`13812345678/13987654321`, but German `030/1234567` stays one).
fn split_numbers(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    for hard in field.split(['；', ';']) {
        let mut groups: Vec<String> = Vec::new();
        for piece in soft_pieces(hard) {
            match groups.last_mut() {
                Some(last) if digits_of(last).len() < MIN_NUMBER_DIGITS => {
                    last.push_str(&piece);
                }
                _ => groups.push(piece),
            }
        }
        // A short tail belongs to the number before it.
        if groups.len() > 1 && digits_of(&groups[groups.len() - 1]).len() < MIN_NUMBER_DIGITS {
            let tail = groups.pop().unwrap_or_default();
            if let Some(last) = groups.last_mut() {
                last.push_str(&tail);
            }
        }
        out.extend(groups.into_iter().map(|g| strip_separator(&g).to_string()));
    }
    out
}

/// The field cut before every soft separator, each piece keeping the separator it starts with
/// so a piece joined back to its neighbour reads as written.
fn soft_pieces(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let same_offsets = lower.len() == text.len();
    let mut cuts = vec![0];
    let mut i = 0;
    while i < text.len() {
        let hay = if same_offsets {
            &lower[i..]
        } else {
            &text[i..]
        };
        match SOFT_SEPARATORS.iter().find(|s| hay.starts_with(*s)) {
            Some(sep) => {
                cuts.push(i);
                i += sep.len();
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| text[w[0]..w[1]].to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn strip_separator(group: &str) -> &str {
    let lower = group.to_lowercase();
    for sep in SOFT_SEPARATORS {
        if lower.starts_with(sep) && lower.len() == group.len() {
            return &group[sep.len()..];
        }
    }
    group
}

/// The E.164 digits reversed (`+8613800138000` -> `0008310083168`): a caller's last digits
/// become a key prefix, so "ends with 8000" is an index range scan.
pub fn reversed_digits(e164: &E164) -> String {
    e164.digits().chars().rev().collect()
}

/// Only the ASCII digits of a query (`(021) 6234-5678` -> `02162345678`); fold first for
/// full-width and other digit forms.
pub fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The number as staff see it on screen, `+86 187****8293`: the middle of the national number
/// is hidden (full numbers only where needed). The last `shown_tail` digits stay visible, so
/// the digits a caller just gave are never hidden from the agent.
pub fn masked(e164: &E164, shown_tail: usize) -> String {
    // Already masked by the store for the reader's role (`*********5678`): shown as it is.
    if e164.0.starts_with('*') {
        return e164.0.clone();
    }
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

    /// Every region's example numbers (tests/fixtures/example_phones.tsv): region, type,
    /// international notation, national notation, E.164.
    fn examples() -> Vec<Vec<&'static str>> {
        include_str!("../../tests/fixtures/example_phones.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').collect())
            .collect()
    }

    #[test]
    fn numbers_with_their_own_country_code_ignore_the_default_region() {
        let mut wrong = Vec::new();
        for row in examples() {
            let (intl, e164) = (row[2], row[4]);
            let idd = format!("00{}", &intl[1..]);
            for written in [intl, &idd] {
                match parse_field(written, country::Id::CN) {
                    Ok(f) if f.phones.len() == 1 && f.phones[0].e164.0 == e164 => {}
                    other => wrong.push(format!("{} {written}: {other:?}", row[0])),
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn national_numbers_take_their_region() {
        let mut wrong = Vec::new();
        for row in examples() {
            let Ok(region) = row[0].parse::<country::Id>() else {
                continue;
            };
            match parse_field(row[3], region) {
                Ok(f) if f.phones.len() == 1 && f.phones[0].e164.0 == row[4] => {}
                other => wrong.push(format!("{} {}: {other:?}", row[0], row[3])),
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    /// Each phone of a field as `e164`, `e164 ext N`, with ` ?` when unverified.
    fn stored(field: &str, region: country::Id) -> Vec<String> {
        let parsed = parse_field(field, region).unwrap();
        parsed
            .phones
            .iter()
            .map(|p| {
                let mut s = p.e164.0.clone();
                if let Some(e) = &p.extension {
                    s.push_str(&format!(" ext {e}"));
                }
                if !p.verified {
                    s.push_str(" ?");
                }
                s
            })
            .collect()
    }

    #[test]
    fn several_numbers_in_one_field_split_where_each_side_is_whole() {
        use country::Id::{CN, DE};
        for (field, region, want) in [
            (
                "13812345678; 13987654321",
                CN,
                &["+8613812345678", "+8613987654321"][..],
            ),
            (
                "13812345678/13987654321",
                CN,
                &["+8613812345678", "+8613987654321"],
            ),
            (
                "13812345678, 021 6288 1234",
                CN,
                &["+8613812345678", "+862162881234"],
            ),
            (
                "13812345678、13987654321",
                CN,
                &["+8613812345678", "+8613987654321"],
            ),
            (
                "13812345678；13987654321",
                CN,
                &["+8613812345678", "+8613987654321"],
            ),
            (
                "13812345678，13987654321",
                CN,
                &["+8613812345678", "+8613987654321"],
            ),
            (
                "13812345678 or +44 7400 123456",
                CN,
                &["+8613812345678", "+447400123456"],
            ),
            (
                "13812345678 OR 13987654321",
                CN,
                &["+8613812345678", "+8613987654321"],
            ),
            ("030/1234567", DE, &["+49301234567"]),
            (
                "+49 30/1234567, 0171 1234567",
                DE,
                &["+49301234567", "+491711234567"],
            ),
        ] {
            assert_eq!(stored(field, region), want, "{field}");
        }
    }

    #[test]
    fn extensions_are_kept_beside_the_number() {
        use country::Id::{CN, US};
        for (field, region, want) in [
            ("021-62881234转806", CN, "+862162881234 ext 806"),
            ("021-62881234 分机 806", CN, "+862162881234 ext 806"),
            ("+1 415 555 0132 ext. 12", US, "+14155550132 ext 12"),
            ("+1 415 555 0132 ext 12", US, "+14155550132 ext 12"),
            ("(415) 555-0132 x12", US, "+14155550132 ext 12"),
            ("(415) 555-0132 X 12", US, "+14155550132 ext 12"),
            ("4155550132#12", US, "+14155550132 ext 12"),
        ] {
            assert_eq!(stored(field, region), [want], "{field}");
        }
    }

    #[test]
    fn full_width_and_other_digit_forms_fold() {
        use country::Id::CN;
        assert_eq!(fold("＋８６　１３８（０）"), "+86 138(0)");
        assert_eq!(fold("٠١٢٣٤٥٦٧٨٩ ०१२३ ๙"), "0123456789 0123 9");
        for field in [
            "１３８１２３４５６７８",
            "＋８６ １３８－１２３４－５６７８",
            "+٨٦ ١٣٨١٢٣٤٥٦٧٨",
            "१३८१२३४५६७८",
            "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
        ] {
            assert_eq!(stored(field, CN), ["+8613812345678"], "{field}");
        }
    }

    #[test]
    fn a_trunk_prefix_in_brackets_is_dropped_where_the_country_drops_it() {
        use country::Id::CN;
        for (field, want) in [
            ("+86 (0)21 6288 1234", "+862162881234"),
            ("+44 (0)121 234 5678", "+441212345678"),
            ("+44(0)7400 123456", "+447400123456"),
            ("+49 (0)30 1234567", "+49301234567"),
            ("+39 (0)2 1234 5678", "+390212345678"),
        ] {
            assert_eq!(stored(field, CN), [want], "{field}");
        }
    }

    #[test]
    fn placeholders_are_ignored_with_a_warning() {
        for field in ["n/a", "N/A", "-", "无", "none", "0", "000-0000-0000", "—"] {
            let parsed = parse_field(field, country::Id::CN).unwrap();
            assert!(parsed.phones.is_empty(), "{field}");
            assert_eq!(
                parsed.warnings,
                [PhoneWarning::Placeholder {
                    raw: fold(field).trim().to_string()
                }],
                "{field}"
            );
        }
        assert_eq!(
            parse_field("  ", country::Id::CN).unwrap(),
            PhoneField::default()
        );
        assert_eq!(
            stored("13812345678; n/a", country::Id::CN),
            ["+8613812345678"]
        );
    }

    #[test]
    fn an_unknown_number_is_kept_unverified_with_its_digits() {
        use country::Id::CN;
        // A mobile number one digit short stands for any number the plan does not know.
        let parsed = parse_field("1380013800", CN).unwrap();
        assert_eq!(stored("1380013800", CN), ["+861380013800 ?"]);
        assert_eq!(
            parsed.warnings[0].message(),
            "'1380013800' is not a number the numbering plan knows; kept unverified as +861380013800"
        );
        assert_eq!(stored("+33 9999", CN), ["+339999 ?"]);
        assert_eq!(stored("0086 1234", CN), ["+861234 ?"]);
        assert_eq!(stored("021-1234", CN), ["+86211234 ?"]);
    }

    #[test]
    fn excel_rounded_numbers_refuse_the_row() {
        for field in [
            "1.38001E+10",
            "1.38001e+10",
            "1,38001E+10",
            "8.61380E+12",
            "1.38E10",
            "13800138000; 1.38001E+10",
        ] {
            let err = parse_field(field, country::Id::CN).unwrap_err();
            assert!(err.contains("Excel"), "{field}: {err}");
        }
        assert_eq!(
            Msg::PhoneExcelRounded.fill_in(crate::i18n::Lang::En, &[("value", &"1.38001E+10")]),
            "'1.38001E+10' is a phone number Excel turned into a rounded number, so its last \
             digits are lost; in Excel format the phone column as Text (or type the numbers \
             with a leading ') and export the file again"
        );
    }

    #[test]
    fn a_lost_leading_zero_is_put_back_when_only_one_reading_is_valid() {
        use country::Id::{CN, IT};
        let parsed = parse_field("212345678", IT).unwrap();
        assert_eq!(stored("212345678", IT), ["+390212345678"]);
        assert_eq!(
            parsed.warnings,
            [PhoneWarning::ZeroRestored {
                raw: "212345678".into(),
                e164: E164("+390212345678".into())
            }]
        );
        // `00` lost before the country code.
        assert_eq!(stored("8613800138000", CN), ["+8613800138000"]);
        assert_eq!(stored("447400123456", CN), ["+447400123456"]);
        // A number that is valid as written is left alone.
        assert_eq!(stored("2162881234", CN), ["+862162881234"]);
    }

    #[test]
    fn the_regions_own_international_prefix_marks_a_country_code() {
        assert_eq!(
            stored("011 33 1 23 45 67 89", country::Id::US),
            ["+33123456789"]
        );
        assert_eq!(
            stored("00 44 121 234 5678", country::Id::CN),
            ["+441212345678"]
        );
    }

    #[test]
    fn phones_stored_before_verification_read_back_verified() {
        let old: Phone =
            serde_json::from_str(r#"{"raw":"13800138000","e164":"+8613800138000"}"#).unwrap();
        assert!(old.verified);
        assert_eq!(old.extension, None);
        let unverified = parse_field("1380013800", country::Id::CN).unwrap().phones;
        assert_eq!(
            serde_json::to_string(&unverified).unwrap(),
            r#"[{"raw":"1380013800","e164":"+861380013800","verified":false}]"#
        );
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
