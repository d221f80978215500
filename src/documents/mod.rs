//! Documents people print: PDF output with `printpdf` (fonts subset and embedded).
//!
//! Now: the recovery kit of the database key. The agreement and report engine (text flow,
//! tables, page footers, fingerprints) grows here with the documents that need it.
//!
//! Invariants: no font file ships with the program: a CJK font is found on the system (or
//! named in `CHANNELDESK_FONT`), and without one a clear `document` error is returned; every
//! font used is embedded as a subset.

pub mod fonts;
pub mod layout;
pub mod page;
pub mod recovery_kit;
