//! Partner register benchmarks on 100,000 generated partners (one real SQLite file).
//!
//! Criterion measures the steady-state figures; a separate pass times single calls to report
//! p50/p95 latencies, which criterion does not. The figures are written as a Markdown section
//! to `$CARGO_TARGET_DIR/channeldesk-bench.md`, which `cargo xtask bench` puts into
//! `docs/benchmarks.md`.

use channeldesk::partners::{self, ListQuery, PartnerInput};
use channeldesk::secrets::DatabaseKey;
use channeldesk::{Desk, demo, users};
use criterion::Criterion;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const PARTNERS: usize = 100_000;
const BATCH: usize = 1_000;
const SAMPLES: usize = 300;

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
                _ => take(&p.contacts[0].mobile[3..], 5, rng),
            }
        })
        .collect()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
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
    let mut record = |label: &str, calls: Vec<ListQuery>| {
        let mut times: Vec<Duration> = calls
            .iter()
            .map(|q| {
                let t = Instant::now();
                rt.block_on(partners::list(&desk, q)).expect("list");
                t.elapsed()
            })
            .collect();
        times.sort();
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().expect("samples")),
            times.len()
        );
    };
    for (kind, label) in [
        ("zh2", "search, 2 Chinese characters (gram index)"),
        ("zh3", "search, 3 Chinese characters (FTS5 trigram)"),
        ("zh6", "search, 6 Chinese characters (FTS5 trigram)"),
        ("phone", "search, 5-digit phone fragment"),
    ] {
        let qs = queries(&inputs, &mut rng, kind)
            .into_iter()
            .map(|q| ListQuery { q, ..Default::default() })
            .collect();
        record(label, qs);
    }
    // Worst cases: terms nearly every partner contains, so every match has to be sorted.
    for (q, label) in [
        ("有限", "search, broad 2 characters (有限: every partner)"),
        ("有限公", "search, broad 3 characters (有限公: every partner)"),
        ("科技", "search, 2 characters in 1 of 12 names (科技)"),
    ] {
        record(label, (0..60).map(|_| ListQuery { q: q.into(), ..Default::default() }).collect());
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
    record("list page, status + province filter, sorted by name", filtered);
    let plain = (0..SAMPLES)
        .map(|i| ListQuery {
            sort: "updated_at".into(),
            desc: true,
            offset: ((i % 10) * 50) as u32,
            ..Default::default()
        })
        .collect();
    record("list page, no filter, newest first", plain);
    let tagged = (0..SAMPLES)
        .map(|i| ListQuery {
            tag: ["重点客户", "高潜力", "政企"][i % 3].into(),
            class: "A".into(),
            ..Default::default()
        })
        .collect();
    record("list page, tag + class filter", tagged);

    std::fs::write(target_dir().join("channeldesk-bench.md"), &out).expect("write figures");
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
