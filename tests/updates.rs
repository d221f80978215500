//! Signed updates (issue 19): a package is accepted only with a valid signature of a trusted
//! release key naming a newer version for this platform; every tampering is refused by its
//! reason before anything could run.

use channeldesk::Error;
use channeldesk::updates::{self, Manifest};

struct Release {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Release {
    fn new() -> Self {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        Release { pk: kp.pk, sk: kp.sk }
    }

    fn trusted(&self) -> String {
        format!("untrusted comment: test release key\n{}\n", self.pk.to_base64())
    }

    fn sign(&self, bytes: &[u8], comment: &str) -> String {
        minisign::sign(Some(&self.pk), &self.sk, std::io::Cursor::new(bytes), Some(comment), None)
            .expect("sign")
            .to_string()
    }
}

fn reason(e: Error) -> &'static str {
    match e {
        Error::Update { reason, .. } => reason,
        other => panic!("not an update refusal: {other:?}"),
    }
}

#[test]
fn a_signed_newer_package_is_accepted_and_every_tampering_refused() {
    let release = Release::new();
    let platform = updates::platform();
    let package: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let sig = release.sign(&package, &updates::trusted_comment("0.2.0", &platform));

    let ok = updates::verify(&package, &sig, &release.trusted(), "0.1.0", &platform).expect("verified");
    assert_eq!(ok.version, "0.2.0");
    assert_eq!(ok.platform, platform);
    assert_eq!(ok.size, 800_000);
    assert_eq!(ok.sha256.len(), 64);

    // The same signature as Tauri's signer and latest.json carry it: base64 of the text.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(sig.as_bytes());
    assert_eq!(
        updates::verify(&package, &b64, &release.trusted(), "0.1.0", &platform).expect("base64").version,
        "0.2.0"
    );

    // One byte changed anywhere: refused.
    for at in [0, 399_999, package.len() - 1] {
        let mut bad = package.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            reason(updates::verify(&bad, &sig, &release.trusted(), "0.1.0", &platform).unwrap_err()),
            "signature"
        );
    }
    // Appended bytes: refused.
    let mut longer = package.clone();
    longer.extend_from_slice(b"MZ");
    assert_eq!(
        reason(updates::verify(&longer, &sig, &release.trusted(), "0.1.0", &platform).unwrap_err()),
        "signature"
    );
    // Signed by someone else's key.
    let other = Release::new();
    let forged = other.sign(&package, &updates::trusted_comment("0.2.0", &platform));
    assert_eq!(
        reason(updates::verify(&package, &forged, &release.trusted(), "0.1.0", &platform).unwrap_err()),
        "untrusted_key"
    );
    // The signed comment edited (to claim a newer version): the signature no longer holds.
    let edited = sig.replace("channeldesk 0.2.0", "channeldesk 9.9.9");
    assert_ne!(edited, sig);
    assert_eq!(
        reason(updates::verify(&package, &edited, &release.trusted(), "0.1.0", &platform).unwrap_err()),
        "signature"
    );
    // An older or the same release, validly signed: not installed over a newer one.
    assert_eq!(
        reason(updates::verify(&package, &sig, &release.trusted(), "0.2.0", &platform).unwrap_err()),
        "not_newer"
    );
    assert_eq!(
        reason(updates::verify(&package, &sig, &release.trusted(), "0.3.0", &platform).unwrap_err()),
        "not_newer"
    );
    // Another platform's package.
    let mac = release.sign(&package, &updates::trusted_comment("0.2.0", "darwin-aarch64"));
    if platform != "darwin-aarch64" {
        assert_eq!(
            reason(updates::verify(&package, &mac, &release.trusted(), "0.1.0", &platform).unwrap_err()),
            "wrong_platform"
        );
    }
    // A signature without our comment, garbage, and no trusted key at all.
    let plain = release.sign(&package, "timestamp:1");
    assert_eq!(
        reason(updates::verify(&package, &plain, &release.trusted(), "0.1.0", &platform).unwrap_err()),
        "signature"
    );
    assert_eq!(
        reason(
            updates::verify(&package, "not a signature", &release.trusted(), "0.1.0", &platform).unwrap_err()
        ),
        "signature"
    );
    assert_eq!(reason(updates::verify(&package, &sig, "", "0.1.0", &platform).unwrap_err()), "untrusted_key");
    // The key the shipped program trusts did not sign this test package.
    assert_eq!(
        reason(updates::verify(&package, &sig, updates::RELEASE_KEY, "0.1.0", &platform).unwrap_err()),
        "untrusted_key"
    );
}

#[test]
fn the_update_manifest_names_a_package_per_platform() {
    let json = br#"{"version":"0.2.0","notes":"Faster search","pub_date":"2026-12-01T00:00:00Z",
        "platforms":{"windows-x86_64":{"url":"https://updates.example/ChannelDesk-0.2.0-setup.exe","signature":"dW50cnVzdGVk"}}}"#;
    let m = Manifest::parse(json).expect("manifest");
    assert_eq!(m.version, "0.2.0");
    assert_eq!(m.notes, "Faster search");
    assert!(m.entry("windows-x86_64").expect("entry").url.ends_with("setup.exe"));
    assert_eq!(reason(m.entry("linux-riscv64").unwrap_err()), "wrong_platform");
    assert_eq!(reason(Manifest::parse(b"{\"version\":1}").unwrap_err()), "manifest");
}
