//! The guest-history data model: guests, their phones, preferences, stays and feedback.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod erasure;
pub use erasure::*;

/// A profile's stable id, as the PMS or the hotel gave it (`G0001`), or assigned on create.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct GuestId(pub String);

impl fmt::Display for GuestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for GuestId {
    fn from(s: &str) -> Self {
        GuestId(s.to_string())
    }
}

/// A phone number in E.164 form (`+8613800138000`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct E164(pub String);

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl E164 {
    /// The digits without the leading `+`.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }
}

/// A phone as the guest gave it, and its normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Phone {
    pub raw: String,
    /// The number in E.164 form; for an unverified number, its digits with the country code
    /// they most likely carry, so it is still found by them.
    pub e164: E164,
    /// Whether the numbering plan knows the number. An unknown one is kept, not refused: the
    /// next range a carrier opens is unknown to the plan too. Phones stored before this field
    /// existed were all checked, hence the default.
    #[serde(default = "verified_by_default")]
    pub verified: bool,
    /// The extension dialled after the number (`021-62881234转806` -> `806`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

fn verified_by_default() -> bool {
    true
}

/// Defines a string-valued enum with its interchange spelling, parsing and display.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        // Written out, as the derive does not see the serde spellings through the macro:
        // the API document must name the values the API sends.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the interchange spelling, case-insensitively.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(Gender { Female => "F", Male => "M", Other => "X" });

keyword_enum!(IdDocType {
    Passport => "passport",
    NationalId => "national_id",
    HkMacauPermit => "hk_macau_permit",
    TaiwanPermit => "taiwan_permit",
    Other => "other",
});

keyword_enum!(
    /// Marks on a profile that change how staff treat the guest. `legal_hold`: held for a
    /// legal case, so the retention rule never purges it.
    Flag {
        DoNotRent => "do_not_rent",
        NoMarketing => "no_marketing",
        Deceased => "deceased",
        EraseRequested => "erase_requested",
        LegalHold => "legal_hold",
    }
);

keyword_enum!(
    /// The department that observed a preference or took a complaint.
    Source {
        FrontOffice => "front_office",
        Housekeeping => "housekeeping",
        Fnb => "fnb",
        Concierge => "concierge",
        CallCentre => "call_centre",
        Guest => "guest",
    }
);

keyword_enum!(
    /// A department that prepares for a guest: the VIP sheet hands each its own list, and
    /// each catalogue category belongs to one (the hotel may move a category in settings).
    Department {
        FrontOffice => "front_office",
        Housekeeping => "housekeeping",
        Fnb => "fnb",
        Engineering => "engineering",
        Security => "security",
    }
);

keyword_enum!(StayStatus {
    Expected => "expected",
    InHouse => "in_house",
    Departed => "departed",
    Cancelled => "cancelled",
    NoShow => "no_show",
});

keyword_enum!(FeedbackKind { Complaint => "complaint", Praise => "praise" });

keyword_enum!(FeedbackStatus { Open => "open", Resolved => "resolved" });

keyword_enum!(
    /// What a staff account may do; see the privacy rules.
    Role {
        Agent => "agent",
        Housekeeping => "housekeeping",
        FrontOffice => "front_office",
        Manager => "manager",
        Admin => "admin",
    }
);

impl Role {
    /// The department a role's observations are recorded under.
    pub fn source(self) -> Source {
        match self {
            Role::Agent => Source::CallCentre,
            Role::Housekeeping => Source::Housekeeping,
            Role::FrontOffice | Role::Manager | Role::Admin => Source::FrontOffice,
        }
    }
}

/// A guest profile without its history.
///
/// In JSON, `phones` is the list of E.164 numbers (the contract of cli.md) and
/// `phone_entries` the same numbers as entered, so a profile read back from its JSON is equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "GuestWire", from = "GuestWire")]
pub struct Guest {
    pub id: GuestId,
    pub name: String,
    pub name_latin: Option<String>,
    pub preferred_address: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub nationality: Option<String>,
    pub language: Option<String>,
    pub id_doc_type: Option<IdDocType>,
    pub id_doc_number: Option<String>,
    pub phones: Vec<Phone>,
    pub emails: Vec<String>,
    pub company: Option<String>,
    pub vip: Option<String>,
    pub flags: Vec<Flag>,
    pub notes: Option<String>,
    /// The name staff below manager see, search and print instead of the real one (an
    /// incognito guest: a celebrity, a protected person); see `privacy`.
    pub pseudonym: Option<String>,
    /// Bumped on every edit; an edit carrying an older version is refused.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
    /// Fields whose value was withheld from the reader's role: each holds its masked text,
    /// which the store never takes back as data (see [`Problem::MaskedValue`]).
    pub masked: Vec<GuestField>,
}

/// The schema of a [`Guest`] is the one of its JSON form.
impl utoipa::PartialSchema for Guest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <GuestWire as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Guest {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <GuestWire as utoipa::ToSchema>::schemas(schemas)
    }
}

/// [`Guest`] as it travels in JSON.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
struct GuestWire {
    id: GuestId,
    name: String,
    name_latin: Option<String>,
    preferred_address: Option<String>,
    gender: Option<Gender>,
    /// `YYYY-MM-DD`, or `****-MM-DD` when the year is masked.
    #[serde(with = "crate::privacy::birth_date_serde")]
    #[schema(value_type = Option<String>)]
    birth_date: Option<NaiveDate>,
    nationality: Option<String>,
    language: Option<String>,
    id_doc_type: Option<IdDocType>,
    id_doc_number: Option<String>,
    phones: Vec<E164>,
    #[serde(default)]
    phone_entries: Vec<Phone>,
    emails: Vec<String>,
    company: Option<String>,
    vip: Option<String>,
    flags: Vec<Flag>,
    notes: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    updated_by: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    masked: Vec<GuestField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pseudonym: Option<String>,
}

impl From<Guest> for GuestWire {
    fn from(g: Guest) -> Self {
        GuestWire {
            phones: g.phones.iter().map(|p| p.e164.clone()).collect(),
            phone_entries: g.phones,
            id: g.id,
            name: g.name,
            name_latin: g.name_latin,
            preferred_address: g.preferred_address,
            gender: g.gender,
            birth_date: g.birth_date,
            nationality: g.nationality,
            language: g.language,
            id_doc_type: g.id_doc_type,
            id_doc_number: g.id_doc_number,
            emails: g.emails,
            company: g.company,
            vip: g.vip,
            flags: g.flags,
            notes: g.notes,
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
            updated_by: g.updated_by,
            masked: g.masked,
            pseudonym: g.pseudonym,
        }
    }
}

impl From<GuestWire> for Guest {
    fn from(w: GuestWire) -> Self {
        // A client that only sends E.164 numbers entered them so.
        let phones = if w.phone_entries.is_empty() {
            w.phones
                .into_iter()
                .map(|e164| Phone {
                    raw: e164.0.clone(),
                    e164,
                    verified: true,
                    extension: None,
                })
                .collect()
        } else {
            w.phone_entries
        };
        Guest {
            phones,
            id: w.id,
            name: w.name,
            name_latin: w.name_latin,
            preferred_address: w.preferred_address,
            gender: w.gender,
            birth_date: w.birth_date,
            nationality: w.nationality,
            language: w.language,
            id_doc_type: w.id_doc_type,
            id_doc_number: w.id_doc_number,
            emails: w.emails,
            company: w.company,
            vip: w.vip,
            flags: w.flags,
            notes: w.notes,
            version: w.version,
            created_at: w.created_at,
            updated_at: w.updated_at,
            updated_by: w.updated_by,
            masked: w.masked,
            pseudonym: w.pseudonym,
        }
    }
}

impl Guest {
    /// A new profile with only a name; everything else empty.
    pub fn new(id: GuestId, name: &str) -> Guest {
        let now = Utc::now();
        Guest {
            id,
            name: name.to_string(),
            name_latin: None,
            preferred_address: None,
            gender: None,
            birth_date: None,
            nationality: None,
            language: None,
            id_doc_type: None,
            id_doc_number: None,
            phones: Vec::new(),
            emails: Vec::new(),
            company: None,
            vip: None,
            flags: Vec::new(),
            notes: None,
            pseudonym: None,
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: None,
            masked: Vec::new(),
        }
    }

    pub fn has_flag(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }
}

/// One observation of what a guest likes or refuses. Observations are appended, never edited
/// in place, so two attendants recording at once never conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preference {
    pub id: i64,
    pub guest_id: GuestId,
    pub category: String,
    pub value: String,
    pub note: Option<String>,
    pub observed_by: Option<String>,
    pub observed_at: DateTime<Utc>,
    pub source: Option<Source>,
    /// Withdrawn (undone or superseded); kept for the record.
    pub retired: bool,
}

/// A preference about to be recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewPreference {
    pub guest_id: GuestId,
    pub category: String,
    pub value: String,
    pub note: Option<String>,
    pub observed_by: Option<String>,
    pub observed_at: DateTime<Utc>,
    pub source: Option<Source>,
}

/// A reservation as the PMS exports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stay {
    pub reservation_id: String,
    pub guest_id: GuestId,
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
    pub status: StayStatus,
    pub room: Option<String>,
    pub room_type: Option<String>,
    pub vip: Option<String>,
    pub adults: Option<u32>,
    pub spend_room: Option<String>,
    pub spend_fnb: Option<String>,
    pub spend_other: Option<String>,
    pub notes: Option<String>,
}

impl Stay {
    /// Whether the reservation is a stay that happened or will happen (on the board); see
    /// `rules::counts_as_stay` for the stay count.
    pub fn is_real(&self) -> bool {
        self.status.is_real()
    }
}

impl StayStatus {
    /// Not cancelled and not a no-show.
    pub fn is_real(self) -> bool {
        !matches!(self, StayStatus::Cancelled | StayStatus::NoShow)
    }
}

/// A complaint or praise, with how it was handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Feedback {
    pub id: i64,
    pub guest_id: GuestId,
    pub kind: FeedbackKind,
    pub at: DateTime<Utc>,
    pub department: Option<Source>,
    pub text: String,
    pub resolution: Option<String>,
    pub status: Option<FeedbackStatus>,
}

impl Feedback {
    pub fn is_open_complaint(&self) -> bool {
        self.kind == FeedbackKind::Complaint && self.status == Some(FeedbackStatus::Open)
    }
}

/// A whole profile: the guest and everything recorded about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    pub guest: Guest,
    /// Stays that happened or are booked (not cancelled, not no-show).
    pub stay_count: u32,
    pub preferences: Vec<Preference>,
    pub stays: Vec<Stay>,
    pub feedback: Vec<Feedback>,
    /// When the guest's personal data was erased: the profile is a tombstone, kept so the id
    /// is not given out again or brought back by an import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<DateTime<Utc>>,
}

impl Profile {
    /// Preferences still in force, newest first.
    pub fn active_preferences(&self) -> impl Iterator<Item = &Preference> {
        self.preferences.iter().filter(|p| !p.retired)
    }
}

/// Something the front office must not miss about a guest on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    DoNotRent,
    /// Any other flag on the profile (`{"kind": "flag", "flag": "deceased"}`).
    Flag {
        flag: Flag,
    },
    OpenComplaint {
        count: u32,
    },
    Birthday {
        date: NaiveDate,
    },
    Anniversary {
        date: NaiveDate,
    },
}

/// One line of the board: a stay with what every department needs to prepare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BoardRow {
    pub guest_id: GuestId,
    pub name: String,
    pub name_latin: Option<String>,
    pub preferred_address: Option<String>,
    pub reservation_id: String,
    pub room: Option<String>,
    pub vip: Option<String>,
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
    pub stay_count: u32,
    pub alerts: Vec<Alert>,
    /// Key preferences as `category:value` keys, for labels see the catalogue.
    pub preferences: Vec<BoardPreference>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BoardPreference {
    pub category: String,
    pub value: String,
    pub note: Option<String>,
}

/// The VIP reception board for one business date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Board {
    pub date: NaiveDate,
    pub arrivals: Vec<BoardRow>,
    pub in_house: Vec<BoardRow>,
    pub departures: Vec<BoardRow>,
}

/// One VIP on the reception sheet: their board row and every complaint they have made (open
/// or resolved, with how it was resolved), newest first, so no department repeats a fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VipEntry {
    #[serde(flatten)]
    pub row: BoardRow,
    pub complaints: Vec<Feedback>,
}

/// The data of the VIP reception sheet for one business date (seed 004): the VIPs arriving,
/// in house and departing, in the board's order. `report` prints it; the store decides who
/// may have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VipSheet {
    pub date: NaiveDate,
    pub arrivals: Vec<VipEntry>,
    pub in_house: Vec<VipEntry>,
    pub departures: Vec<VipEntry>,
}

impl VipSheet {
    /// Arrivals, in house, departures: the sheet's three sections in print order.
    pub fn sections(&self) -> [&[VipEntry]; 3] {
        [&self.arrivals, &self.in_house, &self.departures]
    }
}

/// Why a guest matched, so the UI can highlight it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Phone,
    Name,
    Pinyin,
    Email,
    /// The guest is in (or arriving in, or leaving) the room the query named, today.
    Room,
    /// "Did you mean": a number one digit off or with a transposed pair, shown only when
    /// nothing matches as typed and never opened without a choice.
    NearPhone,
}

impl MatchKind {
    /// A guess offered when nothing matched as typed: to be chosen, never opened by itself.
    pub fn is_near_miss(self) -> bool {
        matches!(self, MatchKind::NearPhone)
    }
}

keyword_enum!(
    /// Where a guest stands on the business date, as the lookup shows it.
    StayNow {
        InHouse => "in_house",
        Arriving => "arriving",
        Departing => "departing",
    }
);

/// A guest's current or next stay as a hit carries it: in house, arriving within the week
/// (today included) or leaving today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HitStay {
    pub status: StayNow,
    pub room: Option<String>,
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
}

/// One lookup result: the `guestbook search --json` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub id: GuestId,
    pub name: String,
    pub name_latin: Option<String>,
    pub preferred_address: Option<String>,
    pub phones: Vec<E164>,
    pub vip: Option<String>,
    pub score: i64,
    pub matched: MatchKind,
    /// The phone that matched, when the query had digits.
    pub matched_phone: Option<E164>,
    /// How many trailing digits of `matched_phone` the query matched (all of them for an
    /// exact number), so the UI can highlight them.
    pub matched_digits: usize,
    pub last_stay: Option<NaiveDate>,
    pub do_not_rent: bool,
    pub open_complaints: u32,
    /// The current or next stay on the business date of the search, if any.
    #[serde(default)]
    pub stay: Option<HitStay>,
}

keyword_enum!(
    /// The identity fields of a profile a person enters; the names are those of
    /// `guestbook edit FIELD=VALUE` and of the interchange columns.
    GuestField {
        Name => "name",
        NameLatin => "name_latin",
        PreferredAddress => "preferred_address",
        Gender => "gender",
        BirthDate => "birth_date",
        Nationality => "nationality",
        Language => "language",
        IdDocType => "id_doc_type",
        IdDocNumber => "id_doc_number",
        Phones => "phones",
        Emails => "emails",
        Company => "company",
        Vip => "vip",
        Flags => "flags",
        Notes => "notes",
        Pseudonym => "pseudonym",
    }
);

/// A change to a profile: only the fields that change are present (`Some`); for an optional
/// field `Some(None)` clears it. Edits travel as patches so two staff changing different
/// fields never undo each other, and a field the reader could not see is never sent back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GuestPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub name_latin: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub preferred_address: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub gender: Option<Option<Gender>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub nationality: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub language: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub id_doc_type: Option<Option<IdDocType>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub id_doc_number: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub company: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub vip: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<Flag>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub notes: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub pseudonym: Option<Option<String>>,
}

/// A field that is present, even as `null` (`Some(None)`: clear it), as opposed to absent
/// (`None`: leave it): a patch that clears a field must not arrive as one that leaves it.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl GuestPatch {
    /// The changes that turn `old` into `new`, field by field.
    pub fn between(old: &Guest, new: &Guest) -> GuestPatch {
        fn diff<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
            (a != b).then(|| b.clone())
        }
        GuestPatch {
            name: diff(&old.name, &new.name),
            name_latin: diff(&old.name_latin, &new.name_latin),
            preferred_address: diff(&old.preferred_address, &new.preferred_address),
            gender: diff(&old.gender, &new.gender),
            birth_date: diff(&old.birth_date, &new.birth_date),
            nationality: diff(&old.nationality, &new.nationality),
            language: diff(&old.language, &new.language),
            id_doc_type: diff(&old.id_doc_type, &new.id_doc_type),
            id_doc_number: diff(&old.id_doc_number, &new.id_doc_number),
            phones: diff(&old.phones, &new.phones),
            emails: diff(&old.emails, &new.emails),
            company: diff(&old.company, &new.company),
            vip: diff(&old.vip, &new.vip),
            flags: diff(&old.flags, &new.flags),
            notes: diff(&old.notes, &new.notes),
            pseudonym: diff(&old.pseudonym, &new.pseudonym),
        }
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }

    /// The fields the patch sets, in the order of [`GuestField::ALL`].
    pub fn fields(&self) -> Vec<GuestField> {
        use GuestField as F;
        let set = [
            (F::Name, self.name.is_some()),
            (F::NameLatin, self.name_latin.is_some()),
            (F::PreferredAddress, self.preferred_address.is_some()),
            (F::Gender, self.gender.is_some()),
            (F::BirthDate, self.birth_date.is_some()),
            (F::Nationality, self.nationality.is_some()),
            (F::Language, self.language.is_some()),
            (F::IdDocType, self.id_doc_type.is_some()),
            (F::IdDocNumber, self.id_doc_number.is_some()),
            (F::Phones, self.phones.is_some()),
            (F::Emails, self.emails.is_some()),
            (F::Company, self.company.is_some()),
            (F::Vip, self.vip.is_some()),
            (F::Flags, self.flags.is_some()),
            (F::Notes, self.notes.is_some()),
            (F::Pseudonym, self.pseudonym.is_some()),
        ];
        set.into_iter()
            .filter(|(_, s)| *s)
            .map(|(f, _)| f)
            .collect()
    }

    /// `guest` with the patch applied.
    pub fn apply_to(&self, guest: &Guest) -> Guest {
        fn put<T: Clone>(slot: &mut T, value: &Option<T>) {
            if let Some(v) = value {
                *slot = v.clone();
            }
        }
        let mut g = guest.clone();
        put(&mut g.name, &self.name);
        put(&mut g.name_latin, &self.name_latin);
        put(&mut g.preferred_address, &self.preferred_address);
        put(&mut g.gender, &self.gender);
        put(&mut g.birth_date, &self.birth_date);
        put(&mut g.nationality, &self.nationality);
        put(&mut g.language, &self.language);
        put(&mut g.id_doc_type, &self.id_doc_type);
        put(&mut g.id_doc_number, &self.id_doc_number);
        put(&mut g.phones, &self.phones);
        put(&mut g.emails, &self.emails);
        put(&mut g.company, &self.company);
        put(&mut g.vip, &self.vip);
        put(&mut g.flags, &self.flags);
        put(&mut g.notes, &self.notes);
        put(&mut g.pseudonym, &self.pseudonym);
        g
    }

    /// The patch that sets every field `guest` has a value in (an import row: absent columns
    /// and empty cells leave the stored value untouched).
    pub fn filled_from(guest: &Guest) -> GuestPatch {
        fn some<T: Clone>(v: &Option<T>) -> Option<Option<T>> {
            v.as_ref().map(|x| Some(x.clone()))
        }
        fn list<T: Clone>(v: &[T]) -> Option<Vec<T>> {
            (!v.is_empty()).then(|| v.to_vec())
        }
        GuestPatch {
            name: (!guest.name.is_empty()).then(|| guest.name.clone()),
            name_latin: some(&guest.name_latin),
            preferred_address: some(&guest.preferred_address),
            gender: some(&guest.gender),
            birth_date: some(&guest.birth_date),
            nationality: some(&guest.nationality),
            language: some(&guest.language),
            id_doc_type: some(&guest.id_doc_type),
            id_doc_number: some(&guest.id_doc_number),
            phones: list(&guest.phones),
            emails: list(&guest.emails),
            company: some(&guest.company),
            vip: some(&guest.vip),
            flags: list(&guest.flags),
            notes: some(&guest.notes),
            pseudonym: some(&guest.pseudonym),
        }
    }
}

/// The longest note, complaint or free text a field takes, in characters (one limit for the
/// CLI, imports and the TUI; enforced by the store).
pub const NOTE_MAX_CHARS: usize = 2000;

/// Why a value was refused, as a code with its data: the store and the server send this, and
/// each front end turns it into a sentence in its user's language (see `i18n`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// A required value is empty.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// A number outside `min..=max`.
    OutOfRange { min: i64, max: i64 },
    /// Not one of the accepted values.
    NotOneOf { value: String, choices: String },
    /// Not a phone number.
    BadPhone { value: String },
    /// Not a date (`YYYY-MM-DD`).
    BadDate { value: String },
    /// Not an e-mail address.
    BadEmail { value: String },
    /// A masked text (`******1234`) sent back as if it were the value.
    MaskedValue,
    /// The role may see this field only masked, and may not reveal it.
    RevealNotAllowed,
    /// The catalogue refused a preference (its own sentence, already in the user's language).
    Catalogue { reason: String },
    /// A profile cannot be merged into itself.
    MergeSelf,
    /// A pair marked "not the same person" must be two different guests.
    SamePair,
    /// The profile was merged into another and takes no more changes.
    Retired { into: Option<GuestId> },
    /// The id is already in use.
    Duplicate { value: String },
    /// A control character (ESC, NUL, …) in text.
    ControlCharacter,
    /// The change would leave the database without an enabled administrator.
    LastAdmin,
    /// Only an open complaint can be resolved.
    NotAnOpenComplaint,
    /// Sign-in cannot be required by someone who could not sign in themselves.
    SignInWithoutPassword,
    /// A request's value could not be read as the shape it should have.
    Malformed,
    /// The guest's personal data was erased: the id is a tombstone and takes no data.
    Erased,
    /// The profile is flagged `legal_hold`: nothing may erase it until the hold is lifted.
    LegalHold,
}

/// A value refused by a rule: which field and why (the store passes it on as
/// `StoreError::Invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub problem: Problem,
}

impl Invalid {
    pub fn new(field: impl Into<String>, problem: Problem) -> Invalid {
        Invalid {
            field: field.into(),
            problem,
        }
    }
}

/// A complaint or praise about to be recorded; the store adds who and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewFeedback {
    pub guest_id: GuestId,
    pub kind: FeedbackKind,
    pub text: String,
    /// The department it concerns; by default the recording user's.
    pub department: Option<Source>,
}

/// A staff account as `guestbook user list --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Account {
    pub user: String,
    pub role: Role,
    /// The department an account's observations are recorded under.
    pub department: Source,
    pub disabled: bool,
    /// Whether a password is set (the hash never leaves the store).
    pub has_password: bool,
}

/// One entry of the audit log, as `guestbook audit --json` shows it: who did what, when,
/// from which host, to which guest. `detail` holds field names, codes and counts, never a
/// guest's personal values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub action: String,
    pub guest_id: Option<GuestId>,
    pub detail: String,
    pub host: Option<String>,
}

/// Which audit entries to read: all filters optional, newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub guest: Option<GuestId>,
    pub by: Option<String>,
    /// From this day on (UTC).
    pub since: Option<NaiveDate>,
    pub limit: Option<u32>,
}

/// A copy of a database, as `backup` made it or `restore` read it: `{"guests", "last_change"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackupSummary {
    /// Profiles in the copy.
    pub guests: u64,
    /// When the copy's data last changed (its newest audit entry); none for an empty database.
    pub last_change: Option<DateTime<Utc>>,
}

/// What `check` found: the `guestbook check --json` shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckReport {
    pub ok: bool,
    pub problems: Vec<String>,
}

/// The hotel's settings, kept in the database and changed with `guestbook settings` (admin):
/// every terminal and the server validate against the same values. `{KEY: VALUE, …}` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// VIP codes in rank order (the first is the most important).
    pub vip_codes: Vec<String>,
    /// ISO 3166 region for numbers written without a country code.
    pub default_region: String,
    /// The hotel's IANA time zone (`Asia/Shanghai`); `local` is the host's.
    pub time_zone: String,
    /// Before this hour the business date is still yesterday (the night audit's day).
    pub rollover_hour: u32,
    /// Days after the last departure before a profile is anonymised.
    pub retention_days: u32,
    /// Ask every user for their password, even on a file (shared front-desk terminals).
    pub require_sign_in: bool,
    /// Categories and options the hotel adds to the built-in catalogue.
    pub catalog: Vec<crate::catalog::CategoryConfig>,
    /// The hotel's changes to the role matrix's field access, role by field
    /// (`{"agent": {"emails": "hidden"}}`); see `privacy::FieldRules` and docs/privacy.md.
    #[schema(value_type = Object)]
    pub field_access: crate::privacy::FieldAccessSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            vip_codes: ["V1", "V2", "V3", "V4", "V5"].map(String::from).to_vec(),
            default_region: "CN".into(),
            time_zone: "local".into(),
            rollover_hour: 4,
            retention_days: 1826,
            require_sign_in: false,
            catalog: Vec::new(),
            field_access: Default::default(),
        }
    }
}
/// Rooms compared as numbers where they are numbers (`802` < `2917`, `0902` = `902`), then by
/// what follows the number (`1205A` after `1205`); rooms that do not start with a digit after
/// numbered ones, by text; no room last.
pub fn room_order(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    fn key(room: &str) -> (bool, u128, &str) {
        let room = room.trim();
        let digits = room.len() - room.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number = room[..digits]
            .trim_start_matches('0')
            .parse::<u128>()
            .unwrap_or(if digits > 0 { 0 } else { u128::MAX });
        (digits == 0, number, &room[digits..])
    }
    match (a, b) {
        (Some(a), Some(b)) => key(a).cmp(&key(b)).then_with(|| a.cmp(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

keyword_enum!(
    /// Why two profiles look like one person, strongest first (see [`crate::rules::dupes`]).
    DupeReason {
        IdDocument => "id_document",
        Phone => "phone",
        Email => "email",
        NameBirthDate => "name_birth_date",
        NameLastFour => "name_last4",
    }
);

/// Two profiles that likely belong to one person, as `guestbook dupes --json` prints them:
/// `{"a", "b", "score", "reasons"}`. `a` is the older profile (the one a merge would usually
/// keep); `score` is the sum of the reasons' weights ([`crate::rules::dupes::weight`]);
/// `reasons` are listed strongest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DupePair {
    pub a: GuestId,
    pub b: GuestId,
    pub score: u32,
    pub reasons: Vec<DupeReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_sort_as_numbers_then_text_then_none() {
        let mut rooms = vec![
            Some("2917"),
            None,
            Some("B12"),
            Some("802"),
            Some("1205A"),
            Some("1205"),
            Some("0902"),
        ];
        rooms.sort_by(|a, b| room_order(*a, *b));
        assert_eq!(
            rooms,
            vec![
                Some("802"),
                Some("0902"),
                Some("1205"),
                Some("1205A"),
                Some("2917"),
                Some("B12"),
                None
            ]
        );
    }
}
