//! Sharing benchmarks (issue 7 aims), on real encrypted files: export 10,000 partners with
//! their related records (≤ 1 s); dry run and merge of that bundle into a file that already
//! holds half of them (≤ 2 s); importing it again, which changes nothing (≤ 1 s). Figures go to
//! `$CARGO_TARGET_DIR/channeldesk-bench-sharing.md`, which `cargo xtask bench` puts into
//! `docs/benchmarks.md`.

mod common;

use channeldesk::partners::{self, PartnerInput};
use channeldesk::secrets::DatabaseKey;
use channeldesk::share::{self, ApplyChoices, ExportScope, Limits, Progress};
use channeldesk::{Desk, demo, evaluation, users};
use std::fmt::Write as _;
use std::time::Instant;

const PARTNERS: usize = 10_000;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (dir_a, dir_b) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let a: Desk = rt.block_on(Desk::open(dir_a.path(), &DatabaseKey::generate())).expect("open");
    let b: Desk = rt.block_on(Desk::open(dir_b.path(), &DatabaseKey::generate())).expect("open");
    rt.block_on(users::setup_owner(&a, "基准甲", "bench-a", "bench-password")).expect("owner");
    rt.block_on(users::setup_owner(&b, "基准乙", "bench-b", "bench-password")).expect("owner");
    rt.block_on(share::trust::pair(&b, &share::trust::identity(&a))).expect("pair");
    // Three in four come from the existing base (migrated as active), one in four prospects.
    type Numbered = Vec<(usize, PartnerInput)>;
    let (prospects, base): (Numbered, Numbered) =
        demo::generate(PARTNERS, 7).into_iter().enumerate().partition(|(i, _)| i % 4 == 0);
    let base: Vec<partners::MigrationRow> =
        base.into_iter().map(|(_, p)| partners::MigrationRow { partner: p, class: String::new() }).collect();
    let prospects: Vec<PartnerInput> = prospects.into_iter().map(|(_, p)| p).collect();
    for chunk in base.chunks(1_000) {
        rt.block_on(partners::migrate(&a, chunk)).expect("insert");
    }
    for chunk in prospects.chunks(1_000) {
        rt.block_on(partners::create_many(&a, chunk)).expect("insert");
    }
    let year: i32 = a.today()[..4].parse().expect("year");
    rt.block_on(evaluation::start_round(&a, year)).expect("round");
    let rows: i64 = rt.block_on(async {
        let mut n = 0;
        for t in share::TABLES {
            let c: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {}", t.name)))
                .fetch_one(a.pool())
                .await
                .expect("count");
            n += c;
        }
        n
    });

    let mut export_times = Vec::new();
    let mut bundle = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        bundle = rt
            .block_on(share::export(&a, &ExportScope::All, None, &Progress::silent()))
            .expect("export")
            .bytes;
        export_times.push(ms(t));
    }
    export_times.sort_by(|x, y| x.total_cmp(y));
    let sealed = {
        let t = Instant::now();
        rt.block_on(share::export(&a, &ExportScope::All, Some("bench-passphrase"), &Progress::silent()))
            .expect("sealed");
        ms(t)
    };

    // B already holds half of the partners (set-up, not measured).
    let half: Vec<String> = rt
        .block_on(sqlx::query_scalar("SELECT id FROM partner ORDER BY id LIMIT 5000").fetch_all(a.pool()))
        .expect("ids");
    let first = rt
        .block_on(share::export(&a, &ExportScope::Partners { ids: half }, None, &Progress::silent()))
        .expect("half")
        .bytes;
    let inc = share::open(&first, None, &Limits::default()).expect("open half");
    rt.block_on(share::apply(
        &b,
        &inc,
        &ApplyChoices { token: inc.token.clone(), merge: vec![] },
        &Progress::silent(),
    ))
    .expect("apply half");

    let t = Instant::now();
    let incoming = share::open(&bundle, None, &Limits::default()).expect("open");
    let read_ms = ms(t);
    let t = Instant::now();
    let preview = rt.block_on(share::preview(&b, &incoming, &Progress::silent())).expect("preview");
    let preview_ms = ms(t);
    let new_partners = preview.kinds.iter().find(|k| k.table == "partner").map(|k| k.new).unwrap_or(0);
    let t = Instant::now();
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    rt.block_on(share::apply(&b, &incoming, &choices, &Progress::silent())).expect("apply");
    let apply_ms = ms(t);

    let t = Instant::now();
    let again = share::open(&bundle, None, &Limits::default()).expect("open");
    let p2 = rt.block_on(share::preview(&b, &again, &Progress::silent())).expect("preview");
    assert!(!p2.changes);
    rt.block_on(share::apply(
        &b,
        &again,
        &ApplyChoices { token: again.token.clone(), merge: vec![] },
        &Progress::silent(),
    ))
    .expect("re-apply");
    let reimport_ms = ms(t);

    let mut out = String::new();
    let _ = writeln!(out, "\n## Sharing, {PARTNERS} partners with their records\n");
    let _ = writeln!(
        out,
        "Aims: export ≤ 1 s; dry run and merge into a file holding half of them ≤ 2 s; re-import (no change) ≤ 1 s.\n"
    );
    let _ = writeln!(out, "| measurement | value |\n|---|---:|");
    let _ = writeln!(
        out,
        "| export everything ({rows} records, {:.1} MB bundle), median of 3 | {:.0} ms |",
        bundle.len() as f64 / 1_048_576.0,
        export_times[1]
    );
    let _ = writeln!(out, "| the same, sealed with a passphrase | {sealed:.0} ms |");
    let _ = writeln!(out, "| read and check the bundle (checksums, rows) | {read_ms:.0} ms |");
    let _ = writeln!(
        out,
        "| dry run into a file holding half ({new_partners} partners new) | {preview_ms:.0} ms |"
    );
    let _ = writeln!(out, "| merge (one transaction) | {apply_ms:.0} ms |");
    let _ = writeln!(out, "| dry run + merge together | {:.0} ms |", read_ms + preview_ms + apply_ms);
    let _ = writeln!(
        out,
        "| re-import of the same bundle (read, dry run, apply: no change) | {reimport_ms:.0} ms |"
    );
    std::fs::write(common::target_dir().join("channeldesk-bench-sharing.md"), &out).expect("write figures");
    eprint!("{out}");
    rt.block_on(a.close());
    rt.block_on(b.close());
}
