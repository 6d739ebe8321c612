//! Likely duplicates: when two profiles look like one person, why, and how strongly. Every
//! backend nominates candidates by the keys of [`keys`] (and its phone keys), then decides
//! with [`reasons`]; nothing else says what a duplicate is.
//!
//! The reasons (issue 11, item 5) and their weights, strongest first:
//!
//! | reason | weight | holds when |
//! |---|---|---|
//! | `id_document` | 40 | same document type and number (number compared without spaces, dashes, case) |
//! | `phone` | 30 | a phone number in common (E.164) |
//! | `email` | 25 | an e-mail address in common (case-insensitive) |
//! | `name_birth_date` | 20 | same name ([`name_key`]) and same birth date |
//! | `name_last4` | 10 | same name and two *different* numbers ending in the same 4 digits |
//!
//! A pair's score is the sum of its reasons' weights (at most 125). The same name alone is
//! never a reason: hotels have many guests called 张伟 or John Smith who are different people.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::model::{DupeReason, Guest};
use crate::rules::merge::ERASED_NAME;

/// A key shared by more profiles than this (a travel agency's phone, a company's switchboard
/// e-mail) tells nothing about who is who and proposes no pairs.
pub const SHARED_KEY_MAX: usize = 20;

/// How much a reason counts towards a pair's score.
pub fn weight(reason: DupeReason) -> u32 {
    match reason {
        DupeReason::IdDocument => 40,
        DupeReason::Phone => 30,
        DupeReason::Email => 25,
        DupeReason::NameBirthDate => 20,
        DupeReason::NameLastFour => 10,
    }
}

/// The score of a pair with these reasons: the sum of their weights.
pub fn score(reasons: &[DupeReason]) -> u32 {
    reasons.iter().map(|r| weight(*r)).sum()
}

/// A name as compared for "same name": compatibility forms folded (NFKC), traditional Han
/// to simplified, case folded, punctuation dropped and words in sorted order, so `SMITH,
/// John` and `John Smith`, 陳大文 and 陈大文 are the same name. None for an empty or erased
/// name.
pub fn name_key(name: &str) -> Option<String> {
    if name == ERASED_NAME {
        return None;
    }
    let folded = fast2s::convert(&name.nfkc().collect::<String>()).to_lowercase();
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    let key = words.join(" ");
    (!key.is_empty()).then_some(key)
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn document_key(g: &Guest) -> Option<String> {
    let number: String = g
        .id_doc_number
        .as_deref()?
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    let kind = g.id_doc_type.map_or("", |t| t.as_str());
    (!number.is_empty()).then(|| format!("{kind}:{number}"))
}

/// The last 4 digits of each phone, with the number they end.
fn last_fours(g: &Guest) -> Vec<(String, &str)> {
    g.phones
        .iter()
        .filter_map(|p| {
            let digits: Vec<char> = p.e164.0.chars().filter(char::is_ascii_digit).collect();
            (digits.len() >= 4).then(|| {
                let tail: String = digits[digits.len() - 4..].iter().collect();
                (tail, p.e164.0.as_str())
            })
        })
        .collect()
}

/// The keys under which a backend files a profile to find its likely duplicates, except its
/// phones (backends already keep a key per E.164 number): two profiles sharing a key are
/// candidates, which [`reasons`] then confirms. Each key starts with a letter naming its
/// reason. An erased profile has none.
pub fn keys(g: &Guest) -> Vec<String> {
    let mut keys = BTreeSet::new();
    let Some(name) = name_key(&g.name) else {
        return Vec::new();
    };
    if let Some(doc) = document_key(g) {
        keys.insert(format!("d:{doc}"));
    }
    for e in &g.emails {
        let e = email_key(e);
        if !e.is_empty() {
            keys.insert(format!("e:{e}"));
        }
    }
    if let Some(born) = g.birth_date {
        keys.insert(format!("b:{name}:{born}"));
    }
    for (tail, _) in last_fours(g) {
        keys.insert(format!("l:{name}:{tail}"));
    }
    keys.into_iter().collect()
}

/// Why `a` and `b` look like one person, strongest first; empty when they do not.
pub fn reasons(a: &Guest, b: &Guest) -> Vec<DupeReason> {
    let mut out = Vec::new();
    if a.name == ERASED_NAME || b.name == ERASED_NAME || a.id == b.id {
        return out;
    }
    if document_key(a).is_some() && document_key(a) == document_key(b) {
        out.push(DupeReason::IdDocument);
    }
    if a.phones
        .iter()
        .any(|p| b.phones.iter().any(|q| q.e164 == p.e164))
    {
        out.push(DupeReason::Phone);
    }
    let emails: BTreeSet<String> = a.emails.iter().map(|e| email_key(e)).collect();
    if b.emails
        .iter()
        .any(|e| !e.trim().is_empty() && emails.contains(&email_key(e)))
    {
        out.push(DupeReason::Email);
    }
    let same_name = name_key(&a.name).is_some() && name_key(&a.name) == name_key(&b.name);
    if same_name && a.birth_date.is_some() && a.birth_date == b.birth_date {
        out.push(DupeReason::NameBirthDate);
    }
    let (fa, fb) = (last_fours(a), last_fours(b));
    let same_tail_other_number = fa
        .iter()
        .any(|(t, n)| fb.iter().any(|(u, m)| t == u && n != m));
    if same_name && same_tail_other_number {
        out.push(DupeReason::NameLastFour);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GuestId, IdDocType, Phone, E164};
    use chrono::NaiveDate;

    fn guest(id: &str, name: &str) -> Guest {
        Guest::new(GuestId(id.into()), name)
    }

    fn phone(e164: &str) -> Phone {
        Phone {
            raw: e164.into(),
            e164: E164(e164.into()),
            verified: true,
            extension: None,
        }
    }

    fn shares_a_key(a: &Guest, b: &Guest) -> bool {
        let kb = keys(b);
        keys(a).iter().any(|k| kb.contains(k))
            || a.phones
                .iter()
                .any(|p| b.phones.iter().any(|q| q.e164 == p.e164))
    }

    #[test]
    fn same_name_alone_is_no_reason() {
        let mut a = guest("G1", "张伟");
        let mut b = guest("G2", "张伟");
        a.birth_date = NaiveDate::from_ymd_opt(1970, 4, 28);
        b.birth_date = NaiveDate::from_ymd_opt(1985, 1, 2);
        a.phones = vec![phone("+8618871056897")];
        b.phones = vec![phone("+8613900001111")];
        assert_eq!(reasons(&a, &b), Vec::<DupeReason>::new());
        assert!(!shares_a_key(&a, &b));
    }

    #[test]
    fn every_reason_is_found_and_scored_strongest_first() {
        let mut a = guest("G1", "John SMITH");
        let mut b = guest("G2", "smith, john");
        for g in [&mut a, &mut b] {
            g.id_doc_type = Some(IdDocType::Passport);
            g.birth_date = NaiveDate::from_ymd_opt(1980, 3, 4);
        }
        a.id_doc_number = Some("e1234 567".into());
        b.id_doc_number = Some("E1234-567".into());
        a.phones = vec![phone("+8613800138000"), phone("+85291234567")];
        b.phones = vec![phone("+8613800138000"), phone("+12025554567")];
        a.emails = vec!["J.Smith@Example.com".into()];
        b.emails = vec!["j.smith@example.com".into()];
        let r = reasons(&a, &b);
        assert_eq!(r, DupeReason::ALL.to_vec());
        assert_eq!(score(&r), 125);
        assert!(shares_a_key(&a, &b));
    }

    #[test]
    fn one_shared_number_is_a_phone_reason_not_a_last_four_one() {
        let mut a = guest("G1", "李娜");
        let mut b = guest("G2", "李娜");
        a.phones = vec![phone("+8613800138000")];
        b.phones = vec![phone("+8613800138000")];
        assert_eq!(reasons(&a, &b), vec![DupeReason::Phone]);
        b.phones = vec![phone("+8613911118000")];
        assert_eq!(reasons(&a, &b), vec![DupeReason::NameLastFour]);
        assert!(shares_a_key(&a, &b));
    }

    #[test]
    fn traditional_and_simplified_spellings_are_one_name() {
        assert_eq!(name_key("陳大文"), name_key("陈大文"));
        assert_eq!(name_key(ERASED_NAME), None);
    }

    #[test]
    fn a_document_needs_the_same_type() {
        let mut a = guest("G1", "A");
        let mut b = guest("G2", "B");
        a.id_doc_type = Some(IdDocType::Passport);
        b.id_doc_type = Some(IdDocType::NationalId);
        a.id_doc_number = Some("123456".into());
        b.id_doc_number = Some("123456".into());
        assert_eq!(reasons(&a, &b), Vec::<DupeReason>::new());
        assert!(!shares_a_key(&a, &b));
    }
}
