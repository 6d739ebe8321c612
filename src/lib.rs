//! guestbook: a hotel's guest history (客史档案) in the terminal, for the staff who need it.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod i18n;
pub mod interchange;
pub mod model;
pub mod privacy;
pub mod report;
pub mod rules;
pub mod search;
pub mod server;
pub mod store;
pub mod text;
pub mod tui;
