//! Rolling backups, the integrity check and restoring a chosen backup, on real encrypted data
//! folders (issue 7: backups; R1.1 the restore is in the audit trail).

mod common;

use channeldesk::backup;
use channeldesk::partners;
use common::{desk, partner};

#[tokio::test]
async fn backups_roll_and_a_restore_replaces_the_data_only_after_it_verifies() {
    let t = desk().await;
    let kept = partners::create(&t.desk, &partner("备份前公司"), false).await.unwrap();
    let b1 = backup::backup(&t.desk, "manual").await.unwrap();
    assert_eq!(b1.reason, "manual");
    let path = t.dir.path().join(backup::DIR).join(&b1.name);
    assert!(path.exists());
    assert!(!channeldesk::db::is_plaintext(&path).unwrap(), "a backup is encrypted like the data");
    assert!(backup::check(&t.desk).await.unwrap().ok);

    // A daily backup is due only a day after the last one.
    assert!(backup::daily_if_due(&t.desk).await.unwrap().is_none());
    common::later(&t, 1).await;
    assert_eq!(backup::daily_if_due(&t.desk).await.unwrap().unwrap().reason, "daily");

    // Only the newest N stay.
    backup::set_keep(&t.desk, 2).await.unwrap();
    for _ in 0..3 {
        t.clock.advance(chrono::Duration::minutes(1));
        backup::backup(&t.desk, "exit").await.unwrap();
    }
    assert_eq!(backup::list(&t.desk).await.unwrap().len(), 2);
    assert!(!path.exists());
    assert!(common::has(
        &common::fields_of(backup::set_keep(&t.desk, 0).await.unwrap_err()),
        "backup_keep",
        "range"
    ));
    let good = backup::list(&t.desk).await.unwrap()[0].clone();

    // Changes after the backup.
    let later = partners::create(&t.desk, &partner("备份后公司"), false).await.unwrap();

    // A damaged or foreign file is refused and nothing is staged.
    let fake = "channeldesk-20200101-000000-manual.sqlite3";
    std::fs::write(t.dir.path().join(backup::DIR).join(fake), b"not a database at all").unwrap();
    let e = backup::stage_restore(&t.desk, fake).await.unwrap_err();
    assert!(common::has(&common::fields_of(e), "backup", "damaged"));
    let e = backup::stage_restore(&t.desk, "../channeldesk.sqlite3").await.unwrap_err();
    assert!(common::has(&common::fields_of(e), "backup", "unknown"));
    assert!(!t.dir.path().join(backup::PENDING).exists());

    // Channel staff cannot restore.
    common::add_user(&t, "chan", channeldesk::access::Role::Channel).await;
    common::as_user(&t, "chan").await;
    assert_eq!(backup::stage_restore(&t.desk, &good.name).await.unwrap_err().code(), "forbidden");
    common::as_user(&t, "owner").await;

    backup::stage_restore(&t.desk, &good.name).await.unwrap();
    // Until the restart the current data is untouched.
    assert!(partners::get(&t.desk, &later.id).await.unwrap().deleted_at.is_none());
    let t = t.reopen().await;
    assert!(partners::get(&t.desk, &kept.id).await.is_ok());
    assert!(partners::get(&t.desk, &later.id).await.is_err(), "the restored file predates it");
    let before =
        backup::list(&t.desk).await.unwrap().into_iter().find(|b| b.reason == "before-restore").unwrap();
    // The replaced file is itself a backup: restoring it brings the later partner back.
    backup::stage_restore(&t.desk, &before.name).await.unwrap();
    let t = t.reopen().await;
    assert!(partners::get(&t.desk, &later.id).await.is_ok());
    assert!(channeldesk::audit::verify(&t.desk).await.unwrap().intact);
    t.desk.close().await;
}

/// The diagnostics bundle for IT support (issue 22): the logs and `about.txt` with the schema
/// version and the integrity check, and nothing of the register, though it is full.
#[tokio::test]
async fn the_diagnostics_bundle_holds_logs_and_facts_but_no_business_data() {
    let t = desk().await;
    let mut input = partner("广州穗安智能科技有限公司");
    input.contacts = vec![common::contact("黄穗安", "13912345678", "hs@suian.cn")];
    partners::create(&t.desk, &input, false).await.unwrap();
    let logs = t.dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("channeldesk.log.2026-12-03"),
        "INFO command=\"partners_create\" ms=3.1 outcome=\"ok\"\n",
    )
    .unwrap();
    let mut about = channeldesk::diagnostics::About {
        facts: vec![("version".into(), "0.1.0".into())],
        integrity: Some(backup::check(&t.desk).await.unwrap()),
    };
    about.facts.extend(channeldesk::diagnostics::schema_facts(&t.desk).await.unwrap());
    about.facts.extend(channeldesk::diagnostics::folder_facts(t.dir.path()));
    let out = t.dir.path().join("diag.zip");
    assert_eq!(channeldesk::diagnostics::write(&out, &logs, &about).unwrap(), 1);
    assert!(!t.dir.path().join("diag.zip.part").exists());
    let entries = common::bundle_entries(&std::fs::read(&out).unwrap());
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["about.txt", "logs/channeldesk.log.2026-12-03"]);
    let about_txt = String::from_utf8(entries[0].1.clone()).unwrap();
    assert!(about_txt.contains("schema_version: 2026"), "{about_txt}");
    assert!(about_txt.contains("integrity_check: ok"), "{about_txt}");
    assert!(about_txt.contains("file channeldesk.sqlite3: "), "{about_txt}");
    for (name, bytes) in &entries {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["广州穗安", "黄穗安", "13912345678", "suian"] {
            assert!(!text.contains(secret), "{name} holds {secret}");
        }
    }
    t.desk.close().await;
}
