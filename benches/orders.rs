//! Order and settlement benchmarks (issue 9 aims): a settlement statement of a partner with
//! 10,000 order lines shipped in a year (≤ 200 ms) and an order review (≤ 10 ms), on one real
//! encrypted file with demo data around them. Figures go to
//! `$CARGO_TARGET_DIR/channeldesk-bench-orders.md`, which `cargo xtask bench` puts into
//! `docs/benchmarks.md`.

mod common;

use channeldesk::orders::catalogue::{self, PriceInput, ProductInput};
use channeldesk::orders::delivery::{self, ShipLine, ShipmentInput};
use channeldesk::orders::settlement::{self, IssueInput};
use channeldesk::orders::terms::{self, TermsInput};
use channeldesk::orders::{self, LineInput, OrderInput};
use channeldesk::secrets::DatabaseKey;
use channeldesk::{Desk, demo, users};
use std::fmt::Write as _;
use std::time::Instant;

const ORDERS: usize = 50;
const LINES: usize = 200;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn p50(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let _context = rt.enter(); // pool connections are returned from outside block_on
    let dir = tempfile::tempdir().expect("temp dir");
    let desk: Desk = rt.block_on(Desk::open(dir.path(), &DatabaseKey::generate())).expect("open");
    rt.block_on(users::setup_owner(&desk, "基准", "bench", "bench-password")).expect("owner");
    // Demo data signs agreements through the real review; take one in effect today whose text
    // settles yearly (its statement covers the year), with the territory its text states.
    rt.block_on(demo::seed(&desk, 300, 9)).expect("demo");
    let today = desk.today();
    let year = &today[..4];
    let (agreement, partner): (String, String) = rt
        .block_on(
            sqlx::query_as(
                "SELECT id, partner_id FROM agreement WHERE status = 'signed' AND kind <> 'amendment'
                   AND settle_cycle = 'yearly' AND effective_on <= ?1 AND expires_on >= ?1 LIMIT 1",
            )
            .bind(&today)
            .fetch_one(desk.pool()),
        )
        .expect("an agreement in effect");
    let now = rt.block_on(terms::terms(&desk, &agreement)).expect("terms");
    let input = TermsInput {
        territory: now.terms.territory.clone(),
        price_basis: "class".into(),
        settle_method: "purchase".into(),
        settle_cycle: "yearly".into(),
        payment_days: now.terms.payment_days,
        currency: "CNY".into(),
        credit_limit_minor: Some(100_000_000_000),
        rebate_bp: 250,
        ..Default::default()
    };
    rt.block_on(terms::set_terms(&desk, &agreement, &now.hlc, &input)).expect("set terms");
    let mut products = Vec::new();
    for i in 0..40 {
        let d = rt
            .block_on(catalogue::create_product(
                &desk,
                &ProductInput {
                    code: format!("P-{i:03}"),
                    name: format!("门禁产品 {i}"),
                    category: "门禁".into(),
                    kind: "product".into(),
                    unit: "套".into(),
                    currency: "CNY".into(),
                    active: true,
                    ..Default::default()
                },
            ))
            .expect("product");
        for tier in ["list", "A", "B", "C"] {
            rt.block_on(catalogue::set_price(
                &desk,
                &d.product.id,
                &PriceInput {
                    tier: tier.into(),
                    price_minor: Some(10_000 + i * 137),
                    valid_from: format!("{year}-01-01"),
                },
            ))
            .expect("price");
        }
        products.push(d.product.id);
    }

    // What the demo data already shipped to the partner this year.
    let demo_lines = {
        let mut conn = rt.block_on(desk.pool().acquire()).expect("conn");
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
        rt.block_on(settlement::compute(&mut conn, &partner, "CNY", &from, &to)).expect("compute").lines.len()
    };
    // 50 orders of 200 lines over the year, each reviewed, let through, confirmed, shipped.
    let setup = Instant::now();
    let mut review_ids = Vec::new();
    for n in 0..ORDERS {
        let on = format!("{year}-{:02}-{:02}", n % 11 + 1, n % 27 + 1);
        let lines = (0..LINES)
            .map(|i| LineInput {
                product_id: products[(n + i) % products.len()].clone(),
                quantity: (i % 7 + 1) as i64,
                unit_price_minor: Some(10_000 + (i as i64 * 311) % 9_000),
            })
            .collect();
        let o = rt
            .block_on(orders::create(
                &desk,
                &OrderInput {
                    partner_id: partner.clone(),
                    customer_name: format!("客户 {n}"),
                    customer_province: if n % 5 == 0 { "11".into() } else { "44".into() },
                    currency: "CNY".into(),
                    ordered_on: on.clone(),
                    requested_on: on.clone(),
                    lines,
                    ..Default::default()
                },
            ))
            .expect("order");
        let o = rt.block_on(orders::review(&desk, &o.row.id)).expect("review");
        if o.row.status == "held" {
            review_ids.push(o.row.id.clone());
            rt.block_on(orders::override_review(&desk, &o.row.id, "基准数据放行")).expect("override");
        }
        let o = rt.block_on(orders::confirm(&desk, &o.row.id, &format!("HT-{n}"))).expect("confirm");
        let ship = ShipmentInput {
            shipped_on: on.clone(),
            expected_on: on,
            lines: o
                .lines
                .iter()
                .map(|l| ShipLine { order_line_id: l.id.clone(), quantity: l.quantity })
                .collect(),
            ..Default::default()
        };
        rt.block_on(delivery::ship(&desk, &o.row.id, &ship)).expect("ship");
    }
    let setup_s = setup.elapsed().as_secs_f64();

    let from = format!("{year}-01-01");
    let to = format!("{year}-12-31");
    let compute = |rt: &tokio::runtime::Runtime| {
        let t = Instant::now();
        let mut conn = rt.block_on(desk.pool().acquire()).expect("conn");
        let c = rt.block_on(settlement::compute(&mut conn, &partner, "CNY", &from, &to)).expect("compute");
        // The demo data's own orders of the partner, and the benchmark's.
        assert_eq!(c.lines.len(), demo_lines + ORDERS * LINES);
        ms(t)
    };
    let _ = compute(&rt);
    let computed = p50((0..7).map(|_| compute(&rt)).collect());
    let t = Instant::now();
    let s = rt
        .block_on(settlement::issue(
            &desk,
            &IssueInput {
                partner_id: partner.clone(),
                currency: "CNY".into(),
                period_from: from.clone(),
                period_to: to.clone(),
            },
        ))
        .expect("issue");
    let issued = ms(t);
    assert_eq!(s.lines.len(), demo_lines + ORDERS * LINES);
    let opened = p50((0..5)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(settlement::get(&desk, &s.id)).expect("get");
            ms(t)
        })
        .collect());
    let t = Instant::now();
    let pdf = rt.block_on(settlement::pdf(&desk, &s.id)).expect("pdf");
    let pdf_ms = ms(t);
    let xlsx = dir.path().join("statement.xlsx");
    let t = Instant::now();
    rt.block_on(settlement::write_xlsx(&desk, &s.id, &xlsx)).expect("xlsx");
    let xlsx_ms = ms(t);

    // Order review: a held 3-line order reviewed again, and the rules alone.
    let o = rt
        .block_on(orders::create(
            &desk,
            &OrderInput {
                partner_id: partner.clone(),
                customer_name: "复核客户".into(),
                customer_province: "11".into(),
                currency: "CNY".into(),
                ordered_on: today.clone(),
                requested_on: today.clone(),
                lines: (0..3)
                    .map(|i| LineInput {
                        product_id: products[i].clone(),
                        quantity: 2,
                        unit_price_minor: None,
                    })
                    .collect(),
                ..Default::default()
            },
        ))
        .expect("order");
    let reviews = p50((0..50)
        .map(|_| {
            let t = Instant::now();
            let r = rt.block_on(orders::review(&desk, &o.row.id)).expect("review");
            assert_eq!(r.row.status, "held");
            ms(t)
        })
        .collect());
    let opened_order = p50((0..20)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(orders::get(&desk, &o.row.id)).expect("get");
            ms(t)
        })
        .collect());
    let mut conn = rt.block_on(desk.pool().acquire()).expect("conn");
    let gather = p50((0..20)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(orders::facts(&mut conn, &o.row.id, &today)).expect("facts");
            ms(t)
        })
        .collect());
    let (facts, _) = rt.block_on(orders::facts(&mut conn, &o.row.id, &today)).expect("facts");
    drop(conn);
    let t = Instant::now();
    for _ in 0..10_000 {
        std::hint::black_box(orders::review::evaluate(std::hint::black_box(&facts)));
    }
    let rules_us = t.elapsed().as_secs_f64() * 1e6 / 10_000.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Orders and settlement, {} order lines of one partner in a year\n",
        ORDERS * LINES
    );
    let _ =
        writeln!(out, "Aims: a statement of 10,000 order lines in ≤ 200 ms; an order review in ≤ 10 ms.\n");
    let _ = writeln!(out, "| measurement | value |\n|---|---:|");
    let _ = writeln!(
        out,
        "| statement computed ({} lines, opening balance, figures), p50 of 7 | {computed:.0} ms |",
        ORDERS * LINES
    );
    let _ = writeln!(out, "| statement issued (computed and written, first time) | {issued:.0} ms |");
    let _ = writeln!(
        out,
        "| statement opened (stored figures and lines as they are now), p50 of 5 | {opened:.0} ms |"
    );
    let _ = writeln!(out, "| statement PDF ({} KB) | {pdf_ms:.0} ms |", pdf.bytes.len() / 1024);
    let _ = writeln!(out, "| statement .xlsx | {xlsx_ms:.0} ms |");
    let _ = writeln!(
        out,
        "| order review of a 3-line order (facts read, rules, written with its audit entry), p50 of 50 | {reviews:.1} ms |"
    );
    let _ = writeln!(
        out,
        "| of which: the facts gathered (agreement, prices, what is owed and overdue), p50 of 20 | {gather:.1} ms |"
    );
    let _ = writeln!(out, "| of which: the order read back to show it, p50 of 20 | {opened_order:.1} ms |");
    let _ = writeln!(out, "| the eight rules alone on gathered facts | {rules_us:.1} µs |");
    let _ = writeln!(
        out,
        "| set-up: {ORDERS} orders of {LINES} lines entered, reviewed, confirmed and shipped | {setup_s:.1} s |"
    );
    std::fs::write(common::target_dir().join("channeldesk-bench-orders.md"), &out).expect("write figures");
    eprint!("{out}");
    rt.block_on(desk.close());
}
