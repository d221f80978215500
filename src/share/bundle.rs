//! The bundle file colleagues exchange (format described in `docs/bundle-format.md`): a ZIP
//! archive of `manifest.json`, its signature `manifest.sig`, `rows/<table>.jsonl` and
//! `files/<attachment id>`, optionally sealed whole with an age passphrase (scrypt +
//! ChaCha20-Poly1305). The exporting laptop signs the manifest's exact bytes with its device
//! key ([`crate::signing`]); the manifest lists every other entry's SHA-256, so the signature
//! covers the whole bundle.
//!
//! Invariants of [`read`]: nothing is trusted before it is checked. The file size, the number
//! of entries, every entry's declared and actual size, the compression ratio and the total are
//! bounded (archive bombs); entry names must be plain relative names under `rows/` or `files/`
//! (no `..`, no absolute paths, no duplicates); every entry must be listed in the manifest with
//! the SHA-256 it has, and every listed entry must be there; the manifest's signature must
//! hold for the public key it names. It reads no database: whether that key is one this
//! laptop trusts is the import's question (`share::merge`).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use ts_rs::TS;

/// The format version this program writes and reads.
pub const FORMAT: u32 = 2;
/// What an age-sealed file starts with.
const SEALED_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// scrypt work factor for sealing (2^17: about 0.3 s on the laptops measured).
const WORK_FACTOR: u8 = 17;
/// The highest work factor accepted when opening (a file cannot make us spin for minutes).
const MAX_WORK_FACTOR: u8 = 20;

/// Bounds applied while reading a bundle.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The file itself.
    pub max_file: u64,
    /// All entries unpacked together.
    pub max_total: u64,
    /// One entry unpacked.
    pub max_entry: u64,
    pub max_entries: usize,
    /// Unpacked size ÷ packed size of one entry.
    pub max_ratio: u64,
    /// One text value of one record, in bytes.
    pub max_field: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file: 1 << 30,
            max_total: 2 << 30,
            max_entry: 512 << 20,
            max_entries: 200_000,
            max_ratio: 500,
            max_field: 1 << 20,
        }
    }
}

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Scope {
    /// Everything on the exporting laptop.
    All,
    /// Chosen partners with all their records.
    Partners { ids: Vec<String> },
    /// The leads captured at one trade-show event, with all their records.
    Event { id: String, number: String, name: String },
}

/// One entry's name, unpacked size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EntrySum {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Manifest {
    pub format: u32,
    pub app_version: String,
    pub device_id: String,
    pub device_code: String,
    pub user_id: String,
    pub user_name: String,
    pub exported_at: String,
    pub scope: Scope,
    /// For each device, the newest clock of its changes the exporting file holds all of
    /// (complete only for `All`; a selection says what its rows were written knowing).
    pub knows: BTreeMap<String, String>,
    /// Records per table.
    #[ts(type = "Record<string, number>")]
    pub counts: BTreeMap<String, u64>,
    pub entries: Vec<EntrySum>,
    /// The exporting laptop's public key (hex); `manifest.sig` is its signature.
    pub public_key: String,
    /// The exporting laptop's audit chain head, signed by it (witnessed by the importer).
    pub head: Option<crate::audit::Head>,
    /// The laptops whose keys the exporting laptop trusts (its own, paired, vouched): what the
    /// importer needs to check the signatures of entries those laptops made.
    pub keys: Vec<KnownKey>,
}

/// A laptop's public key as a bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KnownKey {
    pub device_id: String,
    pub device_code: String,
    pub public_key: String,
}

/// A bundle read and checked.
#[derive(Debug)]
pub struct Contents {
    pub manifest: Manifest,
    pub sealed: bool,
    /// Entry name → bytes, every one matching its manifest checksum.
    pub entries: BTreeMap<String, Vec<u8>>,
}

/// SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Packs `entries` (name, bytes) under `manifest` (its `entries` list is filled here) and
/// seals the archive with `passphrase` when one is given.
pub fn write(
    mut manifest: Manifest,
    entries: &[(String, Vec<u8>)],
    passphrase: Option<&str>,
    signer: &crate::signing::DeviceKey,
) -> Result<Vec<u8>> {
    manifest.public_key = signer.public_hex();
    manifest.entries = entries
        .iter()
        .map(|(name, bytes)| EntrySum {
            name: name.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let zerr = |e: zip::result::ZipError| Error::Storage(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Storage(e.to_string()))?;
    zip.start_file("manifest.json", deflated).map_err(zerr)?;
    zip.write_all(&manifest_bytes)?;
    zip.start_file("manifest.sig", stored).map_err(zerr)?;
    zip.write_all(signer.sign(crate::signing::Purpose::Bundle, &manifest_bytes).as_bytes())?;
    for (name, bytes) in entries {
        // Files (photos, scans) are mostly compressed already.
        let opts = if name.starts_with("files/") { stored } else { deflated };
        zip.start_file(name.as_str(), opts).map_err(zerr)?;
        zip.write_all(bytes)?;
    }
    let archive = zip.finish().map_err(zerr)?.into_inner();
    match passphrase {
        None => Ok(archive),
        Some(p) => seal(&archive, p),
    }
}

fn seal(plain: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.to_owned().into());
    recipient.set_work_factor(WORK_FACTOR);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| Error::Storage(format!("seal: {e}")))?;
    let mut out = Vec::with_capacity(plain.len() + 1024);
    let mut w = encryptor.wrap_output(&mut out)?;
    w.write_all(plain)?;
    w.finish()?;
    Ok(out)
}

/// Whether `bytes` is a sealed bundle (a passphrase is needed to read it).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_MAGIC)
}

fn unseal(bytes: &[u8], passphrase: Option<&str>, limits: &Limits) -> Result<Vec<u8>> {
    let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
        return Err(Error::import("passphrase_needed", "passphrase"));
    };
    let decryptor =
        age::Decryptor::new(bytes).map_err(|e| Error::import("corrupt", format!("sealed header: {e}")))?;
    if !decryptor.is_scrypt() {
        return Err(Error::import("not_bundle", "sealed for a key, not a passphrase"));
    }
    let mut identity = age::scrypt::Identity::new(passphrase.to_owned().into());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader =
        decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                Error::import("passphrase_wrong", "passphrase")
            }
            age::DecryptError::ExcessiveWork { .. } => Error::import("too_large", "work factor"),
            other => Error::import("corrupt", other.to_string()),
        })?;
    let mut plain = Vec::new();
    (&mut reader).take(limits.max_file + 1).read_to_end(&mut plain).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::import("truncated", "sealed payload")
        } else {
            Error::import("corrupt", format!("sealed payload: {e}"))
        }
    })?;
    if plain.len() as u64 > limits.max_file {
        return Err(Error::import("too_large", "sealed payload"));
    }
    Ok(plain)
}

/// Whether `name` is a name this format may contain: `manifest.json`, or `rows/<x>.jsonl` /
/// `files/<x>` with `<x>` of letters, digits, `-` and `_` only.
fn allowed_name(name: &str) -> bool {
    let plain = |s: &str| {
        !s.is_empty() && s.len() <= 80 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    name == "manifest.json"
        || name == "manifest.sig"
        || name.strip_prefix("rows/").and_then(|r| r.strip_suffix(".jsonl")).is_some_and(plain)
        || name.strip_prefix("files/").is_some_and(plain)
}

/// Opens and checks a bundle (see the module invariants); `passphrase` for sealed ones.
pub fn read(bytes: &[u8], passphrase: Option<&str>, limits: &Limits) -> Result<Contents> {
    if bytes.len() as u64 > limits.max_file {
        return Err(Error::import("too_large", format!("{} bytes", bytes.len())));
    }
    let sealed = is_sealed(bytes);
    let unsealed;
    let archive_bytes: &[u8] = if sealed {
        unsealed = unseal(bytes, passphrase, limits)?;
        &unsealed
    } else {
        bytes
    };
    if !archive_bytes.starts_with(b"PK\x03\x04") {
        return Err(if archive_bytes.len() < 4 && b"PK\x03\x04".starts_with(archive_bytes) {
            Error::import("truncated", "file")
        } else {
            Error::import("not_bundle", "file")
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(archive_bytes)).map_err(|e| match e {
        zip::result::ZipError::InvalidArchive(_) if !has_end_record(archive_bytes) => {
            Error::import("truncated", "file")
        }
        other => Error::import("corrupt", other.to_string()),
    })?;
    if zip.len() > limits.max_entries {
        return Err(Error::import("too_large", format!("{} entries", zip.len())));
    }
    // The reader keeps one entry per name: a central directory listing more entries than it
    // kept names one twice (a second copy could hide behind the first in other tools).
    if let Some(declared) = declared_entries(archive_bytes)
        && declared != zip.len() as u64
    {
        return Err(Error::import("bad_name", format!("{declared} entries, {} names", zip.len())));
    }
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| Error::import("corrupt", e.to_string()))?;
        let name = f.name().map_err(|e| Error::import("bad_name", e.to_string()))?.to_string();
        if !allowed_name(&name) || f.enclosed_name().is_none() || f.is_dir() {
            return Err(Error::import("bad_name", name));
        }
        if entries.contains_key(&name) {
            return Err(Error::import("bad_name", name));
        }
        let declared = f.size();
        let packed = f.compressed_size().max(1);
        if declared > limits.max_entry
            || declared / packed > limits.max_ratio
            || total + declared > limits.max_total
        {
            return Err(Error::import("too_large", name));
        }
        let mut buf = Vec::with_capacity(declared as usize);
        let cap = declared.min(limits.max_entry) + 1;
        (&mut f)
            .take(cap)
            .read_to_end(&mut buf)
            .map_err(|e| Error::import("corrupt", format!("{name}: {e}")))?;
        if buf.len() as u64 != declared {
            return Err(Error::import("corrupt", format!("{name}: size")));
        }
        total += declared;
        entries.insert(name, buf);
    }
    let manifest_bytes =
        entries.remove("manifest.json").ok_or_else(|| Error::import("not_bundle", "manifest.json"))?;
    let probe: serde_json::Value = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| Error::import("corrupt", format!("manifest.json: {e}")))?;
    match probe.get("format").and_then(|v| v.as_u64()) {
        Some(f) if f == FORMAT as u64 => {}
        // Format 1 had no signature: nothing in it can be told apart from a hand edit.
        Some(1) => return Err(Error::import("unsigned", "manifest.sig")),
        Some(f) => return Err(Error::import("version", format!("format {f}"))),
        None => return Err(Error::import("corrupt", "manifest.json: format")),
    }
    let sig = entries.remove("manifest.sig").ok_or_else(|| Error::import("unsigned", "manifest.sig"))?;
    let public_key = probe.get("public_key").and_then(|v| v.as_str()).unwrap_or_default();
    let sig = std::str::from_utf8(&sig).unwrap_or_default();
    if !crate::signing::verify(public_key, crate::signing::Purpose::Bundle, &manifest_bytes, sig) {
        return Err(Error::import("signature", "manifest.json"));
    }
    let manifest: Manifest =
        serde_json::from_value(probe).map_err(|e| Error::import("corrupt", format!("manifest.json: {e}")))?;
    if manifest.entries.len() != entries.len() {
        let listed: std::collections::BTreeSet<&str> =
            manifest.entries.iter().map(|e| e.name.as_str()).collect();
        let odd = entries
            .keys()
            .find(|k| !listed.contains(k.as_str()))
            .cloned()
            .unwrap_or_else(|| "manifest.json".into());
        return Err(Error::import("checksum", odd));
    }
    for sum in &manifest.entries {
        let bytes = entries.get(&sum.name).ok_or_else(|| Error::import("checksum", sum.name.clone()))?;
        if bytes.len() as u64 != sum.size || sha256_hex(bytes) != sum.sha256 {
            return Err(Error::import("checksum", sum.name.clone()));
        }
    }
    Ok(Contents { manifest, sealed, entries })
}

/// Whether the ZIP end-of-central-directory record is present (a cut file has lost it).
/// The entry count the end-of-central-directory record declares (`None` for ZIP64 counts).
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let start = bytes.len().saturating_sub(65_557);
    let tail = &bytes[start..];
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let rec = tail.get(at..at + 22)?;
    let total = u16::from_le_bytes([rec[10], rec[11]]);
    (total != 0xFFFF).then_some(u64::from(total))
}

fn has_end_record(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(65_557)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT,
            app_version: "test".into(),
            device_id: "d".into(),
            device_code: "K7".into(),
            user_id: "u".into(),
            user_name: "测试".into(),
            exported_at: "2026-11-27T00:00:00Z".into(),
            scope: Scope::All,
            knows: BTreeMap::new(),
            counts: BTreeMap::new(),
            entries: vec![],
            public_key: String::new(),
            head: None,
            keys: vec![],
        }
    }

    #[test]
    fn names_outside_the_layout_are_refused() {
        for bad in [
            "../x",
            "/etc/passwd",
            "rows/../../x.jsonl",
            "rows/a b.jsonl",
            "files/",
            "other.txt",
            "files/a/b",
        ] {
            assert!(!allowed_name(bad), "{bad}");
        }
        for good in ["manifest.json", "rows/partner.jsonl", "files/0193-ab_c"] {
            assert!(allowed_name(good), "{good}");
        }
    }

    #[test]
    fn a_sealed_bundle_needs_its_passphrase() {
        let entries = vec![("rows/partner.jsonl".to_string(), "{\"id\":\"x\"}\n".as_bytes().to_vec())];
        let bytes =
            write(manifest(), &entries, Some("春天的花"), &crate::signing::DeviceKey::generate()).unwrap();
        assert!(is_sealed(&bytes));
        let limits = Limits::default();
        assert_eq!(read(&bytes, None, &limits).unwrap_err().code(), "import");
        match read(&bytes, Some("wrong"), &limits).unwrap_err() {
            Error::Import { reason, .. } => assert_eq!(reason, "passphrase_wrong"),
            e => panic!("{e}"),
        }
        let c = read(&bytes, Some("春天的花"), &limits).unwrap();
        assert!(c.sealed);
        assert_eq!(c.entries["rows/partner.jsonl"], entries[0].1);
    }

    /// Any change to the manifest (here: its checksums recomputed for an edited entry, as a
    /// hand edit would) or a signature by another key is refused as `signature`.
    #[test]
    fn the_manifest_is_signed_by_the_key_it_names() {
        let key = crate::signing::DeviceKey::generate();
        let entries = vec![("rows/partner.jsonl".to_string(), b"{\"id\":\"x\"}\n".to_vec())];
        let bytes = write(manifest(), &entries, None, &key).unwrap();
        let c = read(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(c.manifest.public_key, key.public_hex());
        let reason = |bytes: &[u8]| match read(bytes, None, &Limits::default()) {
            Err(Error::Import { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        // The entry edited and the manifest's checksum recomputed, old signature kept.
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        let mut sig = String::new();
        zip.by_name("manifest.sig").unwrap().read_to_string(&mut sig).unwrap();
        let edited = b"{\"id\":\"y\"}\n".to_vec();
        let mut m = c.manifest.clone();
        m.entries[0].sha256 = sha256_hex(&edited);
        m.entries[0].size = edited.len() as u64;
        let forged = pack(&[
            ("manifest.json", serde_json::to_vec_pretty(&m).unwrap()),
            ("manifest.sig", sig.into_bytes()),
            ("rows/partner.jsonl", edited.clone()),
        ]);
        assert_eq!(reason(&forged), "signature");
        // Re-signed with another key but still naming the original one.
        let other = crate::signing::DeviceKey::generate();
        let mjson = serde_json::to_vec_pretty(&m).unwrap();
        let resigned = pack(&[
            ("manifest.sig", other.sign(crate::signing::Purpose::Bundle, &mjson).into_bytes()),
            ("manifest.json", mjson),
            ("rows/partner.jsonl", edited),
        ]);
        assert_eq!(reason(&resigned), "signature");
        // No signature at all.
        let unsigned = pack(&[("manifest.json", serde_json::to_vec_pretty(&c.manifest).unwrap())]);
        assert_eq!(reason(&unsigned), "unsigned");
    }

    fn pack(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }
}
