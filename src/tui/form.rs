//! The TUI's forms (new profile, edit, complaint or praise, sign-in): their fields, what was
//! typed, and what the typed text means as a change to send; no I/O happens here.

use crate::i18n::Msg;
use crate::interchange::{patch_field, ImportOptions};
use crate::model::{FeedbackKind, Guest, GuestField, GuestId, GuestPatch, Source};
use crate::privacy::REVEALABLE;

/// What a form field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    /// A profile field, read like its interchange column.
    Guest(GuestField),
    /// Complaint or praise (a choice).
    Kind,
    /// The complaint's or praise's text.
    Text,
    /// The department it concerns (a choice).
    Department,
    User,
    /// Never drawn as typed.
    Password,
    /// Which governed field to reveal (a choice).
    RevealField,
    /// Why it is revealed or erased (goes on record).
    Reason,
    /// The guest's id typed again, to confirm an erasure.
    Confirm,
}

impl FieldKey {
    /// The field's label in the message catalogue.
    pub fn label(self) -> Msg {
        match self {
            FieldKey::Guest(field) => match field {
                GuestField::Name => Msg::TuiFieldName,
                GuestField::NameLatin => Msg::TuiFieldNameLatin,
                GuestField::PreferredAddress => Msg::TuiFieldGreeting,
                GuestField::Phones => Msg::TuiFieldPhones,
                GuestField::Emails => Msg::TuiFieldEmails,
                GuestField::Company => Msg::TuiFieldCompany,
                GuestField::Vip => Msg::TuiFieldVip,
                GuestField::Flags => Msg::TuiFieldFlags,
                GuestField::Pseudonym => Msg::TuiFieldPseudonym,
                GuestField::Notes => Msg::TuiFieldNotes,
                GuestField::Gender => Msg::TuiFieldGender,
                GuestField::BirthDate => Msg::TuiFieldBorn,
                GuestField::Nationality => Msg::TuiFieldNationality,
                GuestField::Language => Msg::TuiFieldLanguage,
                GuestField::IdDocType => Msg::TuiFieldIdDocType,
                GuestField::IdDocNumber => Msg::TuiFieldIdDocNumber,
            },
            FieldKey::Kind => Msg::TuiFieldKind,
            FieldKey::Text => Msg::TuiFieldText,
            FieldKey::Department => Msg::TuiFieldDepartment,
            FieldKey::User => Msg::TuiFieldUser,
            FieldKey::Password => Msg::TuiFieldPassword,
            FieldKey::RevealField => Msg::TuiFieldField,
            FieldKey::Reason => Msg::TuiFieldReason,
            FieldKey::Confirm => Msg::TuiFieldConfirm,
        }
    }

    /// The values a choice field steps through, as stored; `None` for typed fields.
    pub fn choices(self) -> Option<Vec<&'static str>> {
        match self {
            FieldKey::Kind => Some(FeedbackKind::ALL.iter().map(|k| k.as_str()).collect()),
            FieldKey::Department => Some(
                Source::ALL
                    .iter()
                    .filter(|s| **s != Source::Guest)
                    .map(|s| s.as_str())
                    .collect(),
            ),
            FieldKey::RevealField => Some(REVEALABLE.iter().map(|f| f.as_str()).collect()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: FieldKey,
    pub text: String,
    /// The text the form opened with (for an edit, the stored value): a field whose text is
    /// still this one is not sent.
    pub initial: String,
    /// What another terminal stored in a field this user also changed (after a stale edit).
    pub stored: Option<String>,
    /// Why the value was refused, as one sentence.
    pub error: Option<String>,
}

impl Field {
    fn new(key: FieldKey, text: String) -> Field {
        Field {
            key,
            initial: text.clone(),
            text,
            stored: None,
            error: None,
        }
    }

    pub fn changed(&self) -> bool {
        self.text != self.initial
    }
}

/// Which form, with what it needs to send.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    NewGuest,
    /// An edit of the profile as read at `base.version`.
    Edit {
        base: Box<Guest>,
    },
    Feedback {
        guest: GuestId,
        name: String,
    },
    SignIn,
    /// Reveal one field of a profile, with a reason.
    Reveal {
        guest: GuestId,
        name: String,
    },
    /// Erase a guest's personal data on request: the reason (a request's reference) and the
    /// id typed again.
    Erase {
        guest: GuestId,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The save in flight.
    pub pending: Option<u64>,
    /// A sentence about the whole form: why it was refused.
    pub notice: Option<String>,
}

/// The fields a new profile asks for.
const NEW_FIELDS: [GuestField; 7] = [
    GuestField::Name,
    GuestField::NameLatin,
    GuestField::PreferredAddress,
    GuestField::Phones,
    GuestField::Emails,
    GuestField::Company,
    GuestField::Vip,
];

/// The fields an edit offers.
const EDIT_FIELDS: [GuestField; 9] = [
    GuestField::Name,
    GuestField::NameLatin,
    GuestField::PreferredAddress,
    GuestField::Phones,
    GuestField::Emails,
    GuestField::Company,
    GuestField::Vip,
    GuestField::Flags,
    GuestField::Notes,
];

impl Form {
    fn with(kind: FormKind, fields: Vec<Field>) -> Form {
        Form {
            kind,
            fields,
            focus: 0,
            pending: None,
            notice: None,
        }
    }

    /// A new profile for the caller just looked up: a number goes to the phones, anything
    /// else to the name; the cursor waits in the first empty field.
    pub fn new_guest(query: &str) -> Form {
        let query = query.trim();
        let number = query.chars().any(|c| c.is_ascii_digit())
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let filled = if number {
            GuestField::Phones
        } else {
            GuestField::Name
        };
        let fields: Vec<Field> = NEW_FIELDS
            .iter()
            .map(|f| {
                let text = if *f == filled { query } else { "" };
                Field::new(FieldKey::Guest(*f), text.to_string())
            })
            .collect();
        let mut form = Form::with(FormKind::NewGuest, fields);
        form.focus = form
            .fields
            .iter()
            .position(|f| f.text.is_empty())
            .unwrap_or(0);
        form
    }

    pub fn edit(guest: &Guest) -> Form {
        let fields = EDIT_FIELDS
            .iter()
            .map(|f| Field::new(FieldKey::Guest(*f), guest_text(guest, *f)))
            .collect();
        Form::with(
            FormKind::Edit {
                base: Box::new(guest.clone()),
            },
            fields,
        )
    }

    /// A complaint (the usual reason to reach for it) for the user's department; the cursor
    /// waits in the text.
    pub fn feedback(guest: &Guest, department: Source) -> Form {
        let department = if department == Source::Guest {
            Source::FrontOffice
        } else {
            department
        };
        let fields = vec![
            Field::new(FieldKey::Kind, FeedbackKind::Complaint.as_str().into()),
            Field::new(FieldKey::Text, String::new()),
            Field::new(FieldKey::Department, department.as_str().into()),
        ];
        let mut form = Form::with(
            FormKind::Feedback {
                guest: guest.id.clone(),
                name: guest.name.clone(),
            },
            fields,
        );
        form.focus = 1;
        form
    }

    /// A reveal of the first field masked on the profile; the cursor waits in the reason.
    pub fn reveal(guest: &Guest) -> Form {
        let first = REVEALABLE
            .iter()
            .find(|f| guest.masked.contains(f))
            .unwrap_or(&REVEALABLE[0]);
        let fields = vec![
            Field::new(FieldKey::RevealField, first.as_str().into()),
            Field::new(FieldKey::Reason, String::new()),
        ];
        let mut form = Form::with(
            FormKind::Reveal {
                guest: guest.id.clone(),
                name: guest.name.clone(),
            },
            fields,
        );
        form.focus = 1;
        form
    }

    /// An erasure of `guest` on request; the cursor waits in the reason.
    pub fn erase(guest: &Guest) -> Form {
        let fields = vec![
            Field::new(FieldKey::Reason, String::new()),
            Field::new(FieldKey::Confirm, String::new()),
        ];
        Form::with(
            FormKind::Erase {
                guest: guest.id.clone(),
                name: guest.name.clone(),
            },
            fields,
        )
    }

    pub fn sign_in() -> Form {
        Form::with(
            FormKind::SignIn,
            vec![
                Field::new(FieldKey::User, String::new()),
                Field::new(FieldKey::Password, String::new()),
            ],
        )
    }

    pub fn field(&self, key: FieldKey) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: FieldKey) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn text(&self, key: FieldKey) -> &str {
        self.field(key).map_or("", |f| f.text.as_str())
    }

    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    pub fn step_focus(&mut self, forward: bool) {
        let n = self.fields.len().max(1);
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Types a character into the focused field (choice fields take none).
    pub fn type_char(&mut self, c: char) {
        if let Some(field) = self.focused() {
            if field.key.choices().is_none() && !c.is_control() {
                field.text.push(c);
            }
        }
    }

    /// Steps the focused choice field to its next or previous value.
    pub fn step_choice(&mut self, forward: bool) {
        let Some(field) = self.focused() else {
            return;
        };
        let Some(choices) = field.key.choices() else {
            return;
        };
        let at = choices.iter().position(|c| *c == field.text).unwrap_or(0);
        let n = choices.len();
        let next = if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        };
        field.text = choices[next].to_string();
    }

    /// Puts a refusal on the field it is about and moves the cursor there; false when the
    /// form has no such field.
    pub fn refuse(&mut self, key: FieldKey, reason: String) -> bool {
        let Some(at) = self.fields.iter().position(|f| f.key == key) else {
            return false;
        };
        self.fields[at].error = Some(reason);
        self.focus = at;
        true
    }

    pub fn clear_errors(&mut self) {
        self.notice = None;
        for field in &mut self.fields {
            field.error = None;
        }
    }

    /// The profile fields as a patch: for a new profile every filled field, for an edit only
    /// what changed since the version read (`GuestPatch::between`). Each value is read like
    /// its interchange column; a value that cannot be read is marked on its field and `None`
    /// returned, with nothing typed lost.
    pub fn guest_patch(&mut self, opts: &ImportOptions) -> Option<GuestPatch> {
        let editing = matches!(self.kind, FormKind::Edit { .. });
        let mut patch = GuestPatch::default();
        let mut first_bad = None;
        for (at, field) in self.fields.iter_mut().enumerate() {
            let FieldKey::Guest(which) = field.key else {
                continue;
            };
            let send = if editing {
                field.changed()
            } else {
                which == GuestField::Name || !field.text.trim().is_empty()
            };
            if !send {
                continue;
            }
            if let Err(reason) = patch_field(&mut patch, which, &field.text, opts) {
                field.error = Some(reason);
                first_bad.get_or_insert(at);
            }
        }
        if let Some(at) = first_bad {
            self.focus = at;
            return None;
        }
        match &self.kind {
            FormKind::Edit { base } => Some(GuestPatch::between(base, &patch.apply_to(base))),
            _ => Some(patch),
        }
    }

    /// After a stale edit: the form now edits `newer`. Fields this user did not touch show
    /// the newer values; fields they changed keep what they typed, with the value now stored
    /// beside it when that differs, so saving again applies exactly their changes.
    pub fn rebase(&mut self, newer: &Guest) {
        for field in &mut self.fields {
            let FieldKey::Guest(which) = field.key else {
                continue;
            };
            let now = guest_text(newer, which);
            if field.changed() {
                // Only where the other terminal changed the field too.
                let theirs = now != field.initial && now != field.text;
                field.stored = theirs.then(|| now.clone());
            } else {
                field.text = now.clone();
                field.stored = None;
            }
            field.initial = now;
        }
        if let FormKind::Edit { base } = &mut self.kind {
            **base = newer.clone();
        }
    }
}

/// A profile field as it is typed: lists joined by `; ` as in the interchange files, phones
/// as they were entered.
pub fn guest_text(guest: &Guest, field: GuestField) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match field {
        GuestField::Name => guest.name.clone(),
        GuestField::NameLatin => opt(&guest.name_latin),
        GuestField::PreferredAddress => opt(&guest.preferred_address),
        GuestField::Phones => guest
            .phones
            .iter()
            .map(|p| p.raw.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        GuestField::Emails => guest.emails.join("; "),
        GuestField::Company => opt(&guest.company),
        GuestField::Vip => opt(&guest.vip),
        GuestField::Flags => guest
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        GuestField::Notes => opt(&guest.notes),
        GuestField::Gender => guest
            .gender
            .map(|g| g.as_str().to_string())
            .unwrap_or_default(),
        GuestField::BirthDate => guest.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        GuestField::Nationality => opt(&guest.nationality),
        GuestField::Language => opt(&guest.language),
        GuestField::IdDocType => guest
            .id_doc_type
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        GuestField::IdDocNumber => opt(&guest.id_doc_number),
        GuestField::Pseudonym => opt(&guest.pseudonym),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_fills_the_phones_and_a_name_the_name() {
        let form = Form::new_guest(" 138-0013 8000 ");
        assert_eq!(
            form.text(FieldKey::Guest(GuestField::Phones)),
            "138-0013 8000"
        );
        assert_eq!(form.text(FieldKey::Guest(GuestField::Name)), "");
        assert_eq!(form.focus, 0);
        let form = Form::new_guest("王芳");
        assert_eq!(form.text(FieldKey::Guest(GuestField::Name)), "王芳");
        assert_eq!(form.focus, 1);
    }

    #[test]
    fn choices_step_round() {
        let mut form = Form::sign_in();
        form.fields[0].key = FieldKey::Kind;
        form.fields[0].text = "complaint".into();
        form.step_choice(true);
        assert_eq!(form.fields[0].text, "praise");
        form.step_choice(true);
        assert_eq!(form.fields[0].text, "complaint");
        form.type_char('x');
        assert_eq!(form.fields[0].text, "complaint");
    }
}
