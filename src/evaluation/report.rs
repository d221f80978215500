//! Evaluation reports (R2.2.1–R2.2.3): one partner's report as a PDF (details, scheme version,
//! the indicator table, a bar chart of the dimensions, total and class, the change since the
//! previous evaluation, evaluators and signature lines), and the portfolio of a period (class
//! distribution, partners that changed class, every finished evaluation) as PDF and CSV.
//!
//! Invariant: a report is made from the evaluation's frozen result (or the live one while
//! open, marked as a draft), so printing it again gives the same bytes.

use super::{EvalResult, EvaluationRow, points};
use crate::access::Action;
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{Block, Frame, Table};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

fn dimension_name(d: &str) -> &'static str {
    match d {
        "results" => "业绩达成",
        "marketing" => "市场推广效果",
        "service" => "客户服务质量",
        "compliance" => "协议遵守情况",
        "stability" => "团队稳定性",
        _ => "其他",
    }
}

fn trigger_name(t: &str) -> &'static str {
    match t {
        "major_problem" => "重大经营问题",
        "breach" => "违反协议",
        "market_change" => "市场环境重大变化",
        _ => "",
    }
}

/// The report of evaluation `id` as a PDF.
pub async fn evaluation_pdf(desk: &Desk, id: &str) -> Result<Printed> {
    let e = super::get(desk, id).await?;
    let (credit_code, address, contact): (Option<String>, String, Option<String>) = sqlx::query_as(
        "SELECT p.credit_code, p.address, u.display_name FROM partner p LEFT JOIN app_user u ON u.id = p.channel_contact_id
         WHERE p.id = ?",
    )
    .bind(&e.row.partner_id)
    .fetch_one(desk.pool())
    .await?;
    let r: &EvalResult = &e.result;
    let title =
        if e.row.kind == "special" { "渠道商专项评估报告" } else { "渠道商年度评估报告" };
    let sub = match &e.row.trigger {
        Some(t) => format!("专项评估 · {} · {}", trigger_name(t), e.row.period),
        None => format!("{} 年度 · 评估方案第 {} 版", e.row.period, e.scheme.version),
    };
    let mut blocks = vec![Block::Title { text: title.into(), sub: Some(sub) }];
    let fields: Vec<(String, String)> = vec![
        ("合作伙伴".into(), e.row.partner_name.clone()),
        ("统一社会信用代码".into(), credit_code.unwrap_or_default()),
        ("住所".into(), address),
        ("渠道对接人".into(), contact.unwrap_or_default()),
        ("评估方案".into(), format!("{}（第 {} 版）", e.scheme.name, e.scheme.version)),
        ("评估人".into(), r.evaluators.join("、")),
    ];
    // Issue 24: what the record does not say is left out rather than printed as a bare label.
    blocks.push(Block::Fields(fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect()));
    if !e.reason.is_empty() {
        blocks.push(Block::Paragraph(format!("评估原因：{}", e.reason)));
    }
    blocks.push(Block::Heading("评估结果".into()));
    let class = r.class.clone().unwrap_or_else(|| "—".into());
    let mut outcome = format!("总分 {}，评定为 {} 类。", points(r.total_x100), class);
    if let Some(p) = &e.previous {
        let before = p.total_x100.map(|t| points(t as u32)).unwrap_or_default();
        let delta = r.total_x100 as i64 - p.total_x100.unwrap_or(0);
        outcome.push_str(&format!(
            "上次评估（{}）总分 {before}，{} 类；本次{}{} 分。",
            p.period,
            p.class.clone().unwrap_or_default(),
            if delta >= 0 { "提高 " } else { "降低 " },
            points(delta.unsigned_abs() as u32)
        ));
    } else {
        outcome.push_str("此前没有已完成的评估。");
    }
    if e.row.status != "finished" {
        outcome.push_str("（评估尚未完成，以下为当前记录的评分。）");
    }
    // Issue 24: the class stands out as a badge whose colour also reads in greyscale.
    let (fill, ink) = class_colours(r.class.as_deref());
    blocks.push(Block::Badge {
        text: class.clone(),
        caption: vec![format!("评定类别 {class} 类"), format!("总分 {} / 100", points(r.total_x100))],
        fill,
        ink,
    });
    blocks.push(Block::Paragraph(outcome));
    blocks.push(Block::Heading("各维度得分".into()));
    blocks.push(Block::Bars {
        rows: r
            .dimensions
            .iter()
            .map(|d| {
                (
                    format!("{}（{}%）", dimension_name(&d.dimension), d.weight),
                    d.score_x100 as f32 / 10_000.0,
                    points(d.score_x100),
                )
            })
            .collect(),
        axis: "维度得分（满分 100 分）".into(),
        fills: Vec::new(),
    });
    blocks.push(Block::Heading("指标评分".into()));
    blocks.push(Block::Table(Table {
        header: vec!["维度".into(), "指标".into(), "权重".into(), "得分".into(), "加权得分".into()],
        widths: vec![1.3, 3.2, 0.7, 0.9, 1.0],
        rows: r
            .indicators
            .iter()
            .filter(|i| i.score_x100.is_some())
            .map(|i| {
                let s = i.score_x100.unwrap_or(0);
                vec![
                    dimension_name(&i.dimension).into(),
                    i.label.clone(),
                    format!("{}", i.weight),
                    i.score_x100.map(points).unwrap_or_else(|| "—".into()),
                    points(i.weight * s / 100),
                ]
            })
            .collect(),
    }));
    let unscored: Vec<&str> =
        r.indicators.iter().filter(|i| i.score_x100.is_none()).map(|i| i.label.as_str()).collect();
    if !unscored.is_empty() {
        blocks.push(Block::Note(format!("尚未评分的指标（计 0 分）：{}。", unscored.join("、"))));
    }
    let mut evidence = Vec::new();
    for s in &e.scores {
        let label =
            e.scheme.indicators.iter().find(|i| i.key == s.indicator).map(|i| i.label.as_str()).unwrap_or("");
        let figures = match (s.actual, s.target) {
            (Some(a), Some(t)) => format!("（实际 {a} / 目标 {t}）"),
            _ => String::new(),
        };
        evidence.push(vec![
            label.to_string(),
            s.evaluator_name.clone().unwrap_or_default(),
            s.score.to_string(),
            format!("{}{figures}", s.evidence),
        ]);
    }
    if !evidence.is_empty() {
        blocks.push(Block::Heading("评分依据".into()));
        blocks.push(Block::Table(Table {
            header: vec!["指标".into(), "评估人".into(), "评分".into(), "依据".into()],
            widths: vec![2.0, 1.0, 0.6, 4.0],
            rows: evidence,
        }));
    }
    if !e.measures.is_empty() {
        blocks.push(Block::Heading("改进措施".into()));
        blocks.push(Block::Table(Table {
            header: vec!["措施".into(), "负责人".into(), "期限".into(), "完成".into()],
            widths: vec![4.0, 1.2, 1.2, 1.2],
            rows: e
                .measures
                .iter()
                .map(|m| {
                    vec![
                        m.action.clone(),
                        m.owner_name.clone().unwrap_or_default(),
                        m.due_on.clone(),
                        m.done_on.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Keep(vec![
        Block::Space(6.0),
        Block::Columns(vec![
            vec![("评估人（签字）".into(), String::new()), ("日期".into(), String::new())],
            vec![("渠道部负责人（签字）".into(), String::new()), ("日期".into(), String::new())],
        ]),
    ]));
    let result_json = serde_json::to_string(&e.result).unwrap_or_default();
    let fp = crate::documents::content_fingerprint(&[&e.row.id, &e.row.status, &result_json, &e.hlc]);
    let number = format!("EVAL-{}-{}", e.row.period, &e.row.id[e.row.id.len() - 6..]);
    let frame = Frame {
        title: format!("{title} {}", e.row.partner_name),
        header: format!("{title} · {}", e.row.partner_name),
        number: number.clone(),
        fingerprint: fp,
        watermark: (e.row.status != "finished").then(|| "草稿 DRAFT".into()),
        mark: None,
        keywords: vec![format!("evaluation:{}", e.row.id)],
        made_on: e.row.finished_at.clone().unwrap_or_else(|| e.row.created_at.clone()),
        certificate: false,
        seam: false,
        author: String::new(),
    };
    let printed = crate::documents::issue(desk, "evaluation", blocks, frame).await?;
    let mut w = desk.write().await?;
    let mut ch = crate::audit::Changes::new();
    ch.set("report", &number);
    crate::audit::record(&mut w, "print", "evaluation", id, &ch).await?;
    w.commit().await?;
    Ok(printed)
}

/// The badge colours (fill, letter) of a class: A deep green, B amber, C pale red with a dark
/// red letter, chosen so that in greyscale too they stand apart (luminance about 0.34, 0.68
/// and 0.85); no class, light grey.
pub fn class_colours(class: Option<&str>) -> ([f32; 3], [f32; 3]) {
    match class {
        Some("A") => ([0.10, 0.42, 0.22], [1.0, 1.0, 1.0]),
        Some("B") => ([0.93, 0.66, 0.16], [0.0, 0.0, 0.0]),
        Some("C") => ([0.97, 0.82, 0.80], [0.55, 0.08, 0.08]),
        _ => ([0.9, 0.9, 0.9], [0.3, 0.3, 0.3]),
    }
}

/// The bar colour of a class in a chart: the badge's fill, but C's dark red letter colour (its
/// pale fill would hardly stand out from the chart's track); greys 0.34, 0.68 and 0.18.
pub fn class_bar(class: &str) -> [f32; 3] {
    let (fill, ink) = class_colours(Some(class));
    if class == "C" { ink } else { fill }
}

/// A partner whose class changed within the period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Mover {
    pub partner_id: String,
    pub partner_name: String,
    pub from_class: Option<String>,
    pub to_class: Option<String>,
    pub reason: String,
    pub created_at: String,
}

/// The portfolio of evaluations finished in a period.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Portfolio {
    pub from: String,
    pub to: String,
    /// Finished evaluations per class (A, B, C), the latest per partner.
    #[ts(type = "Record<string, number>")]
    pub distribution: std::collections::BTreeMap<String, i64>,
    pub movers: Vec<Mover>,
    pub rows: Vec<EvaluationRow>,
}

/// The period's dates as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PeriodInput {
    pub from: String,
    pub to: String,
}

/// The latest finished evaluation of each partner finished between `from` and `to`
/// (inclusive), the class distribution and the class changes in the period.
pub async fn portfolio(desk: &Desk, period: &PeriodInput) -> Result<Portfolio> {
    desk.require(Action::PartnerRead)?;
    let mut c = crate::validate::Checker::new();
    let from = c.date("from", &period.from, true);
    let to = c.date("to", &period.to, true);
    if !from.is_empty() && !to.is_empty() && to < from {
        c.push("to", "before_start");
    }
    c.finish()?;
    let end = format!("{to}T99");
    let rows: Vec<EvaluationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE e.status = 'finished' AND e.deleted_at IS NULL AND e.finished_at >= ?1 AND e.finished_at < ?2
            AND NOT EXISTS (SELECT 1 FROM evaluation x WHERE x.partner_id = e.partner_id AND x.status = 'finished'
                AND x.deleted_at IS NULL AND x.finished_at >= ?1 AND x.finished_at < ?2 AND x.finished_at > e.finished_at)
         ORDER BY e.total_x100 DESC, p.name",
        super::ROW_SELECT
    )))
    .bind(&from)
    .bind(&end)
    .fetch_all(desk.pool())
    .await?;
    let mut distribution = std::collections::BTreeMap::new();
    for class in super::scheme::CLASSES {
        distribution.insert(
            class.to_string(),
            rows.iter().filter(|r| r.class.as_deref() == Some(class)).count() as i64,
        );
    }
    let movers: Vec<Mover> = sqlx::query_as(
        "SELECT c.partner_id, p.name AS partner_name, c.from_class, c.to_class, c.reason, c.created_at
         FROM class_change c JOIN partner p ON p.id = c.partner_id
         WHERE c.deleted_at IS NULL AND c.created_at >= ? AND c.created_at < ? AND c.from_class IS NOT NULL
            AND c.from_class <> c.to_class
         ORDER BY c.created_at",
    )
    .bind(&from)
    .bind(&end)
    .fetch_all(desk.pool())
    .await?;
    Ok(Portfolio { from, to, distribution, movers, rows })
}

/// The portfolio report as a PDF.
pub async fn portfolio_pdf(desk: &Desk, period: &PeriodInput) -> Result<Printed> {
    let p = portfolio(desk, period).await?;
    let total: i64 = p.distribution.values().sum();
    let mut blocks = vec![Block::Title {
        text: "渠道商评估汇总报告".into(),
        sub: Some(format!("{} 至 {} · 共 {} 家合作伙伴完成评估", p.from, p.to, total)),
    }];
    blocks.push(Block::Heading("分类分布".into()));
    blocks.push(Block::Bars {
        rows: ["A", "B", "C"]
            .iter()
            .map(|c| {
                let n = p.distribution.get(*c).copied().unwrap_or(0);
                let share = if total == 0 { 0.0 } else { n as f32 / total as f32 };
                (format!("{c} 类"), share, format!("{n} 家（{:.0}%）", share * 100.0))
            })
            .collect(),
        axis: "占完成评估的合作伙伴（%）".into(),
        // Each class in its colour (issue 24).
        fills: ["A", "B", "C"].iter().map(|c| class_bar(c)).collect(),
    });
    blocks.push(Block::Heading(format!("类别变化（{} 家）", p.movers.len())));
    if p.movers.is_empty() {
        blocks.push(Block::Paragraph("本期没有合作伙伴的类别发生变化。".into()));
    } else {
        blocks.push(Block::Table(Table {
            header: vec!["合作伙伴".into(), "原类别".into(), "新类别".into(), "原因".into(), "日期".into()],
            widths: vec![3.0, 0.8, 0.8, 3.0, 1.2],
            rows: p
                .movers
                .iter()
                .map(|m| {
                    vec![
                        m.partner_name.clone(),
                        m.from_class.clone().unwrap_or_default(),
                        m.to_class.clone().unwrap_or_default(),
                        m.reason.clone(),
                        m.created_at.get(..10).unwrap_or_default().to_string(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("评估明细".into()));
    blocks.push(Block::Table(Table {
        header: vec!["合作伙伴".into(), "评估".into(), "总分".into(), "类别".into(), "完成日期".into()],
        widths: vec![3.6, 1.4, 0.9, 0.7, 1.3],
        rows: p
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.partner_name.clone(),
                    if r.kind == "special" {
                        format!("专项 {}", r.period)
                    } else {
                        format!("{} 年度", r.period)
                    },
                    r.total_x100.map(|t| points(t as u32)).unwrap_or_default(),
                    r.class.clone().unwrap_or_default(),
                    r.finished_at.clone().unwrap_or_default().get(..10).unwrap_or_default().to_string(),
                ]
            })
            .collect(),
    }));
    let ids: Vec<&str> = p.rows.iter().map(|r| r.id.as_str()).collect();
    let fp = crate::documents::content_fingerprint(&[&p.from, &p.to, &ids.join(",")]);
    let number = format!("PORTFOLIO-{}-{}", p.from, p.to);
    let frame = Frame {
        title: format!("渠道商评估汇总报告 {} 至 {}", p.from, p.to),
        header: "渠道商评估汇总报告".into(),
        number: number.clone(),
        fingerprint: fp,
        watermark: None,
        mark: None,
        keywords: vec![],
        made_on: p.to.clone(),
        certificate: false,
        seam: false,
        author: String::new(),
    };
    crate::documents::issue(desk, "portfolio", blocks, frame).await
}

/// The words of the portfolio CSV in the user's language.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PortfolioLabels {
    /// partner, evaluation, total, class, previous class, finished on.
    pub header: Vec<String>,
}

/// Writes the portfolio's list as CSV (UTF-8 with BOM) to `path`; the number of rows.
pub async fn portfolio_csv(
    desk: &Desk,
    period: &PeriodInput,
    labels: &PortfolioLabels,
    path: &std::path::Path,
) -> Result<u64> {
    let p = portfolio(desk, period).await?;
    let rows = p.rows.iter().map(|r| {
        vec![
            r.partner_name.clone(),
            if r.kind == "special" { format!("special {}", r.period) } else { r.period.clone() },
            r.total_x100.map(|t| points(t as u32)).unwrap_or_default(),
            r.class.clone().unwrap_or_default(),
            r.previous_class.clone().unwrap_or_default(),
            r.finished_at.clone().unwrap_or_default().get(..10).unwrap_or_default().to_string(),
        ]
    });
    let header: Vec<&str> = labels.header.iter().map(String::as_str).collect();
    crate::csvfile::write(path, &header, rows)
}
