//! Evaluation benchmarks (issue 6 aims): an annual round opened for 10,000 active partners
//! (≤ 1 s) and the portfolio report of 1,000 finished evaluations (≤ 1 s), on one real
//! encrypted file. Figures go to `$CARGO_TARGET_DIR/channeldesk-bench-evaluation.md`, which
//! `cargo xtask bench` puts into `docs/benchmarks.md`.

mod common;

use channeldesk::evaluation::report::{self, PeriodInput};
use channeldesk::evaluation::{self, EvaluationQuery, ScoreInput};
use channeldesk::partners::{self};
use channeldesk::secrets::DatabaseKey;
use channeldesk::{Desk, demo, users};
use std::fmt::Write as _;
use std::time::Instant;

const PARTNERS: usize = 10_000;
const FINISHED: usize = 1_000;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let desk: Desk = rt.block_on(Desk::open(dir.path(), &DatabaseKey::generate())).expect("open");
    rt.block_on(users::setup_owner(&desk, "基准", "bench", "bench-password")).expect("owner");
    let inputs: Vec<partners::MigrationRow> = demo::generate(PARTNERS, 6)
        .into_iter()
        .map(|p| partners::MigrationRow { partner: p, class: String::new() })
        .collect();
    for chunk in inputs.chunks(1_000) {
        rt.block_on(partners::migrate(&desk, chunk)).expect("insert");
    }
    let year: i32 = desk.today()[..4].parse().expect("year");

    let t = Instant::now();
    let round = rt.block_on(evaluation::start_round(&desk, year)).expect("round");
    let round_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(round.created as usize, PARTNERS);

    // 1,000 of them scored by one evaluator and finished (set-up, not measured).
    let open = rt
        .block_on(evaluation::list(&desk, &EvaluationQuery { status: "open".into(), ..Default::default() }))
        .expect("list");
    let mut ids: Vec<String> = open.rows.iter().map(|r| r.id.clone()).collect();
    let mut offset = 200;
    while ids.len() < FINISHED {
        let page = rt
            .block_on(evaluation::list(
                &desk,
                &EvaluationQuery { status: "open".into(), offset, ..Default::default() },
            ))
            .expect("list");
        ids.extend(page.rows.into_iter().map(|r| r.id));
        offset += 200;
    }
    let scheme = rt.block_on(evaluation::get(&desk, &ids[0])).expect("get").scheme;
    let t = Instant::now();
    for (n, id) in ids.iter().take(FINISHED).enumerate() {
        let scores: Vec<ScoreInput> = scheme
            .indicators
            .iter()
            .map(|i| ScoreInput {
                indicator: i.key.clone(),
                score: i.bands.get(n % i.bands.len().max(1)).map(|b| b.score),
                actual: (i.kind == "ratio").then_some(((n % 120) as i64 + 1) * 50_000),
                target: (i.kind == "ratio").then_some(5_000_000),
                evidence: "季度核查".into(),
            })
            .collect();
        rt.block_on(evaluation::score(&desk, id, &scores)).expect("score");
        let finished = rt.block_on(evaluation::finish(&desk, id));
        if let Err(channeldesk::Error::Validation(missing)) = &finished {
            // Class C: an improvement plan before the result stands (R2.2.3), as staff add it.
            assert!(missing.iter().all(|f| f.field == "measures"), "finish: {missing:?}");
            let plan = evaluation::MeasureInput {
                action: "每月跟进改进计划".into(),
                owner_id: desk.actor().expect("signed in").id,
                due_on: format!("{year}-12-31"),
            };
            rt.block_on(evaluation::add_measure(&desk, id, &plan)).expect("improvement plan");
            rt.block_on(evaluation::finish(&desk, id)).expect("finish");
        } else {
            finished.expect("finish");
        }
    }
    let per_evaluation = t.elapsed().as_secs_f64() * 1000.0 / FINISHED as f64;

    let period = PeriodInput { from: format!("{year}-01-01"), to: format!("{year}-12-31") };
    let _ = rt.block_on(report::portfolio_pdf(&desk, &period)).expect("warm-up: font");
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let p = rt.block_on(report::portfolio_pdf(&desk, &period)).expect("portfolio");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        size = p.bytes.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let data = {
        let t = Instant::now();
        let p = rt.block_on(report::portfolio(&desk, &period)).expect("portfolio data");
        assert_eq!(p.rows.len(), FINISHED);
        t.elapsed().as_secs_f64() * 1000.0
    };
    let report_one = {
        let t = Instant::now();
        rt.block_on(report::evaluation_pdf(&desk, &ids[0])).expect("report");
        t.elapsed().as_secs_f64() * 1000.0
    };

    let mut out = String::new();
    let _ = writeln!(out, "\n## Evaluation, {PARTNERS} active partners\n");
    let _ = writeln!(
        out,
        "Aims: an annual round for 10,000 partners in ≤ 1 s; a portfolio report of 1,000 partners in ≤ 1 s.\n"
    );
    let _ = writeln!(out, "| measurement | value |\n|---|---:|");
    let _ =
        writeln!(out, "| annual round opened for {PARTNERS} partners (one transaction) | {round_ms:.0} ms |");
    let _ = writeln!(
        out,
        "| one evaluation scored (10 indicators) and finished, average of {FINISHED} | {per_evaluation:.1} ms |"
    );
    let _ = writeln!(out, "| portfolio data, {FINISHED} finished evaluations | {data:.0} ms |");
    let _ = writeln!(
        out,
        "| portfolio report PDF, {FINISHED} partners, p50 of 5 | {:.0} ms ({:.0} KB) |",
        times[2],
        size as f64 / 1024.0
    );
    let _ = writeln!(out, "| one partner's evaluation report PDF | {report_one:.0} ms |");
    std::fs::write(common::target_dir().join("channeldesk-bench-evaluation.md"), &out)
        .expect("write figures");
    eprint!("{out}");
    rt.block_on(desk.close());
}
