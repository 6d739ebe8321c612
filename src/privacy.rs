//! Who may do what: the actions a store call performs and the roles allowed each. The store
//! checks this at the start of every call, so no front end can forget it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::model::{
    BoardRow, Feedback, FeedbackKind, Guest, GuestField, Profile, Role, SearchHit, Stay, E164,
};

/// What a store call does, as a permission is checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Look guests up and read profiles.
    ReadGuests,
    /// Read the arrivals, in-house and departures board.
    ReadBoard,
    /// Record, withdraw or annotate a preference.
    RecordPreference,
    /// Create a profile.
    AddGuest,
    /// Change a profile's identity fields.
    EditGuest,
    /// Record a complaint or praise.
    RecordFeedback,
    /// Close a complaint with its resolution.
    ResolveFeedback,
    /// Import interchange files.
    Import,
    /// Export interchange files.
    Export,
    /// Print the VIP reception sheet (names, rooms, preferences and complaints of every VIP).
    PrintVipSheet,
    /// Merge two profiles of one person.
    Merge,
    /// Erase a guest's personal data.
    Erase,
    /// Add accounts, change roles, disable accounts, set passwords of others.
    ManageAccounts,
    /// List the accounts.
    ReadAccounts,
    /// Change the hotel's settings.
    ChangeSettings,
    /// Check the database's integrity.
    Check,
    /// Copy the whole database to a file (every guest's personal data).
    Backup,
    /// Read the audit log.
    ReadAudit,
    /// Replace the database with a backup.
    Restore,
    /// Move every date of a sample database (the demo).
    ShiftSampleDates,
    /// Show a masked field of one profile in full, with a reason (audited); which fields a
    /// role may reveal is [`may_reveal`].
    Reveal,
    /// Anonymise the profiles past the retention period (issue 11: admin).
    Purge,
    /// List what the retention rule would anonymise, writing nothing (issue 11: manager).
    PurgeDryRun,
    /// Read the destruction record.
    ReadDestructions,
    /// Export everything held about one guest, for an access request (a privacy officer's
    /// or manager's job, not the front desk's: the export is the whole unmasked record).
    ExportGuest,
    /// Give an incognito guest a pseudonym, change or clear it: whoever may see the real name
    /// (clearing it shows the real name to everyone).
    SetPseudonym,
    /// List likely duplicate profiles across the whole file, or mark a pair as two different
    /// people (`dupes`): the review that comes before a merge, so the same roles.
    ReviewDupes,
}

impl Action {
    /// The roles allowed the action. Defaults of the role matrix in docs/cli.md: the call
    /// centre and front office look after guests, housekeeping records what it observes,
    /// managers also merge and check, admins also manage accounts, settings and erasure.
    pub fn allowed(self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::ReadGuests
            | Action::ReadBoard
            | Action::RecordPreference
            | Action::ReadAccounts => true,
            Action::AddGuest | Action::EditGuest | Action::RecordFeedback => {
                matches!(role, Agent | FrontOffice | Manager | Admin)
            }
            Action::ResolveFeedback | Action::Import | Action::Export | Action::PrintVipSheet => {
                matches!(role, FrontOffice | Manager | Admin)
            }
            Action::Merge | Action::ReviewDupes | Action::Check | Action::ReadAudit => {
                matches!(role, Manager | Admin)
            }
            Action::Erase
            | Action::ManageAccounts
            | Action::ChangeSettings
            | Action::Backup
            | Action::Restore
            | Action::ShiftSampleDates => role == Admin,
            Action::Reveal => role != Housekeeping,
            Action::Purge => role == Admin,
            Action::PurgeDryRun
            | Action::ReadDestructions
            | Action::ExportGuest
            | Action::SetPseudonym => {
                matches!(role, Manager | Admin)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn housekeeping_records_preferences_but_edits_no_profile() {
        assert!(Action::RecordPreference.allowed(Role::Housekeeping));
        assert!(!Action::EditGuest.allowed(Role::Housekeeping));
        assert!(!Action::Import.allowed(Role::Agent));
        assert!(Action::Import.allowed(Role::FrontOffice));
        assert!(!Action::Erase.allowed(Role::Manager));
        assert!(Action::ManageAccounts.allowed(Role::Admin));
    }

    #[test]
    fn managers_look_at_retention_and_only_admins_purge() {
        let allowed = |action: Action| -> Vec<Role> {
            [
                Role::Agent,
                Role::Housekeeping,
                Role::FrontOffice,
                Role::Manager,
                Role::Admin,
            ]
            .into_iter()
            .filter(|r| action.allowed(*r))
            .collect()
        };
        assert_eq!(allowed(Action::Purge), vec![Role::Admin]);
        for action in [
            Action::PurgeDryRun,
            Action::ReadDestructions,
            Action::ExportGuest,
            Action::ReviewDupes,
        ] {
            assert_eq!(
                allowed(action),
                vec![Role::Manager, Role::Admin],
                "{action:?}"
            );
        }
    }
}

/// An argon2id hash of a password, in the PHC string format (salt and parameters included).
pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use rand_core::OsRng;
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for parameters out of range; the defaults are not.
        .unwrap_or_default()
}

/// Whether `password` matches a hash made by [`hash_password`] (in constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Does the work of [`verify_password`] against a hash no password matches, and answers
/// `false`: a sign-in naming an account without a password, or no account at all, then takes
/// as long as a wrong password does, so timing does not tell which names exist.
pub fn verify_against_nothing(password: &str) -> bool {
    static NOTHING: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    // A random password nobody is told: its hash stands for "no password here".
    let hash = NOTHING.get_or_init(|| {
        use rand_core::{OsRng, RngCore};
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        hash_password(&format!("{secret:?}"))
    });
    let _ = verify_password(password, hash);
    false
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("longjing-22");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("longjing-22", &hash));
        assert!(!verify_password("longjing-23", &hash));
        assert!(!verify_password("longjing-22", "not a hash"));
        assert!(!verify_against_nothing("longjing-22"));
        assert!(!verify_against_nothing(""));
    }
}

// ---------------------------------------------------------------- the role matrix of fields

/// The mark every masked text carries (`******1234`, `****-03-15`): the store refuses a
/// governed value holding it, so a masked view exported or sent back never overwrites data.
pub const MASK: &str = "****";

/// The year a birth date masked to month and day carries inside a [`Guest`] (year 0, a leap
/// year, so 29 February survives); it is written `****-MM-DD` wherever it is shown.
pub const MASKED_YEAR: i32 = 0;

/// A part of a profile the role matrix governs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Governed {
    /// The real name (and romanised name, greeting) of an incognito guest: masked, the
    /// pseudonym stands in for it.
    Name,
    Phones,
    Emails,
    IdDocNumber,
    BirthDate,
    /// A stay's `spend_room`, `spend_fnb`, `spend_other`.
    Spend,
    /// The text and resolution of complaints (that a complaint is open stays visible).
    Complaints,
}

impl Governed {
    pub const ALL: [Governed; 7] = [
        Governed::Name,
        Governed::Phones,
        Governed::Emails,
        Governed::IdDocNumber,
        Governed::BirthDate,
        Governed::Spend,
        Governed::Complaints,
    ];

    /// The profile field it is, for the fields a person edits (`reveal` names these).
    pub fn of_field(field: GuestField) -> Option<Governed> {
        Some(match field {
            GuestField::Name | GuestField::NameLatin => Governed::Name,
            GuestField::Phones => Governed::Phones,
            GuestField::Emails => Governed::Emails,
            GuestField::IdDocNumber => Governed::IdDocNumber,
            GuestField::BirthDate => Governed::BirthDate,
            _ => return None,
        })
    }
}

/// How much of a governed field a role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The value as stored.
    Full,
    /// The key keeps a masked text: last 4 of a phone or document, the domain of an e-mail,
    /// month and day of a birth date, the pseudonym for a name, `****` for a text.
    Masked,
    /// The key holds `null` (or `[]`) and the field is named in `masked`; a stay's spend and
    /// a complaint's text are simply `null`/`****`.
    Hidden,
}

/// The hotel's changes to the default matrix, role by governed field (setting
/// `field_access`).
pub type FieldAccessSettings = BTreeMap<Role, BTreeMap<Governed, Access>>;

/// The default matrix (docs/privacy.md): the call centre sees phones in full and the last 4
/// of a document, housekeeping only what a room needs, front office everything but spend,
/// managers and admins everything. Real names of incognito guests: manager and admin only.
pub fn default_access(role: Role, field: Governed) -> Access {
    use Access::*;
    use Governed as G;
    use Role::*;
    match (role, field) {
        (Manager | Admin, _) => Full,
        (_, G::Name) => Masked,
        (_, G::Spend) => Hidden,
        (Agent, G::IdDocNumber | G::BirthDate) => Masked,
        (Agent, _) => Full,
        (Housekeeping, G::Phones | G::BirthDate | G::Complaints) => Masked,
        (Housekeeping, _) => Hidden,
        (FrontOffice, _) => Full,
    }
}

/// Whether `role` reaches only the guests in house on the business date (housekeeping: the
/// in-house board and those guests' profiles). Lists such a role reads (search, the flagged
/// list, the board) are limited to that reach, and say so.
pub fn reaches_in_house_only(role: Role) -> bool {
    role == Role::Housekeeping
}

/// The profile fields a reveal can show in full (those the role matrix may mask), in the
/// order a form offers them; which of them a role may reveal is [`may_reveal`].
pub const REVEALABLE: [GuestField; 5] = [
    GuestField::IdDocNumber,
    GuestField::Phones,
    GuestField::Emails,
    GuestField::BirthDate,
    GuestField::Name,
];

/// Whether `role` may reveal `field` with a reason: never housekeeping; spend is not
/// revealed (it is not a profile field); an incognito guest's real name from front office up;
/// the other fields from the call centre up (an agent verifying a caller's document).
pub fn may_reveal(role: Role, field: Governed) -> bool {
    use Role::*;
    match field {
        Governed::Spend | Governed::Complaints => false,
        Governed::Name => matches!(role, FrontOffice | Manager | Admin),
        _ => Action::Reveal.allowed(role),
    }
}

/// The field access of one role: the defaults with the hotel's settings over them. The one
/// place masking is decided; the store applies it to everything it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRules {
    role: Role,
    access: BTreeMap<Governed, Access>,
    /// Fields shown in full whatever the matrix says (a reveal).
    revealed: Option<Governed>,
}

impl FieldRules {
    /// The rules of `role` under the hotel's `settings`.
    pub fn new(role: Role, settings: &FieldAccessSettings) -> FieldRules {
        let own = settings.get(&role);
        let access = Governed::ALL
            .iter()
            .map(|&f| {
                let a = own
                    .and_then(|m| m.get(&f))
                    .copied()
                    .unwrap_or_else(|| default_access(role, f));
                (f, a)
            })
            .collect();
        FieldRules {
            role,
            access,
            revealed: None,
        }
    }

    /// The same rules with `field` shown in full (after an audited reveal).
    pub fn revealing(mut self, field: Governed) -> FieldRules {
        self.revealed = Some(field);
        self
    }

    /// The same rules with incognito names shown as pseudonyms whoever reads (a printed
    /// sheet leaves the building).
    pub fn printing(mut self) -> FieldRules {
        if self.access(Governed::Name) == Access::Full {
            self.access.insert(Governed::Name, Access::Masked);
        }
        self
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// How much of `field` the role sees.
    pub fn access(&self, field: Governed) -> Access {
        if self.revealed == Some(field) {
            return Access::Full;
        }
        self.access.get(&field).copied().unwrap_or(Access::Full)
    }

    /// Whether real names of incognito guests are withheld (search then finds them only by
    /// their pseudonym).
    pub fn hides_real_names(&self) -> bool {
        self.access(Governed::Name) != Access::Full
    }

    /// Puts an incognito guest's pseudonym in place of their names when the role may not see
    /// them (the greeting would name them too); true when it did. The lookup scores the
    /// guests it fetched after this, so a real name finds nobody for such a role.
    pub fn alias_name(&self, g: &mut Guest) -> bool {
        match (&g.pseudonym, self.hides_real_names()) {
            (Some(alias), true) => {
                g.name = alias.clone();
                g.name_latin = None;
                g.preferred_address = None;
                true
            }
            _ => false,
        }
    }

    /// Masks a guest in place and names the fields withheld in `guest.masked`.
    pub fn guest(&self, g: &mut Guest) {
        if self.alias_name(g) {
            g.masked.extend([
                GuestField::Name,
                GuestField::NameLatin,
                GuestField::PreferredAddress,
            ]);
        }
        match self.access(Governed::Phones) {
            Access::Full => {}
            _ if g.phones.is_empty() => {}
            Access::Masked => {
                for p in &mut g.phones {
                    let text = masked_tail(p.e164.digits());
                    p.e164 = E164(text.clone());
                    p.raw = text;
                    p.extension = None;
                }
                g.masked.push(GuestField::Phones);
            }
            Access::Hidden => {
                g.phones.clear();
                g.masked.push(GuestField::Phones);
            }
        }
        match self.access(Governed::Emails) {
            Access::Full => {}
            _ if g.emails.is_empty() => {}
            Access::Masked => {
                for e in &mut g.emails {
                    let domain = e.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
                    *e = format!("{MASK}@{domain}");
                }
                g.masked.push(GuestField::Emails);
            }
            Access::Hidden => {
                g.emails.clear();
                g.masked.push(GuestField::Emails);
            }
        }
        if let Some(number) = &g.id_doc_number {
            match self.access(Governed::IdDocNumber) {
                Access::Full => {}
                Access::Masked => {
                    g.id_doc_number = Some(masked_tail(number));
                    g.masked.push(GuestField::IdDocNumber);
                }
                Access::Hidden => {
                    g.id_doc_number = None;
                    g.masked.push(GuestField::IdDocNumber);
                }
            }
        }
        if let Some(date) = g.birth_date {
            match self.access(Governed::BirthDate) {
                Access::Full => {}
                Access::Masked => {
                    g.birth_date = date.with_year(MASKED_YEAR);
                    g.masked.push(GuestField::BirthDate);
                }
                Access::Hidden => {
                    g.birth_date = None;
                    g.masked.push(GuestField::BirthDate);
                }
            }
        }
    }

    /// Masks a stay's spend.
    pub fn stay(&self, s: &mut Stay) {
        if self.access(Governed::Spend) != Access::Full {
            let text = match self.access(Governed::Spend) {
                Access::Masked => |v: &mut Option<String>| {
                    if v.is_some() {
                        *v = Some(MASK.to_string())
                    }
                },
                _ => |v: &mut Option<String>| *v = None,
            };
            text(&mut s.spend_room);
            text(&mut s.spend_fnb);
            text(&mut s.spend_other);
        }
    }

    /// A stay as an export writes it: withheld spend as `****`, so the file cannot be
    /// imported back over the real amounts.
    pub fn exported_stay(&self, s: &mut Stay) {
        if self.access(Governed::Spend) != Access::Full {
            for v in [&mut s.spend_room, &mut s.spend_fnb, &mut s.spend_other] {
                if v.is_some() {
                    *v = Some(MASK.to_string());
                }
            }
        }
    }

    /// Masks a complaint's text and resolution (its status stays: "a complaint is open").
    pub fn feedback(&self, f: &mut Feedback) {
        if f.kind == FeedbackKind::Complaint && self.access(Governed::Complaints) != Access::Full {
            f.text = MASK.to_string();
            if f.resolution.is_some() {
                f.resolution = Some(MASK.to_string());
            }
        }
    }

    /// Masks a whole profile; a role that may not see complaints at all sees none.
    pub fn profile(&self, p: &mut Profile) {
        self.guest(&mut p.guest);
        p.stays.iter_mut().for_each(|s| self.stay(s));
        if self.access(Governed::Complaints) == Access::Hidden {
            p.feedback.retain(|f| f.kind != FeedbackKind::Complaint);
        }
        p.feedback.iter_mut().for_each(|f| self.feedback(f));
    }

    /// Masks a lookup hit's phones (its names came from a guest already passed through
    /// [`FieldRules::alias_name`]).
    pub fn hit(&self, h: &mut SearchHit) {
        match self.access(Governed::Phones) {
            Access::Full => {}
            Access::Masked => {
                for p in h.phones.iter_mut().chain(h.matched_phone.as_mut()) {
                    *p = E164(masked_tail(p.digits()));
                }
            }
            Access::Hidden => {
                h.phones.clear();
                h.matched_phone = None;
                h.matched_digits = 0;
            }
        }
    }

    /// Masks a board row's names (phones are not on the board).
    pub fn board_row(&self, r: &mut BoardRow, pseudonym: Option<&str>) {
        if let (Some(alias), true) = (pseudonym, self.hides_real_names()) {
            r.name = alias.to_string();
            r.name_latin = None;
            r.preferred_address = None;
        }
    }
}

/// `****` and the last 4 characters (`******1234` for a longer value: the mask is as long
/// as what it hides, at least [`MASK`]).
pub fn masked_tail(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = chars.len().saturating_sub(4);
    let tail: String = chars[keep..].iter().collect();
    format!("{}{tail}", "*".repeat(keep.max(MASK.len())))
}

/// Fields whose values can never hold a `*`: phone numbers, e-mail addresses, an ID
/// document's number, a birth date and amounts of spend. In these a single `*` is taken for
/// a mask (`***1822`, `*@example.com`), whatever its length, since no real value has one.
/// Named as the interchange columns and `edit` fields name them.
pub const STAR_FREE: [&str; 7] = [
    "phones",
    "emails",
    "id_doc_number",
    "birth_date",
    "spend_room",
    "spend_fnb",
    "spend_other",
];

/// Whether `text`, as the value of `field`, holds a masked value and so is never data: in a
/// [`STAR_FREE`] field any `*`; in free text (a complaint, its resolution) the mark [`MASK`]
/// that masking writes there, since a guest's words may hold a star or two. The one rule
/// `edit`, a remote patch and an import apply.
pub fn looks_masked(field: &str, text: &str) -> bool {
    if STAR_FREE.contains(&field) {
        text.contains('*')
    } else {
        text.contains(MASK)
    }
}

/// A birth date as it is shown: `YYYY-MM-DD`, or `****-MM-DD` when its year is masked.
pub fn birth_date_text(date: NaiveDate) -> String {
    if date.year() == MASKED_YEAR {
        format!("{MASK}-{:02}-{:02}", date.month(), date.day())
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// Reads [`birth_date_text`] back (a masked one into [`MASKED_YEAR`]).
pub fn parse_birth_date(text: &str) -> Option<NaiveDate> {
    match text.strip_prefix(MASK) {
        Some(md) => NaiveDate::parse_from_str(&format!("0000{md}"), "%Y-%m-%d").ok(),
        None => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
    }
}

/// Serde for a guest's birth date in JSON: `"1985-03-15"`, or `"****-03-15"` when masked.
pub mod birth_date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::birth_date_text(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(t) => super::parse_birth_date(&t)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a date (YYYY-MM-DD)")),
        }
    }
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn any_star_in_a_field_that_never_holds_one_is_a_mask() {
        for (field, text) in [
            ("id_doc_number", "***1822"),
            ("id_doc_number", "E1234*678"),
            ("phones", "*8000"),
            ("emails", "*@example.com"),
            ("birth_date", "**-03-15"),
            ("spend_room", "*"),
        ] {
            assert!(looks_masked(field, text), "{field}={text}");
        }
        for (field, text) in [
            ("id_doc_number", "E12341822"),
            ("phones", "+86 138 0013 8000"),
            ("emails", "fang@example.com"),
        ] {
            assert!(!looks_masked(field, text), "{field}={text}");
        }
    }

    #[test]
    fn free_text_may_hold_stars_but_not_the_mask() {
        assert!(!looks_masked("text", "Rated the spa ***"));
        assert!(!looks_masked("text", "*very* noisy"));
        assert!(looks_masked("text", MASK));
        assert!(looks_masked("resolution", "****"));
    }
}

#[cfg(test)]
mod matrix_tests {
    use super::*;
    use crate::model::{GuestId, Phone};

    fn sample() -> Guest {
        let mut g = Guest::new(GuestId::from("G1"), "王芳");
        g.name_latin = Some("Wang Fang".into());
        g.pseudonym = Some("林女士".into());
        g.id_doc_number = Some("E12345678".into());
        g.birth_date = NaiveDate::from_ymd_opt(1988, 2, 29);
        g.emails = vec!["fang@example.com".into()];
        g.phones = vec![Phone {
            raw: "138 0013 8000".into(),
            e164: E164("+8613800138000".into()),
            verified: true,
            extension: None,
        }];
        g
    }

    #[test]
    fn an_agent_sees_full_phones_last_four_of_the_document_and_the_birthday_only() {
        let mut g = sample();
        FieldRules::new(Role::Agent, &Default::default()).guest(&mut g);
        assert_eq!(g.name, "林女士");
        assert_eq!(g.phones[0].e164.0, "+8613800138000");
        assert_eq!(g.id_doc_number.as_deref(), Some("*****5678"));
        assert_eq!(birth_date_text(g.birth_date.unwrap()), "****-02-29");
        assert_eq!(g.emails, vec!["fang@example.com".to_string()]);
        assert_eq!(
            g.masked,
            vec![
                GuestField::Name,
                GuestField::NameLatin,
                GuestField::PreferredAddress,
                GuestField::IdDocNumber,
                GuestField::BirthDate
            ]
        );
    }

    #[test]
    fn housekeeping_sees_the_last_four_of_phones_and_no_document_or_email() {
        let mut g = sample();
        FieldRules::new(Role::Housekeeping, &Default::default()).guest(&mut g);
        assert_eq!(g.phones[0].e164.0, "*********8000");
        assert_eq!(g.id_doc_number, None);
        assert!(g.emails.is_empty());
        assert!(g.masked.contains(&GuestField::Emails));
    }

    #[test]
    fn the_hotel_can_loosen_a_field_and_managers_see_everything() {
        let mut settings = FieldAccessSettings::new();
        settings.insert(
            Role::Agent,
            BTreeMap::from([(Governed::IdDocNumber, Access::Full)]),
        );
        let mut g = sample();
        FieldRules::new(Role::Agent, &settings).guest(&mut g);
        assert_eq!(g.id_doc_number.as_deref(), Some("E12345678"));
        let original = sample();
        let mut g = original.clone();
        FieldRules::new(Role::Manager, &Default::default()).guest(&mut g);
        assert_eq!(g, original);
    }

    #[test]
    fn every_masked_text_carries_the_mark() {
        assert!(looks_masked("phones", &masked_tail("1234")));
        assert!(looks_masked("id_doc_number", &masked_tail("E12345678")));
        assert!(looks_masked("text", &masked_tail("a complaint")));
        assert_eq!(
            parse_birth_date("****-03-15"),
            NaiveDate::from_ymd_opt(0, 3, 15)
        );
        assert_eq!(
            parse_birth_date("1985-03-15"),
            NaiveDate::from_ymd_opt(1985, 3, 15)
        );
    }
}
