//! Data at rest and the audit chain (R1.1): the file is encrypted, a missing or wrong key
//! leads to the recovery path without touching the file, an earlier version's unencrypted file
//! is converted once, and tampering with the audit trail through plain SQL is detected.

mod common;

use channeldesk::audit::{self, AuditQuery};
use channeldesk::secrets::{DatabaseKey, Keychain};
use channeldesk::vault::{self, KEY_ID_FILE, RecoveryReason, Unlock};
use channeldesk::{Error, db, partners, users};
use common::{OWNER_PASSWORD, contact, desk, partner};
use sha2::{Digest, Sha256};
use std::path::Path;

fn file_sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn seeded() -> common::TestDesk {
    let t = desk().await;
    let mut p = partner("杭州明湖机密贸易有限公司");
    p.contacts = vec![contact("秘密联系人", "13912345678", "secret.person@example.com")];
    partners::create(&t.desk, &p, false).await.unwrap();
    t
}

#[tokio::test]
async fn the_file_holds_no_readable_partner_data() {
    let t = seeded().await;
    // Move everything from the WAL into the main file, then read every byte on disk.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(t.desk.pool()).await.unwrap();
    let db_path = t.dir.path().join(db::DB_FILE);
    t.desk.close().await;
    let mut bytes = std::fs::read(&db_path).unwrap();
    for side in ["-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{side}", db_path.display())) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 50_000, "the database was written ({} bytes)", bytes.len());
    assert!(!db::is_plaintext(&db_path).unwrap());
    for needle in
        ["杭州明湖机密贸易", "秘密联系人", "13912345678", "secret.person", "SQLite format 3", "CREATE TABLE"]
    {
        assert!(!contains(&bytes, needle.as_bytes()), "{needle} is readable in the file");
    }
    // The key id next to it names the keychain entry and is not the key.
    let key_id = std::fs::read_to_string(t.dir.path().join(KEY_ID_FILE)).unwrap();
    let key = t.keychain.load(key_id.trim()).unwrap().expect("key in the keychain");
    assert!(!contains(&bytes, key.as_bytes()));
}

#[tokio::test]
async fn a_missing_or_wrong_key_asks_for_the_recovery_key_and_changes_nothing() {
    let t = seeded().await;
    let code = vault::recovery_code(&t.desk, &t.keychain).await.unwrap();
    let key_id = std::fs::read_to_string(t.dir.path().join(KEY_ID_FILE)).unwrap();
    let dir = t.dir.path().to_path_buf();
    let db_path = dir.join(db::DB_FILE);
    t.desk.close().await;
    let before = file_sha(&db_path);

    // A new laptop: its keychain has no entry.
    let empty = Keychain::mock();
    assert!(matches!(
        vault::open(&dir, &empty).await.unwrap(),
        Unlock::NeedsRecoveryKey(RecoveryReason::MissingKey)
    ));
    // The entry holds another key.
    let wrong = Keychain::mock();
    wrong.save(key_id.trim(), &DatabaseKey::generate()).unwrap();
    assert!(matches!(
        vault::open(&dir, &wrong).await.unwrap(),
        Unlock::NeedsRecoveryKey(RecoveryReason::WrongKey)
    ));
    // The key id file was lost.
    std::fs::rename(dir.join(KEY_ID_FILE), dir.join("keyid.aside")).unwrap();
    assert!(matches!(
        vault::open(&dir, &t.keychain).await.unwrap(),
        Unlock::NeedsRecoveryKey(RecoveryReason::MissingKey)
    ));
    assert_eq!(file_sha(&db_path), before, "nothing overwrote or re-created the database");

    // A recovery key that is not this database's: refused by field, file untouched.
    let other = DatabaseKey::generate().recovery_code();
    let e = vault::recover(&dir, &empty, &other).await.unwrap_err();
    assert!(
        matches!(&e, Error::Validation(f) if f[0].field == "recovery_key" && f[0].rule == "wrong_key"),
        "{e:?}"
    );
    let e = vault::recover(&dir, &empty, "ABCDE-FGHJK").await.unwrap_err();
    assert!(matches!(&e, Error::Validation(f) if f[0].rule == "format"), "{e:?}");
    assert_eq!(file_sha(&db_path), before);

    // The right one, typed sloppily: the data opens and the key is kept for next time.
    let desk = vault::recover(&dir, &empty, &code.to_lowercase().replace('-', " ")).await.unwrap();
    users::sign_in(&desk, "owner", OWNER_PASSWORD).await.unwrap();
    let page = partners::list(&desk, &Default::default()).await.unwrap();
    assert_eq!(page.rows[0].name, "杭州明湖机密贸易有限公司");
    desk.close().await;
    match vault::open(&dir, &empty).await.unwrap() {
        Unlock::Ready(d) => d.close().await,
        Unlock::NeedsRecoveryKey(r) => panic!("the recovered key was not kept: {r:?}"),
    }
}

/// Builds the file an earlier version wrote: unencrypted, the first migration only, one
/// partner with its search rows and one audit entry without a hash.
async fn write_earlier_version_file(dir: &Path) {
    use sqlx::{ConnectOptions, Connection};
    let path = dir.join(db::DB_FILE);
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    let first = db::MIGRATOR.iter().next().unwrap();
    sqlx::raw_sql(first.sql.clone()).execute(&mut conn).await.unwrap();
    sqlx::query(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
         installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
         checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("INSERT INTO _sqlx_migrations VALUES (?, ?, CURRENT_TIMESTAMP, 1, ?, 1)")
        .bind(first.version)
        .bind(first.description.to_string())
        .bind(first.checksum.to_vec())
        .execute(&mut conn)
        .await
        .unwrap();
    let now = "2026-03-01T09:00:00.000Z";
    sqlx::query("INSERT INTO device (singleton, id, short_code, created_at, last_hlc) VALUES (1, 'dev-old', 'K7', ?, '')")
        .bind(now)
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO app_user (id, display_name, login, created_at, updated_at, updated_by, hlc)
         VALUES ('u-old', '老用户', 'olduser', ?, ?, 'u-old', 'h')",
    )
    .bind(now)
    .bind(now)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO partner (rid, id, name, name_norm, source_kind, status, created_at, updated_at, updated_by, hlc)
         VALUES (1, 'p-old', '旧版本保存的公司', '旧版本保存的', 'online', 'active', ?, ?, 'u-old', 'h')",
    )
    .bind(now)
    .bind(now)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("INSERT INTO partner_fts (rowid, body) VALUES (1, '旧版本保存的公司')")
        .execute(&mut conn)
        .await
        .unwrap();
    for (seq, op) in [(1, "create"), (2, "update")] {
        sqlx::query(
            "INSERT INTO audit_log (seq, id, at, hlc, device_id, user_id, user_name, operation, entity, entity_id, changes)
             VALUES (?, ?, ?, 'h', 'dev-old', 'u-old', '老用户', ?, 'partner', 'p-old', '{}')",
        )
        .bind(seq)
        .bind(format!("a-{seq}"))
        .bind(now)
        .bind(op)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn.close().await.unwrap();
}

#[tokio::test]
async fn an_unencrypted_file_from_an_earlier_version_is_converted_once() {
    let dir = tempfile::tempdir().unwrap();
    write_earlier_version_file(dir.path()).await;
    let db_path = dir.path().join(db::DB_FILE);
    assert!(db::is_plaintext(&db_path).unwrap());
    let kc = Keychain::mock();
    let desk = common::open_ready(dir.path(), &kc, common::clock()).await;
    assert!(!db::is_plaintext(&db_path).unwrap(), "converted in place");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("unencrypted") || n.contains("encrypting"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The earlier operator becomes the owner by choosing a password.
    users::setup_owner(&desk, "老用户", "olduser", OWNER_PASSWORD).await.unwrap();
    let page = partners::list(&desk, &Default::default()).await.unwrap();
    assert_eq!(page.rows[0].name, "旧版本保存的公司");
    let found = partners::list(&desk, &partners::ListQuery { q: "版本保存".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(found.total, 1, "the search index came across");
    // Its audit entries were sealed into the chain, in order, and the chain holds.
    let report = audit::verify(&desk).await.unwrap();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.entries, 3, "two from the earlier version, then the owner set-up");
    assert_eq!(desk.device().short_code, "K7");
    desk.close().await;
    // The next start opens it directly.
    let again = common::open_ready(dir.path(), &kc, common::clock()).await;
    again.close().await;
}

#[tokio::test]
async fn an_interrupted_conversion_is_undone_or_finished() {
    let dir = tempfile::tempdir().unwrap();
    write_earlier_version_file(dir.path()).await;
    let db_path = dir.path().join(db::DB_FILE);
    // Stopped after the old file was moved aside and before the new one arrived.
    std::fs::rename(&db_path, dir.path().join("channeldesk.sqlite3.unencrypted-old")).unwrap();
    std::fs::write(dir.path().join("channeldesk.sqlite3.encrypting"), b"half written").unwrap();
    let kc = Keychain::mock();
    let desk = common::open_ready(dir.path(), &kc, common::clock()).await;
    users::setup_owner(&desk, "老用户", "olduser", OWNER_PASSWORD).await.unwrap();
    assert_eq!(
        partners::list(&desk, &Default::default()).await.unwrap().total,
        1,
        "the old file was put back"
    );
    assert!(!dir.path().join("channeldesk.sqlite3.encrypting").exists());
    desk.close().await;
}

#[tokio::test]
async fn the_audit_chain_detects_edits_removals_and_a_cut_tail() {
    let t = seeded().await;
    for i in 0..5 {
        partners::create(&t.desk, &partner(&format!("链条测试公司{i}")), false).await.unwrap();
    }
    let ok = audit::verify(&t.desk).await.unwrap();
    assert!(ok.intact, "{ok:?}");
    assert_eq!(ok.head.len(), 64);
    let pool = t.desk.pool().clone();
    let seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq").fetch_all(&pool).await.unwrap();
    let mid = seqs[seqs.len() / 2];

    // The triggers refuse a plain edit.
    let refused =
        sqlx::query("UPDATE audit_log SET user_name = 'x' WHERE seq = ?").bind(mid).execute(&pool).await;
    assert!(refused.is_err());
    // Someone drops the trigger and edits an entry.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&pool).await.unwrap();
    let original: String = sqlx::query_scalar("SELECT changes FROM audit_log WHERE seq = ?")
        .bind(mid)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET changes = '{}' WHERE seq = ?").bind(mid).execute(&pool).await.unwrap();
    let r = audit::verify(&t.desk).await.unwrap();
    assert!(!r.intact);
    let b = r.broken_at.unwrap();
    assert_eq!((b.seq, b.reason.as_str()), (mid, "altered"));
    sqlx::query("UPDATE audit_log SET changes = ? WHERE seq = ?")
        .bind(&original)
        .bind(mid)
        .execute(&pool)
        .await
        .unwrap();
    assert!(audit::verify(&t.desk).await.unwrap().intact, "restored content verifies again");

    // An entry removed from the middle.
    sqlx::query("DELETE FROM audit_log WHERE seq = ?").bind(mid).execute(&pool).await.unwrap();
    let b = audit::verify(&t.desk).await.unwrap().broken_at.unwrap();
    assert_eq!((b.seq, b.reason.as_str()), (seqs[seqs.len() / 2 + 1], "link"));
    t.desk.close().await;

    // The newest entries removed.
    let t2 = seeded().await;
    partners::create(&t2.desk, &partner("尾部公司"), false).await.unwrap();
    let pool = t2.desk.pool().clone();
    sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
        .execute(&pool)
        .await
        .unwrap();
    let b = audit::verify(&t2.desk).await.unwrap().broken_at.unwrap();
    assert_eq!(b.reason, "tail");
    t2.desk.close().await;
}

#[tokio::test]
async fn the_audit_screen_filters_and_exports() {
    let t = seeded().await;
    let p = partners::create(&t.desk, &partner("导出测试公司"), false).await.unwrap();
    partners::delete(&t.desk, &p.id).await.unwrap();
    let all = audit::list(&t.desk, &AuditQuery::default()).await.unwrap();
    assert!(all.total >= 4);
    assert_eq!(all.entries[0].operation, "delete", "newest first");
    assert_eq!(all.entries[0].role, "admin");
    let one = audit::list(&t.desk, &AuditQuery { entity_id: Some(p.id.clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(one.total, 2);
    assert_eq!(one.entries[0].label, "导出测试公司", "entries name their record");
    let deletes =
        audit::list(&t.desk, &AuditQuery { operation: Some("delete".into()), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(deletes.total, 1);
    let today = audit::list(
        &t.desk,
        &AuditQuery { from: Some("2026-03-01".into()), to: Some("2026-03-01".into()), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(today.total, all.total);
    let later = audit::list(&t.desk, &AuditQuery { from: Some("2026-03-02".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(later.total, 0);
    let e = audit::list(&t.desk, &AuditQuery { from: Some("03/01/2026".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Validation(f) if f[0].field == "from"));
    let me = t.desk.actor().unwrap();
    let mine =
        audit::list(&t.desk, &AuditQuery { user_id: Some(me.id), ..Default::default() }).await.unwrap();
    assert_eq!(mine.total, all.total);

    let out = t.dir.path().join("audit.csv");
    let n =
        audit::export_csv(&t.desk, &AuditQuery { entity_id: Some(p.id.clone()), ..Default::default() }, &out)
            .await
            .unwrap();
    assert_eq!(n, 2);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'), "byte-order mark for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][5], "create");
    assert_eq!(&rows[1][5], "delete");
    assert!(rows[0][8].contains("导出测试公司"), "changes are exported as JSON text");
    assert_eq!(rows[0][10].len(), 64, "each row carries its chain hash");
    t.desk.close().await;
}

/// The native store of Linux (keyutils), in a session keyring of its own: the test re-runs
/// itself under `keyctl session -` so it never touches the developer's keyring.
#[cfg(target_os = "linux")]
#[test]
fn keyutils_keeps_the_database_key() {
    if std::env::var_os("CHANNELDESK_IN_KEYCTL_SESSION").is_none() {
        let keyctl = std::process::Command::new("keyctl").arg("--version").output();
        if keyctl.is_err() {
            assert!(
                std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"),
                "keyctl (Debian keyutils) is required here: `cargo xtask test` installs it"
            );
            eprintln!("skipped: keyctl is not installed");
            return;
        }
        let me = std::env::current_exe().unwrap();
        let status = std::process::Command::new("keyctl")
            .args(["session", "-"])
            .arg(&me)
            .args(["--exact", "keyutils_keeps_the_database_key", "--nocapture"])
            .env("CHANNELDESK_IN_KEYCTL_SESSION", "1")
            .status()
            .unwrap();
        assert!(status.success(), "the keyutils test failed inside its keyctl session");
        return;
    }
    let kc = Keychain::native().expect("keyutils store");
    let id = format!("test-{}", uuid::Uuid::new_v4());
    assert!(kc.load(&id).unwrap().is_none());
    let key = DatabaseKey::generate();
    kc.save(&id, &key).unwrap();
    assert_eq!(kc.load(&id).unwrap(), Some(key.clone()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let desk = match vault::open(dir.path(), &kc).await.unwrap() {
            Unlock::Ready(d) => d,
            Unlock::NeedsRecoveryKey(r) => panic!("{r:?}"),
        };
        desk.close().await;
        match vault::open(dir.path(), &kc).await.unwrap() {
            Unlock::Ready(d) => d.close().await,
            Unlock::NeedsRecoveryKey(r) => panic!("keyutils lost the key between starts: {r:?}"),
        }
        let key_id = std::fs::read_to_string(dir.path().join(KEY_ID_FILE)).unwrap();
        kc.forget(key_id.trim()).unwrap();
    });
    kc.forget(&id).unwrap();
    assert!(kc.load(&id).unwrap().is_none());
}

#[tokio::test]
async fn an_unreachable_keychain_creates_nothing_and_opens_nothing() {
    // A new folder: the key cannot be kept, so no database is made whose key would be lost.
    let dir = tempfile::tempdir().unwrap();
    let locked = Keychain::unavailable("access denied by the user");
    let e = vault::open(dir.path(), &locked).await.unwrap_err();
    assert_eq!(e.code(), "keychain");
    assert!(!dir.path().join(db::DB_FILE).exists());
    assert!(!dir.path().join(KEY_ID_FILE).exists());
    // An existing folder: refused the same way, the file untouched.
    let t = seeded().await;
    let db_path = t.dir.path().join(db::DB_FILE);
    t.desk.close().await;
    let before = file_sha(&db_path);
    assert_eq!(vault::open(t.dir.path(), &locked).await.unwrap_err().code(), "keychain");
    assert_eq!(file_sha(&db_path), before);
    // Once the keychain answers again, the data opens.
    match vault::open(t.dir.path(), &t.keychain).await.unwrap() {
        Unlock::Ready(d) => d.close().await,
        Unlock::NeedsRecoveryKey(r) => panic!("{r:?}"),
    }
}
