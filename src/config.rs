//! The config file and its defaults, the platform directories, and the business date.

use std::path::{Path, PathBuf};

use chrono::{Duration, Local, NaiveDate, NaiveDateTime, Timelike};
use directories::ProjectDirs;
use serde::Deserialize;

use crate::catalog::{Catalog, CategoryConfig};
use crate::i18n::{Lang, Msg};
use crate::model::Role;

/// What the config file may say; every field has a default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `en` or `zh-CN`; empty means: from the locale.
    pub language: String,
    /// ISO 3166 region for numbers written without a country code.
    pub default_region: String,
    /// Before this hour the business date is still yesterday (the night audit's day).
    pub rollover_hour: u32,
    /// Staff user name; defaults to the login name.
    pub user: String,
    pub role: Role,
    /// Minutes without a key before the TUI hides personal data.
    pub idle_lock_minutes: u32,
    /// `default`, `vim`, or a path to a keymap file.
    pub keymap: String,
    pub vip_codes: Vec<String>,
    /// Categories and options the hotel adds to the built-in catalogue.
    pub catalog: Vec<CategoryConfig>,
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
            default_region: "CN".into(),
            rollover_hour: 4,
            user: String::new(),
            role: Role::FrontOffice,
            idle_lock_minutes: 5,
            keymap: "default".into(),
            vip_codes: ["V1", "V2", "V3", "V4", "V5"].map(String::from).to_vec(),
            catalog: Vec::new(),
            ambiguous_width: None,
        }
    }
}

/// A config problem, with the file it came from.
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
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let config: Config =
            toml::from_str(&text).map_err(|e| err(e.to_string().trim().to_string()))?;
        config.check().map_err(err)?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        if self.rollover_hour > 23 {
            return Err(Msg::RolloverHourRange.fill(&[("hour", &self.rollover_hour)]));
        }
        if phonenumber::country::Id::try_from(self.default_region.as_str()).is_err() {
            return Err(Msg::BadRegion.fill(&[("region", &self.default_region)]));
        }
        self.catalog().map(|_| ())
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

    pub fn catalog(&self) -> Result<Catalog, String> {
        Catalog::with_additions(&self.catalog)
    }

    /// The staff user name: config, else the login name, else `staff`.
    pub fn user_name(&self) -> String {
        if !self.user.is_empty() {
            return self.user.clone();
        }
        ["GUESTBOOK_USER", "USER", "USERNAME"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| "staff".into())
    }

    /// The business date now, per the rollover hour.
    pub fn business_date(&self) -> NaiveDate {
        business_date(Local::now().naive_local(), self.rollover_hour)
    }

    pub fn region(&self) -> phonenumber::country::Id {
        phonenumber::country::Id::try_from(self.default_region.as_str())
            .unwrap_or(phonenumber::country::Id::CN)
    }
}

/// Before `rollover_hour` the hotel's day has not ended yet: 02:30 on the 16th is still the 15th.
pub fn business_date(now: NaiveDateTime, rollover_hour: u32) -> NaiveDate {
    if now.hour() < rollover_hour {
        (now - Duration::days(1)).date()
    } else {
        now.date()
    }
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

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn night_audit_still_sees_yesterday_before_rollover() {
        assert_eq!(
            business_date(at("2026-06-16 02:30"), 4),
            NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
        );
        assert_eq!(
            business_date(at("2026-06-16 04:00"), 4),
            NaiveDate::from_ymd_opt(2026, 6, 16).unwrap()
        );
        assert_eq!(
            business_date(at("2026-06-16 00:10"), 0),
            NaiveDate::from_ymd_opt(2026, 6, 16).unwrap()
        );
    }

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
    fn config_adds_to_the_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "role = \"housekeeping\"\n[[catalog]]\nkey = \"pillow\"\noptions = [{ key = \"silk\", en = \"Silk\", zh = \"蚕丝枕\" }]\n",
        )
        .unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.role, Role::Housekeeping);
        assert!(config.catalog().unwrap().validate("pillow", "silk").is_ok());
    }
}
