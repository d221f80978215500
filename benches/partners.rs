//! Partner register, recruitment and search-everything benchmarks on 100,000 generated
//! partners and 200,000 orders (one real, encrypted SQLite file).
//!
//! Criterion measures the steady-state figures; a separate pass times single calls to report
//! p50/p95 latencies, which criterion does not. The figures are written as a Markdown section
//! to `$CARGO_TARGET_DIR/channeldesk-bench.md`, which `cargo xtask bench` puts into
//! `docs/benchmarks.md`.

mod common;

use channeldesk::partners::{self, ListQuery, PartnerInput};
use channeldesk::recruitment::events::{self, EventInput};
use channeldesk::recruitment::leads::{self, LeadInput};
use channeldesk::recruitment::{self, BoardQuery};
use channeldesk::secrets::DatabaseKey;
use channeldesk::{Desk, demo, users};
use criterion::Criterion;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const PARTNERS: usize = 100_000;
const BATCH: usize = 1_000;
const SAMPLES: usize = 300;
/// Orders generated for the search over every kind (issue 25).
const ORDERS: i64 = 200_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Substrings of generated data that a person would type: from the distinctive part of a
/// name (the legal-form suffix excluded), or a phone fragment.
fn queries(inputs: &[PartnerInput], rng: &mut StdRng, kind: &str) -> Vec<String> {
    (0..SAMPLES)
        .map(|_| {
            let p = &inputs[rng.random_range(0..inputs.len())];
            let take = |s: &str, n: usize, rng: &mut StdRng| {
                let chars: Vec<char> = s.chars().collect();
                let start = rng.random_range(0..=chars.len().saturating_sub(n));
                chars[start..(start + n).min(chars.len())].iter().collect::<String>()
            };
            // People search for the distinctive part of a name, not its legal form.
            let name = ["股份有限公司", "有限责任公司", "有限公司"]
                .iter()
                .find_map(|suf| p.name.strip_suffix(suf))
                .unwrap_or(&p.name);
            match kind {
                "zh2" => take(name, 2, rng),
                "zh3" => take(name, 3, rng),
                "zh6" => take(name, 6, rng),
                // Typed as people type a name's pinyin: its initials, or the full reading of
                // its first two characters.
                "initials" => channeldesk::search::pinyin_keys(name).1,
                "pinyin" => channeldesk::search::pinyin_keys(&take(name, 2, rng)).0,
                _ => take(&p.contacts[0].mobile[3..], 5, rng),
            }
        })
        .collect()
}

/// How long `f` takes.
fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let t = Instant::now();
    std::hint::black_box(f());
    t.elapsed()
}

/// One table row of p50/p95/max over `times`.
fn row(out: &mut String, label: &str, mut times: Vec<Duration>) {
    times.sort();
    let _ = writeln!(
        out,
        "| {label} | {} | {} | {} | {} |",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().expect("samples")),
        times.len()
    );
}

/// Leads as staff type them at a booth: a third new companies, a third an existing company's
/// name written another way (place or legal form changed), a third an existing contact's
/// mobile under a new name.
fn lead_inputs(inputs: &[PartnerInput], rng: &mut StdRng, event_id: &str) -> Vec<LeadInput> {
    (0..SAMPLES)
        .map(|i| {
            let p = &inputs[rng.random_range(0..inputs.len())];
            let base = LeadInput {
                event_id: event_id.into(),
                contact_name: "访客".into(),
                contact_mobile: format!("199{:08}", rng.random_range(0..100_000_000u32)),
                ..Default::default()
            };
            match i % 3 {
                0 => LeadInput { company_name: format!("展会新客户{i}号科技有限公司"), ..base },
                1 => LeadInput {
                    company_name: p.name.replace("有限公司", "").replace("股份", "") + "有限责任公司",
                    ..base
                },
                _ => LeadInput {
                    company_name: format!("另一家{i}贸易公司"),
                    contact_mobile: p.contacts[0].mobile.clone(),
                    ..base
                },
            }
        })
        .collect()
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    // The real encrypted file (SQLCipher), keyed directly: the keychain is not what is measured.
    let desk: Desk = rt.block_on(Desk::open(dir.path(), &DatabaseKey::generate())).expect("open");
    rt.block_on(users::setup_owner(&desk, "基准", "bench", "bench-password")).expect("owner");
    let inputs = demo::generate(PARTNERS, 1);

    // Batched insert rate: 100,000 partners in transactions of 1,000, with validation,
    // duplicate checks, audit entries and search indexing.
    let t = Instant::now();
    for chunk in inputs.chunks(BATCH) {
        rt.block_on(partners::create_many(&desk, chunk)).expect("insert");
    }
    let load = t.elapsed();
    let rate = PARTNERS as f64 / load.as_secs_f64();
    let file_mb = std::fs::metadata(dir.path().join(channeldesk::db::DB_FILE)).map(|m| m.len()).unwrap_or(0)
        as f64
        / 1024.0
        / 1024.0;

    let mut out = String::new();
    let _ = writeln!(out, "## Partner register, {PARTNERS} generated partners\n");
    let _ = writeln!(
        out,
        "Batched insert (transactions of {BATCH}, each partner validated, checked for duplicates, audited and indexed): \
         **{rate:.0} partners/s** ({:.1} s for {PARTNERS}; database file {file_mb:.0} MB).\n",
        load.as_secs_f64()
    );
    let _ = writeln!(out, "| operation | p50 ms | p95 ms | max ms | calls |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");

    let mut rng = StdRng::seed_from_u64(7);
    let record = |out: &mut String, label: &str, calls: Vec<ListQuery>| {
        let times =
            calls.iter().map(|q| timed(|| rt.block_on(partners::list(&desk, q)).expect("list"))).collect();
        row(out, label, times);
    };
    for (kind, label) in [
        ("zh2", "search, 2 Chinese characters (gram index)"),
        ("zh3", "search, 3 Chinese characters (FTS5 trigram)"),
        ("zh6", "search, 6 Chinese characters (FTS5 trigram)"),
        ("phone", "search, 5-digit phone fragment"),
        ("initials", "search, pinyin initials of a name (gzsakj…)"),
        ("pinyin", "search, full pinyin of two characters (guangzhou)"),
    ] {
        let qs = queries(&inputs, &mut rng, kind)
            .into_iter()
            .map(|q| ListQuery { q, ..Default::default() })
            .collect();
        record(&mut out, label, qs);
    }
    // Worst cases: terms nearly every partner contains, so every match has to be sorted.
    for (q, label) in [
        ("有限", "search, broad 2 characters (有限: every partner)"),
        ("有限公", "search, broad 3 characters (有限公: every partner)"),
        ("科技", "search, 2 characters in 1 of 12 names (科技)"),
    ] {
        record(&mut out, label, (0..60).map(|_| ListQuery { q: q.into(), ..Default::default() }).collect());
    }
    let provinces = ["44", "31", "11", "33", "51"];
    let filtered = (0..SAMPLES)
        .map(|i| ListQuery {
            status: "active".into(),
            province: provinces[i % provinces.len()].into(),
            sort: "name".into(),
            offset: ((i % 10) * 50) as u32,
            ..Default::default()
        })
        .collect();
    record(&mut out, "list page, status + province filter, sorted by name", filtered);
    let plain = (0..SAMPLES)
        .map(|i| ListQuery {
            sort: "updated_at".into(),
            desc: true,
            offset: ((i % 10) * 50) as u32,
            ..Default::default()
        })
        .collect();
    record(&mut out, "list page, no filter, newest first", plain);
    let tagged = (0..SAMPLES)
        .map(|i| ListQuery {
            tag: ["重点客户", "高潜力", "政企"][i % 3].into(),
            class: "A".into(),
            ..Default::default()
        })
        .collect();
    record(&mut out, "list page, tag + class filter", tagged);

    // Recruitment at the booth (R2.1.3, R2.1.4): a new lead checked against every partner and
    // prospect on the laptop, saved, and the pipeline board over all prospects.
    let prospects: i64 = rt
        .block_on(
            sqlx::query_scalar("SELECT count(*) FROM partner WHERE status = 'prospect'")
                .fetch_one(desk.pool()),
        )
        .expect("count");
    let event = rt
        .block_on(events::create(
            &desk,
            &EventInput {
                name: "基准展会".into(),
                starts_on: "2026-11-27".into(),
                ends_on: "2026-11-29".into(),
                ..Default::default()
            },
        ))
        .expect("event");
    let leads: Vec<LeadInput> = lead_inputs(&inputs, &mut rng, &event.id);
    let _ = writeln!(
        out,
        "\n## Recruitment, the same {PARTNERS} partners ({prospects} of them prospects)\n\n\
         | operation | p50 ms | p95 ms | max ms | calls |\n|---|---:|---:|---:|---:|"
    );
    let checks =
        leads.iter().map(|l| timed(|| rt.block_on(leads::check(&desk, l)).expect("check"))).collect();
    row(&mut out, "lead duplicate check (credit code, normalised name, phones, e-mails)", checks);
    let saves = leads
        .iter()
        .take(200)
        .map(|l| timed(|| rt.block_on(leads::capture(&desk, l, true, None)).expect("capture")))
        .collect();
    row(&mut out, "lead capture (checked, saved with its pipeline row and audit entry)", saves);
    let boards = (0..20)
        .map(|_| timed(|| rt.block_on(recruitment::board(&desk, &BoardQuery::default())).expect("board")))
        .collect();
    row(&mut out, "pipeline board, all open prospects (counts, ages, conversion, 5 × 200 cards)", boards);
    let by_event = BoardQuery { event_id: Some(event.id.clone()), ..Default::default() };
    let boards = (0..20)
        .map(|_| timed(|| rt.block_on(recruitment::board(&desk, &by_event)).expect("board")))
        .collect();
    row(&mut out, "pipeline board, one event's leads", boards);

    // Search everything (issue 25): the same register plus 200,000 orders, generated in SQL
    // (the search index's triggers fill it as the forms' writes do), then one query over
    // partners and every other kind.
    let t = Instant::now();
    rt.block_on(
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO sales_order (id, number, partner_id, customer_name, customer_province, currency,
                    ordered_on, requested_on, status, created_at, updated_at, updated_by, hlc)
             SELECT lower(hex(randomblob(16))), printf('SO-2026-BM-%06d', i),
                    (SELECT id FROM partner WHERE rid = 1 + (i % ?2)),
                    (SELECT name FROM partner WHERE rid = 1 + ((i * 7919) % ?2)) || '项目部', '44', 'CNY',
                    date('2025-01-01', '+' || (i % 700) || ' days'), date('2025-01-01', '+' || (i % 700) || ' days'),
                    CASE WHEN i % 10 = 0 THEN 'entered' ELSE 'confirmed' END,
                    '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', '', ''
             FROM n",
        )
        .bind(ORDERS)
        .bind(PARTNERS as i64)
        .execute(desk.pool()),
    )
    .expect("orders");
    let orders_s = t.elapsed().as_secs_f64();
    let _ = writeln!(
        out,
        "\n## Search everything, the same {PARTNERS} partners and {ORDERS} orders\n\n\
         {ORDERS} orders generated in one statement with their search entries (the index's triggers): \
         {orders_s:.1} s.\n\n| operation | p50 ms | p95 ms | max ms | calls |\n|---|---:|---:|---:|---:|"
    );
    let find_row = |out: &mut String, label: &str, qs: Vec<String>| {
        let times = qs
            .iter()
            .map(|q| timed(|| rt.block_on(channeldesk::find::everything(&desk, q)).expect("find")))
            .collect();
        row(out, label, times);
    };
    for (kind, label) in [
        ("zh3", "search everything, 3 Chinese characters"),
        ("zh6", "search everything, 6 Chinese characters"),
        ("initials", "search everything, pinyin initials of a name"),
        ("phone", "search everything, 5-digit phone fragment"),
    ] {
        let qs = queries(&inputs, &mut rng, kind);
        find_row(&mut out, label, qs);
    }
    let numbers = (0..SAMPLES).map(|_| format!("BM-{:06}", rng.random_range(1..=ORDERS))).collect();
    find_row(&mut out, "search everything, an order number (BM-012345)", numbers);
    find_row(
        &mut out,
        "search everything, broad 3 characters (有限公: every partner and order)",
        vec!["有限公".into(); 60],
    );

    // The dashboard (issue 25) over the same file: each order gets a line of one of twenty
    // products and an amount, nine in ten are shipped, and every partner has paid part of
    // what it was shipped; agreements and evaluations come from nothing (none are generated).
    let t = Instant::now();
    rt.block_on(async {
        let mut tx = desk.pool().begin().await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
             INSERT INTO product (id, code, name, category, kind, unit, currency, created_at, updated_at, updated_by, hlc)
             SELECT 'bm-product-' || i, printf('BM-P%02d', i), '基准产品 ' || i, '门禁', 'product', '套', 'CNY',
                    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '', '' FROM n",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE sales_order SET total_minor = 100000 + (abs(random()) % 5000000) WHERE number LIKE 'SO-2026-BM-%'",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO order_line (id, order_id, line_no, product_id, quantity, unit_price_minor, amount_minor,
                    created_at, updated_at, updated_by, hlc)
             SELECT lower(hex(randomblob(16))), id, 1, 'bm-product-' || (1 + abs(random()) % 20), 1, total_minor,
                    total_minor, created_at, created_at, '', '' FROM sales_order WHERE number LIKE 'SO-2026-BM-%'",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO shipment (id, order_id, partner_id, shipped_on, amount_minor, expected_on, created_at,
                    updated_at, updated_by, hlc)
             SELECT lower(hex(randomblob(16))), id, partner_id, ordered_on, total_minor, ordered_on, created_at,
                    created_at, '', '' FROM sales_order
             WHERE number LIKE 'SO-2026-BM-%' AND status = 'confirmed' AND abs(random()) % 10 <> 0",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO payment (id, partner_id, direction, kind, amount_minor, currency, status, paid_on,
                    created_at, updated_at, updated_by, hlc)
             SELECT lower(hex(randomblob(16))), partner_id, 'in', 'collection', sum(amount_minor) * 7 / 10, 'CNY',
                    'received', '2026-11-01', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '', ''
             FROM shipment GROUP BY partner_id",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })
    .expect("business data");
    let business_s = t.elapsed().as_secs_f64();
    let _ = writeln!(
        out,
        "\n## Dashboard, the same {PARTNERS} partners and {ORDERS} orders over two years\n\n\
         Each order given a line and an amount, nine in ten shipped, 70 % of every partner's shipments paid \
         ({business_s:.1} s). A card is read as the page reads it (one call each, all six at once for the \
         first paint); the reference is plain SQLite summing the same orders by month with no join.\n\n\
         | operation | p50 ms | p95 ms | max ms | calls |\n|---|---:|---:|---:|---:|"
    );
    use channeldesk::dashboard::{self, CardKind, Filter};
    let year = Filter { from: "2026-01-01".into(), to: "2026-12-31".into(), ..Default::default() };
    let reference = (0..60)
        .map(|_| {
            timed(|| {
                rt.block_on(
                    sqlx::query_as::<_, (String, i64)>(
                        "SELECT substr(ordered_on, 1, 7), sum(total_minor) FROM sales_order
                         WHERE status = 'confirmed' AND ordered_on BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY 1",
                    )
                    .fetch_all(desk.pool()),
                )
                .expect("reference")
            })
        })
        .collect();
    row(&mut out, "reference: plain SQLite, confirmed orders of a year summed by month", reference);
    for kind in CardKind::ALL {
        let times = (0..60)
            .map(|_| timed(|| rt.block_on(dashboard::card(&desk, kind, &year)).expect("card")))
            .collect();
        row(&mut out, &format!("dashboard card: {}, a year, no filter", kind.as_str()), times);
    }
    let guangdong = Filter { region: "44".into(), class: "A".into(), ..year.clone() };
    let times = (0..60)
        .map(|_| timed(|| rt.block_on(dashboard::card(&desk, CardKind::Sales, &guangdong)).expect("card")))
        .collect();
    row(&mut out, "dashboard card: sales, a year, one province and class A", times);
    let all = (0..30)
        .map(|_| {
            timed(|| {
                rt.block_on(futures_util::future::try_join_all(
                    CardKind::ALL.iter().map(|k| dashboard::card(&desk, *k, &year)),
                ))
                .expect("cards")
            })
        })
        .collect();
    row(&mut out, "dashboard first paint: all six cards read at once (as the page asks)", all);

    std::fs::write(common::target_dir().join("channeldesk-bench.md"), &out).expect("write figures");
    println!("{out}");

    // Criterion: steady-state timings of the same operations.
    let mut c =
        Criterion::default().configure_from_args().sample_size(50).measurement_time(Duration::from_secs(4));
    let q3 = ListQuery { q: "华信科".into(), ..Default::default() };
    c.bench_function("search_zh3_huaxinke", |b| {
        b.iter(|| rt.block_on(partners::list(&desk, &q3)).expect("list"))
    });
    let q2 = ListQuery { q: "深圳".into(), ..Default::default() };
    c.bench_function("search_zh2_shenzhen", |b| {
        b.iter(|| rt.block_on(partners::list(&desk, &q2)).expect("list"))
    });
    let page = ListQuery {
        status: "active".into(),
        province: "44".into(),
        sort: "name".into(),
        ..Default::default()
    };
    c.bench_function("list_page_filtered", |b| {
        b.iter(|| rt.block_on(partners::list(&desk, &page)).expect("list"))
    });
    let probe = &leads[0];
    c.bench_function("lead_check_100k", |b| {
        b.iter(|| rt.block_on(leads::check(&desk, probe)).expect("check"))
    });
    let mut next = PARTNERS;
    c.bench_function("insert_batch_100_into_100k", |b| {
        b.iter_batched(
            || {
                next += 100;
                demo::generate_from(next - 100, 100, 1)
            },
            |chunk| rt.block_on(partners::create_many(&desk, &chunk)).expect("insert"),
            criterion::BatchSize::PerIteration,
        )
    });
    c.final_summary();
    rt.block_on(desk.close());
}
