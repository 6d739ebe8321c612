//! Loads keymaps (`keymaps/*.toml`, the user's `keymap.toml`): for each mode, which key runs
//! which named action.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Msg;

/// The built-in keymaps, embedded so the binary needs no files beside it.
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");
pub const VIM: &str = include_str!("../../keymaps/vim.toml");

/// Defines a string-named enum with its TOML spelling.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

named!(
    /// Where the keyboard is: each mode has its own bindings.
    Mode {
        Global => "global",
        Lookup => "lookup",
        Profile => "profile",
        Board => "board",
        Help => "help",
        Record => "record",
        Input => "input",
        Form => "form",
        Locked => "locked",
        Recent => "recent",
        Merge => "merge",
        History => "history",
        Retention => "retention",
    }
);

named!(
    /// Everything a key can do, by the name keymap files use.
    Action {
        Quit => "quit",
        Help => "help",
        Board => "board",
        Lock => "lock",
        Recent => "recent",
        Back => "back",
        Up => "up",
        Down => "down",
        PageUp => "page_up",
        PageDown => "page_down",
        Top => "top",
        Bottom => "bottom",
        Open => "open",
        DeleteChar => "delete_char",
        Clear => "clear",
        Copy => "copy",
        CopyReservation => "copy_reservation",
        Record => "record",
        Note => "note",
        Undo => "undo",
        Reload => "reload",
        NextPanel => "next_panel",
        PrevPanel => "prev_panel",
        VipOnly => "vip_only",
        PrevDay => "prev_day",
        NextDay => "next_day",
        Today => "today",
        NextPage => "next_page",
        PrevPage => "prev_page",
        Submit => "submit",
        Cancel => "cancel",
        Unlock => "unlock",
        NewGuest => "new_guest",
        Edit => "edit",
        Feedback => "feedback",
        NextField => "next_field",
        PrevField => "prev_field",
        NextChoice => "next_choice",
        PrevChoice => "prev_choice",
        MergeWith => "merge_with",
        History => "history",
        Swap => "swap",
        Confirm => "confirm",
        PrintVip => "print_vip",
        None => "none",
        Reveal => "reveal",
        Erase => "erase",
        ExportGuest => "export_guest",
        Retention => "retention",
        Purge => "purge",
    }
);

impl Mode {
    /// Modes where letters and digits are typed (or chosen), so they cannot be bound.
    pub fn reserves_alphanumerics(self) -> bool {
        matches!(self, Mode::Lookup | Mode::Input | Mode::Record | Mode::Form)
    }

    pub fn title(self) -> Msg {
        match self {
            Mode::Global => Msg::TuiModeGlobal,
            Mode::Lookup => Msg::TuiModeLookup,
            Mode::Profile => Msg::TuiModeProfile,
            Mode::Board => Msg::Board,
            Mode::Help => Msg::TuiModeHelp,
            Mode::Record => Msg::TuiModeRecord,
            Mode::Input => Msg::TuiModeInput,
            Mode::Form => Msg::TuiModeForm,
            Mode::Locked => Msg::TuiModeLocked,
            Mode::Recent => Msg::TuiModeRecent,
            Mode::Merge => Msg::TuiModeMerge,
            Mode::History => Msg::TuiModeHistory,
            Mode::Retention => Msg::TuiModeRetention,
        }
    }
}

/// The actions that work on every screen (but the locked one).
const GLOBAL: &[Action] = &[
    Action::Quit,
    Action::Help,
    Action::Board,
    Action::Lock,
    Action::Recent,
    Action::Retention,
];

/// Moving through a list or a page.
const MOVES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
];

impl Action {
    /// Whether the action means something in a mode.
    pub fn allowed_in(self, mode: Mode) -> bool {
        use Action as A;
        let list: &[Action] = match mode {
            Mode::Global => GLOBAL,
            Mode::Lookup => &[
                A::Up,
                A::Down,
                A::PageUp,
                A::PageDown,
                A::Open,
                A::DeleteChar,
                A::Clear,
                A::Back,
                A::Copy,
                A::NewGuest,
            ],
            Mode::Profile => &[
                A::Record,
                A::Note,
                A::Undo,
                A::Copy,
                A::CopyReservation,
                A::Reload,
                A::Back,
                A::Edit,
                A::Feedback,
                A::Reveal,
                A::MergeWith,
                A::History,
                A::Erase,
                A::ExportGuest,
            ],
            Mode::Board => &[
                A::NextPanel,
                A::PrevPanel,
                A::Open,
                A::VipOnly,
                A::PrevDay,
                A::NextDay,
                A::Today,
                A::Copy,
                A::Reload,
                A::Back,
                A::PrintVip,
            ],
            Mode::Help => &[A::Up, A::Down, A::PageUp, A::PageDown, A::Back],
            Mode::Record => &[A::Cancel, A::NextPage, A::PrevPage],
            Mode::Input => &[A::Submit, A::Cancel, A::DeleteChar, A::Clear],
            Mode::Form => &[
                A::Submit,
                A::Cancel,
                A::DeleteChar,
                A::Clear,
                A::NextField,
                A::PrevField,
                A::NextChoice,
                A::PrevChoice,
            ],
            Mode::Locked => &[A::Unlock],
            Mode::Recent => &[A::Open, A::Back],
            Mode::Merge => &[A::Up, A::Down, A::Open, A::Swap, A::Confirm, A::Back],
            Mode::History => &[A::Back],
            Mode::Retention => &[A::Reload, A::Purge, A::Confirm, A::Back],
        };
        // Every screen that shows a list or a page moves through it the same way.
        let lists = matches!(
            mode,
            Mode::Profile | Mode::Board | Mode::Recent | Mode::History | Mode::Retention
        );
        let moves = lists && MOVES.contains(&self);
        // What works everywhere may also be bound per mode, except while locked.
        let global = GLOBAL.contains(&self);
        self == A::None || moves || list.contains(&self) || (global && mode != Mode::Locked)
    }

    /// What the help overlay says the action does.
    pub fn describe(self) -> Msg {
        match self {
            Action::Quit => Msg::TuiActQuit,
            Action::Help => Msg::TuiActHelp,
            Action::Board => Msg::TuiActBoard,
            Action::Lock => Msg::TuiActLock,
            Action::Recent => Msg::TuiActRecent,
            Action::Back => Msg::TuiActBack,
            Action::Up => Msg::TuiActUp,
            Action::Down => Msg::TuiActDown,
            Action::PageUp => Msg::TuiActPageUp,
            Action::PageDown => Msg::TuiActPageDown,
            Action::Top => Msg::TuiActTop,
            Action::Bottom => Msg::TuiActBottom,
            Action::Open => Msg::TuiActOpen,
            Action::DeleteChar => Msg::TuiActDeleteChar,
            Action::Clear => Msg::TuiActClear,
            Action::Copy => Msg::TuiActCopy,
            Action::CopyReservation => Msg::TuiActCopyReservation,
            Action::Record => Msg::TuiActRecord,
            Action::Note => Msg::TuiActNote,
            Action::Undo => Msg::TuiActUndo,
            Action::Reload => Msg::TuiActReload,
            Action::NextPanel => Msg::TuiActNextPanel,
            Action::PrevPanel => Msg::TuiActPrevPanel,
            Action::VipOnly => Msg::TuiActVipOnly,
            Action::PrevDay => Msg::TuiActPrevDay,
            Action::NextDay => Msg::TuiActNextDay,
            Action::Today => Msg::TuiActToday,
            Action::NextPage => Msg::TuiActNextPage,
            Action::PrevPage => Msg::TuiActPrevPage,
            Action::Submit => Msg::TuiActSubmit,
            Action::Cancel => Msg::TuiActCancel,
            Action::Unlock => Msg::TuiActUnlock,
            Action::NewGuest => Msg::TuiActNewGuest,
            Action::Edit => Msg::TuiActEdit,
            Action::Feedback => Msg::TuiActFeedback,
            Action::NextField => Msg::TuiActNextField,
            Action::PrevField => Msg::TuiActPrevField,
            Action::NextChoice => Msg::TuiActNextChoice,
            Action::PrevChoice => Msg::TuiActPrevChoice,
            Action::MergeWith => Msg::TuiActMergeWith,
            Action::History => Msg::TuiActHistory,
            Action::Swap => Msg::TuiActSwap,
            Action::Confirm => Msg::TuiActConfirm,
            Action::PrintVip => Msg::TuiActPrintVip,
            Action::None => Msg::TuiActNone,
            Action::Reveal => Msg::TuiActReveal,
            Action::Erase => Msg::TuiActErase,
            Action::ExportGuest => Msg::TuiActExportGuest,
            Action::Retention => Msg::TuiActRetention,
            Action::Purge => Msg::TuiActPurge,
        }
    }
}

/// A key with its modifiers, normalised so `Y` and `shift-y` are the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            // The character already says whether shift was held.
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code, mods }
    }

    pub fn char(c: char) -> Key {
        Key::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    pub fn from_event(event: &KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }

    /// The character a key types, if it types one (no ctrl or alt).
    pub fn typed(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        }
    }

    /// Parses `ctrl-b`, `f2`, `?`, `Y`, `shift-tab`.
    pub fn parse(text: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, flag) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break;
            }
            mods |= flag;
            rest = &rest[prefix.len()..];
        }
        let code = key_code(rest)?;
        Some(Key::new(code, mods))
    }
}

fn key_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Some(*code);
    }
    let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&n).then_some(KeyCode::F(n))
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, prefix) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.mods.contains(flag) {
                f.write_str(prefix)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED.iter().find(|(_, c)| *c == code).map(|(n, _)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

/// One key bound to an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
}

/// A keymap problem, with the file and line it is on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", Msg::KeymapError.fill(&[("file", .file), ("line", .line), ("reason", .reason)]))]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// Bindings per mode; the mode's own bindings come first, then `[global]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// The keymap's name as the help overlay shows it (`default`, `vim`, a path).
    pub name: String,
    modes: HashMap<Mode, Vec<Binding>>,
}

impl Keymap {
    /// The keymap the config names (`default`, `vim` or a file), with the user's
    /// `keymap.toml` laid over it when there is one.
    pub fn load(choice: &str, user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut keymap = match choice {
            "" | "default" => Keymap::parse(DEFAULT, "keymaps/default.toml")?,
            "vim" => Keymap::parse(VIM, "keymaps/vim.toml")?,
            path => Keymap::from_file(Path::new(path))?,
        };
        keymap.name = if choice.is_empty() { "default" } else { choice }.to_string();
        if let Some(user) = user_file.filter(|p| p.exists()) {
            keymap.overlay(Keymap::from_file(user)?);
        }
        Ok(keymap)
    }

    /// The built-in default keymap.
    pub fn default_keys() -> Keymap {
        Keymap::load("default", None).unwrap_or_else(|_| Keymap {
            name: "default".into(),
            modes: HashMap::new(),
        })
    }

    pub fn from_file(path: &Path) -> Result<Keymap, KeymapError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| KeymapError {
            file: file.clone(),
            line: 0,
            reason: Msg::KeymapRead.fill(&[("reason", &e)]),
        })?;
        Keymap::parse(&text, &file)
    }

    /// Parses keymap TOML; every problem names the line it is on.
    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        let origin = Origin { text, file };
        let err = |offset: usize, reason: String| origin.err(offset, reason);
        let doc = toml::de::DeTable::parse(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            err(offset, e.message().trim().to_string())
        })?;
        let mut keymap = Keymap {
            name: file.to_string(),
            modes: HashMap::new(),
        };
        for (mode_name, table) in doc.get_ref() {
            let at = mode_name.span().start;
            let mode = Mode::parse(mode_name.get_ref()).ok_or_else(|| {
                let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.as_str()).collect();
                err(
                    at,
                    Msg::KeymapUnknownMode
                        .fill(&[("mode", &mode_name.get_ref()), ("modes", &modes.join(", "))]),
                )
            })?;
            let toml::de::DeValue::Table(table) = table.get_ref() else {
                return Err(err(
                    at,
                    Msg::KeymapNotTable.fill(&[("mode", &mode.as_str())]),
                ));
            };
            let bindings = parse_mode(mode, table, &origin)?;
            keymap.modes.insert(mode, bindings);
        }
        Ok(keymap)
    }

    /// Lays `other` over this keymap key by key; `none` unbinds.
    pub fn overlay(&mut self, other: Keymap) {
        for (mode, bindings) in other.modes {
            let mine = self.modes.entry(mode).or_default();
            for b in bindings {
                mine.retain(|m| m.key != b.key);
                if b.action != Action::None {
                    mine.push(b);
                }
            }
        }
    }

    /// The action a mode's own bindings give a key (not `[global]`).
    pub fn action(&self, mode: Mode, key: Key) -> Option<Action> {
        self.modes
            .get(&mode)?
            .iter()
            .find(|b| b.key == key)
            .map(|b| b.action)
            .filter(|a| *a != Action::None)
    }

    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.modes.get(&mode).map_or(&[], |b| b.as_slice())
    }

    /// The keys bound to an action in a mode, in file order.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<Key> {
        self.bindings(mode)
            .iter()
            .filter(|b| b.action == action)
            .map(|b| b.key)
            .collect()
    }

    /// The first key for an action, as text for hints (`p`, `ctrl-b`), or `-` if unbound.
    pub fn hint(&self, mode: Mode, action: Action) -> String {
        let first = |mode| self.keys_for(mode, action).first().copied();
        first(mode)
            .or_else(|| first(Mode::Global))
            .map_or_else(|| "-".to_string(), |k| k.to_string())
    }
}

/// The text being parsed and where it came from, to turn byte offsets into lines.
struct Origin<'a> {
    text: &'a str,
    file: &'a str,
}

impl Origin<'_> {
    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        let newlines = self.text.as_bytes()[..end].iter().filter(|b| **b == b'\n');
        newlines.count() + 1
    }

    fn err(&self, offset: usize, reason: String) -> KeymapError {
        KeymapError {
            file: self.file.to_string(),
            line: self.line(offset),
            reason,
        }
    }
}

fn parse_mode(
    mode: Mode,
    table: &toml::de::DeTable<'_>,
    origin: &Origin<'_>,
) -> Result<Vec<Binding>, KeymapError> {
    let err = |offset: usize, reason: String| origin.err(offset, reason);
    let mut bindings: Vec<(Binding, usize)> = Vec::new();
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key_name, value) in entries {
        let at = key_name.span().start;
        let shown = key_name.get_ref();
        let key = Key::parse(shown)
            .ok_or_else(|| err(at, Msg::KeymapUnknownKey.fill(&[("key", shown)])))?;
        let toml::de::DeValue::String(action_name) = value.get_ref() else {
            return Err(err(at, Msg::KeymapNotString.fill(&[("key", shown)])));
        };
        let action = Action::parse(action_name)
            .filter(|a| a.allowed_in(mode))
            .ok_or_else(|| {
                let names: Vec<&str> = Action::ALL
                    .iter()
                    .filter(|a| a.allowed_in(mode))
                    .map(|a| a.as_str())
                    .collect();
                err(
                    at,
                    Msg::KeymapUnknownAction.fill(&[
                        ("action", action_name),
                        ("mode", &mode.as_str()),
                        ("actions", &names.join(", ")),
                    ]),
                )
            })?;
        if let Some((_, first)) = bindings.iter().find(|(b, _)| b.key == key) {
            let first = origin.line(*first);
            return Err(err(
                at,
                Msg::KeymapDuplicate.fill(&[
                    ("key", shown),
                    ("mode", &mode.as_str()),
                    ("first", &first),
                ]),
            ));
        }
        if reserved(mode, key) && action != Action::None {
            return Err(err(
                at,
                Msg::KeymapReserved.fill(&[("key", shown), ("mode", &mode.as_str())]),
            ));
        }
        bindings.push((Binding { key, action }, at));
    }
    Ok(bindings.into_iter().map(|(b, _)| b).collect())
}

/// Whether binding the key would stop it from being typed or from choosing a category/option.
fn reserved(mode: Mode, key: Key) -> bool {
    let Some(c) = key.typed() else {
        return false;
    };
    match mode {
        Mode::Record => c.is_alphabetic() || ('1'..='9').contains(&c),
        Mode::Lookup | Mode::Input | Mode::Form => c.is_alphanumeric() || c == ' ' || c == '+',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> KeymapError {
        Keymap::parse(text, "my.toml").unwrap_err()
    }

    #[test]
    fn builtin_keymaps_load() {
        for name in ["default", "vim"] {
            let keymap = Keymap::load(name, None).unwrap();
            assert_eq!(
                keymap.action(Mode::Profile, Key::char('p')),
                Some(Action::Record)
            );
        }
    }

    #[test]
    fn keys_parse_and_print_the_same_way() {
        for text in [
            "ctrl-b", "f2", "?", "Y", "enter", "backtab", "space", "alt-x", "[",
        ] {
            assert_eq!(Key::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Key::parse("shift-tab"), Key::parse("backtab"));
        assert_eq!(Key::parse("Ctrl-B"), Key::parse("ctrl-b"));
        assert_eq!(Key::parse("ctrl-"), None);
        assert_eq!(Key::parse("hyper-x"), None);
    }

    #[test]
    fn unknown_action_names_file_line_and_choices() {
        let err = parse_err("[global]\nctrl-c = \"quit\"\n\n[board]\nv = \"vip\"\n");
        assert_eq!(err.file, "my.toml");
        assert_eq!(err.line, 5);
        assert!(err.reason.contains("'vip'"), "{}", err.reason);
        assert!(err.reason.contains("vip_only"), "{}", err.reason);
    }

    #[test]
    fn same_key_spelled_twice_is_a_conflict_naming_both_lines() {
        let err = parse_err("[global]\nctrl-b = \"board\"\nCtrl-B = \"lock\"\n");
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("line 2"), "{}", err.reason);
    }

    #[test]
    fn unknown_key_and_unknown_mode_name_their_line() {
        assert_eq!(parse_err("[global]\n\nmeta-x = \"quit\"\n").line, 3);
        assert_eq!(parse_err("\n[lokup]\nup = \"up\"\n").line, 2);
    }

    #[test]
    fn letters_cannot_be_bound_where_they_are_typed() {
        let err = parse_err("[lookup]\nj = \"down\"\n");
        assert_eq!(err.line, 2);
        let err = parse_err("[record]\np = \"cancel\"\n");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn toml_syntax_error_names_its_line() {
        assert_eq!(parse_err("[global]\nctrl-c = quit\n").line, 2);
    }

    #[test]
    fn user_overlay_replaces_and_unbinds_single_keys() {
        let mut keymap = Keymap::default_keys();
        let user = Keymap::parse("[profile]\nr = \"record\"\np = \"none\"\n", "u.toml").unwrap();
        keymap.overlay(user);
        assert_eq!(
            keymap.action(Mode::Profile, Key::char('r')),
            Some(Action::Record)
        );
        assert_eq!(keymap.action(Mode::Profile, Key::char('p')), None);
    }
}
