//! The promotion summary of a period as a PDF (R5.2.3): goals against their targets, the
//! strategies with budget and spend, a bar chart of each activity's budget used, the
//! activities' effect (participants, results, cost per result, sales growth, awareness,
//! satisfaction) and the lessons learned.
//!
//! Invariant: the document is made only from the records of the period, so printing it again
//! with nothing changed gives the same bytes (the fingerprint covers every figure shown).

use super::{ActivityQuery, GOAL_KINDS};
use crate::access::Action;
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{Block, Frame, Table};
use crate::error::Result;
use crate::orders::money_text;
use crate::validate::Checker;

fn goal_kind(k: &str) -> &'static str {
    match k {
        "market_share" => "市场份额增长",
        "sales_growth" => "销售额增长",
        "brand_awareness" => "品牌知名度",
        _ => "",
    }
}

fn means_name(m: &str) -> &'static str {
    match m {
        "advertising" => "广告宣传",
        "sales_promotion" => "促销活动",
        "public_relations" => "公共关系",
        "online" => "网络营销",
        "offline_event" => "线下活动",
        _ => "",
    }
}

fn form_name(f: &str) -> &'static str {
    match f {
        "seminar" => "研讨会",
        "exhibition" => "展会",
        "launch" => "产品发布会",
        "in_store" => "门店促销",
        "online" => "线上活动",
        "training" => "培训会",
        _ => "其他",
    }
}

/// `bp` hundredths of a percent as "12.34%".
pub fn percent(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", a / 100, a % 100)
}

/// The summary of promotion from `from` to `to` as a PDF.
pub async fn summary_pdf(desk: &Desk, from: &str, to: &str) -> Result<Printed> {
    desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    let (from, to) = super::period(&mut c, "from", from, "to", to);
    c.finish()?;
    let goals = super::goals(desk, &from, &to).await?;
    let strategies = super::strategies(desk, &from, &to).await?;
    let rows =
        super::activities(desk, &ActivityQuery { from: from.clone(), to: to.clone(), ..Default::default() })
            .await?;
    let mut activities = Vec::with_capacity(rows.len());
    for r in &rows {
        activities.push(super::activity(desk, &r.id).await?);
    }
    let mut blocks = vec![Block::Title {
        text: "市场推广活动总结".into(),
        sub: Some(format!(
            "{from} 至 {to} · 推广目标 {} 项 · 推广策略 {} 项 · 推广活动 {} 场",
            goals.len(),
            strategies.len(),
            activities.len()
        )),
    }];
    blocks.push(Block::Heading("一、推广目标".into()));
    if goals.is_empty() {
        blocks.push(Block::Paragraph("本期未设定推广目标。".into()));
    } else {
        blocks.push(Block::Table(Table {
            header: vec![
                "目标".into(),
                "类型".into(),
                "期间".into(),
                "目标值".into(),
                "实际".into(),
                "达成".into(),
            ],
            widths: vec![3.0, 1.4, 2.2, 1.0, 1.0, 0.8],
            rows: GOAL_KINDS
                .iter()
                .flat_map(|k| goals.iter().filter(move |g| g.kind == *k))
                .map(|g| {
                    vec![
                        g.title.clone(),
                        goal_kind(&g.kind).into(),
                        format!("{} 至 {}", g.period_from, g.period_to),
                        percent(g.target_bp),
                        g.actual_bp.map(percent).unwrap_or_else(|| "—".into()),
                        match g.met {
                            Some(true) => "已达成".into(),
                            Some(false) => "未达成".into(),
                            None => "—".into(),
                        },
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("二、推广策略与预算".into()));
    if strategies.is_empty() {
        blocks.push(Block::Paragraph("本期没有推广策略。".into()));
    } else {
        blocks.push(Block::Table(Table {
            header: vec![
                "策略".into(),
                "手段".into(),
                "时间".into(),
                "预算".into(),
                "已安排".into(),
                "已支出".into(),
            ],
            widths: vec![2.4, 1.2, 2.0, 1.5, 1.5, 1.5],
            rows: strategies
                .iter()
                .map(|s| {
                    vec![
                        format!("{}\n{}", s.title, s.objective),
                        means_name(&s.means).into(),
                        format!("{} 至 {}", s.starts_on, s.ends_on),
                        money_text(s.budget_minor, &s.currency),
                        money_text(s.planned_minor, &s.currency),
                        money_text(s.spent_minor, &s.currency),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("三、预算使用".into()));
    if activities.is_empty() {
        blocks.push(Block::Paragraph("本期没有推广活动。".into()));
    } else {
        blocks.push(Block::Bars {
            rows: activities
                .iter()
                .map(|a| {
                    let used = a.effect.budget_used_bp.unwrap_or(0);
                    let mut label: String = a.row.theme.chars().take(11).collect();
                    if a.row.theme.chars().count() > 11 {
                        label.push('…');
                    }
                    (label, (used as f32 / 10_000.0).clamp(0.0, 1.0), percent(used))
                })
                .collect(),
            axis: "实际支出占预算（%）".into(),
            fills: Vec::new(),
        });
        blocks.push(Block::Note(
            "条形长度为实际支出占预算的比例，数字为支出 ÷ 预算（超出预算按满格显示）。".into(),
        ));
        blocks.push(Block::Heading("四、活动效果".into()));
        blocks.push(Block::Table(Table {
            header: vec![
                "活动".into(),
                "时间 / 地点".into(),
                "支出 / 预算".into(),
                "参与".into(),
                "成果".into(),
                "单位成果成本".into(),
                "合作伙伴销售增长".into(),
                "知名度 / 满意度".into(),
            ],
            widths: vec![1.9, 1.8, 1.5, 0.7, 1.0, 1.3, 1.5, 1.3],
            rows: activities
                .iter()
                .map(|a| {
                    let e = &a.effect;
                    let sales = match e.sales.growth_bp {
                        Some(g) => format!(
                            "{}\n{} → {}",
                            percent(g),
                            money_text(e.sales.before_minor, &e.sales.currency),
                            money_text(e.sales.after_minor, &e.sales.currency)
                        ),
                        None if e.sales.after_minor > 0 => {
                            format!("新增 {}", money_text(e.sales.after_minor, &e.sales.currency))
                        }
                        None => "—".into(),
                    };
                    vec![
                        format!("{}\n{}", a.row.theme, form_name(&a.row.form)),
                        format!("{} 至 {}\n{}", a.row.starts_on, a.row.ends_on, a.row.place),
                        format!(
                            "{}\n/ {}",
                            money_text(a.row.spent_minor, &a.row.currency),
                            money_text(a.row.budget_minor, &a.row.currency)
                        ),
                        e.participants.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
                        e.results.map(|r| format!("{r} {}", e.result_label)).unwrap_or_else(|| "—".into()),
                        e.cost_per_result_minor
                            .map(|c| money_text(c, &a.row.currency))
                            .unwrap_or_else(|| "—".into()),
                        sales,
                        format!(
                            "{}\n{}",
                            e.awareness_gain_bp
                                .map(|g| format!("+{}", percent(g)))
                                .unwrap_or_else(|| "—".into()),
                            e.satisfaction_x10
                                .map(|s| format!("{}.{} / 5", s / 10, s % 10))
                                .unwrap_or_else(|| "—".into())
                        ),
                    ]
                })
                .collect(),
        }));
        blocks.push(Block::Note(format!(
            "销售增长：参与合作伙伴已确认订单，活动开始至结束后 {} 天，与之前同样天数相比。",
            super::SALES_TAIL_DAYS
        )));
        let lessons: Vec<String> = activities
            .iter()
            .filter(|a| !a.effect.lessons.is_empty())
            .map(|a| format!("【{}】{}", a.row.theme, a.effect.lessons))
            .collect();
        blocks.push(Block::Heading("五、经验与教训".into()));
        blocks.push(Block::Paragraph(if lessons.is_empty() {
            "本期活动尚未完成效果评估。".into()
        } else {
            lessons.join("\n")
        }));
    }
    let mut parts: Vec<String> = vec![from.clone(), to.clone()];
    parts.extend(goals.iter().map(|g| format!("{}:{}:{:?}", g.id, g.hlc, g.actual_bp)));
    parts.extend(strategies.iter().map(|s| format!("{}:{}:{}", s.id, s.hlc, s.spent_minor)));
    parts.extend(
        activities.iter().map(|a| format!("{}:{}:{:?}", a.row.id, a.hlc, a.effect.sales.after_minor)),
    );
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let number = format!("PROMO-{from}-{to}");
    let frame = Frame {
        title: format!("市场推广活动总结 {from} 至 {to}"),
        header: "市场推广活动总结".into(),
        number: number.clone(),
        fingerprint: crate::documents::content_fingerprint(&refs),
        watermark: None,
        mark: None,
        keywords: vec![],
        made_on: to.clone(),
        certificate: false,
        seam: false,
        author: String::new(),
    };
    crate::documents::issue(desk, "promotion", blocks, frame).await
}
