//! ChannelDesk core: the channel partner business as the company policy lays it down
//! (`policy/requirements.md` IDs in each module), storage in SQLite, and nothing of the GUI.
//!
//! Every operation takes a [`Desk`] and typed inputs, validates in the core, and returns
//! typed outputs or an [`Error`] with a stable code.

pub mod access;
pub mod agreements;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod cards;
mod csvfile;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod desk;
pub mod diagnostics;
pub mod documents;
pub mod error;
pub mod evaluation;
pub mod files;
pub mod find;
pub mod hlc;
pub mod machines;
pub mod orders;
pub mod paging;
pub mod partners;
pub mod picture;
pub mod promotion;
mod records;
pub mod recruitment;
pub mod reference;
pub mod relationship;
pub mod reminders;
pub mod risk;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod share;
pub mod sheets;
pub mod signing;
pub mod updates;
pub mod users;
pub mod validate;
pub mod vault;
pub mod verify;

pub use desk::{Actor, Desk, SessionInfo, SessionState, SessionUser};
pub use error::{Error, Result};
