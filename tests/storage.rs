//! Storage: migrations on an empty and an existing file, pragmas, device identity, HLC
//! persistence across restarts, integrity check, reminders and settings.

mod common;

use channeldesk::hlc::Hlc;
use channeldesk::{db, partners, reminders, settings};
use common::{desk, partner};

#[tokio::test]
async fn migrates_empty_file_and_sets_pragmas() {
    let t = desk().await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success = 1")
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert_eq!(applied as usize, db::MIGRATOR.iter().count());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(fk, 1);
    db::integrity_check(t.desk.pool()).await.unwrap();
    // Foreign keys are enforced.
    let bad = sqlx::query(
        "INSERT INTO partner_contact (id, partner_id, name, created_at, updated_at, updated_by, hlc)
         VALUES ('c', 'missing', 'x', '', '', '', '')",
    )
    .execute(t.desk.pool())
    .await;
    assert!(bad.is_err());
    t.desk.close().await;
}

#[tokio::test]
async fn reopening_keeps_data_device_and_clock() {
    let t = desk().await;
    let device = t.desk.device().clone();
    assert_eq!(device.short_code.len(), 2);
    let p = partners::create(&t.desk, &partner("重庆泰和商贸有限公司"), false).await.unwrap();
    let user = t.desk.actor().unwrap();

    let again = t.reopen().await;
    assert_eq!(again.desk.device().id, device.id, "device identity survives restarts");
    assert_eq!(again.desk.actor().unwrap(), user, "same login, same user");
    assert_eq!(partners::get(&again.desk, &p.id).await.unwrap().name, "重庆泰和商贸有限公司");
    let last: String =
        sqlx::query_scalar("SELECT last_hlc FROM device").fetch_one(again.desk.pool()).await.unwrap();
    assert!(last > p.hlc, "HLC high-water mark persisted (the sign-in after restart is newer)");
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM app_user").fetch_one(again.desk.pool()).await.unwrap();
    assert_eq!(users, 1);
    again.desk.close().await;
}

#[tokio::test]
async fn hlc_stays_monotonic_when_the_clock_goes_back() {
    let t = desk().await;
    let a = partners::create(&t.desk, &partner("甲"), false).await.unwrap();
    t.clock.advance(chrono::Duration::hours(-3));
    let b = partners::create(&t.desk, &partner("乙"), false).await.unwrap();
    assert!(b.hlc > a.hlc, "{} > {}", b.hlc, a.hlc);
    let (ha, hb) = (Hlc::decode(&a.hlc).unwrap(), Hlc::decode(&b.hlc).unwrap());
    assert_eq!(hb.millis, ha.millis);
    assert_eq!(hb.counter, ha.counter + 1);
    t.desk.close().await;
}

#[tokio::test]
async fn refuses_a_database_from_a_newer_program() {
    let t = desk().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'future', 1, x'00', 0)",
    )
    .execute(t.desk.pool())
    .await
    .unwrap();
    t.desk.close().await;
    let err = channeldesk::vault::open(t.dir.path(), &t.keychain).await.unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test]
async fn reminders_list_partners_without_channel_contact() {
    let t = desk().await;
    assert!(reminders::due(&t.desk).await.unwrap().is_empty());
    let a = partners::create(&t.desk, &partner("无对接人公司"), false).await.unwrap();
    let mut with = partner("有对接人公司");
    with.channel_contact_id = Some(t.desk.actor().unwrap().id);
    partners::create(&t.desk, &with, false).await.unwrap();

    let due = reminders::due(&t.desk).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, "partner_without_contact");
    assert_eq!(due[0].requirement, "R2.3.1");
    assert_eq!(due[0].count, 1);
    assert_eq!(due[0].items[0].id, a.id);
    partners::delete(&t.desk, &a.id).await.unwrap();
    assert!(reminders::due(&t.desk).await.unwrap().is_empty(), "deleted partners are not due");
    t.desk.close().await;
}

#[tokio::test]
async fn language_setting() {
    let t = desk().await;
    assert_eq!(settings::get(&t.desk).await.unwrap().language, "zh-CN");
    assert_eq!(settings::set_language(&t.desk, "en").await.unwrap().language, "en");
    assert_eq!(settings::get(&t.desk).await.unwrap().language, "en");
    assert_eq!(settings::set_language(&t.desk, "fr").await.unwrap_err().code(), "validation");
    t.desk.close().await;
}

#[tokio::test]
async fn generated_demo_data_goes_through_the_rules() {
    let t = desk().await;
    assert_eq!(channeldesk::demo::seed(&t.desk, 300, 42).await.unwrap(), 300);
    assert_eq!(channeldesk::demo::seed(&t.desk, 300, 42).await.unwrap(), 0, "only into an empty register");
    let page = partners::list(&t.desk, &partners::ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 300);
    let audits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'partner' AND operation IN ('create', 'migrate')",
    )
    .fetch_one(t.desk.pool())
    .await
    .unwrap();
    assert_eq!(audits, 300);
    // Two trade shows, the first one's leads spread over every stage through the real gates.
    let events = channeldesk::recruitment::events::list(&t.desk).await.unwrap();
    assert_eq!(events.len(), 2);
    let summary = channeldesk::recruitment::events::summary(&t.desk, &events[1].id).await.unwrap();
    assert!(summary.leads >= 12, "{} leads", summary.leads);
    let now_at: Vec<i64> = summary.stages.iter().take(5).map(|s| s.now_at).collect();
    assert!(now_at.iter().all(|n| *n > 0), "every stage has leads: {now_at:?}");
    assert!(summary.rejected > 0 && summary.scored > 0);
    assert_eq!(
        channeldesk::recruitment::research::list(&t.desk, &Default::default()).await.unwrap().total,
        3
    );
    let classed: i64 = sqlx::query_scalar("SELECT count(*) FROM partner WHERE class IS NOT NULL")
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert!(classed > 50, "{classed}");
    // Agreements in every state, through the real review and signing.
    let all = channeldesk::agreements::AgreementQuery { limit: 500, ..Default::default() };
    let page = channeldesk::agreements::list(&t.desk, &all).await.unwrap();
    assert_eq!(page.total, page.rows.len() as i64, "every agreement on one page of 500");
    // A page of two from the second is the second and third (issue 23: lists page through).
    let two = channeldesk::agreements::AgreementQuery { limit: 2, offset: 1, ..Default::default() };
    let ids = |rows: &[channeldesk::agreements::AgreementRow]| {
        rows.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    };
    let second = channeldesk::agreements::list(&t.desk, &two).await.unwrap();
    assert_eq!((second.total, second.size), (page.total, 2));
    assert_eq!(ids(&second.rows), ids(&page.rows[1..3]));
    let agreements = page.rows;
    let states: std::collections::BTreeSet<&str> = agreements.iter().map(|a| a.state.as_str()).collect();
    for s in ["drafting", "in_review", "approved", "active", "ended"] {
        assert!(states.contains(s), "{s} in {states:?}");
    }
    let due = channeldesk::reminders::due(&t.desk).await.unwrap();
    let expiring = due.iter().find(|g| g.kind == "agreement_expiring").expect("expiring agreements");
    assert_eq!(expiring.count, 2);
    // This year's round, twelve finished with their class history, one special evaluation.
    let finished = channeldesk::evaluation::list(
        &t.desk,
        &channeldesk::evaluation::EvaluationQuery { status: "finished".into(), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(finished.total, 12);
    let changes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM class_change").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(changes, 12);
    // Issue 25: orders shipped and partly paid, promotions: every dashboard card has figures.
    {
        use channeldesk::dashboard::{self, Card, CardKind, Filter};
        let f = Filter { from: "2025-06-01".into(), to: "2026-03-31".into(), ..Default::default() };
        for kind in CardKind::ALL {
            let shown = match dashboard::card(&t.desk, kind, &f).await.unwrap() {
                Card::Sales(s) => s.total_minor > 0 && s.target_minor > 0 && s.products.len() == 3,
                Card::Funnel(f) => f.stages[0].value > 0 && !f.events.is_empty(),
                Card::Classes(c) => {
                    c.rounds.len() == 1 && c.now.iter().all(|p| p.key == "none" || p.value > 0)
                }
                Card::Receivables(r) => r.total_minor > 0 && r.alert_count > 0,
                Card::Expiring(e) => e.buckets.iter().map(|b| b.value).sum::<i64>() >= 2,
                Card::Promotion(p) => p.activities.len() == 3 && p.spent_minor > 0,
            };
            assert!(shown, "{kind:?} has figures from the demo data");
        }
    }
    let special = channeldesk::evaluation::list(
        &t.desk,
        &channeldesk::evaluation::EvaluationQuery { kind: "special".into(), ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(special.total, 1);
    t.desk.close().await;
}

#[tokio::test]
async fn duplicate_lookups_use_indexes() {
    let t = desk().await;
    for sql in [partners::DUP_BY_CODE, partners::DUP_BY_NAME, partners::DUP_BY_PHONE, partners::DUP_BY_EMAIL]
    {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .bind("x")
                .bind("y")
                .fetch_all(t.desk.pool())
                .await
                .unwrap();
        let plan: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
        assert!(
            plan.iter().all(|d| d.starts_with("SEARCH") || d.starts_with("USE TEMP B-TREE")),
            "full scan in {sql}: {plan:?}"
        );
    }
    t.desk.close().await;
}

#[tokio::test]
async fn status_counts_leave_out_deleted_partners() {
    let t = desk().await;
    assert!(partners::status_counts(&t.desk).await.unwrap().is_empty());
    for (name, status) in [("甲", "active"), ("乙", "active"), ("丙", "prospect"), ("丁", "suspended")] {
        if status == "prospect" {
            partners::create(&t.desk, &partner(name), false).await.unwrap();
        } else {
            let id = common::migrated(&t, partner(name)).await;
            if status == "suspended" {
                partners::change_standing(&t.desk, &id, "suspend", "逾期").await.unwrap();
            }
        }
    }
    let gone =
        partners::list(&t.desk, &partners::ListQuery { q: "乙".into(), ..Default::default() }).await.unwrap();
    partners::delete(&t.desk, &gone.rows[0].id).await.unwrap();
    let counts: Vec<(String, i64)> =
        partners::status_counts(&t.desk).await.unwrap().into_iter().map(|c| (c.status, c.count)).collect();
    assert_eq!(counts, vec![("prospect".into(), 1), ("active".into(), 1), ("suspended".into(), 1)]);
    t.desk.close().await;
}

/// Checkpoints run off the typing path (issue 22): a commit leaves its pages in the
/// write-ahead log (SQLite's own checkpoint inside a COMMIT only past 10,000 pages), and the
/// Desk's background checkpointer copies them into the database file within a second, with
/// nothing else written meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_copied_into_the_file_in_the_background() {
    let t = desk().await;
    let auto: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(auto, 10_000, "the automatic checkpoint is only a backstop");
    let file = t.dir.path().join(db::DB_FILE);
    // Wait for the start-up writes to be copied, then write a batch.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let before = std::fs::metadata(&file).unwrap().len();
    let batch: Vec<_> = (0..300).map(|i| partner(&format!("检查点测试{i:03}科技有限公司"))).collect();
    partners::create_many(&t.desk, &batch).await.unwrap();
    let right_after = std::fs::metadata(&file).unwrap().len();
    assert_eq!(right_after, before, "the commit itself copied nothing into the file");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::fs::metadata(&file).unwrap().len() == before {
        assert!(std::time::Instant::now() < deadline, "the log was not copied in the background");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    t.desk.close().await;
}
