//! Risk management (R6.1.1–R6.2.4) on real encrypted database files: grading and the heat
//! map, measures and reviews with their due dates and the periodic sweep, the credit scheme
//! and ratings, every warning sign raising an alert, suspension refusing a partner's new
//! orders, the legal early warning on the home page, procedures and staff trainings.

mod common;

use channeldesk::access::Role;
use channeldesk::agreements::{self, DraftInput, ReviewInput};
use channeldesk::orders::catalogue::{self, PriceInput, ProductInput};
use channeldesk::orders::delivery::{self, ShipLine, ShipmentInput};
use channeldesk::orders::terms::{self, TermsInput};
use channeldesk::orders::{self, LineInput, OrderInput};
use channeldesk::risk::controls::{self, ProcedureInput, StaffTrainingInput};
use channeldesk::risk::credit::{self, Criterion, RatingInput, ResponseInput, SchemeInput};
use channeldesk::risk::{self, MeasureInput, ReviewInput as RiskReview, RiskInput, RiskQuery};
use channeldesk::{Error, audit, reminders, users};
use common::*;
use std::collections::BTreeMap;

async fn owner_id(t: &TestDesk) -> String {
    t.desk.session_info().user.unwrap().id
}

async fn user_id(t: &TestDesk, login: &str) -> String {
    users::list(&t.desk).await.unwrap().into_iter().find(|u| u.login == login).unwrap().id
}

async fn active_partner(t: &TestDesk, name: &str) -> String {
    common::migrated(t, partner(name)).await
}

fn risk_input(owner: &str, l: i64, i: i64) -> RiskInput {
    RiskInput {
        category: "market".into(),
        title: "华南区竞品大幅降价".into(),
        description: "竞品在广东省降价 20%，渠道商观望。".into(),
        likelihood: l,
        impact: i,
        owner_id: owner.into(),
        identified_on: "2026-03-01".into(),
        ..Default::default()
    }
}

fn measure(owner: &str, action: &str, due: &str) -> MeasureInput {
    MeasureInput { action: action.into(), owner_id: owner.into(), due_on: due.into() }
}

#[test]
fn grades_follow_likelihood_times_impact() {
    let expected = [
        // likelihood 1..5 (rows) × impact 1..5 (columns)
        ["low", "low", "low", "low", "medium"],
        ["low", "low", "medium", "medium", "high"],
        ["low", "medium", "medium", "high", "high"],
        ["low", "medium", "high", "high", "critical"],
        ["medium", "high", "high", "critical", "critical"],
    ];
    for l in 1..=5 {
        for i in 1..=5 {
            assert_eq!(risk::grade(l, i), expected[(l - 1) as usize][(i - 1) as usize], "{l} × {i}");
        }
    }
    assert_eq!([risk::review_days("critical"), risk::review_days("high")], [30, 60]);
    assert_eq!([risk::review_days("medium"), risk::review_days("low")], [90, 180]);
    assert!(risk::needs_measure("high") && !risk::needs_measure("medium"));
}

#[tokio::test]
async fn a_risk_is_graded_mapped_reviewed_and_swept() {
    let t = desk().await;
    let me = owner_id(&t).await;
    let p = active_partner(&t, "深圳前海启明渠道有限公司").await;

    // Bad input is named per field and writes nothing.
    let mut bad = risk_input(&me, 0, 6);
    bad.category = "weather".into();
    bad.title = " ".into();
    bad.identified_on = "2026-03-02".into(); // after today
    let e = fields_of(risk::create(&t.desk, &bad).await.unwrap_err());
    for (f, r) in [
        ("category", "unknown"),
        ("title", "required"),
        ("likelihood", "scale"),
        ("impact", "scale"),
        ("identified_on", "future"),
    ] {
        assert!(has(&e, f, r), "{f}: {e:?}");
    }
    // High (4 × 4) needs a measure; a review date past 60 days is refused.
    let mut high = risk_input(&me, 4, 4);
    high.review_on = "2026-05-01".into();
    let e = fields_of(risk::create(&t.desk, &high).await.unwrap_err());
    assert!(has(&e, "measures", "required_for_grade"), "{e:?}");
    assert!(has(&e, "review_on", "review_too_late"), "{e:?}");
    high.review_on = String::new();
    high.measures = vec![measure(&me, "", "2026-03-10")];
    let e = fields_of(risk::create(&t.desk, &high).await.unwrap_err());
    assert!(has(&e, "measures.0.action", "required"), "{e:?}");
    high.measures = vec![measure("nobody", "调整华南区价格策略", "2026-03-10")];
    let e = fields_of(risk::create(&t.desk, &high).await.unwrap_err());
    assert!(has(&e, "measures.0.owner_id", "unknown"), "{e:?}");
    assert_eq!(risk::list(&t.desk, &RiskQuery::default()).await.unwrap().total, 0);

    // Recorded: the grade, the default review date (60 days for high), the partner.
    high.measures = vec![measure(&me, "与渠道商共同调整华南区价格策略", "2026-03-10")];
    high.partner_id = p.clone();
    let r = risk::create(&t.desk, &high).await.unwrap();
    assert_eq!(r.row.grade, "high");
    assert_eq!(r.row.review_on, "2026-04-30");
    assert_eq!(r.row.partner_name.as_deref(), Some("深圳前海启明渠道有限公司"));
    assert!(r.row.number.starts_with("RK-2026-"), "{}", r.row.number);
    assert_eq!(r.measures.len(), 1);
    let low = risk::create(&t.desk, &RiskInput { category: "operational".into(), ..risk_input(&me, 1, 2) })
        .await
        .unwrap();
    assert_eq!(low.row.grade, "low");
    assert_eq!(low.row.review_on, "2026-08-28");

    // The heat map: 25 cells, likelihood 5 first; the two risks in their cells.
    let map = risk::heat_map(&t.desk, "").await.unwrap();
    assert_eq!(map.len(), 25);
    assert_eq!((map[0].likelihood, map[0].impact), (5, 1));
    let cell = |l: i64, i: i64| map.iter().find(|c| c.likelihood == l && c.impact == i).unwrap().count;
    assert_eq!((cell(4, 4), cell(1, 2), cell(3, 3)), (1, 1, 0));
    assert_eq!(map.iter().map(|c| c.count).sum::<i64>(), 2);
    let only_market = risk::heat_map(&t.desk, "market").await.unwrap();
    assert_eq!(only_market.iter().map(|c| c.count).sum::<i64>(), 1);
    let in_cell =
        risk::list(&t.desk, &RiskQuery { likelihood: Some(4), impact: Some(4), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(in_cell.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [r.row.id.as_str()]);
    // Issue 23: the register pages; the highest grade comes first and the count is of all.
    let first = risk::list(&t.desk, &RiskQuery { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!((first.total, first.size, first.rows.len()), (2, 1, 1));
    assert_eq!(first.rows[0].id, r.row.id);
    let second = risk::list(&t.desk, &RiskQuery { limit: 1, offset: 1, ..Default::default() }).await.unwrap();
    assert_eq!(second.rows[0].id, low.row.id);

    // Raising the low one to high without a measure is refused; a stale edit too.
    let mut up = RiskInput { category: "operational".into(), ..risk_input(&me, 4, 5) };
    let e = risk::update(&t.desk, &low.row.id, &low.hlc, &up).await.unwrap_err();
    assert!(has(&fields_of(e), "measures", "required_for_grade"));
    up = RiskInput { category: "operational".into(), ..risk_input(&me, 2, 2) };
    let low2 = risk::update(&t.desk, &low.row.id, &low.hlc, &up).await.unwrap();
    assert_eq!(low2.row.likelihood, 2);
    assert!(matches!(
        risk::update(&t.desk, &low.row.id, &low.hlc, &up).await.unwrap_err(),
        Error::Conflict { kind: "stale", .. }
    ));

    // The sweep: nothing due today; eleven days on, the measure is late; on 2026-04-20 the
    // high risk's review (2026-04-30) is within the 14 days ahead.
    let s = risk::sweep(&t.desk).await.unwrap();
    assert!(s.reviews.is_empty() && s.measures.is_empty());
    later(&t, 11).await;
    let s = risk::sweep(&t.desk).await.unwrap();
    assert_eq!(s.measures.len(), 1);
    assert_eq!(s.measures[0].risk_number, r.row.number);
    let groups = reminders::due(&t.desk).await.unwrap();
    assert!(groups.iter().any(|g| g.kind == "risk_measure_overdue" && g.count == 1));
    later(&t, 39).await; // 2026-04-20
    let s = risk::sweep(&t.desk).await.unwrap();
    assert_eq!(s.reviews.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), [r.row.number.as_str()]);
    assert!(!reminders::due(&t.desk).await.unwrap().iter().any(|g| g.kind == "risk_review_due"));
    later(&t, 10).await; // 2026-04-30: due today
    let groups = reminders::due(&t.desk).await.unwrap();
    let g = groups.iter().find(|g| g.kind == "risk_review_due").expect("review due on the home page");
    assert_eq!(g.items[0].id, r.row.id);
    assert_eq!(risk::list(&t.desk, &RiskQuery { due: true, ..Default::default() }).await.unwrap().total, 1);

    // The measure done, the review lowers it to medium (3 × 2): next review 90 days on.
    let r2 = risk::measure_done(&t.desk, &r.measures[0].id, "2026-04-30").await.unwrap();
    assert_eq!(r2.measures[0].done_on.as_deref(), Some("2026-04-30"));
    let e = risk::measure_done(&t.desk, &r.measures[0].id, "2026-04-30").await.unwrap_err();
    assert!(has(&fields_of(e), "done_on", "already_done"));
    // Staying high with no open measure is refused.
    let stay = RiskReview {
        reviewed_on: "2026-04-30".into(),
        likelihood: 4,
        impact: 4,
        note: "未缓解".into(),
        ..Default::default()
    };
    let e = risk::review(&t.desk, &r.row.id, &stay).await.unwrap_err();
    assert!(has(&fields_of(e), "measures", "required_for_grade"));
    let ok = RiskReview {
        reviewed_on: "2026-04-30".into(),
        likelihood: 3,
        impact: 2,
        note: "价格已调整，渠道商恢复进货".into(),
        ..Default::default()
    };
    let r3 = risk::review(&t.desk, &r.row.id, &ok).await.unwrap();
    assert_eq!((r3.row.grade.as_str(), r3.row.review_on.as_str()), ("medium", "2026-07-29"));
    assert_eq!(r3.reviews.len(), 1);
    assert_eq!(r3.reviews[0].grade, "medium");
    assert!(risk::sweep(&t.desk).await.unwrap().reviews.is_empty());

    // Closed: off the heat map; further changes refused.
    let e = risk::close(&t.desk, &r.row.id, "").await.unwrap_err();
    assert!(has(&fields_of(e), "closed_note", "required"));
    risk::close(&t.desk, &r.row.id, "竞品恢复原价").await.unwrap();
    let map = risk::heat_map(&t.desk, "").await.unwrap();
    assert_eq!(map.iter().map(|c| c.count).sum::<i64>(), 1);
    let e = risk::add_measure(&t.desk, &r.row.id, &measure(&me, "x", "2026-05-01")).await.unwrap_err();
    assert!(has(&fields_of(e), "status", "risk_closed"));

    // The risk's audit trail holds its whole history.
    let page =
        audit::list(&t.desk, &audit::AuditQuery { entity_id: Some(r.row.id.clone()), ..Default::default() })
            .await
            .unwrap();
    let ops: Vec<&str> = page.entries.iter().rev().map(|e| e.operation.as_str()).collect();
    assert_eq!(ops, ["create", "measure_done", "review", "close"]);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn a_risk_takes_the_partner_of_its_agreement_or_order() {
    let t = desk().await;
    let me = owner_id(&t).await;
    let a = active_partner(&t, "杭州西湖安防工程有限公司").await;
    let b = active_partner(&t, "成都天府智能系统有限公司").await;
    let ag = signed_agreement(&t, &a).await;
    let mut input = RiskInput { category: "legal".into(), agreement_id: ag.clone(), ..risk_input(&me, 2, 2) };
    input.partner_id = b.clone();
    let e = risk::create(&t.desk, &input).await.unwrap_err();
    assert!(has(&fields_of(e), "agreement_id", "link_other_partner"));
    input.partner_id = String::new();
    let r = risk::create(&t.desk, &input).await.unwrap();
    assert_eq!(r.partner_id.as_deref(), Some(a.as_str()));
    assert!(r.agreement_number.is_some());
    input.agreement_id = "no-such".into();
    let e = risk::create(&t.desk, &input).await.unwrap_err();
    assert!(has(&fields_of(e), "agreement_id", "unknown"));
    t.desk.close().await;
}

fn scheme(weights: &[(&str, u32)]) -> SchemeInput {
    SchemeInput {
        criteria: weights
            .iter()
            .map(|(k, w)| Criterion { key: (*k).into(), label: format!("{k} 标准"), weight: *w })
            .collect(),
        good_min: 80,
        fair_min: 60,
        watch_min: 40,
        period_months: 6,
    }
}

fn scores(v: &[(&str, i64)]) -> BTreeMap<String, Option<i64>> {
    v.iter().map(|(k, s)| ((*k).to_string(), Some(*s))).collect()
}

fn rating(on: &str, v: &[(&str, i64)]) -> RatingInput {
    RatingInput { rated_on: on.into(), scores: scores(v), note: String::new() }
}

const GOOD: [(&str, i64); 4] = [("payment_history", 95), ("overdue", 90), ("financial", 80), ("legal", 100)];
const POOR: [(&str, i64); 4] = [("payment_history", 30), ("overdue", 20), ("financial", 50), ("legal", 60)];

#[tokio::test]
async fn the_credit_scheme_is_validated_and_totals_exactly() {
    let t = desk().await;
    // The shipped scheme: the policy's four criteria, 35/25/25/15.
    let s = credit::scheme(&t.desk).await.unwrap();
    assert_eq!(s.version, 1);
    assert_eq!(s.criteria.iter().map(|c| c.weight).sum::<u32>(), 100);
    let keys: Vec<&str> = s.criteria.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["payment_history", "overdue", "financial", "legal"]);

    // Validation names what is wrong.
    let e = fields_of(credit::check_scheme(&scheme(&[("a", 50), ("b", 49)])).unwrap_err());
    assert!(has(&e, "criteria", "weights_total"), "{e:?}");
    let e = fields_of(credit::check_scheme(&scheme(&[("a", 50), ("a", 50)])).unwrap_err());
    assert!(has(&e, "criteria.1.key", "duplicate"), "{e:?}");
    let e = fields_of(credit::check_scheme(&scheme(&[("A-1", 0), ("b", 100)])).unwrap_err());
    assert!(has(&e, "criteria.0.key", "invalid_chars") && has(&e, "criteria.0.weight", "range"), "{e:?}");
    let mut bands = scheme(&[("a", 100)]);
    bands.fair_min = 85;
    bands.period_months = 0;
    let e = fields_of(credit::check_scheme(&bands).unwrap_err());
    assert!(has(&e, "good_min", "bands_order") && has(&e, "period_months", "range"), "{e:?}");
    assert!(has(&fields_of(credit::check_scheme(&scheme(&[])).unwrap_err()), "criteria", "count"));
    // Keys are made from the position when left empty.
    let made = credit::check_scheme(&scheme(&[("", 60), ("", 40)])).unwrap();
    assert_eq!(made.criteria.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["c1", "c2"]);

    // Totals: Σ weight × score, hundredths of a point, exactly.
    let m: BTreeMap<String, u32> = GOOD.iter().map(|(k, v)| ((*k).to_string(), *v as u32)).collect();
    assert_eq!(credit::total_x100(&s.criteria, &m), Some(35 * 95 + 25 * 90 + 25 * 80 + 15 * 100));
    assert_eq!(s.level(9_125), "good");
    assert_eq!(
        [s.level(8_000), s.level(7_999), s.level(4_000), s.level(3_999)],
        ["good", "fair", "watch", "poor"]
    );

    // Rating: every criterion needs a score 0–100; an unknown one is named.
    let p = active_partner(&t, "南京金陵信息技术有限公司").await;
    let mut bad = rating("2026-03-01", &[("payment_history", 101), ("overdue", 90), ("bogus", 1)]);
    bad.scores.insert("financial".into(), None);
    let e = fields_of(credit::rate(&t.desk, &p, &bad).await.unwrap_err());
    for (f, r) in [
        ("scores.payment_history", "range"),
        ("scores.financial", "required"),
        ("scores.legal", "required"),
        ("scores.bogus", "unknown"),
    ] {
        assert!(has(&e, f, r), "{f}: {e:?}");
    }
    let c = credit::rate(&t.desk, &p, &rating("2026-03-01", &GOOD)).await.unwrap();
    assert_eq!((c.ratings[0].total_x100, c.ratings[0].level.as_str()), (9_075, "good"));
    assert_eq!(c.ratings[0].next_due_on, "2026-09-01");

    // A new version (finance may not write it; a manager may); the old rating keeps version 1.
    add_user(&t, "fin", Role::Finance).await;
    as_user(&t, "fin").await;
    let v2 = scheme(&[("payment_history", 50), ("overdue", 50)]);
    assert!(matches!(credit::save_scheme(&t.desk, &v2).await.unwrap_err(), Error::Forbidden(_)));
    as_user(&t, "owner").await;
    let s2 = credit::save_scheme(&t.desk, &v2).await.unwrap();
    assert_eq!(s2.version, 2);
    as_user(&t, "fin").await;
    let c = credit::rate(&t.desk, &p, &rating("2026-03-01", &[("payment_history", 70), ("overdue", 45)]))
        .await
        .unwrap();
    assert_eq!((c.ratings[0].scheme_version, c.ratings[0].total_x100), (2, 5_750));
    assert_eq!(c.ratings[1].scheme_version, 1);
    assert_eq!(credit::schemes(&t.desk).await.unwrap().len(), 2);
    t.desk.close().await;
}

fn product(code: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: "智能门禁控制器".into(),
        category: "门禁".into(),
        kind: "product".into(),
        unit: "套".into(),
        currency: "CNY".into(),
        description: String::new(),
        after_sales: String::new(),
        active: true,
    }
}

fn terms_input() -> TermsInput {
    TermsInput {
        territory: vec!["44".into()],
        categories: vec!["门禁".into()],
        price_basis: "class".into(),
        discount_bp: 0,
        settle_method: "purchase".into(),
        settle_cycle: "monthly".into(),
        payment_days: 30,
        currency: "CNY".into(),
        credit_limit_minor: Some(100_000_000),
        commission_bp: 0,
        rebate_bp: 0,
    }
}

/// A partner with a signed agreement and its terms, and a product priced for it.
async fn trading_partner(t: &TestDesk, name: &str, code: &str) -> (String, String) {
    let p = active_partner(t, name).await;
    let ag = signed_agreement(t, &p).await;
    let now = terms::terms(&t.desk, &ag).await.unwrap();
    terms::set_terms(&t.desk, &ag, &now.hlc, &terms_input()).await.unwrap();
    let d = catalogue::create_product(&t.desk, &product(code)).await.unwrap();
    catalogue::set_price(
        &t.desk,
        &d.product.id,
        &PriceInput { tier: "list".into(), price_minor: Some(100_000), valid_from: "2026-01-01".into() },
    )
    .await
    .unwrap();
    (p, d.product.id)
}

fn order_input(partner_id: &str, product_id: &str, on: &str) -> OrderInput {
    OrderInput {
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
        lines: vec![LineInput { product_id: product_id.into(), quantity: 2, unit_price_minor: None }],
    }
}

#[tokio::test]
async fn every_warning_sign_raises_an_alert_and_responses_are_kept() {
    let t = desk().await;
    let me = owner_id(&t).await;
    // Overdue: shipped on 2026-03-01, 30 payment days; 45 days on, 2,000.00 is overdue.
    let (late, product_id) = trading_partner(&t, "佛山顺德安居科技有限公司", "DR-1").await;
    let o = orders::create(&t.desk, &order_input(&late, &product_id, "2026-03-01")).await.unwrap();
    orders::review(&t.desk, &o.row.id).await.unwrap();
    let o = orders::confirm(&t.desk, &o.row.id, "HT-1").await.unwrap();
    let ship = ShipmentInput {
        shipped_on: "2026-03-01".into(),
        carrier: "顺丰".into(),
        tracking_no: "SF1".into(),
        expected_on: "2026-03-05".into(),
        lines: vec![ShipLine { order_line_id: o.lines[0].id.clone(), quantity: 2 }],
        note: String::new(),
    };
    delivery::ship(&t.desk, &o.row.id, &ship).await.unwrap();
    // Class C.
    let c = active_partner(&t, "东莞松山湖电子有限公司").await;
    sqlx::query("UPDATE partner SET class = 'C' WHERE id = ?").bind(&c).execute(t.desk.pool()).await.unwrap();
    // A legal case.
    let legal = active_partner(&t, "珠海横琴法务测试有限公司").await;
    risk::create(
        &t.desk,
        &RiskInput {
            category: "legal".into(),
            title: "经销合同纠纷诉讼".into(),
            partner_id: legal.clone(),
            measures: vec![measure(&me, "法务部应诉", "2026-04-01")],
            ..risk_input(&me, 4, 4)
        },
    )
    .await
    .unwrap();
    // Credit rated good, then poor: low and down.
    let down = active_partner(&t, "中山火炬开发区商贸有限公司").await;
    credit::rate(&t.desk, &down, &rating("2026-03-01", &GOOD)).await.unwrap();
    // And one with nothing wrong.
    let fine = active_partner(&t, "江门蓬江诚信贸易有限公司").await;
    credit::rate(&t.desk, &fine, &rating("2026-03-01", &GOOD)).await.unwrap();

    let signs_of = |alerts: &[credit::Alert], p: &str| -> Vec<String> {
        alerts
            .iter()
            .find(|a| a.partner_id == p)
            .map(|a| a.signs.iter().map(|s| s.kind.clone()).collect())
            .unwrap_or_default()
    };
    let before = credit::alerts(&t.desk).await.unwrap();
    assert!(signs_of(&before, &late).is_empty(), "not overdue yet");
    assert_eq!(signs_of(&before, &c), ["class_c"]);
    assert_eq!(signs_of(&before, &legal), ["legal_case"]);
    assert!(signs_of(&before, &down).is_empty());

    later(&t, 45).await;
    credit::rate(&t.desk, &down, &rating("2026-04-15", &POOR)).await.unwrap();
    let alerts = credit::alerts(&t.desk).await.unwrap();
    assert_eq!(signs_of(&alerts, &late), ["overdue"]);
    let overdue = &alerts.iter().find(|a| a.partner_id == late).unwrap().signs[0];
    assert_eq!((overdue.params["amount"].as_str(), overdue.params["currency"].as_str()), ("200000", "CNY"));
    let mut d = signs_of(&alerts, &down);
    d.sort();
    assert_eq!(d, ["credit_down", "credit_low"]);
    let sign = alerts.iter().find(|a| a.partner_id == down).unwrap();
    assert_eq!(sign.level.as_deref(), Some("poor"));
    let cd = sign.signs.iter().find(|s| s.kind == "credit_down").unwrap();
    assert_eq!((cd.params["from"].as_str(), cd.params["to"].as_str()), ("good", "poor"));
    assert!(signs_of(&alerts, &fine).is_empty());
    assert!(!alerts.iter().any(|a| a.partner_id == fine));
    // R6.2.2: the warnings are the administrator's own work (they hold the manager's tasks).
    assert!(alerts.iter().all(|a| a.mine));
    // The legal risk is also a legal early warning on the home page.
    let groups = reminders::due(&t.desk).await.unwrap();
    let g = groups.iter().find(|g| g.kind == "legal_risk_partner").expect("legal risk partner warned of");
    assert_eq!(g.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [legal.as_str()]);

    // Responses: finance intensifies collection (kept as the last response); the
    // suspension is a manager's; a note is required.
    add_user(&t, "fin", Role::Finance).await;
    as_user(&t, "fin").await;
    let collect = ResponseInput {
        kind: "intensify_collection".into(),
        decided_on: "2026-04-15".into(),
        note: "每周催收一次".into(),
    };
    let pc = credit::respond(&t.desk, &late, &collect).await.unwrap();
    assert_eq!(pc.responses.len(), 1);
    assert!(!pc.suspended);
    let suspend = ResponseInput {
        kind: "suspend".into(),
        decided_on: "2026-04-15".into(),
        note: "逾期未付，暂停合作".into(),
    };
    assert!(matches!(credit::respond(&t.desk, &late, &suspend).await.unwrap_err(), Error::Forbidden(_)));
    let e = credit::respond(&t.desk, &late, &ResponseInput { note: " ".into(), ..collect.clone() })
        .await
        .unwrap_err();
    assert!(has(&fields_of(e), "note", "required"));
    let alerts = credit::alerts(&t.desk).await.unwrap();
    let a = alerts.iter().find(|a| a.partner_id == late).unwrap();
    assert_eq!(a.last_response.as_ref().map(|r| r.kind.as_str()), Some("intensify_collection"));
    assert!(a.mine, "finance answers credit warnings");
    as_user(&t, "owner").await;
    add_user(&t, "chan", Role::Channel).await;
    as_user(&t, "chan").await;
    let seen = credit::alerts(&t.desk).await.unwrap();
    assert!(!seen.is_empty() && seen.iter().all(|a| !a.mine), "channel staff see them under all");
    as_user(&t, "fin").await;

    // Paying clears the overdue sign.
    channeldesk::orders::finance::record_receipt(
        &t.desk,
        &channeldesk::orders::finance::ReceiptInput {
            partner_id: late.clone(),
            order_id: String::new(),
            amount_minor: Some(200_000),
            currency: "CNY".into(),
            paid_on: "2026-04-15".into(),
            reference: "BANK-1".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    assert!(signs_of(&credit::alerts(&t.desk).await.unwrap(), &late).is_empty());
    // Ratings due: active partners never rated or past their next date.
    let due = credit::due(&t.desk).await.unwrap();
    assert!(due.iter().any(|d| d.partner_id == late && d.last_rated_on.is_none()));
    assert!(!due.iter().any(|d| d.partner_id == fine));
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn a_suspended_partner_gets_no_new_orders_until_resumed() {
    let t = desk().await;
    let (p, product_id) = trading_partner(&t, "厦门思明渠道科技有限公司", "DR-2").await;
    let ok = orders::create(&t.desk, &order_input(&p, &product_id, "2026-03-01")).await.unwrap();
    let ok = orders::review(&t.desk, &ok.row.id).await.unwrap();
    assert_eq!(ok.row.status, "approved", "{:?}", ok.review);

    add_user(&t, "mgr", Role::Manager).await;
    as_user(&t, "mgr").await;
    let e = credit::respond(
        &t.desk,
        &p,
        &ResponseInput { kind: "resume".into(), decided_on: "2026-03-01".into(), note: "恢复".into() },
    )
    .await
    .unwrap_err();
    assert!(has(&fields_of(e), "kind", "not_suspended"));
    let pc = credit::respond(
        &t.desk,
        &p,
        &ResponseInput {
            kind: "suspend".into(),
            decided_on: "2026-03-01".into(),
            note: "涉诉，暂停合作".into(),
        },
    )
    .await
    .unwrap();
    assert!(pc.suspended);
    assert_eq!(pc.status, "suspended");

    // The order review holds a new order and names the suspension; no manager lets it through.
    let o = orders::create(&t.desk, &order_input(&p, &product_id, "2026-03-01")).await.unwrap();
    let o = orders::review(&t.desk, &o.row.id).await.unwrap();
    assert_eq!(o.row.status, "held");
    let standing = o.review.iter().find(|r| r.rule == "credit_standing").unwrap();
    assert_eq!(standing.outcome, "failed");
    assert_eq!(standing.params["suspended_on"], "2026-03-01");
    assert_eq!(standing.params["status"], "suspended");
    let e = orders::override_review(&t.desk, &o.row.id, "客户急需，先发货").await.unwrap_err();
    assert!(has(&fields_of(e), "status", "partner_suspended"));

    // Resumed: the same order passes its review again.
    credit::respond(
        &t.desk,
        &p,
        &ResponseInput {
            kind: "resume".into(),
            decided_on: "2026-03-01".into(),
            note: "已结清，恢复合作".into(),
        },
    )
    .await
    .unwrap();
    let o = orders::review(&t.desk, &o.row.id).await.unwrap();
    assert_eq!(o.row.status, "approved", "{:?}", o.review);
    // Both decisions are in the partner's history.
    let history = audit::partner_history(&t.desk, &p).await.unwrap();
    assert_eq!(history.iter().filter(|e| e.operation == "credit_response").count(), 2);
    t.desk.close().await;
}

/// An agreement approved by legal only (in review), by the legal reviewer made here; its id
/// and version number.
async fn approved_by_legal(t: &TestDesk, partner_id: &str) -> (String, i64) {
    add_user(t, "legal1", Role::Legal).await;
    let a = submitted_agreement(t, partner_id).await;
    as_user(t, "legal1").await;
    let r = ReviewInput {
        side: "legal".into(),
        decision: "approve".into(),
        comment: String::new(),
        fingerprint: a.current.fingerprint.clone(),
    };
    let a = agreements::review(&t.desk, &a.row.id, &r).await.unwrap();
    as_user(t, "owner").await;
    (a.row.id, a.current.number)
}

#[tokio::test]
async fn the_home_page_warns_of_legal_problems() {
    let t = desk().await;
    let p = active_partner(&t, "福州鼓楼安防有限公司").await;
    let (id, version) = approved_by_legal(&t, &p).await;
    let warned = |groups: &[reminders::ReminderGroup], kind: &str| -> Vec<String> {
        groups
            .iter()
            .find(|g| g.kind == kind)
            .map(|g| g.items.iter().map(|i| i.id.clone()).collect())
            .unwrap_or_default()
    };
    let groups = reminders::due(&t.desk).await.unwrap();
    assert!(warned(&groups, "legal_changed_after_approval").is_empty());
    // The text changed after legal approved it.
    let a = agreements::get(&t.desk, &id).await.unwrap();
    let mut clauses = a.current.clauses.clone();
    clauses[0].body.push_str("（补充：乙方不得跨区域销售。）");
    let draft = DraftInput {
        title: a.row.title.clone(),
        variables: a.current.variables.clone(),
        clauses,
        note: "补充条款".into(),
        report_cycle: "none".into(),
    };
    agreements::save_draft(&t.desk, &id, version, &draft).await.unwrap();
    let groups = reminders::due(&t.desk).await.unwrap();
    assert_eq!(warned(&groups, "legal_changed_after_approval"), std::slice::from_ref(&id));
    let g = groups.iter().find(|g| g.kind == "legal_changed_after_approval").unwrap();
    assert_eq!(g.requirement, "R6.2.3");

    // A signed agreement (ends 2026-12-31) is warned of 90 days before, until a renewal
    // passes legal review.
    let q = active_partner(&t, "泉州丰泽智能有限公司").await;
    let signed = signed_agreement(&t, &q).await;
    assert!(!warned(&reminders::due(&t.desk).await.unwrap(), "legal_expiring_unreviewed").contains(&signed));
    later(&t, 220).await; // 2026-10-07
    let groups = reminders::due(&t.desk).await.unwrap();
    assert!(warned(&groups, "legal_expiring_unreviewed").contains(&signed));
    t.desk.close().await;
}

#[tokio::test]
async fn procedures_and_staff_trainings_back_the_risks() {
    let t = desk().await;
    let me = owner_id(&t).await;
    let input = ProcedureInput {
        code: "IC-CR-01".into(),
        title: "渠道商信用审批与额度管理办法".into(),
        area: "credit".into(),
        version: "V1.0".into(),
        effective_on: "2026-01-01".into(),
        owner_id: me.clone(),
        summary: "信用额度由财务部审批，超额订单须主管放行。".into(),
        review_on: "2026-03-31".into(),
    };
    let e = fields_of(
        controls::create_procedure(
            &t.desk,
            &ProcedureInput {
                area: "x".into(),
                review_on: "2025-12-31".into(),
                code: String::new(),
                ..input.clone()
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(
        has(&e, "area", "unknown") && has(&e, "review_on", "before_start") && has(&e, "code", "required")
    );
    let proc_ = controls::create_procedure(&t.desk, &input).await.unwrap();
    let e = controls::create_procedure(&t.desk, &input).await.unwrap_err();
    assert!(has(&fields_of(e), "code", "duplicate"));

    // A channel user may record risks but not procedures.
    add_user(&t, "chan", Role::Channel).await;
    let chan = user_id(&t, "chan").await;
    as_user(&t, "chan").await;
    assert!(matches!(controls::create_procedure(&t.desk, &input).await.unwrap_err(), Error::Forbidden(_)));
    let r = risk::create(
        &t.desk,
        &RiskInput { category: "credit".into(), procedure_id: proc_.id.clone(), ..risk_input(&chan, 2, 3) },
    )
    .await
    .unwrap();
    assert_eq!(r.procedure_title.as_deref(), Some("IC-CR-01 渠道商信用审批与额度管理办法"));
    as_user(&t, "owner").await;

    let training = StaffTrainingInput {
        title: "信用管理制度宣贯".into(),
        held_on: "2026-02-20".into(),
        trainer: "财务部 王经理".into(),
        procedure_id: proc_.id.clone(),
        attendee_ids: vec![me.clone(), chan.clone(), chan.clone()],
        note: String::new(),
    };
    let e = controls::record_training(
        &t.desk,
        &StaffTrainingInput { attendee_ids: vec!["ghost".into()], ..training.clone() },
    )
    .await
    .unwrap_err();
    assert!(has(&fields_of(e), "attendee_ids.0", "unknown"));
    let list = controls::record_training(&t.desk, &training).await.unwrap();
    assert_eq!(list[0].attendee_count, 2);
    assert!(list[0].attendees.contains("chan"));
    let p = controls::procedure(&t.desk, &proc_.id).await.unwrap();
    assert_eq!((p.risks, p.trainings), (1, 1));

    // Due for review on 2026-03-31: in the sweep then.
    assert!(risk::sweep(&t.desk).await.unwrap().procedures.is_empty());
    later(&t, 30).await;
    assert_eq!(risk::sweep(&t.desk).await.unwrap().procedures.len(), 1);
    let p2 = controls::update_procedure(
        &t.desk,
        &p.id,
        &p.hlc,
        &ProcedureInput { version: "V1.1".into(), review_on: "2027-03-31".into(), ..input.clone() },
    )
    .await
    .unwrap();
    assert_eq!(p2.version, "V1.1");
    assert!(risk::sweep(&t.desk).await.unwrap().procedures.is_empty());
    t.desk.close().await;
}
