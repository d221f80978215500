//! This laptop's signing identity and the keys of the laptops it trusts: an Ed25519 key pair
//! made at set-up (the private half in the OS keychain beside the database key, never in the
//! database or a bundle), its fingerprint for pairing, and the `device_key` table of public
//! keys (this laptop's own, and those of paired laptops and of laptops they vouch for).
//!
//! Invariants:
//! - every audit entry, the chain head kept beside the database and every exported bundle are
//!   signed with the key of the laptop that made them, over a domain-separated message, so a
//!   signature of one kind is never valid as another;
//! - a laptop's public key is trusted only when it is this laptop's own, or an administrator
//!   paired it after comparing its fingerprint, or a paired laptop vouched for it in a signed
//!   bundle (`via`); nothing else makes a key trusted;
//! - the fingerprint is the first 100 bits of SHA-256 of the public key in Crockford base32,
//!   four groups of five: short enough to read aloud, long enough that no second key matching
//!   it can be made.

use crate::error::{Error, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// What a signature is over: the kind of message, so one kind is never taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// One audit entry's content (not its place in a chain: entries travel between laptops).
    Audit,
    /// The chain head kept beside the database: `seq` and `hash` of the newest entry.
    Head,
    /// A bundle's manifest (which lists every entry's SHA-256).
    Bundle,
}

impl Purpose {
    fn tag(self) -> &'static [u8] {
        match self {
            Purpose::Audit => b"channeldesk/audit/v1\0",
            Purpose::Head => b"channeldesk/head/v1\0",
            Purpose::Bundle => b"channeldesk/bundle/v1\0",
        }
    }
}

fn message(purpose: Purpose, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(purpose.tag().len() + body.len());
    m.extend_from_slice(purpose.tag());
    m.extend_from_slice(body);
    m
}

/// This laptop's signing key.
#[derive(Clone)]
pub struct DeviceKey(SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", fingerprint(&self.public_hex()))
    }
}

impl DeviceKey {
    /// A new key from the OS random source.
    pub fn generate() -> Self {
        use rand::{RngCore, TryRngCore};
        let mut seed = Zeroizing::new([0u8; 32]);
        if rand::rngs::OsRng.try_fill_bytes(seed.as_mut()).is_err() {
            rand::rng().fill_bytes(seed.as_mut());
        }
        DeviceKey(SigningKey::from_bytes(&seed))
    }

    /// The key whose 32-byte seed is `bytes` (as kept in the keychain).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let seed: [u8; 32] =
            bytes.try_into().map_err(|_| Error::Storage("stored device key has the wrong length".into()))?;
        Ok(DeviceKey(SigningKey::from_bytes(&seed)))
    }

    /// The seed to keep in the keychain.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().as_bytes())
    }

    /// The signature (hex) of `body` for `purpose`.
    pub fn sign(&self, purpose: Purpose, body: &[u8]) -> String {
        hex::encode(self.0.sign(&message(purpose, body)).to_bytes())
    }
}

/// Whether `sig` (hex) is `public`'s (hex) signature of `body` for `purpose`.
pub fn verify(public: &str, purpose: Purpose, body: &[u8], sig: &str) -> bool {
    let key = hex::decode(public).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
    let sig = hex::decode(sig).ok().and_then(|b| <[u8; 64]>::try_from(b).ok());
    let (Some(key), Some(sig)) = (key, sig) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    key.verify(&message(purpose, body), &Signature::from_bytes(&sig)).is_ok()
}

/// Whether `public` is a well-formed public key (hex of a valid curve point).
pub fn is_public_key(public: &str) -> bool {
    hex::decode(public)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .is_some_and(|k| VerifyingKey::from_bytes(&k).is_ok())
}

/// The fingerprint people compare when pairing: `XXXXX-XXXXX-XXXXX-XXXXX`.
pub fn fingerprint(public: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digest = Sha256::digest(public.as_bytes());
    let mut bits: u128 = 0;
    for b in &digest[..13] {
        bits = (bits << 8) | u128::from(*b);
    }
    bits >>= 4; // 100 bits
    let chars: Vec<u8> = (0..20).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize]).collect();
    chars.chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Compares a fingerprint as typed or read (case, spaces and dashes forgiven).
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_key_purpose_and_body() {
        let k = DeviceKey::generate();
        let other = DeviceKey::generate();
        let sig = k.sign(Purpose::Audit, b"entry");
        assert!(verify(&k.public_hex(), Purpose::Audit, b"entry", &sig));
        assert!(!verify(&k.public_hex(), Purpose::Audit, b"entrY", &sig));
        assert!(!verify(&k.public_hex(), Purpose::Bundle, b"entry", &sig));
        assert!(!verify(&other.public_hex(), Purpose::Audit, b"entry", &sig));
        assert!(!verify("zz", Purpose::Audit, b"entry", &sig));
        assert!(!verify(&k.public_hex(), Purpose::Audit, b"entry", "00"));
        let again = DeviceKey::from_bytes(&*k.to_bytes()).unwrap();
        assert_eq!(again.public_hex(), k.public_hex());
    }

    #[test]
    fn fingerprints_are_four_groups_of_five_and_compare_as_typed() {
        let k = DeviceKey::generate();
        let f = fingerprint(&k.public_hex());
        assert_eq!(f.len(), 23);
        assert_eq!(f.split('-').count(), 4);
        assert!(same_fingerprint(&f, &f.to_lowercase().replace('-', " ")));
        assert!(!same_fingerprint(&f, &fingerprint(&DeviceKey::generate().public_hex())));
        assert!(!same_fingerprint("", ""));
        assert!(is_public_key(&k.public_hex()));
        assert!(!is_public_key("00"));
    }
}
