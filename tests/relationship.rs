//! Relationship maintenance (R2.3.1–R2.3.3) on a real encrypted database: quarterly reviews
//! and the due lists across quarter and year ends, follow-ups, "my partners", training,
//! the support status flow and lateness, rewards decided by managers, award nominations,
//! and the partner's timeline.

mod common;

use channeldesk::access::Role;
use channeldesk::partners::{self, ListQuery};
use channeldesk::relationship::incentives::{self, NominationInput, RewardInput};
use channeldesk::relationship::support::{self, SupportInput, TrainingInput};
use channeldesk::relationship::{self, FollowUpInput, LogInput, timeline};
use channeldesk::{Error, reminders, users};
use common::{TestDesk, add_user, as_user, desk, fields_of, has, later, partner};

async fn active(t: &TestDesk, name: &str) -> String {
    let p = partner(name);
    common::migrated(t, p.clone()).await
}

fn review(on: &str) -> LogInput {
    LogInput {
        kind: "meeting".into(),
        quarterly_review: true,
        held_on: on.into(),
        our_people: "张伟".into(),
        their_people: "王海".into(),
        summary: "第一季度经营回顾".into(),
        progress: "销售额 120 万元，完成季度目标 96%".into(),
        market: "竞品降价 5%".into(),
        problems: "安装人员不足".into(),
        solutions: "甲方派工程师支持两周".into(),
        follow_ups: vec![],
    }
}

fn count(groups: &[reminders::ReminderGroup], kind: &str) -> i64 {
    groups.iter().find(|g| g.kind == kind).map(|g| g.count).unwrap_or(0)
}

#[tokio::test]
async fn quarterly_reviews_fall_due_every_calendar_quarter() {
    let t = desk().await; // 2026-03-01
    let a = active(&t, "深圳市华信科技有限公司").await;
    let b = active(&t, "广州市南方智联科技有限公司").await;
    let g = reminders::due(&t.desk).await.unwrap();
    assert_eq!(
        (count(&g, "review_due"), count(&g, "review_overdue")),
        (2, 0),
        "new partners are due, not overdue"
    );

    // Minutes are required for a review; a call cannot be the review meeting.
    let mut bad = review("2026-03-02");
    bad.progress.clear();
    bad.kind = "call".into();
    bad.solutions.clear();
    let e = fields_of(relationship::log(&t.desk, &a, &bad).await.unwrap_err());
    assert!(
        has(&e, "held_on", "future") && has(&e, "progress", "required") && has(&e, "kind", "review_meeting"),
        "{e:?}"
    );
    assert!(has(&e, "solutions", "required"), "a problem needs its solution");
    relationship::log(&t.desk, &a, &review("2026-02-20")).await.unwrap();
    let g = reminders::due(&t.desk).await.unwrap();
    assert_eq!(count(&g, "review_due"), 1, "only the other partner is still due this quarter");
    // An ordinary call does not count.
    let call = LogInput {
        kind: "call".into(),
        held_on: "2026-02-25".into(),
        summary: "电话沟通订单".into(),
        ..Default::default()
    };
    relationship::log(&t.desk, &b, &call).await.unwrap();
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "review_due"), 1);

    // Next quarter: both due again, and the partner without a review last quarter is overdue.
    later(&t, 31).await; // 2026-04-01
    let g = reminders::due(&t.desk).await.unwrap();
    assert_eq!((count(&g, "review_due"), count(&g, "review_overdue")), (2, 1));
    let overdue = g.iter().find(|g| g.kind == "review_overdue").unwrap();
    assert_eq!(overdue.items[0].id, b);

    // Across the year end: a review on 31 December counts for Q4 only.
    later(&t, 273).await; // 2026-12-30
    relationship::log(&t.desk, &a, &review("2026-12-30")).await.unwrap();
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "review_due"), 1);
    later(&t, 2).await; // 2027-01-01
    assert_eq!(t.desk.today(), "2027-01-01");
    let g = reminders::due(&t.desk).await.unwrap();
    assert_eq!((count(&g, "review_due"), count(&g, "review_overdue")), (2, 1));
    t.desk.close().await;
}

#[tokio::test]
async fn follow_ups_and_my_partners() {
    let t = desk().await;
    add_user(&t, "chan", Role::Channel).await;
    let chan = users::list(&t.desk).await.unwrap().into_iter().find(|u| u.login == "chan").unwrap().id;
    let a = active(&t, "成都蓝海信息有限公司").await;
    let p = partners::get(&t.desk, &a).await.unwrap();
    let mut input = p.to_input();
    input.channel_contact_id = Some(chan.clone());
    partners::update(&t.desk, &a, &p.hlc, &input, false).await.unwrap();
    active(&t, "武汉长江物联有限公司").await;
    let mine = partners::list(&t.desk, &ListQuery { channel_contact_id: chan.clone(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(mine.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["成都蓝海信息有限公司"]);

    let visit = LogInput {
        kind: "visit".into(),
        held_on: "2026-02-28".into(),
        summary: "拜访门店，了解库存".into(),
        follow_ups: vec![
            FollowUpInput {
                action: "寄送新品样机".into(),
                owner_id: chan.clone(),
                due_on: "2026-03-05".into(),
            },
            FollowUpInput { action: String::new(), owner_id: String::new(), due_on: "soon".into() },
        ],
        ..Default::default()
    };
    let e = fields_of(relationship::log(&t.desk, &a, &visit).await.unwrap_err());
    assert!(
        has(&e, "follow_ups.1.action", "required")
            && has(&e, "follow_ups.1.owner_id", "required")
            && has(&e, "follow_ups.1.due_on", "date")
    );
    let mut visit = visit;
    visit.follow_ups.truncate(1);
    let logs = relationship::log(&t.desk, &a, &visit).await.unwrap();
    let f = logs[0].follow_ups[0].clone();
    assert_eq!((f.owner_name.as_deref(), f.done_on.as_deref()), (Some("chan"), None));
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "follow_up_overdue"), 0);
    later(&t, 5).await; // 2026-03-06
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "follow_up_overdue"), 1);
    let logs = relationship::follow_up_done(&t.desk, &f.id, "2026-03-06").await.unwrap();
    assert_eq!(logs[0].follow_ups[0].done_on.as_deref(), Some("2026-03-06"));
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "follow_up_overdue"), 0);
    // Open again.
    relationship::follow_up_done(&t.desk, &f.id, "").await.unwrap();
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "follow_up_overdue"), 1);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn training_and_the_support_status_flow() {
    let t = desk().await;
    let a = active(&t, "杭州云帆网络有限公司").await;
    let e = fields_of(support::record_training(&t.desk, &a, &TrainingInput::default()).await.unwrap_err());
    for f in ["kind", "held_on", "trainer", "attendees", "outcome"] {
        assert!(has(&e, f, "required"), "{f}: {e:?}");
    }
    let tr = TrainingInput {
        kind: "product".into(),
        held_on: "2026-02-26".into(),
        trainer: "李工".into(),
        materials: "门禁系统 V3 产品手册".into(),
        attendees: "王海\n刘敏".into(),
        outcome: "certified".into(),
    };
    assert_eq!(support::record_training(&t.desk, &a, &tr).await.unwrap()[0].outcome, "certified");

    let req = SupportInput {
        kind: "technical".into(),
        subject: "门禁控制器离线".into(),
        detail: "三台设备掉线".into(),
        owner_id: String::new(),
    };
    let r = support::open_request(&t.desk, &a, &req).await.unwrap().remove(0);
    assert_eq!((r.status.as_str(), r.late, r.response_minutes), ("open", false, None));
    // No response for a day: late.
    later(&t, 1).await;
    t.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "support_late"), 1);
    assert!(support::requests(&t.desk, &a).await.unwrap()[0].late);
    // Flow: only the allowed moves; resolving needs the resolution.
    assert_eq!(
        fields_of(support::move_request(&t.desk, &r.id, "closed", "").await.unwrap_err()),
        vec![("status".to_string(), "from_open".to_string())]
    );
    let moved = support::move_request(&t.desk, &r.id, "in_progress", "").await.unwrap().remove(0);
    assert_eq!(moved.response_minutes, Some(24 * 60 + 1));
    assert_eq!(moved.owner_name.as_deref(), Some("测试员"), "whoever answers takes it");
    assert!(!moved.late, "answered, and within the resolution time");
    assert_eq!(
        fields_of(support::move_request(&t.desk, &r.id, "resolved", "").await.unwrap_err()),
        vec![("resolution".to_string(), "required".to_string())]
    );
    support::move_request(&t.desk, &r.id, "resolved", "更换电源模块").await.unwrap();
    let reopened = support::move_request(&t.desk, &r.id, "in_progress", "").await.unwrap().remove(0);
    assert_eq!((reopened.status.as_str(), reopened.resolved_at.as_deref()), ("in_progress", None));
    // Unresolved after five days: late again.
    later(&t, 5).await;
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "support_late"), 1);
    support::move_request(&t.desk, &r.id, "resolved", "更换主板").await.unwrap();
    let closed = support::move_request(&t.desk, &r.id, "closed", "").await.unwrap().remove(0);
    assert_eq!(closed.status, "closed");
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "support_late"), 0);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn rewards_are_decided_by_managers_and_awards_once_a_year() {
    let t = desk().await;
    add_user(&t, "chan", Role::Channel).await;
    add_user(&t, "boss", Role::Manager).await;
    let a = active(&t, "宁波云辰电子有限公司").await;
    let b = active(&t, "温州新诚数据服务有限公司").await;
    as_user(&t, "chan").await;
    // Money needs an amount and a currency; other kinds a description.
    let e = fields_of(
        incentives::propose(
            &t.desk,
            &a,
            &RewardInput { kind: "cash".into(), reason: "超额完成".into(), ..Default::default() },
        )
        .await
        .unwrap_err(),
    );
    assert!(has(&e, "amount_minor", "required") && has(&e, "currency", "required"));
    let e = fields_of(
        incentives::propose(
            &t.desk,
            &a,
            &RewardInput { kind: "goods".into(), reason: "x".into(), ..Default::default() },
        )
        .await
        .unwrap_err(),
    );
    assert!(has(&e, "description", "required"));
    let cash = RewardInput {
        kind: "cash".into(),
        amount_minor: Some(5_000_000),
        currency: "CNY".into(),
        reason: "年度超额完成目标".into(),
        ..Default::default()
    };
    let r = incentives::propose(&t.desk, &a, &cash).await.unwrap().remove(0);
    assert_eq!(
        (r.status.as_str(), r.amount_minor, r.proposed_by.as_deref()),
        ("proposed", Some(5_000_000), Some("chan"))
    );
    assert!(matches!(incentives::decide(&t.desk, &r.id, true, "").await, Err(Error::Forbidden(_))));
    as_user(&t, "boss").await;
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "reward_waiting"), 1);
    assert!(has(
        &fields_of(incentives::decide(&t.desk, &r.id, false, "").await.unwrap_err()),
        "decision_note",
        "required"
    ));
    let done = incentives::decide(&t.desk, &r.id, true, "").await.unwrap().remove(0);
    assert_eq!((done.status.as_str(), done.decided_by_name.as_deref()), ("approved", Some("boss")));
    assert!(has(
        &fields_of(incentives::decide(&t.desk, &r.id, false, "改主意").await.unwrap_err()),
        "status",
        "decided"
    ));
    assert_eq!(count(&reminders::due(&t.desk).await.unwrap(), "reward_waiting"), 0);

    // Awards: nominations once per partner and award, one awarded, the rest not.
    as_user(&t, "chan").await;
    let nominate = |pid: &str| NominationInput {
        year: 2026,
        category: "best_partner".into(),
        partner_id: pid.into(),
        reason: "年度业绩第一".into(),
    };
    incentives::nominate(&t.desk, &nominate(&a)).await.unwrap();
    assert!(has(
        &fields_of(incentives::nominate(&t.desk, &nominate(&a)).await.unwrap_err()),
        "partner_id",
        "duplicate"
    ));
    let year = incentives::nominate(&t.desk, &nominate(&b)).await.unwrap();
    assert_eq!(year.nominations.len(), 2);
    assert!(has(
        &fields_of(
            incentives::nominate(&t.desk, &NominationInput { category: "best_joke".into(), ..nominate(&a) })
                .await
                .unwrap_err()
        ),
        "category",
        "unknown"
    ));
    assert!(has(
        &fields_of(
            incentives::nominate(&t.desk, &NominationInput { year: 2027, ..nominate(&a) }).await.unwrap_err()
        ),
        "year",
        "range"
    ));
    let first = year.nominations.iter().find(|n| n.partner_id == a).unwrap().id.clone();
    assert!(matches!(incentives::confer(&t.desk, &first).await, Err(Error::Forbidden(_))));
    assert!(has(
        &fields_of(incentives::certificate_pdf(&t.desk, &first, "渠道科技股份有限公司").await.unwrap_err()),
        "status",
        "not_awarded"
    ));
    as_user(&t, "boss").await;
    let year = incentives::confer(&t.desk, &first).await.unwrap();
    let status = |pid: &str| year.nominations.iter().find(|n| n.partner_id == pid).unwrap().status.clone();
    assert_eq!((status(&a).as_str(), status(&b).as_str()), ("awarded", "not_awarded"));
    let second = year.nominations.iter().find(|n| n.partner_id == b).unwrap().id.clone();
    assert!(has(&fields_of(incentives::confer(&t.desk, &second).await.unwrap_err()), "status", "decided"));

    // The timeline shows it all, filterable.
    let items = timeline::timeline(&t.desk, &a, &[]).await.unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i.kind.as_str()).collect();
    for k in ["record", "reward", "award"] {
        assert!(kinds.contains(&k), "{k}: {kinds:?}");
    }
    let only = timeline::timeline(&t.desk, &a, &["reward".into()]).await.unwrap();
    assert!(!only.is_empty() && only.iter().all(|i| i.kind == "reward"));
    common::travels(&t).await;
    t.desk.close().await;
}
