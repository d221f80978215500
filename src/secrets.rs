//! The database key and where it is kept: the OS keychain through `keyring-core` with the
//! native store of each OS (macOS Keychain, Windows Credential Manager, Linux keyutils), and
//! the printable recovery key.
//!
//! Invariants:
//! - a key is 32 random bytes, handed to SQLCipher as a raw key (`x'…'`), never derived from a
//!   passphrase; its bytes are wiped from memory when the value is dropped;
//! - the recovery key is the same 32 bytes plus a 2-byte SHA-256 check, written in Crockford
//!   base32 in groups of five, so a mistyped character is told apart from a wrong key;
//! - the keychain entry is named by the data folder's key id (a random UUID kept next to the
//!   database file), so several data folders on one laptop each have their own key.

use crate::error::{Error, Result};
use keyring_core::{CredentialStore, Entry};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use zeroize::{Zeroize, Zeroizing};

/// Keychain service name of every entry this program writes.
pub const SERVICE: &str = "com.channeldesk.desk";

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const KEY_LEN: usize = 32;
const CHECK_LEN: usize = 2;

/// The database encryption key.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; KEY_LEN]);

impl Drop for DatabaseKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

impl DatabaseKey {
    /// A new random key from the OS random source.
    pub fn generate() -> Self {
        use rand::{RngCore, TryRngCore};
        let mut k = [0u8; KEY_LEN];
        if rand::rngs::OsRng.try_fill_bytes(&mut k).is_err() {
            // The thread generator is a CSPRNG seeded from the OS as well.
            rand::rng().fill_bytes(&mut k);
        }
        DatabaseKey(k)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let k: [u8; KEY_LEN] =
            bytes.try_into().map_err(|_| Error::Storage("stored key has the wrong length".into()))?;
        Ok(DatabaseKey(k))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value of `PRAGMA key` for this raw key, quotes included.
    pub fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode_upper(self.0)))
    }

    /// The recovery key a person writes down or prints: 11 groups of 5 characters.
    pub fn recovery_code(&self) -> String {
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_LEN + CHECK_LEN));
        bytes.extend_from_slice(&self.0);
        bytes.extend_from_slice(&Sha256::digest(self.0)[..CHECK_LEN]);
        let chars = Zeroizing::new(encode_base32(&bytes));
        chars
            .as_bytes()
            .chunks(5)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key as typed: case, spaces, dashes and the look-alikes O/I/L are
    /// forgiven; a wrong length or check gives a `recovery_key` field error.
    pub fn from_recovery_code(code: &str) -> Result<Self> {
        let bytes = decode_base32(code).ok_or_else(|| Error::field("recovery_key", "format"))?;
        if bytes.len() != KEY_LEN + CHECK_LEN {
            return Err(Error::field("recovery_key", "format"));
        }
        let (key, check) = bytes.split_at(KEY_LEN);
        if Sha256::digest(key)[..CHECK_LEN] != *check {
            return Err(Error::field("recovery_key", "checksum"));
        }
        Self::from_bytes(key)
    }
}

fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(CROCKFORD[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(CROCKFORD[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn decode_base32(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::new());
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' | '\n' | '\r' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let v = CROCKFORD.iter().position(|&x| x as char == c)? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Where database keys are kept: a `keyring-core` credential store.
#[derive(Clone)]
pub struct Keychain {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keychain({})", self.store.vendor())
    }
}

impl Keychain {
    /// The native store of this OS.
    pub fn native() -> Result<Self> {
        Ok(Keychain { store: native_store().map_err(|e| Error::Keychain(e.to_string()))? })
    }

    /// An in-memory store (tests): keys vanish with it.
    pub fn mock() -> Self {
        let store: Arc<CredentialStore> =
            keyring_core::mock::Store::new().expect("the mock store always builds");
        Keychain { store }
    }

    /// A store chosen by the caller.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Keychain { store }
    }

    /// A keychain that refuses every access with `reason`: what the program uses when the OS
    /// store cannot even be created, so the window can say so (and tests of that path).
    pub fn unavailable(reason: &str) -> Self {
        let store: Arc<CredentialStore> = Arc::new(Unavailable(reason.to_string()));
        Keychain { store }
    }

    fn entry(&self, key_id: &str) -> Result<Entry> {
        self.named(&format!("database-key:{key_id}"))
    }

    fn named(&self, name: &str) -> Result<Entry> {
        Entry::new_in_store(&self.store, SERVICE, name).map_err(|e| Error::Keychain(e.to_string()))
    }

    /// This laptop's signing key for the data folder `key_id`, made and kept at first use.
    pub fn device_key(&self, key_id: &str) -> Result<crate::signing::DeviceKey> {
        let entry = self.named(&format!("device-key:{key_id}"))?;
        match entry.get_secret() {
            Ok(bytes) => crate::signing::DeviceKey::from_bytes(&Zeroizing::new(bytes)),
            Err(keyring_core::Error::NoEntry) => {
                let key = crate::signing::DeviceKey::generate();
                entry.set_secret(&*key.to_bytes()).map_err(|e| Error::Keychain(e.to_string()))?;
                Ok(key)
            }
            Err(e) => Err(Error::Keychain(e.to_string())),
        }
    }

    /// Removes the signing key of `key_id` (tests of a lost keychain).
    pub fn forget_device_key(&self, key_id: &str) -> Result<()> {
        match self.named(&format!("device-key:{key_id}"))?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(Error::Keychain(e.to_string())),
        }
    }

    /// The key stored for `key_id`, or `None` when the keychain has no such entry.
    pub fn load(&self, key_id: &str) -> Result<Option<DatabaseKey>> {
        match self.entry(key_id)?.get_secret() {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                DatabaseKey::from_bytes(&bytes).map(Some)
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(Error::Keychain(e.to_string())),
        }
    }

    /// Stores (or replaces) the key for `key_id`.
    pub fn save(&self, key_id: &str, key: &DatabaseKey) -> Result<()> {
        self.entry(key_id)?.set_secret(key.as_bytes()).map_err(|e| Error::Keychain(e.to_string()))
    }

    /// Removes the key for `key_id` (tests of the recovery path).
    pub fn forget(&self, key_id: &str) -> Result<()> {
        match self.entry(key_id)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(Error::Keychain(e.to_string())),
        }
    }
}

/// See [`Keychain::unavailable`].
#[derive(Debug)]
struct Unavailable(String);

impl keyring_core::api::CredentialStoreApi for Unavailable {
    fn vendor(&self) -> String {
        "unavailable".into()
    }
    fn id(&self) -> String {
        self.0.clone()
    }
    fn build(
        &self,
        _service: &str,
        _user: &str,
        _modifiers: Option<&std::collections::HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Err(keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other(self.0.clone()))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(target_os = "linux")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = linux_keyutils_keyring_store::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "macos")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "windows")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(s)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore("no native keychain on this OS".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_round_trips_and_forgives_typing() {
        let k = DatabaseKey::generate();
        let code = k.recovery_code();
        assert_eq!(code.len(), 11 * 5 + 10, "{code}");
        assert_eq!(DatabaseKey::from_recovery_code(&code).unwrap(), k);
        let sloppy = code.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(DatabaseKey::from_recovery_code(&sloppy).unwrap(), k);
    }

    #[test]
    fn recovery_code_mistakes_are_named() {
        let code = DatabaseKey::generate().recovery_code();
        let mut chars: Vec<char> = code.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        let rule = |r: Result<DatabaseKey>| match r {
            Err(Error::Validation(f)) => f[0].rule.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(rule(DatabaseKey::from_recovery_code(&typo)), "checksum");
        assert_eq!(rule(DatabaseKey::from_recovery_code(&code[..20])), "format");
        assert_eq!(rule(DatabaseKey::from_recovery_code("UUUUU")), "format");
    }

    #[test]
    fn an_unavailable_keychain_says_so() {
        let e = Keychain::unavailable("no keyring in this session").load("a").unwrap_err();
        assert_eq!(e.code(), "keychain");
        assert!(e.to_string().contains("no keyring in this session"), "{e}");
    }

    #[test]
    fn mock_keychain_keeps_a_key_per_folder() {
        let kc = Keychain::mock();
        assert!(kc.load("a").unwrap().is_none());
        let k = DatabaseKey::generate();
        kc.save("a", &k).unwrap();
        assert_eq!(kc.load("a").unwrap(), Some(k));
        assert!(kc.load("b").unwrap().is_none());
        kc.forget("a").unwrap();
        assert!(kc.load("a").unwrap().is_none());
    }
}
