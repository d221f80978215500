//! Documents: a 10-page agreement laid out and written by the flow engine (font already
//! loaded), against the aim of ≤ 50 ms and ≤ 300 KB (issue 5, DESIGN.md Documents). Figures
//! go to `$CARGO_TARGET_DIR/channeldesk-bench-documents.md`, which `cargo xtask bench` puts
//! into `docs/benchmarks.md`.

mod common;

use channeldesk::agreements::pdf;
use channeldesk::agreements::{ClauseText, Version};
use channeldesk::documents::fonts;
use criterion::Criterion;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A distribution agreement of `clauses` clauses of realistic length (about 10 pages for 31).
fn agreement(clauses: usize) -> Version {
    let body = "乙方应当按照甲方发布的《渠道商管理办法》开展业务，并于每月五日前报送上月的销售数据、库存数据和客户反馈；\
                “重点客户”名单由双方共同确认。乙方违反本条约定的，甲方有权要求其限期改正，逾期未改正的，甲方可以暂停供货、\
                取消返利，直至解除本协议。授权区域为{{territory}}，产品为{{products}}，价格按{{price_terms}}执行。";
    let mut variables = BTreeMap::new();
    for (k, v) in [
        ("company_name", "渠道科技股份有限公司"),
        ("company_credit_code", "91110000100000000X"),
        ("partner_name", "深圳市前海星河数字科技有限公司"),
        ("partner_credit_code", "91350100M000100Y43"),
        ("partner_address", "深圳市南山区科技园南区 18 栋"),
        ("territory", "广东省深圳市、东莞市和惠州市"),
        ("products", "智能门禁系统、可视对讲系统及配套管理软件"),
        ("price_terms", "甲方《渠道价目表》B 类价格"),
    ] {
        variables.insert(k.to_string(), v.to_string());
    }
    let clauses = (1..=clauses)
        .map(|i| ClauseText {
            key: format!("c{i}"),
            version: 1,
            category: "other".into(),
            title: format!("约定事项{i}"),
            body: format!("{body}\n{body}"),
        })
        .collect();
    Version {
        id: "bench".into(),
        number: 3,
        shown: channeldesk::agreements::pdf::shown_variables(&variables),
        variables,
        clauses,
        fingerprint: "ab".repeat(32),
        note: String::new(),
        created_at: "2026-11-27T00:00:00.000Z".into(),
        created_by_name: String::new(),
    }
}

fn main() {
    let t = Instant::now();
    let face = fonts::shared().expect("a CJK font (fonts-noto-cjk on Linux)");
    let font_load = t.elapsed();
    let doc = pdf::sample("AG-2026-K7-0001", agreement(31), "distribution");
    let bytes = doc.render(&face, true, &[None]).expect("render");
    let pages = bytes.windows(b"/Type /Page\n".len()).filter(|w| *w == b"/Type /Page\n").count();
    let pages = if pages == 0 {
        bytes.windows(b"/Type/Page/".len()).filter(|w| *w == b"/Type/Page/").count()
    } else {
        pages
    };
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let b = doc.render(&face, true, &[None]).expect("render");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(b, bytes, "deterministic");
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let copies = {
        let t = Instant::now();
        let marks: Vec<Option<String>> = (1..=3).map(|n| Some(format!("副本 COPY {n}/3"))).collect();
        let b = doc.render(&face, false, &marks).expect("render copies");
        (t.elapsed().as_secs_f64() * 1000.0, b.len())
    };
    let mut out = String::new();
    let _ =
        writeln!(out, "\n## Agreement PDF (flow engine, printpdf 0.12, {})\n", face.source.path.display());
    let _ = writeln!(out, "Aim: a 10-page agreement in ≤ 50 ms after the font is loaded, file ≤ 300 KB.\n");
    let _ = writeln!(out, "| measurement | value |\n|---|---:|");
    let _ = writeln!(
        out,
        "| font found and parsed (once per process) | {:.0} ms |",
        font_load.as_secs_f64() * 1000.0
    );
    let _ = writeln!(out, "| 31-clause agreement: pages | {pages} |");
    let _ = writeln!(out, "| layout and write, p50 of 30 | {:.1} ms |", times[times.len() / 2]);
    let _ = writeln!(out, "| layout and write, max of 30 | {:.1} ms |", times[times.len() - 1]);
    let _ = writeln!(out, "| file size (subset font embedded) | {:.0} KB |", bytes.len() as f64 / 1024.0);
    let _ = writeln!(
        out,
        "| three numbered copies in one file | {:.1} ms, {:.0} KB |",
        copies.0,
        copies.1 as f64 / 1024.0
    );
    let _ = writeln!(out, "| same content printed 30 times | byte-identical |");
    std::fs::write(common::target_dir().join("channeldesk-bench-documents.md"), &out).expect("write figures");
    eprint!("{out}");

    let mut c =
        Criterion::default().configure_from_args().sample_size(20).measurement_time(Duration::from_secs(4));
    c.bench_function("agreement_pdf_10_pages", |b| {
        b.iter(|| doc.render(&face, true, &[None]).expect("render"))
    });
    c.final_summary();
}
