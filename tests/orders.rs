//! The business process (R4.1.1–R4.3.2) on real encrypted database files: the catalogue and
//! its dated prices, every order review rule, a manager's override, confirmation, partial
//! shipments, after-sales, money received, payments to partners with a finance approval, and
//! settlement statements (arithmetic, currencies, credit notes, disputes, PDF and .xlsx read
//! back), with a property test that statements reconcile to the cent.

mod common;

use channeldesk::Error;
use channeldesk::access::Role;
use channeldesk::orders::catalogue::{self, PriceInput, PriceListInput, ProductInput, ProductQuery};
use channeldesk::orders::delivery::{self, CaseInput, CaseUpdate, ShipLine, ShipmentInput};
use channeldesk::orders::finance::{self, CreditNoteInput, PayoutInput, ReceiptInput};
use channeldesk::orders::settlement::{self, IssueInput};
use channeldesk::orders::terms::{self, TermsInput};
use channeldesk::orders::{self, LineInput, Order, OrderInput, OrderQuery};
use common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::process::Command;

fn product(code: &str, name: &str, category: &str, currency: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: name.into(),
        category: category.into(),
        kind: "product".into(),
        unit: "套".into(),
        currency: currency.into(),
        description: String::new(),
        after_sales: "整机保修一年，7×24 小时电话支持".into(),
        active: true,
    }
}

async fn priced(t: &TestDesk, p: ProductInput, prices: &[(&str, i64)]) -> String {
    let d = catalogue::create_product(&t.desk, &p).await.unwrap();
    for (tier, price) in prices {
        catalogue::set_price(
            &t.desk,
            &d.product.id,
            &PriceInput { tier: (*tier).into(), price_minor: Some(*price), valid_from: "2026-01-01".into() },
        )
        .await
        .unwrap();
    }
    d.product.id
}

async fn active_partner(t: &TestDesk, name: &str, code: &str) -> String {
    let mut p = partner(name);
    p.credit_code = code.into();
    common::migrated(t, p.clone()).await
}

/// Sets a partner's class as an evaluation would (the review reads it).
async fn set_class(t: &TestDesk, partner_id: &str, class: &str) {
    sqlx::query("UPDATE partner SET class = ? WHERE id = ?")
        .bind(class)
        .bind(partner_id)
        .execute(t.desk.pool())
        .await
        .unwrap();
}

fn standard_terms() -> TermsInput {
    TermsInput {
        territory: vec!["44".into(), "35".into()],
        categories: vec!["门禁".into()],
        price_basis: "class".into(),
        discount_bp: 0,
        settle_method: "purchase".into(),
        settle_cycle: "monthly".into(),
        payment_days: 30,
        currency: "CNY".into(),
        credit_limit_minor: Some(10_000_000),
        commission_bp: 0,
        rebate_bp: 333,
    }
}

async fn with_terms(t: &TestDesk, agreement_id: &str, input: &TermsInput) {
    let now = terms::terms(&t.desk, agreement_id).await.unwrap();
    terms::set_terms(&t.desk, agreement_id, &now.hlc, input).await.unwrap();
}

fn order(partner_id: &str, province: &str, lines: Vec<LineInput>) -> OrderInput {
    OrderInput {
        partner_id: partner_id.into(),
        customer_name: "深圳湾科技园物业管理有限公司".into(),
        customer_province: province.into(),
        customer_area: String::new(),
        customer_city: "深圳".into(),
        customer_contact: "王经理 13800138000".into(),
        currency: "CNY".into(),
        ordered_on: "2026-02-20".into(),
        requested_on: "2026-03-20".into(),
        note: String::new(),
        lines,
    }
}

fn line(product_id: &str, quantity: i64, price: Option<i64>) -> LineInput {
    LineInput { product_id: product_id.into(), quantity, unit_price_minor: price }
}

fn outcome(o: &Order, rule: &str) -> String {
    o.review.iter().find(|r| r.rule == rule).map(|r| r.outcome.clone()).unwrap_or_default()
}

fn param(o: &Order, rule: &str, key: &str) -> String {
    o.review.iter().find(|r| r.rule == rule).and_then(|r| r.params.get(key).cloned()).unwrap_or_default()
}

fn failed(o: &Order) -> Vec<String> {
    o.review.iter().filter(|r| r.outcome != "passed").map(|r| r.rule.clone()).collect()
}

async fn reviewed(t: &TestDesk, input: &OrderInput) -> Order {
    let o = orders::create(&t.desk, input).await.unwrap();
    orders::review(&t.desk, &o.row.id).await.unwrap()
}

struct World {
    partner: String,
    agreement: String,
    door: String,
    intercom: String,
}

/// A partner of class B with a signed agreement (2026), its terms, and two products.
async fn world(t: &TestDesk) -> World {
    let door = priced(
        t,
        product("DR-100", "智能门禁控制器", "门禁", "CNY"),
        &[("list", 120_000), ("A", 90_000), ("B", 100_000), ("C", 110_000)],
    )
    .await;
    let intercom =
        priced(t, product("IC-200", "可视对讲室内机", "对讲", "CNY"), &[("list", 50_000), ("B", 42_000)])
            .await;
    let partner = active_partner(t, "广州市南方智联科技有限公司", "91350100M000100Y43").await;
    set_class(t, &partner, "B").await;
    let agreement = signed_agreement(t, &partner).await;
    World { partner, agreement, door, intercom }
}

/// Issue 25: an order is found by its number and its customer from the search of everything,
/// and opens the order.
#[tokio::test]
async fn orders_are_found_by_number_and_customer() {
    use channeldesk::find::{self, FindKind};
    let t = desk().await;
    let w = world(&t).await;
    let o = orders::create(&t.desk, &order(&w.partner, "44", vec![line(&w.door, 2, None)])).await.unwrap();
    let tail: String = o.row.number.chars().skip(3).collect();
    for q in [tail.as_str(), "深圳湾科技园"] {
        let found = find::everything(&t.desk, q).await.unwrap();
        let g = found.groups.iter().find(|g| g.kind == FindKind::Order).expect(q);
        assert_eq!(
            (g.total, g.hits[0].area.as_str(), g.hits[0].open.as_str()),
            (1, "orders", o.row.id.as_str())
        );
        assert!(g.hits[0].detail.contains("广州市南方智联科技有限公司"), "{:?}", g.hits[0]);
    }
}

/// Issue 23 (R4.1.2): territory, settlement cycle and payment days are typed once, in the
/// agreement: the draft holds places as GB/T 2260 codes (refused when unknown), the text reads
/// them in words, signing makes them the trade terms, and the terms form cannot change them.
/// Orders are judged down to the customer's city or district.
#[tokio::test]
async fn the_agreement_states_the_terms_down_to_cities_and_orders_are_judged_by_them() {
    use channeldesk::agreements::{self, DraftInput, pdf::shown_value};
    use channeldesk::documents::layout::Block;
    let t = desk().await;
    let w = world(&t).await;
    let partner = active_partner(&t, "佛山市顺德区美居智能科技有限公司", "91440606M000200Y2P").await;
    set_class(&t, &partner, "B").await;

    // An unknown place is refused by field, and nothing is saved.
    let other_partner = active_partner(&t, "深圳市前海云联科技有限公司", "91440300M000300Y6M").await;
    let draft = common::submitted_agreement(&t, &other_partner).await;
    let mut vars = draft.current.variables.clone();
    vars.insert("territory".into(), "4401,4499".into());
    let input = DraftInput {
        title: draft.row.title.clone(),
        variables: vars,
        clauses: draft.current.clauses.clone(),
        note: String::new(),
        report_cycle: "none".into(),
    };
    let e = agreements::save_draft(&t.desk, &draft.row.id, draft.row.version_no, &input).await.unwrap_err();
    assert!(has(&fields_of(e), "variables.territory", "unknown"));
    assert_eq!(agreements::get(&t.desk, &draft.row.id).await.unwrap().row.version_no, draft.row.version_no);

    let id = common::signed_agreement_with(
        &t,
        &partner,
        &[("territory", "4406,4401,440106"), ("settlement_cycle", "quarterly"), ("payment_days", "45")],
    )
    .await;
    let a = agreements::get(&t.desk, &id).await.unwrap();
    // Kept in code order, the district inside Guangzhou dropped; read in words.
    assert_eq!(a.current.variables["territory"], "4401,4406");
    assert_eq!(a.current.shown["territory"], "广东省广州市、佛山市");
    assert_eq!(shown_value("settlement_cycle", "quarterly"), "季度");
    let doc = channeldesk::agreements::signing::document(&t.desk, &id, None).await.unwrap();
    let text: String = doc
        .blocks()
        .iter()
        .filter_map(|b| match b {
            Block::Clause { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect();
    assert!(text.contains("广东省广州市、佛山市范围内"), "{text}");
    assert!(text.contains("双方按季度对账结算") && text.contains("收到发票后45日内"), "{text}");

    let tt = terms::terms(&t.desk, &id).await.unwrap();
    assert_eq!(tt.terms.territory, ["4401", "4406"]);
    assert_eq!((tt.terms.settle_cycle.as_str(), tt.terms.payment_days), ("quarterly", 45));
    assert_eq!(tt.from_agreement, ["territory", "settle_cycle", "payment_days"]);
    assert_eq!(tt.territory_text, "广东省广州市、佛山市");
    // What the text states is not typed again: a different territory is refused by field.
    let mut other = TermsInput { territory: vec!["44".into()], ..tt.terms.clone() };
    other.price_basis = "class".into();
    let e = terms::set_terms(&t.desk, &id, &tt.hlc, &other).await.unwrap_err();
    assert!(has(&fields_of(e), "territory", "from_agreement"));
    let recorded = terms::set_terms(
        &t.desk,
        &id,
        &tt.hlc,
        &TermsInput {
            categories: vec!["门禁".into()],
            price_basis: "class".into(),
            settle_method: "purchase".into(),
            currency: "CNY".into(),
            credit_limit_minor: Some(10_000_000),
            ..tt.terms.clone()
        },
    )
    .await
    .unwrap();
    assert!(recorded.terms_on.is_some());

    // Orders: a district of Guangzhou is inside; Shenzhen is not; Guangdong alone cannot tell.
    let mut inside = order(&partner, "44", vec![line(&w.door, 1, None)]);
    inside.customer_area = "440106".into();
    let o = reviewed(&t, &inside).await;
    assert_eq!(o.row.status, "approved", "{:?}", o.review);
    assert_eq!(o.customer_place, "广东省广州市天河区");
    assert_eq!(param(&o, "territory", "place"), "广东省广州市天河区");
    let mut shenzhen = order(&partner, "44", vec![line(&w.door, 1, None)]);
    shenzhen.customer_area = "4403".into();
    let o = reviewed(&t, &shenzhen).await;
    assert_eq!(failed(&o), ["territory"]);
    assert_eq!(param(&o, "territory", "territory_text"), "广东省广州市、佛山市");
    let o = reviewed(&t, &order(&partner, "44", vec![line(&w.door, 1, None)])).await;
    assert_eq!(failed(&o), ["territory"]);
    assert_eq!(param(&o, "territory", "needs_area"), "1");
    // A place outside the customer's province is refused by field.
    let mut wrong = order(&partner, "44", vec![line(&w.door, 1, None)]);
    wrong.customer_area = "3501".into();
    let e = orders::create(&t.desk, &wrong).await.unwrap_err();
    assert!(has(&fields_of(e), "customer_area", "unknown"));

    // A signed amendment that widens the territory to the whole province changes that term
    // of its master and no other (R3.2.2): the cycle and the days stay as the master states.
    let s1 = agreements::create_amendment(&t.desk, &id).await.unwrap();
    let mut vars = s1.current.variables.clone();
    vars.insert("territory".into(), "44".into());
    let clause = agreements::ClauseText {
        key: "custom.territory".into(),
        version: 0,
        category: "other".into(),
        title: "授权区域调整".into(),
        body: "自本补充协议生效之日起，授权区域调整为{{territory}}。".into(),
    };
    let input = DraftInput {
        title: s1.row.title.clone(),
        variables: vars,
        clauses: vec![clause],
        note: String::new(),
        report_cycle: "none".into(),
    };
    let s1 = agreements::save_draft(&t.desk, &s1.row.id, s1.row.version_no, &input).await.unwrap();
    assert_eq!(s1.current.shown["territory"], "广东省");
    let s1 = agreements::submit(&t.desk, &s1.row.id).await.unwrap();
    common::approve_and_sign_on(&t, &s1, "2026-01-01").await;
    let tt = terms::terms(&t.desk, &id).await.unwrap();
    assert_eq!(tt.terms.territory, ["44"]);
    assert_eq!((tt.terms.settle_cycle.as_str(), tt.terms.payment_days), ("quarterly", 45));
    assert_eq!(tt.territory_text, "广东省");
    let o = reviewed(&t, &shenzhen).await;
    assert!(failed(&o).is_empty(), "Shenzhen is inside the amended territory: {:?}", o.review);
}

#[tokio::test]
async fn every_review_rule_names_what_it_found() {
    let t = desk().await;
    let w = world(&t).await;

    // Terms not yet recorded: the agreement is in effect, the terms rule fails.
    let o = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 2, None)])).await;
    assert_eq!(o.row.status, "held");
    assert_eq!(failed(&o), ["trade_terms", "credit_limit"]);
    assert_eq!(param(&o, "agreement_in_effect", "number"), o.agreement_number.clone().unwrap());
    // Without a price the class B price is taken.
    assert_eq!(o.lines[0].unit_price_minor, 100_000);
    assert_eq!(o.row.total_minor, 200_000);

    with_terms(&t, &w.agreement, &standard_terms()).await;
    let ok = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 2, None)])).await;
    assert_eq!(ok.row.status, "approved", "{:?}", ok.review);
    assert!(ok.review.iter().all(|r| r.outcome == "passed"));
    assert_eq!(ok.steps.reviewed.by.as_deref(), Some("测试员"));

    // Territory: Beijing is outside Guangdong and Fujian.
    let o = reviewed(&t, &order(&w.partner, "11", vec![line(&w.door, 1, None)])).await;
    assert_eq!(failed(&o), ["territory"]);
    assert_eq!(param(&o, "territory", "province"), "11");

    // Products: line 2 is of a line the agreement does not cover.
    let o = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 1, None), line(&w.intercom, 1, None)]))
        .await;
    assert_eq!(failed(&o), ["products"]);
    assert_eq!(param(&o, "products", "lines"), "2");

    // Prices: below the class B price.
    let o = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 1, Some(95_000))])).await;
    assert_eq!(failed(&o), ["prices"]);
    assert_eq!(param(&o, "prices", "below"), "1");

    // Credit limit: the approved order (2,000.00) and 99 doors at 1,000.00 exceed 100,000.00.
    let o = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 99, None)])).await;
    assert_eq!(failed(&o), ["credit_limit"]);
    assert_eq!(param(&o, "credit_limit", "exposure"), "200000");
    assert_eq!(param(&o, "credit_limit", "total"), "9900000");

    // Currency: a USD order under a CNY agreement.
    let usd = priced(
        &t,
        product("DR-100U", "Door controller (export)", "门禁", "USD"),
        &[("list", 15_000), ("B", 14_000)],
    )
    .await;
    let mut input = order(&w.partner, "44", vec![line(&usd, 1, None)]);
    input.currency = "USD".into();
    let o = reviewed(&t, &input).await;
    assert_eq!(failed(&o), ["currency", "credit_limit"]);

    // Credit standing: class C (and its higher price: the B price is now below the floor).
    set_class(&t, &w.partner, "C").await;
    let o = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 1, Some(100_000))])).await;
    assert_eq!(failed(&o), ["prices", "credit_standing"]);
    assert_eq!(param(&o, "credit_standing", "class"), "C");
    assert_eq!(param(&o, "credit_standing", "failing"), "class", "the part that failed is named");
    set_class(&t, &w.partner, "B").await;

    // No agreement: every agreement rule is not checked.
    let other = active_partner(&t, "厦门海峡安防工程有限公司", "").await;
    let o = reviewed(&t, &order(&other, "35", vec![line(&w.door, 1, None)])).await;
    assert_eq!(outcome(&o, "agreement_in_effect"), "failed");
    assert_eq!(outcome(&o, "territory"), "not_checked");
    assert_eq!(outcome(&o, "credit_limit"), "not_checked");
    assert_eq!(outcome(&o, "credit_standing"), "passed");
    // Its price is the list price (no agreement).
    assert_eq!(o.lines[0].unit_price_minor, 120_000);

    // Bad input is refused by field and writes nothing.
    let before = orders::list(&t.desk, &OrderQuery::default()).await.unwrap().total;
    let mut bad = order(&w.partner, "99", vec![line(&w.door, 0, Some(-1))]);
    bad.customer_name = " ".into();
    bad.requested_on = "2026-01-01".into();
    let e = fields_of(orders::create(&t.desk, &bad).await.unwrap_err());
    for (f, r) in [
        ("customer_name", "required"),
        ("customer_province", "unknown"),
        ("requested_on", "before_order"),
        ("lines.0.quantity", "range"),
        ("lines.0.unit_price_minor", "range"),
    ] {
        assert!(has(&e, f, r), "{f} {r}: {e:?}");
    }
    let e = fields_of(
        orders::create(&t.desk, &order(&w.partner, "44", vec![line(&usd, 1, None)])).await.unwrap_err(),
    );
    assert!(has(&e, "lines.0.product_id", "other_currency"), "{e:?}");
    assert_eq!(orders::list(&t.desk, &OrderQuery::default()).await.unwrap().total, before);

    // Issue 23: the list reaches every order a page at a time, with the count of all.
    let all = orders::list(&t.desk, &OrderQuery::default()).await.unwrap();
    assert!(all.total >= 2 && all.rows.len() as i64 == all.total && all.size == 100);
    let page = |offset| OrderQuery { limit: 1, offset, ..Default::default() };
    let second = orders::list(&t.desk, &page(1)).await.unwrap();
    assert_eq!((second.total, second.size, second.rows.len()), (all.total, 1, 1));
    assert_eq!(second.rows[0].id, all.rows[1].id);
    assert!(orders::list(&t.desk, &page(all.total)).await.unwrap().rows.is_empty());
    t.desk.close().await;
}

#[tokio::test]
async fn overdue_payments_and_a_suspended_partner_fail_the_credit_standing() {
    let t = desk().await;
    let w = world(&t).await;
    with_terms(&t, &w.agreement, &standard_terms()).await;
    let mut first = order(&w.partner, "44", vec![line(&w.door, 3, None)]);
    first.ordered_on = "2026-01-05".into();
    let o = reviewed(&t, &first).await;
    let o = orders::confirm(&t.desk, &o.row.id, "HT-2026-001").await.unwrap();
    let l = o.lines[0].id.clone();
    let e = delivery::ship(&t.desk, &o.row.id, &ship("2026-01-04", &[(&l, 3)])).await.unwrap_err();
    assert!(has(&fields_of(e), "shipped_on", "before_order"));
    delivery::ship(&t.desk, &o.row.id, &ship("2026-01-10", &[(&l, 3)])).await.unwrap();
    // Today is 2026-03-01: shipped 50 days ago with 30 payment days, nothing paid.
    let next = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 1, None)])).await;
    assert_eq!(failed(&next), ["credit_standing"]);
    assert_eq!(param(&next, "credit_standing", "overdue"), "300000");
    assert_eq!(param(&next, "credit_standing", "failing"), "overdue");
    // Issue 25: the partner's page shows the same figures the review weighed.
    let p = channeldesk::picture::picture(&t.desk, &w.partner).await.unwrap();
    let agreement = p.in_force.as_ref().expect("the agreement in effect");
    assert_eq!(
        (agreement.id.as_str(), agreement.payment_days, agreement.credit_limit_minor),
        (w.agreement.as_str(), 30, Some(10_000_000))
    );
    let cny = p.money.iter().find(|m| m.currency == "CNY").expect("CNY");
    assert_eq!(
        (cny.limit_minor, cny.exposure_minor, cny.overdue_minor, cny.receivable_minor),
        (Some(10_000_000), 300_000, 300_000, 300_000)
    );
    assert_eq!((p.orders_total, p.orders_open), (2, 1));
    let shipped = p.orders.iter().find(|x| x.id == o.row.id).expect("the shipped order");
    assert_eq!((shipped.total_minor, shipped.shipped_minor, shipped.in_transit), (300_000, 300_000, 1));
    // Paid in part: still overdue by the rest; paid in full: passes.
    add_user(&t, "fin", Role::Finance).await;
    as_user(&t, "fin").await;
    let receipt = |a: i64| ReceiptInput {
        partner_id: w.partner.clone(),
        order_id: o.row.id.clone(),
        amount_minor: Some(a),
        currency: "CNY".into(),
        paid_on: "2026-02-25".into(),
        reference: "BANK-1".into(),
        note: String::new(),
    };
    finance::record_receipt(&t.desk, &receipt(100_000)).await.unwrap();
    as_user(&t, "owner").await;
    let again = orders::review(&t.desk, &next.row.id).await.unwrap();
    assert_eq!(param(&again, "credit_standing", "overdue"), "200000");
    let p = channeldesk::picture::picture(&t.desk, &w.partner).await.unwrap();
    let cny = p.money.iter().find(|m| m.currency == "CNY").expect("CNY");
    assert_eq!((cny.exposure_minor, cny.overdue_minor, cny.receivable_minor), (200_000, 200_000, 200_000));
    // The partner's timeline holds its orders and the money received (issue 25).
    let items = channeldesk::relationship::timeline::timeline(
        &t.desk,
        &w.partner,
        &["order".into(), "payment".into()],
    )
    .await
    .unwrap();
    assert!(
        items.iter().any(|i| i.kind == "order" && i.link.as_deref() == Some(&format!("order:{}", o.row.id))),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i.kind == "payment" && i.what == "collection" && i.text == "CNY 1,000.00 · BANK-1"),
        "{items:?}"
    );
    assert!(items.iter().all(|i| i.kind == "order" || i.kind == "payment"));
    as_user(&t, "fin").await;
    finance::record_receipt(&t.desk, &receipt(200_000)).await.unwrap();
    as_user(&t, "owner").await;
    let again = orders::review(&t.desk, &next.row.id).await.unwrap();
    assert_eq!(again.row.status, "approved", "{:?}", again.review);
    assert_eq!(orders::get(&t.desk, &o.row.id).await.unwrap().outstanding_minor, 0);
    // A suspended partner's orders are held.
    sqlx::query("UPDATE partner SET status = 'suspended' WHERE id = ?")
        .bind(&w.partner)
        .execute(t.desk.pool())
        .await
        .unwrap();
    let held = reviewed(&t, &order(&w.partner, "44", vec![line(&w.door, 1, None)])).await;
    assert_eq!(failed(&held), ["credit_standing"]);
    assert_eq!(param(&held, "credit_standing", "status"), "suspended");
    t.desk.close().await;
}

fn ship(on: &str, lines: &[(&str, i64)]) -> ShipmentInput {
    ShipmentInput {
        shipped_on: on.into(),
        carrier: "顺丰速运".into(),
        tracking_no: "SF1234567890".into(),
        expected_on: on.into(),
        note: String::new(),
        lines: lines.iter().map(|(id, q)| ShipLine { order_line_id: (*id).into(), quantity: *q }).collect(),
    }
}

#[tokio::test]
async fn a_manager_overrides_then_the_order_is_confirmed_shipped_in_parts_and_serviced() {
    let t = desk().await;
    let w = world(&t).await;
    with_terms(&t, &w.agreement, &standard_terms()).await;
    add_user(&t, "chan", Role::Channel).await;
    add_user(&t, "boss", Role::Manager).await;
    as_user(&t, "chan").await;
    let o =
        reviewed(&t, &order(&w.partner, "11", vec![line(&w.door, 5, None), line(&w.door, 2, Some(105_000))]))
            .await;
    assert_eq!(o.row.status, "held");
    assert_eq!(failed(&o), ["territory"]);
    // Channel staff cannot override; nor confirm a held order.
    assert!(matches!(
        orders::override_review(&t.desk, &o.row.id, "客户总部在深圳").await,
        Err(Error::Forbidden(_))
    ));
    assert!(has(
        &fields_of(orders::confirm(&t.desk, &o.row.id, "HT-1").await.unwrap_err()),
        "status",
        "not_approved_order"
    ));
    as_user(&t, "boss").await;
    assert!(has(
        &fields_of(orders::override_review(&t.desk, &o.row.id, " ").await.unwrap_err()),
        "override_reason",
        "required"
    ));
    let o =
        orders::override_review(&t.desk, &o.row.id, "客户总部在深圳，北京项目由华南团队交付").await.unwrap();
    assert_eq!(o.row.status, "approved");
    assert!(o.row.overridden);
    assert_eq!(o.steps.overridden.by.as_deref(), Some("boss"));
    assert!(o.steps.overridden.at.is_some());
    // The failed rule stays on record next to the override.
    assert_eq!(failed(&o), ["territory"]);
    as_user(&t, "chan").await;
    assert!(has(
        &fields_of(orders::confirm(&t.desk, &o.row.id, "").await.unwrap_err()),
        "contract_ref",
        "required"
    ));
    // Shipping before confirmation is refused.
    let (l1, l2) = (o.lines[0].id.clone(), o.lines[1].id.clone());
    assert!(has(
        &fields_of(delivery::ship(&t.desk, &o.row.id, &ship("2026-03-02", &[(&l1, 1)])).await.unwrap_err()),
        "status",
        "not_confirmed"
    ));
    let o = orders::confirm(&t.desk, &o.row.id, "HT-2026-0317").await.unwrap();
    assert_eq!((o.row.status.as_str(), o.contract_ref.as_str()), ("confirmed", "HT-2026-0317"));
    assert_eq!(o.steps.confirmed.by.as_deref(), Some("chan"));
    // A confirmed order's lines no longer change.
    let e =
        orders::update(&t.desk, &o.row.id, &o.hlc, &order(&w.partner, "44", vec![line(&w.door, 1, None)]))
            .await;
    assert!(has(&fields_of(e.unwrap_err()), "status", "confirmed"));
    // More than is left to ship is refused with what is left.
    let e =
        fields_of(delivery::ship(&t.desk, &o.row.id, &ship("2026-03-02", &[(&l1, 6)])).await.unwrap_err());
    assert!(has(&e, "lines.0.quantity", "max_left"));
    let o = delivery::ship(&t.desk, &o.row.id, &ship("2026-03-02", &[(&l1, 3)])).await.unwrap();
    assert_eq!(o.row.delivery, "partial");
    assert_eq!(o.lines[0].shipped, 3);
    let e = fields_of(
        delivery::ship(&t.desk, &o.row.id, &ship("2026-03-05", &[(&l1, 3), (&l2, 2)])).await.unwrap_err(),
    );
    assert!(has(&e, "lines.0.quantity", "max_left"));
    let mut second = ship("2026-03-05", &[(&l1, 2), (&l2, 2)]);
    second.expected_on = "2026-03-08".into();
    let o = delivery::ship(&t.desk, &o.row.id, &second).await.unwrap();
    assert_eq!(o.row.delivery, "shipped");
    assert_eq!(o.shipments.len(), 2);
    assert_eq!(o.shipments[1].expected_on, "2026-03-08");
    let e = delivery::deliver(&t.desk, &o.shipments[0].id, "2026-03-01").await.unwrap_err();
    assert!(has(&fields_of(e), "delivered_on", "before_shipping"));
    // The arrival is recorded by someone else: the shipment stays recorded by who shipped it.
    as_user(&t, "boss").await;
    delivery::deliver(&t.desk, &o.shipments[0].id, "2026-03-04").await.unwrap();
    let o = delivery::deliver(&t.desk, &o.shipments[1].id, "2026-03-08").await.unwrap();
    assert_eq!(o.shipments[0].recorded_by.as_deref(), Some("chan"));
    as_user(&t, "chan").await;
    assert_eq!(o.row.delivery, "delivered");
    // Shipped orders are not cancelled.
    assert!(has(
        &fields_of(orders::cancel(&t.desk, &o.row.id, "客户取消").await.unwrap_err()),
        "status",
        "shipped"
    ));

    // After-sales: a case with owner, resolved with feedback and satisfaction.
    let chan_id =
        channeldesk::users::list(&t.desk).await.unwrap().into_iter().find(|u| u.login == "chan").unwrap().id;
    let o = delivery::open_case(
        &t.desk,
        &o.row.id,
        &CaseInput {
            kind: "installation".into(),
            subject: "门禁控制器安装调试".into(),
            detail: String::new(),
            owner_id: chan_id.clone(),
            opened_on: "2026-03-01".into(),
        },
    )
    .await
    .unwrap();
    let case = o.cases[0].clone();
    assert_eq!((case.status.as_str(), case.owner_name.as_deref()), ("open", Some("chan")));
    let open = delivery::cases(&t.desk, true, 0).await.unwrap();
    assert_eq!((open.total, open.rows.len()), (1, 1));
    assert!(delivery::cases(&t.desk, true, 1).await.unwrap().rows.is_empty());
    let done = CaseUpdate {
        status: "resolved".into(),
        owner_id: chan_id,
        resolution: String::new(),
        resolved_on: "2026-03-01".into(),
        feedback: "安装及时".into(),
        satisfaction: Some(6),
    };
    let e = fields_of(delivery::update_case(&t.desk, &case.id, &case.hlc, &done).await.unwrap_err());
    assert!(has(&e, "resolution", "required") && has(&e, "satisfaction", "range"), "{e:?}");
    let done = CaseUpdate { resolution: "已安装并完成联调".into(), satisfaction: Some(5), ..done };
    let o = delivery::update_case(&t.desk, &case.id, &case.hlc, &done).await.unwrap();
    assert_eq!((o.cases[0].status.as_str(), o.cases[0].satisfaction), ("resolved", Some(5)));
    assert_eq!(delivery::cases(&t.desk, true, 0).await.unwrap().total, 0);
    // A stale update is refused.
    assert!(matches!(
        delivery::update_case(&t.desk, &case.id, &case.hlc, &done).await,
        Err(Error::Conflict { .. })
    ));

    // Every step is in the audit trail with who did it.
    let ops: Vec<(String, String)> = sqlx::query_as(
        "SELECT l.operation, u.login FROM audit_log l JOIN app_user u ON u.id = l.user_id
         WHERE l.entity = 'sales_order' AND l.entity_id = ? ORDER BY l.seq",
    )
    .bind(&o.row.id)
    .fetch_all(t.desk.pool())
    .await
    .unwrap();
    let ops: Vec<(&str, &str)> = ops.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(ops, [("create", "chan"), ("review", "chan"), ("override", "boss"), ("confirm", "chan")]);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn an_edited_order_loses_its_review_and_override() {
    let t = desk().await;
    let w = world(&t).await;
    with_terms(&t, &w.agreement, &standard_terms()).await;
    let o = reviewed(&t, &order(&w.partner, "11", vec![line(&w.door, 1, None)])).await;
    let o = orders::override_review(&t.desk, &o.row.id, "总部批准的跨区项目").await.unwrap();
    let o =
        orders::update(&t.desk, &o.row.id, &o.hlc, &order(&w.partner, "11", vec![line(&w.door, 4, None)]))
            .await
            .unwrap();
    assert_eq!((o.row.status.as_str(), o.row.total_minor, o.row.overridden), ("entered", 400_000, false));
    assert!(o.review.is_empty() && o.override_reason.is_empty());
    assert_eq!(o.lines.len(), 1);
    let live: i64 =
        sqlx::query_scalar("SELECT count(*) FROM order_line WHERE order_id = ? AND deleted_at IS NULL")
            .bind(&o.row.id)
            .fetch_one(t.desk.pool())
            .await
            .unwrap();
    assert_eq!(live, 1);
    // A stale edit is refused.
    assert!(matches!(
        orders::update(&t.desk, &o.row.id, "stale", &order(&w.partner, "44", vec![line(&w.door, 1, None)]))
            .await,
        Err(Error::Conflict { .. })
    ));
    t.desk.close().await;
}

#[tokio::test]
async fn the_catalogue_keeps_dated_prices_and_prints_a_price_list() {
    let t = desk().await;
    let door =
        priced(&t, product("DR-100", "智能门禁控制器", "门禁", "CNY"), &[("list", 120_000), ("B", 100_000)])
            .await;
    catalogue::set_price(
        &t.desk,
        &door,
        &PriceInput { tier: "list".into(), price_minor: Some(130_000), valid_from: "2026-04-01".into() },
    )
    .await
    .unwrap();
    let on = |d: &str| ProductQuery { on: d.into(), ..Default::default() };
    assert_eq!(catalogue::products(&t.desk, &on("2026-03-31")).await.unwrap()[0].prices["list"], 120_000);
    assert_eq!(catalogue::products(&t.desk, &on("2026-04-01")).await.unwrap()[0].prices["list"], 130_000);
    assert!(catalogue::products(&t.desk, &on("2025-12-31")).await.unwrap()[0].prices.is_empty());
    // The same tier and day again replaces that price.
    let d = catalogue::set_price(
        &t.desk,
        &door,
        &PriceInput { tier: "list".into(), price_minor: Some(125_000), valid_from: "2026-04-01".into() },
    )
    .await
    .unwrap();
    assert_eq!(d.history.len(), 3);
    assert_eq!(d.history[0].price_minor, 125_000);
    // Codes are unique; the currency stays once priced; bad prices are refused.
    assert!(has(
        &fields_of(
            catalogue::create_product(&t.desk, &product("dr-100", "重复", "门禁", "CNY")).await.unwrap_err()
        ),
        "code",
        "taken"
    ));
    let e = catalogue::update_product(
        &t.desk,
        &door,
        &d.product.hlc,
        &product("DR-100", "智能门禁控制器", "门禁", "USD"),
    )
    .await;
    assert!(has(&fields_of(e.unwrap_err()), "currency", "priced"));
    let e = catalogue::set_price(
        &t.desk,
        &door,
        &PriceInput { tier: "D".into(), price_minor: Some(-5), valid_from: "2026-13-01".into() },
    )
    .await;
    let e = fields_of(e.unwrap_err());
    assert!(
        has(&e, "tier", "unknown") && has(&e, "price_minor", "range") && has(&e, "valid_from", "date"),
        "{e:?}"
    );
    // An inactive product leaves the price list.
    let hidden = priced(&t, product("OLD-1", "旧款读卡器", "门禁", "CNY"), &[("list", 10_000)]).await;
    let h = catalogue::product(&t.desk, &hidden).await.unwrap();
    let mut off = product("OLD-1", "旧款读卡器", "门禁", "CNY");
    off.active = false;
    catalogue::update_product(&t.desk, &hidden, &h.product.hlc, &off).await.unwrap();
    // Channel and finance staff cannot change the catalogue.
    add_user(&t, "chan", Role::Channel).await;
    as_user(&t, "chan").await;
    assert!(matches!(
        catalogue::create_product(&t.desk, &product("X-1", "x", "门禁", "CNY")).await,
        Err(Error::Forbidden(_))
    ));

    let printed =
        catalogue::price_list_pdf(&t.desk, &PriceListInput { tier: "B".into(), on: "2026-04-02".into() })
            .await
            .unwrap();
    // Kept beside the build, to be rendered and looked at when the page changes.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(&printed.file_name);
    std::fs::write(&path, &printed.bytes).unwrap();
    common::pdf::check(&path);
    if let Some(text) = pdftotext(&path) {
        let text: String = text.split_whitespace().collect();
        for want in [
            "渠道价目表（B类合作伙伴）",
            "DR-100",
            "智能门禁控制器",
            "¥1,250.00",
            "¥1,000.00",
            "整机保修一年",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
        assert!(!text.contains("旧款读卡器"));
    }
    t.desk.close().await;
}

fn pdftotext(path: &std::path::Path) -> Option<String> {
    match Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            assert!(
                std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"),
                "pdftotext is required here"
            );
            None
        }
    }
}

/// A confirmed order of `qty` doors at `price` shipped whole on `on`.
async fn shipped(
    t: &TestDesk,
    w: &World,
    currency_product: &str,
    currency: &str,
    qty: i64,
    price: i64,
    on: &str,
) -> Order {
    let mut input = order(&w.partner, "44", vec![line(currency_product, qty, Some(price))]);
    input.currency = currency.into();
    input.ordered_on = on.into();
    input.requested_on = on.into();
    let o = orders::create(&t.desk, &input).await.unwrap();
    let o = orders::review(&t.desk, &o.row.id).await.unwrap();
    let o = if o.row.status == "held" {
        orders::override_review(&t.desk, &o.row.id, "测试数据放行").await.unwrap()
    } else {
        o
    };
    let o = orders::confirm(&t.desk, &o.row.id, &format!("HT-{on}")).await.unwrap();
    let l = o.lines[0].id.clone();
    delivery::ship(&t.desk, &o.row.id, &ship(on, &[(&l, qty)])).await.unwrap()
}

/// Issue 23: before a partner's signed agreement takes effect there is no period to settle,
/// and the answer names that agreement and its first day, so the screen can say why.
#[tokio::test]
async fn statements_wait_for_an_agreement_that_takes_effect_later() {
    use chrono::TimeZone as _;
    let t = desk().await;
    let w = world(&t).await;
    let number: String = sqlx::query_scalar("SELECT number FROM agreement WHERE id = ?")
        .bind(&w.agreement)
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    t.clock.set(chrono::Utc.with_ymd_and_hms(2025, 12, 15, 9, 0, 0).unwrap());
    let before = settlement::periods(&t.desk, &w.partner).await.unwrap();
    assert!(before.periods.is_empty(), "{:?}", before.periods);
    let waits = before.starts_later.expect("the agreement statements wait for");
    assert_eq!((waits.number.as_str(), waits.effective_on.as_str()), (number.as_str(), "2026-01-01"));
    t.clock.set(chrono::Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
    later(&t, 0).await; // signed in again after the idle lock
    let after = settlement::periods(&t.desk, &w.partner).await.unwrap();
    assert_eq!(after.periods.len(), 1);
    assert!(after.starts_later.is_none());
}

#[tokio::test]
async fn a_statement_settles_by_the_agreement_and_is_confirmed_or_disputed() {
    let t = desk().await;
    let w = world(&t).await;
    with_terms(&t, &w.agreement, &standard_terms()).await;
    let usd =
        priced(&t, product("DR-100U", "Door controller (export)", "门禁", "USD"), &[("list", 15_000)]).await;
    later(&t, 45).await; // 2026-04-15
    // February: 3 doors at 1,000.01 (rebate 3.33 % of 3,000.03 = 99.90099 → 99.90).
    shipped(&t, &w, &w.door, "CNY", 3, 100_001, "2026-02-10").await;
    // March: 1 door at 999.99 (rebate 33.29967 → 33.30) and a USD order kept apart.
    let march = shipped(&t, &w, &w.door, "CNY", 1, 99_999, "2026-03-03").await;
    shipped(&t, &w, &usd, "USD", 2, 15_000, "2026-03-04").await;
    add_user(&t, "fin", Role::Finance).await;
    add_user(&t, "fin2", Role::Finance).await;
    as_user(&t, "fin").await;
    finance::record_receipt(
        &t.desk,
        &ReceiptInput {
            partner_id: w.partner.clone(),
            order_id: String::new(),
            amount_minor: Some(200_000),
            currency: "CNY".into(),
            paid_on: "2026-03-15".into(),
            reference: "BANK-0315".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    finance::issue_credit_note(
        &t.desk,
        &CreditNoteInput {
            partner_id: w.partner.clone(),
            order_id: march.row.id.clone(),
            amount_minor: Some(1_000),
            currency: "CNY".into(),
            issued_on: "2026-03-20".into(),
            reason: "包装破损折让".into(),
        },
    )
    .await
    .unwrap();
    as_user(&t, "owner").await;
    let periods = settlement::periods(&t.desk, &w.partner).await.unwrap().periods;
    assert_eq!(periods[0].from, "2026-04-01");
    assert_eq!(periods.last().map(|p| p.from.as_str()), Some("2026-01-01"));
    // Not a period of the monthly cycle.
    let e = settlement::issue(
        &t.desk,
        &IssueInput {
            partner_id: w.partner.clone(),
            currency: String::new(),
            period_from: "2026-02-01".into(),
            period_to: "2026-03-31".into(),
        },
    )
    .await;
    assert!(has(&fields_of(e.unwrap_err()), "period_from", "not_cycle"));
    let issue = |from: &str, to: &str| IssueInput {
        partner_id: w.partner.clone(),
        currency: String::new(),
        period_from: from.into(),
        period_to: to.into(),
    };
    let feb = settlement::issue(&t.desk, &issue("2026-02-01", "2026-02-28")).await.unwrap();
    assert_eq!(feb.figures.opening, 0);
    assert_eq!((feb.figures.sales, feb.figures.due, feb.figures.rebate), (300_003, 300_003, 9_990));
    assert_eq!(feb.figures.closing, 300_003 - 9_990);
    let mar = settlement::issue(&t.desk, &issue("2026-03-01", "2026-03-31")).await.unwrap();
    assert_eq!(mar.figures.opening, feb.figures.closing);
    assert_eq!(
        (mar.figures.sales, mar.figures.rebate, mar.figures.credit, mar.figures.received),
        (99_999, 3_330, 1_000, 200_000)
    );
    assert_eq!(mar.figures.closing, 290_013 + 99_999 - 3_330 - 1_000 - 200_000);
    assert_eq!(mar.lines.len(), 3, "the USD shipment is not in the CNY statement");
    assert_eq!(
        mar.lines.iter().map(|l| l.effect_minor).sum::<i64>(),
        mar.figures.closing - mar.figures.opening
    );
    // The USD statement of March holds only the USD order.
    let usd_mar = settlement::issue(
        &t.desk,
        &IssueInput { currency: "USD".into(), ..issue("2026-03-01", "2026-03-31") },
    )
    .await
    .unwrap();
    assert_eq!((usd_mar.figures.sales, usd_mar.figures.closing), (30_000, 30_000 - 999));
    // Issuing again with nothing changed is the same statement.
    assert_eq!(
        settlement::issue(&t.desk, &issue("2026-03-01", "2026-03-31")).await.unwrap().number,
        mar.number
    );
    // The list: the latest period first, the count of all, and past the end nothing.
    let listed = settlement::list(&t.desk, "", 0).await.unwrap();
    assert_eq!(listed.total, 3);
    assert_eq!(listed.rows.iter().map(|r| r.number.as_str()).filter(|n| *n == feb.number).count(), 1);
    assert_eq!(listed.rows.last().map(|r| r.number.as_str()), Some(feb.number.as_str()));
    assert!(settlement::list(&t.desk, "", 3).await.unwrap().rows.is_empty());

    // The partner disputes a line; confirmation waits until it is settled.
    let key = mar.lines[0].key.clone();
    let s = settlement::dispute(&t.desk, &mar.id, &key, "该批货物 3 月 5 日才到货").await.unwrap();
    assert_eq!(s.status, "disputed");
    assert!(has(
        &fields_of(settlement::confirm(&t.desk, &mar.id, "2026-04-15", "李会计").await.unwrap_err()),
        "status",
        "disputed"
    ));
    let s = settlement::resolve_dispute(&t.desk, &s.disputes[0].id, "以发货日为准，双方确认").await.unwrap();
    assert_eq!(s.status, "issued");
    // A payment recorded afterwards changes the statement: it is issued again before it is confirmed.
    as_user(&t, "fin").await;
    finance::record_receipt(
        &t.desk,
        &ReceiptInput {
            partner_id: w.partner.clone(),
            order_id: String::new(),
            amount_minor: Some(1),
            currency: "CNY".into(),
            paid_on: "2026-03-31".into(),
            reference: "BANK-0331".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    as_user(&t, "owner").await;
    assert!(settlement::get(&t.desk, &mar.id).await.unwrap().changed);
    assert!(has(
        &fields_of(settlement::confirm(&t.desk, &mar.id, "2026-04-15", "李会计").await.unwrap_err()),
        "statement",
        "changed"
    ));
    let mar = settlement::issue(&t.desk, &issue("2026-03-01", "2026-03-31")).await.unwrap();
    assert!(!mar.changed);
    assert_eq!(mar.figures.received, 200_001);
    // The confirmation is recorded by finance; the statement stays issued by who issued it.
    as_user(&t, "fin").await;
    let mar = settlement::confirm(&t.desk, &mar.id, "2026-04-15", "李会计").await.unwrap();
    assert_eq!(mar.issued_by.as_deref(), Some("测试员"));
    as_user(&t, "owner").await;
    assert_eq!((mar.status.as_str(), mar.confirmed_by.as_str()), ("confirmed", "李会计"));

    // PDF and .xlsx read back.
    let printed = settlement::pdf(&t.desk, &mar.id).await.unwrap();
    let path = t.dir.path().join(&printed.file_name);
    std::fs::write(&path, &printed.bytes).unwrap();
    common::pdf::check(&path);
    if let Some(text) = pdftotext(&path) {
        // Issue 24: no order number or amount is split across lines of its cell.
        let words: Vec<&str> = text.split_whitespace().collect();
        for l in &mar.lines {
            let amount = channeldesk::orders::money_text(l.amount_minor, "CNY");
            for token in [l.reference.as_str(), amount.as_str()] {
                assert!(token.is_empty() || words.contains(&token), "{token} whole in {words:?}");
            }
        }
        let text: String = text.split_whitespace().collect();
        for want in [
            "渠道合作伙伴对账单",
            "广州市南方智联科技有限公司",
            "期初余额",
            "¥2,900.13",
            "本期收款",
            "¥2,000.01",
            "包装破损折让",
            "李会计",
            mar.number.as_str(),
            // Issue 24: our company, as the agreement names it, in the signature block.
            "甲方（盖章）：company_name值",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
        assert!(!text.contains("US$"));
    }
    let xlsx = t.dir.path().join("statement.xlsx");
    assert_eq!(settlement::write_xlsx(&t.desk, &mar.id, &xlsx).await.unwrap(), 4);
    {
        use calamine::Reader as _;
        let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
        let sum = book.worksheet_range("汇总").unwrap();
        let closing = sum.rows().find(|r| r[0] == "期末余额").unwrap()[1].to_string();
        assert_eq!(closing.parse::<f64>().unwrap(), mar.figures.closing as f64 / 100.0);
        let lines = book.worksheet_range("明细").unwrap();
        assert_eq!(lines.height(), 5);
        let effects: f64 = lines.rows().skip(1).map(|r| r[9].to_string().parse::<f64>().unwrap()).sum();
        assert!((effects - (mar.figures.closing - mar.figures.opening) as f64 / 100.0).abs() < 0.005);
    }
    // Finance may issue statements; legal may not.
    add_user(&t, "law", Role::Legal).await;
    as_user(&t, "law").await;
    assert!(matches!(
        settlement::issue(&t.desk, &issue("2026-01-01", "2026-01-31")).await,
        Err(Error::Forbidden(_))
    ));
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn commissions_accrue_to_the_partner_and_payments_to_it_need_a_finance_approval() {
    let t = desk().await;
    let w = world(&t).await;
    let mut agency = standard_terms();
    agency.settle_method = "commission".into();
    agency.commission_bp = 800;
    agency.rebate_bp = 0;
    agency.settle_cycle = "quarterly".into();
    with_terms(&t, &w.agreement, &agency).await;
    later(&t, 40).await;
    shipped(&t, &w, &w.door, "CNY", 2, 100_000, "2026-02-01").await;
    let q1 = settlement::issue(
        &t.desk,
        &IssueInput {
            partner_id: w.partner.clone(),
            currency: "CNY".into(),
            period_from: "2026-01-01".into(),
            period_to: "2026-03-31".into(),
        },
    )
    .await
    .unwrap();
    // Under the commission method nothing is due from the partner: the company owes 8 %.
    assert_eq!((q1.figures.due, q1.figures.commission, q1.figures.closing), (0, 16_000, -16_000));

    add_user(&t, "chan", Role::Channel).await;
    add_user(&t, "fin", Role::Finance).await;
    add_user(&t, "fin2", Role::Finance).await;
    as_user(&t, "chan").await;
    let payout = PayoutInput {
        partner_id: w.partner.clone(),
        kind: "commission".into(),
        amount_minor: Some(16_000),
        currency: "CNY".into(),
        note: format!("{} 第一季度佣金", q1.number),
    };
    let p = finance::propose_payout(&t.desk, &payout).await.unwrap();
    assert_eq!(p.status, "proposed");
    assert!(matches!(finance::decide_payout(&t.desk, &p.id, true, "").await, Err(Error::Forbidden(_))));
    assert!(matches!(
        finance::mark_paid(&t.desk, &p.id, "2026-04-10", "PAY-1").await,
        Err(Error::Forbidden(_))
    ));
    // The administrator does not approve payments either.
    as_user(&t, "owner").await;
    assert!(matches!(finance::decide_payout(&t.desk, &p.id, true, "").await, Err(Error::Forbidden(_))));
    as_user(&t, "fin").await;
    assert!(has(
        &fields_of(finance::mark_paid(&t.desk, &p.id, "2026-04-10", "PAY-1").await.unwrap_err()),
        "status",
        "payment_not_approved"
    ));
    // A finance user does not approve their own proposal.
    let own = finance::propose_payout(
        &t.desk,
        &PayoutInput { amount_minor: Some(500), kind: "reward".into(), ..payout.clone() },
    )
    .await
    .unwrap();
    assert!(has(
        &fields_of(finance::decide_payout(&t.desk, &own.id, true, "").await.unwrap_err()),
        "decided_by",
        "own_proposal"
    ));
    as_user(&t, "fin2").await;
    assert!(has(
        &fields_of(finance::decide_payout(&t.desk, &own.id, false, "").await.unwrap_err()),
        "decision_note",
        "required"
    ));
    assert_eq!(
        finance::decide_payout(&t.desk, &own.id, false, "与年度奖励重复").await.unwrap().status,
        "rejected"
    );
    let p = finance::decide_payout(&t.desk, &p.id, true, "").await.unwrap();
    assert_eq!((p.status.as_str(), p.decided_by_name.as_deref()), ("approved", Some("fin2")));
    assert!(has(
        &fields_of(finance::decide_payout(&t.desk, &p.id, true, "").await.unwrap_err()),
        "status",
        "decided"
    ));
    let p = finance::mark_paid(&t.desk, &p.id, "2026-04-10", "PAY-0410").await.unwrap();
    assert_eq!(p.status, "paid");
    as_user(&t, "owner").await;
    let q2 = settlement::issue(
        &t.desk,
        &IssueInput {
            partner_id: w.partner.clone(),
            currency: "CNY".into(),
            period_from: "2026-04-01".into(),
            period_to: "2026-06-30".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!((q2.figures.opening, q2.figures.paid_out, q2.figures.closing), (-16_000, 16_000, 0));
    assert_eq!(finance::payments(&t.desk, &Default::default()).await.unwrap().total, 2);
    common::travels(&t).await;
    t.desk.close().await;
}

#[derive(Debug, Clone)]
enum Move {
    Ship { month: u32, day: u32, qty: i64, price: i64, usd: bool },
    Receive { month: u32, day: u32, amount: i64 },
    Credit { month: u32, day: u32, amount: i64 },
}

fn moves() -> impl Strategy<Value = Vec<Move>> {
    let ship = (1u32..=6, 1u32..=28, 1i64..=9, 1i64..=250_000, prop::bool::weighted(0.2))
        .prop_map(|(month, day, qty, price, usd)| Move::Ship { month, day, qty, price, usd });
    let receive = (1u32..=6, 1u32..=28, 1i64..=900_000).prop_map(|(month, day, amount)| Move::Receive {
        month,
        day,
        amount,
    });
    let credit = (1u32..=6, 1u32..=28, 1i64..=50_000).prop_map(|(month, day, amount)| Move::Credit {
        month,
        day,
        amount,
    });
    prop::collection::vec(prop_oneof![5 => ship, 2 => receive, 1 => credit], 1..14)
}

fn month_end(m: u32) -> String {
    let last = [31, 28, 31, 30, 31, 30][(m - 1) as usize];
    format!("2026-{m:02}-{last}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// R4.3.1: for any history of shipments (two currencies), receipts and credit notes and
    /// any rebate rate, the monthly statements reconcile to the cent: each line sums to the
    /// figures, each closing balance is the next opening one, the half year equals the sum of
    /// its months, USD never reaches the CNY statement, and the totals equal an independent
    /// computation with per-line half-up rounding.
    #[test]
    fn statements_reconcile_to_the_cent(history in moves(), rebate_bp in 0i64..=1500) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let t = desk().await;
            let w = world(&t).await;
            with_terms(&t, &w.agreement, &TermsInput { rebate_bp, credit_limit_minor: None, ..standard_terms() }).await;
            let usd = priced(&t, product("DR-100U", "Door controller (export)", "门禁", "USD"), &[("list", 100)]).await;
            later(&t, 200).await; // 2026-09-17
            add_user(&t, "fin", Role::Finance).await;
            let mut expected = [(0i64, 0i64); 6]; // per month: (CNY movement, rebate)
            for m in &history {
                match m {
                    Move::Ship { month, day, qty, price, usd: is_usd } => {
                        as_user(&t, "owner").await;
                        let on = format!("2026-{month:02}-{day:02}");
                        if *is_usd {
                            shipped(&t, &w, &usd, "USD", *qty, *price, &on).await;
                        } else {
                            shipped(&t, &w, &w.door, "CNY", *qty, *price, &on).await;
                            let a = qty * price;
                            let r = (a * rebate_bp + 5_000) / 10_000;
                            expected[(*month - 1) as usize].0 += a - r;
                            expected[(*month - 1) as usize].1 += r;
                        }
                    }
                    Move::Receive { month, day, amount } => {
                        as_user(&t, "fin").await;
                        finance::record_receipt(&t.desk, &ReceiptInput {
                            partner_id: w.partner.clone(), order_id: String::new(), amount_minor: Some(*amount),
                            currency: "CNY".into(), paid_on: format!("2026-{month:02}-{day:02}"), reference: "R".into(), note: String::new(),
                        }).await.unwrap();
                        expected[(*month - 1) as usize].0 -= amount;
                    }
                    Move::Credit { month, day, amount } => {
                        as_user(&t, "fin").await;
                        finance::issue_credit_note(&t.desk, &CreditNoteInput {
                            partner_id: w.partner.clone(), order_id: String::new(), amount_minor: Some(*amount),
                            currency: "CNY".into(), issued_on: format!("2026-{month:02}-{day:02}"), reason: "折让".into(),
                        }).await.unwrap();
                        expected[(*month - 1) as usize].0 -= amount;
                    }
                }
            }
            as_user(&t, "owner").await;
            let mut opening = 0;
            let mut movement_sum = 0;
            let mut rebate_sum = 0;
            for m in 1..=6u32 {
                let s = settlement::issue(&t.desk, &IssueInput {
                    partner_id: w.partner.clone(), currency: "CNY".into(),
                    period_from: format!("2026-{m:02}-01"), period_to: month_end(m),
                }).await.unwrap();
                let f = s.figures;
                assert_eq!(f.opening, opening, "month {m}: opening is the last closing");
                assert_eq!(f.closing, f.opening + f.due - f.commission - f.rebate - f.credit - f.received + f.paid_out);
                assert_eq!(s.lines.iter().map(|l| l.effect_minor).sum::<i64>(), f.closing - f.opening);
                assert_eq!(s.lines.iter().map(|l| l.rebate_minor).sum::<i64>(), f.rebate);
                assert_eq!(s.lines.iter().filter(|l| l.kind == "shipment").map(|l| l.amount_minor).sum::<i64>(), f.sales);
                assert_eq!((f.closing - f.opening, f.rebate), expected[(m - 1) as usize], "month {m}");
                assert!(s.lines.iter().all(|l| !l.description.contains("export")));
                opening = f.closing;
                movement_sum += f.closing - f.opening;
                rebate_sum += f.rebate;
            }
            let mut conn = t.desk.pool().acquire().await.unwrap();
            let half = settlement::compute(&mut conn, &w.partner, "CNY", "2026-01-01", "2026-06-30").await.unwrap();
            drop(conn);
            assert_eq!(half.figures.closing - half.figures.opening, movement_sum);
            assert_eq!(half.figures.rebate, rebate_sum);
            assert_eq!(half.figures.closing, opening);
            t.desk.close().await;
        });
    }
}

/// R1.4 (issue 25): an evaluation reads its sales actual and target from the confirmed orders
/// of its year and the agreement's annual target, and customer satisfaction from the
/// after-sales ratings; a score saved as the records say is marked so, a typed one as typed.
#[tokio::test]
async fn an_evaluation_reads_sales_and_satisfaction_from_the_records() {
    use channeldesk::evaluation::{self, EvaluationQuery, ScoreInput};
    let t = desk().await;
    let door =
        priced(&t, product("DR-100", "智能门禁控制器", "门禁", "CNY"), &[("list", 120_000), ("B", 100_000)])
            .await;
    let partner = active_partner(&t, "广州市南方智联科技有限公司", "91350100M000100Y43").await;
    set_class(&t, &partner, "B").await;
    let agreement = signed_agreement_with(&t, &partner, &[("annual_target", "人民币 300 万元")]).await;
    with_terms(&t, &agreement, &standard_terms()).await;
    // Two confirmed orders (¥1,000 × 3 and ¥1,000 × 1) and one left unconfirmed.
    let mut confirmed = Vec::new();
    for qty in [3, 1, 2] {
        let o = reviewed(&t, &order(&partner, "44", vec![line(&door, qty, None)])).await;
        confirmed.push(o);
    }
    for o in &confirmed[..2] {
        orders::confirm(&t.desk, &o.row.id, "HT-2026").await.unwrap();
    }
    let o = &confirmed[0];
    let l = o.lines[0].id.clone();
    delivery::ship(&t.desk, &o.row.id, &ship("2026-02-21", &[(&l, 3)])).await.unwrap();
    let owner = t.desk.session_info().user.unwrap().id;
    for (subject, stars) in [("安装调试", 5), ("设备更换", 4)] {
        let o = delivery::open_case(
            &t.desk,
            &o.row.id,
            &CaseInput {
                kind: "installation".into(),
                subject: subject.into(),
                detail: String::new(),
                owner_id: owner.clone(),
                opened_on: "2026-03-01".into(),
            },
        )
        .await
        .unwrap();
        let case = o.cases.iter().find(|c| c.subject == subject).unwrap().clone();
        let done = CaseUpdate {
            status: "resolved".into(),
            owner_id: owner.clone(),
            resolution: "已处理".into(),
            resolved_on: "2026-03-01".into(),
            feedback: String::new(),
            satisfaction: Some(stars),
        };
        delivery::update_case(&t.desk, &case.id, &case.hlc, &done).await.unwrap();
    }

    evaluation::start_round(&t.desk, 2026).await.unwrap();
    let q = EvaluationQuery { partner_id: partner.clone(), ..Default::default() };
    let id = evaluation::list(&t.desk, &q).await.unwrap().rows[0].id.clone();
    let e = evaluation::get(&t.desk, &id).await.unwrap();
    let sales = e.figures.iter().find(|f| f.indicator == "target").expect("sales from the orders");
    assert_eq!((sales.actual, sales.target), (Some(4_000), Some(3_000_000)), "{sales:?}");
    assert!(
        sales.evidence.contains("已确认订单 2 笔") && sales.evidence.contains("3,000,000"),
        "{}",
        sales.evidence
    );
    let satisfaction = e.figures.iter().find(|f| f.indicator == "satisfaction").expect("satisfaction");
    // (5 + 4) / 10 = 90 %: the band "满意度 90% 以上".
    assert_eq!(satisfaction.score, Some(100), "{satisfaction:?}");

    // Saved as the records say: marked so; a typed target: marked typed.
    let as_recorded = ScoreInput {
        indicator: "target".into(),
        actual: sales.actual,
        target: sales.target,
        evidence: sales.evidence.clone(),
        ..Default::default()
    };
    let typed = ScoreInput {
        indicator: "satisfaction".into(),
        score: Some(80),
        evidence: "客户回访".into(),
        ..Default::default()
    };
    let e = evaluation::score(&t.desk, &id, &[as_recorded.clone(), typed]).await.unwrap();
    let source = |k: &str| e.scores.iter().find(|s| s.indicator == k).unwrap().source.clone();
    assert_eq!((source("target").as_str(), source("satisfaction").as_str()), ("records", "typed"));
    let changed = ScoreInput { target: Some(2_000_000), ..as_recorded };
    let e = evaluation::score(&t.desk, &id, &[changed]).await.unwrap();
    assert_eq!(e.scores.iter().find(|s| s.indicator == "target").unwrap().source, "typed");
    t.desk.close().await;
}

/// One shipped order of the generated histories the dashboard is checked on.
#[derive(Debug, Clone)]
struct Sale {
    partner: usize,
    month: u32,
    day: u32,
    intercom: bool,
    qty: i64,
    price: i64,
}

fn sales_history() -> impl Strategy<Value = (Vec<Sale>, Vec<(usize, u32, i64)>)> {
    let sale = (0usize..3, 1u32..=8, 1u32..=28, prop::bool::ANY, 1i64..=6, 1i64..=300_000).prop_map(
        |(partner, month, day, intercom, qty, price)| Sale { partner, month, day, intercom, qty, price },
    );
    let receipt = (0usize..3, 1u32..=8, 1i64..=1_500_000);
    (prop::collection::vec(sale, 1..10), prop::collection::vec(receipt, 0..5))
}

/// Sales by month, by province and by product code, and the ageing buckets.
struct Expected {
    months: BTreeMap<String, i64>,
    regions: BTreeMap<String, i64>,
    products: BTreeMap<String, i64>,
    ageing: [i64; 4],
}

/// Which of the three partners a filter keeps.
type Keeps<'a> = &'a dyn Fn(usize) -> bool;

/// What the dashboard must say about a history, computed here without its queries: sales per
/// month, province and product code, and each partner's shipments paid oldest first, what is
/// left aged by the days since it shipped.
fn expected_dashboard(
    sales: &[Sale],
    receipts: &[(usize, u32, i64)],
    provinces: &[&str],
    today: chrono::NaiveDate,
    only: Keeps,
) -> Expected {
    let (mut months, mut regions, mut products) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut ageing = [0i64; 4];
    for (p, province) in provinces.iter().enumerate() {
        if !only(p) {
            continue;
        }
        let mut mine: Vec<&Sale> = sales.iter().filter(|s| s.partner == p).collect();
        mine.sort_by_key(|s| (s.month, s.day));
        for s in &mine {
            let amount = s.qty * s.price;
            *months.entry(format!("2026-{:02}", s.month)).or_insert(0) += amount;
            *regions.entry(province.to_string()).or_insert(0) += amount;
            *products.entry(if s.intercom { "IC-200" } else { "DR-100" }.to_string()).or_insert(0) += amount;
        }
        let mut paid: i64 = receipts.iter().filter(|r| r.0 == p).map(|r| r.2).sum();
        for s in &mine {
            let amount = s.qty * s.price;
            let settled = paid.min(amount);
            paid -= settled;
            let shipped = chrono::NaiveDate::from_ymd_opt(2026, s.month, s.day).unwrap();
            let days = (today - shipped).num_days();
            let bucket = match days {
                ..=30 => 0,
                31..=60 => 1,
                61..=90 => 2,
                _ => 3,
            };
            ageing[bucket] += amount - settled;
        }
    }
    Expected { months, regions, products, ageing }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Issue 25: for any history of orders shipped by three partners in two provinces and of
    /// money received, the dashboard's sales by month, region and product and its receivables
    /// ageing equal an independent computation, whole and filtered by region, class and
    /// channel contact; the monthly targets are the agreement's annual target over twelve in
    /// the months it is in force.
    #[test]
    fn dashboard_figures_match_an_independent_computation((sales, receipts) in sales_history()) {
        use channeldesk::dashboard::{self, Card, CardKind, Filter};
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let t = desk().await;
            let w = world(&t).await; // partner 0: Guangdong, class B, signed agreement
            let fujian = active_partner(&t, "福州海峡安防工程有限公司", "91110000600037341L").await;
            let shenzhen = active_partner(&t, "深圳市前海物联有限公司", "91440300708461136T").await;
            set_class(&t, &fujian, "A").await;
            let partners = [w.partner.clone(), fujian, shenzhen];
            let provinces = ["44", "35", "44"];
            for (id, prov) in partners.iter().zip(provinces) {
                sqlx::query("UPDATE partner SET province = ? WHERE id = ?").bind(prov).bind(id)
                    .execute(t.desk.pool()).await.unwrap();
            }
            let owner: String = sqlx::query_scalar("SELECT id FROM app_user WHERE login = 'owner'")
                .fetch_one(t.desk.pool()).await.unwrap();
            for (i, id) in partners.iter().enumerate() {
                sqlx::query("UPDATE partner SET channel_contact_id = ? WHERE id = ?")
                    .bind((i == 2).then_some(&owner)).bind(id)
                    .execute(t.desk.pool()).await.unwrap();
            }
            later(&t, 200).await; // 2026-09-17
            add_user(&t, "fin", Role::Finance).await;
            for s in &sales {
                as_user(&t, "owner").await;
                let on = format!("2026-{:02}-{:02}", s.month, s.day);
                let product = if s.intercom { &w.intercom } else { &w.door };
                let one = World { partner: partners[s.partner].clone(), agreement: String::new(), door: String::new(), intercom: String::new() };
                shipped(&t, &one, product, "CNY", s.qty, s.price, &on).await;
            }
            for (p, month, amount) in &receipts {
                as_user(&t, "fin").await;
                finance::record_receipt(&t.desk, &ReceiptInput {
                    partner_id: partners[*p].clone(), order_id: String::new(), amount_minor: Some(*amount),
                    currency: "CNY".into(), paid_on: format!("2026-{month:02}-15"), reference: "R".into(), note: String::new(),
                }).await.unwrap();
            }
            as_user(&t, "owner").await;
            let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 17).unwrap();
            let (eff, exp): (String, Option<String>) = sqlx::query_as("SELECT effective_on, expires_on FROM agreement WHERE id = ?")
                .bind(&w.agreement).fetch_one(t.desk.pool()).await.unwrap();
            let cases: [(&str, &str, bool, Keeps); 4] = [
                ("", "", false, &|_| true),
                ("35", "", false, &|p| p == 1),
                ("", "B", false, &|p| p == 0),
                ("", "", true, &|p| p == 2),
            ];
            for (region, class, mine, only) in cases {
                let filter = Filter { from: "2026-01-01".into(), to: "2026-08-31".into(), region: region.into(),
                    class: class.into(), mine, currency: String::new() };
                let Expected { months, regions, products, ageing } = expected_dashboard(&sales, &receipts, &provinces, today, only);
                let Card::Sales(s) = dashboard::card(&t.desk, CardKind::Sales, &filter).await.unwrap() else { panic!() };
                assert_eq!(s.months.len(), 8, "every month of the period");
                for m in &s.months {
                    assert_eq!(m.value, months.get(&m.key).copied().unwrap_or(0), "{region}{class}{mine} month {}", m.key);
                    // Partner 0's annual target (none was typed: the template's default or none).
                    if only(0) && m.target > 0 {
                        let first = format!("{}-01", m.key);
                        assert!(eff.as_str() <= format!("{}-31", m.key).as_str() && exp.as_deref().is_none_or(|e| e >= first.as_str()));
                    }
                    if !only(0) {
                        assert_eq!(m.target, 0, "a filtered-out partner's target is not counted");
                    }
                }
                assert_eq!(s.total_minor, months.values().sum::<i64>());
                let got: BTreeMap<String, i64> = s.regions.iter().filter(|p| p.value > 0).map(|p| (p.key.clone(), p.value)).collect();
                if region.is_empty() {
                    assert_eq!(got, regions, "by province");
                } else {
                    // One province chosen: by city, all of them the same city here.
                    assert_eq!(got.values().sum::<i64>(), regions.values().sum::<i64>());
                }
                let got: BTreeMap<String, i64> = s.products.iter().map(|p| (p.key.clone(), p.value)).collect();
                assert_eq!(got, products, "by product");
                let Card::Receivables(r) = dashboard::card(&t.desk, CardKind::Receivables, &filter).await.unwrap() else { panic!() };
                let got: Vec<i64> = r.buckets.iter().map(|b| b.value).collect();
                assert_eq!(got, ageing.to_vec(), "ageing {region}{class}{mine}");
                assert_eq!(r.total_minor, ageing.iter().sum::<i64>());
                // Overdue (payment days 30 for partner 0, 30 without an agreement) is what the
                // picture of the partner says.
                for a in &r.alerts {
                    let pic = channeldesk::picture::picture(&t.desk, &a.partner_id).await.unwrap();
                    let cny = pic.money.iter().find(|m| m.currency == "CNY").unwrap();
                    assert_eq!(a.overdue_minor, cny.overdue_minor, "{}", a.name);
                    assert_eq!(a.exposure_minor, cny.exposure_minor, "{}", a.name);
                }
            }
            t.desk.close().await;
        });
    }
}

/// Issue 25: the agreement's annual target is spread over the months it is in force, and a bad
/// filter is refused field by field before anything is read.
#[tokio::test]
async fn dashboard_targets_come_from_the_agreement_and_bad_filters_are_named() {
    use channeldesk::dashboard::{self, Card, CardKind, Filter};
    let t = desk().await;
    let p = active_partner(&t, "广州市南方智联科技有限公司", "91350100M000100Y43").await;
    let a = signed_agreement_with(&t, &p, &[("annual_target", "人民币 120 万元")]).await;
    let (eff,): (String,) = sqlx::query_as("SELECT effective_on FROM agreement WHERE id = ?")
        .bind(&a)
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    let filter = Filter { from: "2026-01-01".into(), to: "2026-12-31".into(), ..Default::default() };
    let Card::Sales(s) = dashboard::card(&t.desk, CardKind::Sales, &filter).await.unwrap() else { panic!() };
    let in_force = s.months.iter().filter(|m| m.key.as_str() >= &eff[..7]).count() as i64;
    assert!(in_force > 0);
    for m in &s.months {
        let want = if m.key.as_str() >= &eff[..7] { 10_000_000 } else { 0 };
        assert_eq!(m.target, want, "{}: ¥1,200,000 a year is ¥100,000 a month", m.key);
    }
    assert_eq!(s.target_minor, 10_000_000 * in_force);

    let bad = Filter {
        from: "2026-13-01".into(),
        to: "2026-01-01".into(),
        region: "99".into(),
        class: "D".into(),
        mine: false,
        currency: "yuan".into(),
    };
    let fields: Vec<String> = fields_of(dashboard::card(&t.desk, CardKind::Sales, &bad).await.unwrap_err())
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(fields, ["from", "region", "class", "currency"]);
    let reversed = Filter { from: "2026-06-01".into(), to: "2026-01-01".into(), ..Default::default() };
    assert!(has(
        &fields_of(dashboard::card(&t.desk, CardKind::Sales, &reversed).await.unwrap_err()),
        "to",
        "before_start"
    ));
    let long = Filter { from: "2010-01-01".into(), to: "2026-01-01".into(), ..Default::default() };
    assert!(has(
        &fields_of(dashboard::card(&t.desk, CardKind::Funnel, &long).await.unwrap_err()),
        "to",
        "period_too_long"
    ));

    // Signed out, nothing is read.
    channeldesk::users::sign_out(&t.desk).await.unwrap();
    assert!(matches!(dashboard::card(&t.desk, CardKind::Sales, &filter).await, Err(Error::Locked)));
    t.desk.close().await;
}

/// Issue 25: agreements ending within 30/60/90 days are counted and listed soonest first with
/// whether a renewal was drafted; a card printed as a PDF and saved as .xlsx reads back with
/// the same figures (text through pdftotext, amounts as numbers through calamine).
#[tokio::test]
async fn expiring_agreements_and_a_card_on_paper_and_in_a_workbook() {
    use channeldesk::dashboard::{self, Card, CardKind, Filter, print};
    let t = desk().await;
    let w = world(&t).await;
    let other = active_partner(&t, "福州海峡安防工程有限公司", "91110000600037341L").await;
    let second = signed_agreement(&t, &other).await;
    // Today is 2026-03-01: one ends in 20 days, the other in 75.
    for (id, on) in [(&w.agreement, "2026-03-21"), (&second, "2026-05-15")] {
        sqlx::query("UPDATE agreement SET expires_on = ? WHERE id = ?")
            .bind(on)
            .bind(id)
            .execute(t.desk.pool())
            .await
            .unwrap();
    }
    let f = Filter { from: "2026-01-01".into(), to: "2026-03-31".into(), ..Default::default() };
    let Card::Expiring(e) = dashboard::card(&t.desk, CardKind::Expiring, &f).await.unwrap() else { panic!() };
    assert_eq!(e.buckets.iter().map(|b| b.value).collect::<Vec<_>>(), [1, 0, 1]);
    assert_eq!(e.agreements.iter().map(|a| a.days_left).collect::<Vec<_>>(), [20, 75]);
    assert_eq!(e.agreements[0].partner_id, w.partner);
    assert!(!e.agreements[0].renewing);
    let b_only = Filter { class: "B".into(), ..f.clone() };
    let Card::Expiring(e) = dashboard::card(&t.desk, CardKind::Expiring, &b_only).await.unwrap() else {
        panic!()
    };
    assert_eq!(e.agreements.len(), 1, "the class filter leaves the class-B partner's agreement");

    shipped(&t, &w, &w.door, "CNY", 3, 123_456, "2026-02-10").await;
    sqlx::query("UPDATE partner SET province = '44' WHERE id = ?")
        .bind(&w.partner)
        .execute(t.desk.pool())
        .await
        .unwrap();
    let printed = print::pdf(&t.desk, CardKind::Sales, &f).await.unwrap();
    let pdf = t.dir.path().join(&printed.file_name);
    std::fs::write(&pdf, &printed.bytes).unwrap();
    if let Some(text) = pdftotext(&pdf) {
        for want in [
            "渠道经营看板 · 销售业绩",
            "2026-01-01 至 2026-03-31",
            "2026-02",
            "¥3,703.68",
            "广东省",
            "智能门禁控制器",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }
    // The same content prints the same bytes.
    assert_eq!(print::pdf(&t.desk, CardKind::Sales, &f).await.unwrap().bytes, printed.bytes);
    let book = print::xlsx(&t.desk, CardKind::Sales, &f).await.unwrap();
    let path = t.dir.path().join(&book.file_name);
    std::fs::write(&path, &book.bytes).unwrap();
    {
        use calamine::Reader as _;
        let mut wb = calamine::open_workbook_auto(&path).unwrap();
        let months = wb.worksheet_range("按月").unwrap();
        let feb = months.rows().find(|r| r[0] == "2026-02").unwrap();
        assert_eq!(feb[2], calamine::Data::Float(3_703.68), "an amount is a number");
        assert_eq!(feb[1], calamine::Data::Float(1.0));
        assert!(wb.worksheet_range("按产品").is_ok() && wb.worksheet_range("按地区").is_ok());
    }
    // Every card prints, also with nothing to show.
    for kind in CardKind::ALL {
        let p = print::pdf(&t.desk, kind, &f).await.unwrap();
        assert!(p.bytes.starts_with(b"%PDF"), "{kind:?}");
        print::xlsx(&t.desk, kind, &f).await.unwrap();
    }
    t.desk.close().await;
}
