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
