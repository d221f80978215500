//! Market promotion (R5.1.1–R5.2.3) on real encrypted database files: market analysis notes
//! searched like research notes, goals with measurable targets, strategies by means,
//! activities with their log and effect (sales growth measured from orders), the calendar
//! query, and the summary PDF read back.

mod common;

use channeldesk::Error;
use channeldesk::access::Role;
use channeldesk::orders::catalogue::{self, PriceInput, ProductInput};
use channeldesk::orders::{self, LineInput, OrderInput};
use channeldesk::promotion::{
    self, ActivityInput, ActivityQuery, EffectInput, GoalInput, LogInput, StrategyInput,
};
use channeldesk::recruitment::research::{self, NoteInput, NoteQuery};
use common::*;
use std::process::Command;

#[tokio::test]
async fn market_analysis_notes_are_searched_apart_from_research() {
    let t = desk().await;
    let note = |topic: &str, title: &str| NoteInput {
        noted_on: "2026-02-20".into(),
        topic: topic.into(),
        title: title.into(),
        body: "华南区物业客户更看重安装服务与响应速度。".into(),
        ..Default::default()
    };
    research::create(&t.desk, &note("customer_needs", "物业客户需求调研")).await.unwrap();
    research::create(&t.desk, &note("industry", "安防行业趋势")).await.unwrap();
    let market =
        research::list(&t.desk, &NoteQuery { q: "响应速度".into(), market: true, ..Default::default() })
            .await
            .unwrap()
            .rows;
    assert_eq!(market.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["物业客户需求调研"]);
    assert!(market[0].excerpt.contains("响应速度"));
    let research_only = research::list(&t.desk, &NoteQuery::default()).await.unwrap().rows;
    assert_eq!(research_only.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["安防行业趋势"]);
    // A business user plans promotion: market notes yes, research notes no.
    add_user(&t, "biz", Role::Business).await;
    as_user(&t, "biz").await;
    research::create(&t.desk, &note("competitor_promotion", "竞品春季促销")).await.unwrap();
    assert!(matches!(
        research::create(&t.desk, &note("competitor", "竞品渠道政策")).await.unwrap_err(),
        Error::Forbidden(_)
    ));
    t.desk.close().await;
}

fn strategy_input(goal_id: &str) -> StrategyInput {
    StrategyInput {
        goal_id: goal_id.into(),
        means: "offline_event".into(),
        title: "华南区渠道巡回推介".into(),
        objective: "带动合作伙伴第二季度进货增长".into(),
        content: "广州、深圳、佛山三站技术交流会".into(),
        starts_on: "2026-03-01".into(),
        ends_on: "2026-06-30".into(),
        budget_minor: Some(30_000_000),
        currency: "CNY".into(),
    }
}

fn activity_input(strategy_id: &str, partner_id: &str) -> ActivityInput {
    ActivityInput {
        strategy_id: strategy_id.into(),
        theme: "智慧社区门禁新品交流会（广州站）".into(),
        form: "seminar".into(),
        content: "新品演示、渠道政策解读、现场签约".into(),
        starts_on: "2026-03-10".into(),
        ends_on: "2026-03-10".into(),
        place: "广州市天河区 香格里拉酒店".into(),
        channels: vec!["partner_network".into(), "social_media".into()],
        partner_ids: vec![partner_id.into()],
        staff_ids: vec![],
        currency: "CNY".into(),
        budget_minor: Some(8_000_000),
        spent_minor: None,
        status: "planned".into(),
    }
}

async fn confirmed_order(t: &TestDesk, partner_id: &str, product_id: &str, on: &str, qty: i64) {
    let o = orders::create(
        &t.desk,
        &OrderInput {
            partner_id: partner_id.into(),
            customer_name: "广州天河物业".into(),
            customer_province: "44".into(),
            customer_area: String::new(),
            customer_city: "广州".into(),
            customer_contact: String::new(),
            currency: "CNY".into(),
            ordered_on: on.into(),
            requested_on: on.into(),
            note: String::new(),
            lines: vec![LineInput {
                product_id: product_id.into(),
                quantity: qty,
                unit_price_minor: Some(100_000),
            }],
        },
    )
    .await
    .unwrap();
    let o = orders::review(&t.desk, &o.row.id).await.unwrap();
    if o.row.status == "held" {
        orders::override_review(&t.desk, &o.row.id, "测试数据放行").await.unwrap();
    }
    orders::confirm(&t.desk, &o.row.id, "HT").await.unwrap();
}

#[tokio::test]
async fn a_campaign_is_planned_run_evaluated_and_summarised() {
    let t = desk().await;
    let p = partner("广州市南方智联科技有限公司");
    let partner_id = common::migrated(&t, p.clone()).await;
    let other = common::migrated(&t, partner("不参加活动的渠道商有限公司")).await;
    let product = catalogue::create_product(
        &t.desk,
        &ProductInput {
            code: "DR-100".into(),
            name: "智能门禁控制器".into(),
            category: "门禁".into(),
            kind: "product".into(),
            unit: "套".into(),
            currency: "CNY".into(),
            description: String::new(),
            after_sales: String::new(),
            active: true,
        },
    )
    .await
    .unwrap()
    .product
    .id;
    catalogue::set_price(
        &t.desk,
        &product,
        &PriceInput { tier: "list".into(), price_minor: Some(100_000), valid_from: "2026-01-01".into() },
    )
    .await
    .unwrap();
    // Before the activity (within the 41 days before 2026-03-10): 2 × 1,000.00.
    confirmed_order(&t, &partner_id, &product, "2026-02-15", 2).await;
    confirmed_order(&t, &other, &product, "2026-02-15", 50).await;

    // Goals: bad input named, nothing written.
    let bad = GoalInput {
        kind: "fame".into(),
        title: String::new(),
        period_from: "2026-06-30".into(),
        period_to: "2026-04-01".into(),
        target_bp: None,
        ..Default::default()
    };
    let e = fields_of(promotion::save_goal(&t.desk, None, &bad).await.unwrap_err());
    for (f, r) in
        [("kind", "unknown"), ("title", "required"), ("period_to", "before_start"), ("target_bp", "required")]
    {
        assert!(has(&e, f, r), "{f}: {e:?}");
    }
    assert!(promotion::goals(&t.desk, "", "").await.unwrap().is_empty());
    let growth = promotion::save_goal(
        &t.desk,
        None,
        &GoalInput {
            kind: "sales_growth".into(),
            title: "第一季度销售增长 20%".into(),
            period_from: "2026-03-01".into(),
            period_to: "2026-04-30".into(),
            target_bp: Some(2_000),
            actual_bp: Some(99_999), // ignored: sales growth is measured
            measure: "已确认订单金额".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(growth.actual_bp, Some(-10_000), "nothing ordered in the period yet, 5,200,000 before");
    let awareness = promotion::save_goal(
        &t.desk,
        None,
        &GoalInput {
            kind: "brand_awareness".into(),
            title: "华南区品牌知名度提升 5 个百分点".into(),
            period_from: "2026-03-01".into(),
            period_to: "2026-06-30".into(),
            target_bp: Some(500),
            actual_bp: Some(620),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(awareness.met, Some(true));

    // Strategy and activity.
    let s = promotion::save_strategy(&t.desk, None, &strategy_input(&growth.id)).await.unwrap();
    assert_eq!(s.goal_title.as_deref(), Some("第一季度销售增长 20%"));
    let mut bad = activity_input(&s.id, &partner_id);
    bad.currency = "USD".into();
    let e = promotion::save_activity(&t.desk, None, &bad).await.unwrap_err();
    assert!(has(&fields_of(e), "currency", "strategy_currency"));
    let mut bad = activity_input(&s.id, &partner_id);
    bad.channels.push("carrier_pigeon".into());
    bad.budget_minor = Some(-1);
    bad.status = "done".into();
    bad.starts_on = "2026-03-20".into();
    let e = fields_of(promotion::save_activity(&t.desk, None, &bad).await.unwrap_err());
    assert!(
        has(&e, "channels.2", "unknown")
            && has(&e, "budget_minor", "amount")
            && has(&e, "status", "not_started"),
        "{e:?}"
    );
    let a = promotion::save_activity(&t.desk, None, &activity_input(&s.id, &partner_id)).await.unwrap();
    assert_eq!(a.partners.len(), 1);
    assert_eq!(a.row.status, "planned");
    let a = promotion::add_log(
        &t.desk,
        &a.row.id,
        &LogInput {
            logged_on: "2026-03-01".into(),
            kind: "resource".into(),
            text: "公司提供展台与样机 10 套".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(a.log.len(), 1);
    let effect = EffectInput {
        evaluated_on: "2026-03-12".into(),
        participants: Some(120),
        results: Some(8),
        result_label: "意向客户".into(),
        awareness_before_bp: Some(3_150),
        awareness_after_bp: Some(3_770),
        satisfaction_x10: Some(46),
        spent_minor: Some(7_200_000),
        lessons: "提前两周邀约，现场签约率更高。".into(),
    };
    // Not started yet (today is 2026-03-01).
    let e = promotion::evaluate(
        &t.desk,
        &a.row.id,
        &EffectInput { evaluated_on: "2026-03-01".into(), ..effect.clone() },
    )
    .await
    .unwrap_err();
    assert!(has(&fields_of(e), "evaluated_on", "not_started"));
    let e = fields_of(
        promotion::evaluate(
            &t.desk,
            &a.row.id,
            &EffectInput {
                satisfaction_x10: Some(60),
                awareness_after_bp: Some(10_001),
                lessons: String::new(),
                ..effect.clone()
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(
        has(&e, "satisfaction_x10", "range")
            && has(&e, "awareness_after_bp", "range")
            && has(&e, "lessons", "required")
            && has(&e, "evaluated_on", "future"),
        "{e:?}"
    );

    // After the activity: the partner orders 5 × 1,000.00 on 2026-03-20 (within 30 days after).
    later(&t, 20).await; // 2026-03-21
    confirmed_order(&t, &partner_id, &product, "2026-03-20", 5).await;
    let a = promotion::evaluate(&t.desk, &a.row.id, &effect).await.unwrap();
    assert_eq!(a.row.status, "done");
    let e = &a.effect;
    assert_eq!(e.cost_per_participant_minor, Some(60_000)); // 72,000.00 / 120
    assert_eq!(e.cost_per_result_minor, Some(900_000)); // 72,000.00 / 8
    assert_eq!(e.budget_used_bp, Some(9_000));
    assert_eq!(e.awareness_gain_bp, Some(620));
    // Only the participating partner's orders: 2,000.00 before, 5,000.00 after: +150 %.
    assert_eq!(
        (e.sales.before_minor, e.sales.after_minor, e.sales.growth_bp),
        (200_000, 500_000, Some(15_000))
    );
    assert_eq!((e.sales.from.as_str(), e.sales.to.as_str()), ("2026-03-10", "2026-04-09"));
    // The strategy counts its activity's spend; the sales goal measures every partner.
    let s = promotion::strategy(&t.desk, &s.id).await.unwrap();
    assert_eq!((s.activities, s.spent_minor), (1, 7_200_000));
    let g = promotion::goal(&t.desk, &growth.id).await.unwrap();
    let sales = g.sales.clone().unwrap();
    assert_eq!((sales.before_minor, sales.after_minor), (5_200_000, 500_000));
    assert_eq!((g.actual_bp, g.met), (Some(-9_038), Some(false)));
    assert_eq!(promotion::growth_bp(3, 4), Some(3_333));
    assert_eq!(promotion::growth_bp(3, 2), Some(-3_333));

    // Issue 25: the dashboard's promotion card reads the same activity: budget, spend,
    // participants and results; a period it does not touch reads nothing.
    {
        use channeldesk::dashboard::{self, Card, CardKind, Filter};
        let q1 = Filter { from: "2026-01-01".into(), to: "2026-03-31".into(), ..Default::default() };
        let Card::Promotion(d) = dashboard::card(&t.desk, CardKind::Promotion, &q1).await.unwrap() else {
            panic!()
        };
        assert_eq!(
            (d.budget_minor, d.spent_minor, d.participants, d.results),
            (8_000_000, 7_200_000, 120, 8)
        );
        assert_eq!(
            (d.activities.len(), d.activities[0].label.as_str()),
            (1, "智慧社区门禁新品交流会（广州站）")
        );
        let q2 = Filter { from: "2026-04-01".into(), to: "2026-06-30".into(), ..Default::default() };
        let Card::Promotion(d) = dashboard::card(&t.desk, CardKind::Promotion, &q2).await.unwrap() else {
            panic!()
        };
        assert!(d.activities.is_empty() && d.spent_minor == 0);
        let mine = Filter { mine: true, ..q1 };
        let Card::Promotion(d) = dashboard::card(&t.desk, CardKind::Promotion, &mine).await.unwrap() else {
            panic!()
        };
        assert!(d.activities.is_empty(), "the owner is not on the activity's staff");
    }

    // The calendar's month and the list's filters.
    let march = ActivityQuery { from: "2026-03-01".into(), to: "2026-03-31".into(), ..Default::default() };
    assert_eq!(promotion::activities(&t.desk, &march).await.unwrap().len(), 1);
    let april = ActivityQuery { from: "2026-04-01".into(), to: "2026-04-30".into(), ..Default::default() };
    assert!(promotion::activities(&t.desk, &april).await.unwrap().is_empty());
    let bad_q = ActivityQuery { from: "March".into(), ..Default::default() };
    assert!(has(&fields_of(promotion::activities(&t.desk, &bad_q).await.unwrap_err()), "from", "date"));
    let by_partner = ActivityQuery { partner_id: other.clone(), ..Default::default() };
    assert!(promotion::activities(&t.desk, &by_partner).await.unwrap().is_empty());

    // A stale edit is refused; a real one is audited.
    let stale =
        promotion::save_activity(&t.desk, Some((&a.row.id, "old")), &activity_input(&s.id, &partner_id))
            .await;
    assert!(matches!(stale.unwrap_err(), Error::Conflict { kind: "stale", .. }));

    // The summary PDF, read back.
    let pdf = promotion::report::summary_pdf(&t.desk, "2026-03-01", "2026-03-31").await.unwrap();
    let again = promotion::report::summary_pdf(&t.desk, "2026-03-01", "2026-03-31").await.unwrap();
    assert_eq!(pdf.bytes, again.bytes, "the same records print the same bytes");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("promotion");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(&pdf.file_name);
    std::fs::write(&path, &pdf.bytes).unwrap();
    common::pdf::check(&path);
    if let Some(d) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        std::fs::copy(&path, std::path::Path::new(&d).join("promotion-summary.pdf")).unwrap();
    }
    let out = Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout).replace(' ', "");
    for needle in [
        "市场推广活动总结",
        "第一季度销售增长20%",
        "未达成",
        "华南区品牌知名度提升5个百分",
        "已达成",
        "线下活动",
        "90.00%",
        "¥72,000.00",
        "/¥80,000.00",
        "150.00%",
        "¥9,000.00",
        "4.6/5",
        "提前两周邀约",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    common::travels(&t).await;
    t.desk.close().await;
}
