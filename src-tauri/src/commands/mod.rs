//! Tauri commands, one file per policy area. Each command is a few lines that call the core;
//! errors reach the UI as the core's `{code, message, fields, conflicts}` payload.

pub mod agreements;
pub mod app;
pub mod applications;
pub mod audit;
pub mod evaluation;
pub mod orders;
pub mod partners;
pub mod promotion;
pub mod recruitment;
pub mod relationship;
pub mod risk;
pub mod session;
pub mod share;
pub mod updates;
pub mod users;
