//! The guest-history data model: guests, their phones, preferences, stays and feedback.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A profile's stable id, as the PMS or the hotel gave it (`G0001`), or assigned on create.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

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
    /// Marks on a profile that change how staff treat the guest.
    Flag {
        DoNotRent => "do_not_rent",
        NoMarketing => "no_marketing",
        Deceased => "deceased",
        EraseRequested => "erase_requested",
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Bumped on every edit; an edit carrying an older version is refused.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
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
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: None,
        }
    }

    pub fn has_flag(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }
}

/// One observation of what a guest likes or refuses. Observations are appended, never edited
/// in place, so two attendants recording at once never conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Whether the stay counts as a stay (it happened or will happen).
    pub fn is_real(&self) -> bool {
        !matches!(self.status, StayStatus::Cancelled | StayStatus::NoShow)
    }
}

/// A complaint or praise, with how it was handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(flatten)]
    pub guest: Guest,
    /// Stays that happened or are booked (not cancelled, not no-show).
    pub stay_count: u32,
    pub preferences: Vec<Preference>,
    pub stays: Vec<Stay>,
    pub feedback: Vec<Feedback>,
}

impl Profile {
    /// Preferences still in force, newest first.
    pub fn active_preferences(&self) -> impl Iterator<Item = &Preference> {
        self.preferences.iter().filter(|p| !p.retired)
    }
}

/// Something the front office must not miss about a guest on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    DoNotRent,
    OpenComplaint { count: u32 },
    Birthday { date: NaiveDate },
    Anniversary { date: NaiveDate },
}

/// One line of the board: a stay with what every department needs to prepare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPreference {
    pub category: String,
    pub value: String,
    pub note: Option<String>,
}

/// The VIP reception board for one business date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub date: NaiveDate,
    pub arrivals: Vec<BoardRow>,
    pub in_house: Vec<BoardRow>,
    pub departures: Vec<BoardRow>,
}
