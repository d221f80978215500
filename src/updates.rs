//! Signed updates: a new installer is accepted only when a minisign (Ed25519) signature by a
//! trusted release key covers its exact bytes, and the signed comment names a newer version
//! for this platform. Nothing is replaced or started before that check.
//!
//! Invariants:
//! - the signature is checked against the bytes that will be run, after they are read whole;
//! - the version and platform come from the signed (trusted) comment
//!   `channeldesk <version> <platform>`, never from an unsigned manifest or file name, so an old
//!   signed installer served as "new" is refused (`not_newer`);
//! - signatures are minisign's text format (`minisign -S`, `rsign`), or the same text in
//!   base64 as Tauri's signer and its `latest.json` carry them.
//!
//! Where updates come from: a file (a USB stick, a shared folder), or a URL the company
//! configures that serves Tauri's static update manifest (`latest.json`: version, notes, and
//! per platform the package URL and its signature). `cargo xtask dist --sign` writes both.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The release key the shipped program trusts (public half; the secret stays with the person
/// who publishes releases). Replace it, and only it, when the release key changes.
pub const RELEASE_KEY: &str = include_str!("../src-tauri/update-key.pub");

/// The largest package accepted (the installers are 10–30 MB).
pub const MAX_PACKAGE: usize = 200 * 1024 * 1024;

/// What a verified package is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VerifiedUpdate {
    /// The version the signature names.
    pub version: String,
    /// The platform the signature names (`windows-x86_64`).
    pub platform: String,
    /// SHA-256 of the package, hex.
    pub sha256: String,
    pub size: u64,
    /// The release notes of the manifest (empty for a file).
    pub notes: String,
}

/// One platform's entry in `latest.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PlatformEntry {
    pub url: String,
    pub signature: String,
}

/// Tauri's static update manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub version: String,
    #[serde(default)]
    pub notes: String,
    pub platforms: BTreeMap<String, PlatformEntry>,
}

impl Manifest {
    /// Reads a manifest; the entry for `platform`.
    pub fn entry<'a>(&'a self, platform: &str) -> Result<&'a PlatformEntry> {
        self.platforms.get(platform).ok_or_else(|| Error::Update {
            reason: "wrong_platform",
            detail: format!("no package for {platform}"),
        })
    }

    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        serde_json::from_slice(bytes).map_err(|e| Error::Update { reason: "manifest", detail: e.to_string() })
    }
}

/// This program's platform as update manifests name it (`windows-x86_64`, `darwin-aarch64`,
/// `linux-x86_64`).
pub fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{}", std::env::consts::ARCH)
}

/// The signed comment `cargo xtask dist --sign` writes for a package.
pub fn trusted_comment(version: &str, platform: &str) -> String {
    format!("channeldesk {version} {platform}")
}

fn refused(reason: &'static str, detail: impl Into<String>) -> Error {
    Error::Update { reason, detail: detail.into() }
}

/// Reads a signature in minisign's text form or base64 of it.
fn decode_signature(text: &str) -> Result<minisign_verify::Signature> {
    let trimmed = text.trim();
    let owned;
    let text = if trimmed.starts_with("untrusted comment:") {
        trimmed
    } else {
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(trimmed.as_bytes())
            .map_err(|_| refused("signature", "not a minisign signature"))?;
        owned = String::from_utf8(raw).map_err(|_| refused("signature", "not a minisign signature"))?;
        owned.as_str()
    };
    minisign_verify::Signature::decode(text).map_err(|e| refused("signature", e.to_string()))
}

/// Compares dotted versions numerically (`0.10.0` > `0.9.3`); a pre-release suffix counts as
/// older than the same version without one.
pub fn newer(candidate: &str, current: &str) -> bool {
    let parse = |v: &str| -> (Vec<u64>, bool) {
        let (core, pre) = match v.split_once('-') {
            Some((c, _)) => (c, true),
            None => (v, false),
        };
        (core.split('.').map(|p| p.parse().unwrap_or(0)).collect(), pre)
    };
    let (a, a_pre) = parse(candidate);
    let (b, b_pre) = parse(current);
    let n = a.len().max(b.len());
    for i in 0..n {
        let (x, y) = (a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        if x != y {
            return x > y;
        }
    }
    b_pre && !a_pre
}

/// Checks `package` against `signature` and the trusted public keys (minisign base64 public
/// keys, one per line; comment lines ignored); it must name a version newer than `current`
/// for `platform`.
pub fn verify(
    package: &[u8],
    signature: &str,
    trusted_keys: &str,
    current: &str,
    platform: &str,
) -> Result<VerifiedUpdate> {
    if package.len() > MAX_PACKAGE {
        return Err(refused("download", format!("{} bytes", package.len())));
    }
    let sig = decode_signature(signature)?;
    let keys: Vec<minisign_verify::PublicKey> = trusted_keys
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("untrusted comment:") && !l.starts_with('#'))
        .filter_map(|l| minisign_verify::PublicKey::from_base64(l).ok())
        .collect();
    if keys.is_empty() {
        return Err(refused("untrusted_key", "no release key configured"));
    }
    let mut last = None;
    let mut verified = false;
    for key in &keys {
        match key.verify(package, &sig, false) {
            Ok(()) => {
                verified = true;
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    if !verified {
        let reason = match last {
            Some(minisign_verify::Error::UnexpectedKeyId) => "untrusted_key",
            _ => "signature",
        };
        return Err(refused(reason, last.map(|e| e.to_string()).unwrap_or_default()));
    }
    let comment = sig.trusted_comment();
    let mut words = comment.split_whitespace();
    let (Some("channeldesk"), Some(version), Some(for_platform)) = (words.next(), words.next(), words.next())
    else {
        return Err(refused("signature", format!("signed comment {comment:?} names no version")));
    };
    if for_platform != platform {
        return Err(refused("wrong_platform", format!("{for_platform}, this is {platform}")));
    }
    if !newer(version, current) {
        return Err(refused("not_newer", format!("{version} is not newer than {current}")));
    }
    Ok(VerifiedUpdate {
        version: version.to_string(),
        platform: for_platform.to_string(),
        sha256: hex::encode(Sha256::digest(package)),
        size: package.len() as u64,
        notes: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(newer("0.10.0", "0.9.3"));
        assert!(newer("1.0.0", "1.0.0-rc.1"));
        assert!(!newer("1.0.0-rc.1", "1.0.0"));
        assert!(!newer("0.1.0", "0.1.0"));
        assert!(!newer("0.0.9", "0.1.0"));
        assert!(newer("0.1.1", "0.1"));
    }

    #[test]
    fn platform_names_follow_the_manifest() {
        let p = platform();
        assert!(p.ends_with(std::env::consts::ARCH));
        #[cfg(target_os = "linux")]
        assert_eq!(p, format!("linux-{}", std::env::consts::ARCH));
    }

    #[test]
    fn the_shipped_release_key_is_a_minisign_public_key() {
        let key = RELEASE_KEY.lines().find(|l| !l.starts_with("untrusted comment:") && !l.trim().is_empty());
        assert!(minisign_verify::PublicKey::from_base64(key.expect("key line").trim()).is_ok());
    }
}
