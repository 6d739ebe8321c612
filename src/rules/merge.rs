//! Merging two profiles of one person, and erasing a guest's personal data: what the
//! surviving or anonymous profile holds. The backend moves the rows.

use crate::model::Guest;

/// What an erased profile is called; it has no search keys.
pub const ERASED_NAME: &str = "[erased]";

/// KEEP with OTHER's phones (one per E.164) and e-mails added, its blanks filled from OTHER,
/// flags joined (a do-not-rent mark must survive a merge).
pub fn merged_guest(keep: &Guest, other: &Guest) -> Guest {
    let mut g = keep.clone();
    for p in &other.phones {
        if !g.phones.iter().any(|q| q.e164 == p.e164) {
            g.phones.push(p.clone());
        }
    }
    for e in &other.emails {
        if !g.emails.iter().any(|f| f.eq_ignore_ascii_case(e)) {
            g.emails.push(e.clone());
        }
    }
    for f in &other.flags {
        if !g.flags.contains(f) {
            g.flags.push(*f);
        }
    }
    let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    };
    fill(&mut g.name_latin, &other.name_latin);
    fill(&mut g.preferred_address, &other.preferred_address);
    fill(&mut g.nationality, &other.nationality);
    fill(&mut g.language, &other.language);
    fill(&mut g.id_doc_number, &other.id_doc_number);
    fill(&mut g.company, &other.company);
    fill(&mut g.vip, &other.vip);
    fill(&mut g.notes, &other.notes);
    g.gender = g.gender.or(other.gender);
    g.birth_date = g.birth_date.or(other.birth_date);
    g.id_doc_type = g.id_doc_type.or(other.id_doc_type);
    g
}

/// The guest with its personal data replaced: only what an anonymous stay history needs.
pub fn erased_guest(g: &Guest) -> Guest {
    Guest {
        name: ERASED_NAME.to_string(),
        name_latin: None,
        preferred_address: None,
        // With a room and dates, a gender, nationality, language or VIP code can still
        // point to one person.
        gender: None,
        nationality: None,
        language: None,
        vip: None,
        pseudonym: None,
        birth_date: None,
        id_doc_type: None,
        id_doc_number: None,
        phones: Vec::new(),
        emails: Vec::new(),
        company: None,
        notes: None,
        flags: Vec::new(),
        ..g.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Gender, GuestId};

    #[test]
    fn an_erased_guest_keeps_nothing_that_points_to_the_person() {
        let mut g = Guest::new(GuestId("G1".into()), "Nuria Puig");
        g.gender = Some(Gender::Female);
        g.nationality = Some("ES".into());
        g.language = Some("es".into());
        g.vip = Some("V3".into());
        g.pseudonym = Some("林女士".into());
        let erased = erased_guest(&g);
        assert_eq!(erased.name, ERASED_NAME);
        assert_eq!(
            (erased.gender, erased.nationality, erased.language),
            (None, None, None)
        );
        assert_eq!((erased.vip, erased.pseudonym), (None, None));
        assert_eq!(erased.id, g.id);
    }
}
