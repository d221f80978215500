//! Fuzzing the bundle reader (issue 7), briefly, in every test run: thousands of mutated
//! bundles (bytes flipped, cut, spliced, duplicated; entries rewritten with mangled rows under
//! a manifest that still matches) are opened and previewed against a real database. None may
//! panic, every refusal must be a translated `import` error, and the database never changes.
//! `CHANNELDESK_FUZZ_CASES` runs more (default 1,500); the seed is printed to reproduce a case.

mod common;

use channeldesk::share::{self, ExportScope, Limits, Progress};
use channeldesk::{Error, partners};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Write as _;

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Flips, cuts, splices or repeats bytes of `data`.
fn mutate_bytes(rng: &mut StdRng, data: &mut Vec<u8>) {
    if data.is_empty() {
        data.push(rng.random());
        return;
    }
    match rng.random_range(0..6) {
        0 => {
            for _ in 0..rng.random_range(1..8) {
                let i = rng.random_range(0..data.len());
                data[i] ^= 1 << rng.random_range(0..8);
            }
        }
        1 => data.truncate(rng.random_range(0..data.len())),
        2 => {
            let i = rng.random_range(0..data.len());
            let n = rng.random_range(1..64).min(data.len() - i);
            let chunk = data[i..i + n].to_vec();
            let at = rng.random_range(0..data.len());
            data.splice(at..at, chunk);
        }
        3 => {
            let i = rng.random_range(0..data.len());
            data[i] = [b'"', b'{', b'}', b'\n', b'\\', 0, 0xff, b':'][rng.random_range(0..8)];
        }
        4 => {
            let i = rng.random_range(0..data.len());
            let j = (i + rng.random_range(1..32)).min(data.len());
            data.drain(i..j);
        }
        _ => data.extend((0..rng.random_range(1..32)).map(|_| rng.random::<u8>())),
    }
}

/// Rewrites one row entry with mangled text and recomputes the manifest's checksums, as a hand
/// edit would. With `signer` the manifest is signed again by that key (a paired laptop gone
/// rogue), so the reader gets past the signature to the rows themselves; without, the old
/// signature stays and must fail.
fn mutate_rows(
    rng: &mut StdRng,
    entries: &[(String, Vec<u8>)],
    signer: Option<&channeldesk::signing::DeviceKey>,
) -> Vec<u8> {
    let mut entries = entries.to_vec();
    let rows: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].0.starts_with("rows/")).collect();
    let i = rows[rng.random_range(0..rows.len())];
    let text = String::from_utf8_lossy(&entries[i].1).to_string();
    let replacements = [
        ("\"", "'"),
        (":", ","),
        ("null", "1.5"),
        ("\"id\"", "\"ID\""),
        ("\"hlc\":\"", "\"hlc\":\"zz"),
        ("}", "]"),
        ("\"name\":\"", "\"name\":\"\u{202e}"),
        ("\"deleted_at\":null", "\"deleted_at\":{}"),
        ("\"field_hlc\":\"{", "\"field_hlc\":\"["),
        ("\"status\":\"", "\"status\":\"x"),
        ("\"partner_id\":\"", "\"partner_id\":\"missing-"),
    ];
    let (from, to) = replacements[rng.random_range(0..replacements.len())];
    let mut mangled = text.replacen(from, to, rng.random_range(1..4)).into_bytes();
    if rng.random_bool(0.3) {
        mutate_bytes(rng, &mut mangled);
    }
    entries[i].1 = mangled;
    let manifest_at = entries.iter().position(|(n, _)| n == "manifest.json").unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(&entries[manifest_at].1).unwrap();
    let sums: Vec<serde_json::Value> = entries
        .iter()
        .filter(|(n, _)| n != "manifest.json" && n != "manifest.sig")
        .map(|(n, b)| serde_json::json!({ "name": n, "size": b.len(), "sha256": share::bundle::sha256_hex(b) }))
        .collect();
    m["entries"] = serde_json::Value::Array(sums);
    if let Some(k) = signer {
        m["public_key"] = serde_json::Value::String(k.public_hex());
    }
    entries[manifest_at].1 = serde_json::to_vec(&m).unwrap();
    if let Some(k) = signer {
        let sig = k.sign(channeldesk::signing::Purpose::Bundle, &entries[manifest_at].1);
        let at = entries.iter().position(|(n, _)| n == "manifest.sig").unwrap();
        entries[at].1 = sig.into_bytes();
    }
    zip_of(&entries)
}

async fn fingerprint(t: &common::TestDesk) -> String {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT id || hlc FROM partner UNION ALL SELECT id || hlc FROM partner_contact UNION ALL SELECT id FROM audit_log ORDER BY 1",
    )
    .fetch_all(t.desk.pool())
    .await
    .unwrap();
    rows.join(",")
}

#[tokio::test]
async fn the_bundle_reader_survives_mutated_files() {
    let source = common::desk().await;
    let mut p = common::partner("模糊测试来源有限公司");
    p.contacts = vec![common::contact("测试", "13800138000", "")];
    partners::create(&source.desk, &p, false).await.unwrap();
    let plain =
        share::export(&source.desk, &ExportScope::All, None, &Progress::silent()).await.unwrap().bytes;
    let sealed = share::export(&source.desk, &ExportScope::All, Some("fuzz-passphrase"), &Progress::silent())
        .await
        .unwrap()
        .bytes;
    let entries = common::bundle_entries(&plain);
    let target = common::desk().await;
    common::pair(&[&source, &target]).await;
    // A laptop paired with the target that re-signs what it mangles.
    let rogue = channeldesk::signing::DeviceKey::generate();
    let mut as_source = share::trust::identity(&source.desk);
    as_source.public_key = rogue.public_hex();
    as_source.fingerprint = channeldesk::signing::fingerprint(&rogue.public_hex());
    share::trust::pair(&target.desk, &as_source).await.unwrap();
    partners::create(&target.desk, &common::partner("目标本地有限公司"), false).await.unwrap();
    let before = fingerprint(&target).await;

    let cases: usize =
        std::env::var("CHANNELDESK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_500);
    let seed: u64 =
        std::env::var("CHANNELDESK_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261127);
    eprintln!("fuzzing the bundle reader: {cases} cases, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let limits = Limits { max_file: 4 << 20, max_total: 16 << 20, max_entry: 8 << 20, ..Limits::default() };
    let (mut opened, mut previewed, mut unsigned_edits) = (0, 0, 0);
    for case in 0..cases {
        let bytes = match rng.random_range(0..50) {
            0..=24 => {
                let mut b = plain.clone();
                for _ in 0..rng.random_range(1..4) {
                    mutate_bytes(&mut rng, &mut b);
                }
                b
            }
            // Opening a sealed file costs a key derivation: a few of these.
            25 => {
                let mut b = sealed.clone();
                mutate_bytes(&mut rng, &mut b);
                b
            }
            // Hand edits under the old signature: refused as such, before any row is read.
            26..=30 => {
                let b = mutate_rows(&mut rng, &entries, None);
                match share::open(&b, None, &limits) {
                    Err(Error::Import { reason: "signature", .. }) => unsigned_edits += 1,
                    other => panic!("case {case}: a hand edit was not refused by its signature: {other:?}"),
                }
                continue;
            }
            _ => mutate_rows(&mut rng, &entries, Some(&rogue)),
        };
        let pass = if rng.random_bool(0.5) { Some("fuzz-passphrase") } else { None };
        let incoming = match share::open(&bytes, pass, &limits) {
            Ok(i) => i,
            Err(Error::Import { .. }) => continue,
            Err(e) => panic!("case {case}: a non-import error from the reader: {e:?}"),
        };
        opened += 1;
        match share::preview(&target.desk, &incoming, &Progress::silent()).await {
            Ok(_) => previewed += 1,
            Err(Error::Import { .. }) => {}
            Err(e) => panic!("case {case}: preview failed with {e:?}"),
        }
    }
    eprintln!("{opened} opened, {previewed} previewed, {unsigned_edits} hand edits refused of {cases}");
    assert!(unsigned_edits > 0);
    assert!(opened > cases / 10, "the row mutations reach the rows ({opened} of {cases})");
    assert_eq!(fingerprint(&target).await, before, "no preview wrote anything");
    source.desk.close().await;
    target.desk.close().await;
}
