//! The config file and its defaults, the platform directories, and the business date.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::Deserialize;

use crate::catalog::CategoryConfig;
use crate::i18n::{Lang, Msg};
use crate::model::{Role, Settings};

/// What the config file may say: what belongs to one terminal. Every field has a default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `en` or `zh-CN`; empty means: from the locale.
    pub language: String,
    /// Minutes without a key before the TUI hides personal data.
    pub idle_lock_minutes: u32,
    /// `default`, `vim`, or a path to a keymap file.
    pub keymap: String,
    /// Hotel settings older versions kept in each terminal's config; they live in the
    /// database now (`guestbook settings --import-config` copies them there once).
    pub default_region: Option<String>,
    pub rollover_hour: Option<u32>,
    pub vip_codes: Option<Vec<String>>,
    pub catalog: Vec<CategoryConfig>,
    /// Ignored: who is acting is `--user`, `GUESTBOOK_USER` or the login name, and the role
    /// comes from that user's account in the database.
    pub user: Option<String>,
    pub role: Option<Role>,
    /// How this terminal draws East Asian ambiguous-width characters; unset means: from the
    /// locale.
    pub ambiguous_width: Option<AmbiguousWidth>,
}

/// How a terminal draws East Asian ambiguous-width characters (`° · › … “ ” ✗ ★ ×`): one
/// column, as ratatui counts them, or two, as many terminals in Chinese and Japanese locales
/// (and PuTTY, Xshell, SecureCRT when set so) do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmbiguousWidth {
    Narrow,
    Wide,
}

impl AmbiguousWidth {
    /// Wide in Chinese, Japanese and Korean locales, where terminals commonly draw them so
    /// (the ASCII stand-ins wide mode draws are right on a narrow terminal too); else narrow.
    pub fn from_locale(locale: &str) -> AmbiguousWidth {
        let tag = locale.trim().to_ascii_lowercase();
        if ["zh", "ja", "ko"].iter().any(|l| tag.starts_with(l)) {
            AmbiguousWidth::Wide
        } else {
            AmbiguousWidth::Narrow
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            language: String::new(),
            idle_lock_minutes: 5,
            keymap: "default".into(),
            default_region: None,
            rollover_hour: None,
            vip_codes: None,
            catalog: Vec::new(),
            user: None,
            role: None,
            ambiguous_width: None,
        }
    }
}

/// A config problem, with the file it came from.
/// A TOML file's problem as a person finds it: the line and column where it is (counted in
/// characters from 1), then what the parser says of it.
pub fn toml_problem(text: &str, e: &toml::de::Error) -> String {
    let reason = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return reason;
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Msg::TomlAt.fill(&[("line", &line), ("column", &column), ("reason", &reason)])
}

#[derive(Debug, thiserror::Error)]
#[error("{}", Msg::ConfigError.fill(&[("path", &path.display()), ("reason", reason)]))]
pub struct ConfigError {
    pub path: PathBuf,
    pub reason: String,
}

impl Config {
    /// Reads the config file if there is one (`GUESTBOOK_CONFIG`, else the platform config
    /// dir); a missing file means defaults, a broken one is an error naming the line.
    pub fn load() -> Result<Config, ConfigError> {
        let path = std::env::var_os("GUESTBOOK_CONFIG")
            .map(PathBuf::from)
            .or_else(|| dirs().map(|d| d.config_dir().join("config.toml")));
        match path {
            Some(path) if path.exists() => Config::from_file(&path),
            _ => Ok(Config::default()),
        }
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let err = |reason: String| ConfigError {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(crate::i18n::io_reason(&e)))?;
        toml::from_str(&text).map_err(|e| err(toml_problem(&text, &e)))
    }

    pub fn lang(&self) -> Lang {
        if self.language.is_empty() {
            Lang::from_env()
        } else {
            Lang::parse(&self.language)
        }
    }

    /// The setting, else from the locale that decides how characters are drawn.
    pub fn ambiguous_width(&self) -> AmbiguousWidth {
        self.ambiguous_width.unwrap_or_else(|| {
            let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            AmbiguousWidth::from_locale(&locale)
        })
    }

    /// The hotel settings this file still sets that differ from the database's, by name.
    pub fn legacy_hotel_settings(&self, stored: &Settings) -> Option<Vec<&'static str>> {
        let merged = self.hotel_settings_over(stored);
        let mut keys = Vec::new();
        if merged.default_region != stored.default_region {
            keys.push("default_region");
        }
        if merged.rollover_hour != stored.rollover_hour {
            keys.push("rollover_hour");
        }
        if merged.vip_codes != stored.vip_codes {
            keys.push("vip_codes");
        }
        if merged.catalog != stored.catalog {
            keys.push("catalog");
        }
        (!keys.is_empty()).then_some(keys)
    }

    /// `stored` with the hotel settings this file still sets.
    pub fn hotel_settings_over(&self, stored: &Settings) -> Settings {
        let mut s = stored.clone();
        if let Some(region) = &self.default_region {
            s.default_region.clone_from(region);
        }
        if let Some(hour) = self.rollover_hour {
            s.rollover_hour = hour;
        }
        if let Some(codes) = &self.vip_codes {
            s.vip_codes.clone_from(codes);
        }
        if !self.catalog.is_empty() {
            s.catalog.clone_from(&self.catalog);
        }
        s
    }
}

/// The login name (`USER`, `USERNAME`), else `staff`: who is acting on a file when neither
/// `--user` nor `GUESTBOOK_USER` says.
pub fn login_name() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "staff".into())
}

pub fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "guestbook")
}

/// Where the database lives when neither `--db` nor `--remote` is given.
pub fn default_db_path() -> Option<PathBuf> {
    dirs().map(|d| d.data_dir().join("guestbook.db"))
}

/// Where session tokens and demo copies go.
pub fn state_dir() -> Option<PathBuf> {
    dirs().map(|d| d.state_dir().unwrap_or(d.data_local_dir()).to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_config_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "language = \"zh-CN\"\nrollover_hour = \"four\"\n").unwrap();
        let err = Config::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn ambiguous_width_is_set_per_terminal_or_taken_from_the_locale() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "ambiguous_width = \"wide\"\n").unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.ambiguous_width(), AmbiguousWidth::Wide);
        std::fs::write(&path, "ambiguous_width = \"narrow\"\n").unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.ambiguous_width(), AmbiguousWidth::Narrow);
        assert_eq!(
            AmbiguousWidth::from_locale("zh_CN.UTF-8"),
            AmbiguousWidth::Wide
        );
        assert_eq!(
            AmbiguousWidth::from_locale("ja_JP.UTF-8"),
            AmbiguousWidth::Wide
        );
        assert_eq!(
            AmbiguousWidth::from_locale("en_US.UTF-8"),
            AmbiguousWidth::Narrow
        );
        assert_eq!(AmbiguousWidth::from_locale(""), AmbiguousWidth::Narrow);
    }

    #[test]
    fn an_old_configs_catalogue_is_offered_to_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "role = \"housekeeping\"\n[[catalog]]\nkey = \"pillow\"\noptions = [{ key = \"silk\", en = \"Silk\", zh = \"蚕丝枕\" }]\n",
        )
        .unwrap();
        let config = Config::from_file(&path).unwrap();
        let settings = config.hotel_settings_over(&Settings::default());
        let catalog = crate::rules::settings::catalog(&settings).unwrap();
        assert!(catalog.validate("pillow", "silk").is_ok());
        assert_eq!(
            config.legacy_hotel_settings(&Settings::default()),
            Some(vec!["catalog"])
        );
        assert_eq!(config.legacy_hotel_settings(&settings), None);
    }
}
