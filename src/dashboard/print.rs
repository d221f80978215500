//! A dashboard card on paper and in a spreadsheet (issue 25): the same sections for both — a
//! chart (the layout's vector bars, legible in greyscale: every bar carries its figure in
//! words) and the table of its figures — in Chinese like the company's other documents.
//!
//! Invariant: the PDF and the workbook are made from one [`Card`] read once, so the two never
//! disagree; amounts go into the workbook as numbers (yuan, two decimals), not as text.

use super::{Card, CardKind, Checked, Filter, Point, checked_card};
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{BarChart, BarRow, Block, Frame, Table};
use crate::error::{Error, Result};
use crate::orders::money_text;
use crate::promotion::report::percent;

/// A cell of a section's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// Minor units of the card's currency.
    Money(i64),
    /// Basis points.
    Share(i64),
    /// Nothing to show (—).
    Empty,
}

/// A heading, an optional chart and a table.
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    /// The chart: its rows (label, value, target, the figure in words), whether the values
    /// are money (minor units) or counts, and the axis's label.
    pub bars: Option<(Vec<Bar>, bool, String)>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub note: Option<String>,
}

fn title_of(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Sales => "销售业绩",
        CardKind::Funnel => "招募漏斗",
        CardKind::Classes => "分类分布",
        CardKind::Receivables => "应收账龄与信用预警",
        CardKind::Expiring => "即将到期的协议",
        CardKind::Promotion => "推广投入与效果",
    }
}

fn stage_zh(s: &str) -> &'static str {
    match s {
        "application" => "申请",
        "screening" => "筛选",
        "inspection" => "考察",
        "negotiation" => "谈判",
        "signing" => "签约",
        "signed" => "已签约",
        _ => "",
    }
}

fn source_zh(s: &str) -> &'static str {
    match s {
        "online" => "线上",
        "offline_event" => "线下活动",
        "referral" => "推荐",
        _ => "其他",
    }
}

fn place_zh(key: &str) -> String {
    match key {
        "other" => "其他".into(),
        "" => "未填写".into(),
        k => crate::reference::province(k).map(|p| p.zh.to_string()).unwrap_or_else(|| k.to_string()),
    }
}

fn cell_text(c: &Cell, currency: &str) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Money(m) => money_text(*m, currency),
        Cell::Share(bp) => percent(*bp),
        Cell::Empty => "—".into(),
    }
}

/// A bar of a section's chart: label, value, target (money or count), the figure in words.
pub type Bar = (String, i64, Option<i64>, String);

fn bars(points: &[Point], label: impl Fn(&Point) -> String, words: impl Fn(&Point) -> String) -> Vec<Bar> {
    points.iter().map(|p| (label(p), p.value, (p.target > 0).then_some(p.target), words(p))).collect()
}

fn counts(points: &[Point], label: impl Fn(&Point) -> String, words: impl Fn(&Point) -> String) -> Vec<Bar> {
    points.iter().map(|p| (label(p), p.value, None, words(p))).collect()
}

/// A scale for values up to `max`: its top and step, five or fewer steps of 1, 2 or 5 × 10ⁿ.
pub fn nice_scale(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut unit = 1i64;
    loop {
        for m in [1, 2, 5] {
            let step = m * unit;
            if step * 5 >= max {
                return (step * ((max + step - 1) / step), step);
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// A tick's label: money (minor units) in yuan, in 万 from ten thousand up; counts as they are.
fn tick_label(v: i64, money: bool) -> String {
    if !money {
        return v.to_string();
    }
    let yuan = v / 100;
    if yuan >= 10_000 && yuan % 10_000 == 0 {
        format!("{}万", yuan / 10_000)
    } else if yuan >= 10_000 {
        format!("{:.1}万", yuan as f64 / 10_000.0)
    } else {
        yuan.to_string()
    }
}

fn chart(rows: &[Bar], money: bool, axis: &str) -> BarChart {
    let max = rows.iter().map(|r| r.1.max(r.2.unwrap_or(0))).max().unwrap_or(0);
    let (top, step) = nice_scale(if money { (max + 99) / 100 } else { max });
    let (top, step) = if money { (top * 100, step * 100) } else { (top, step) };
    let share = |v: i64| v as f32 / top as f32;
    BarChart {
        rows: rows
            .iter()
            .map(|(label, value, target, text)| BarRow {
                label: label.clone(),
                value: share(*value),
                target: target.map(share),
                text: text.clone(),
            })
            .collect(),
        ticks: (0..=top / step).map(|k| (share(k * step), tick_label(k * step, money))).collect(),
        axis: axis.to_string(),
    }
}

fn achieved(value: i64, target: i64) -> Cell {
    if target > 0 { Cell::Share(super::share_bp(value, target)) } else { Cell::Empty }
}

/// The sections of `card` and the currency its money is in.
pub fn sections(card: &Card) -> (Vec<Section>, String) {
    match card {
        Card::Sales(s) => {
            let c = s.currency.clone();
            let money = |p: &Point| {
                if p.target > 0 {
                    format!("{} / 目标 {}", money_text(p.value, &c), money_text(p.target, &c))
                } else {
                    money_text(p.value, &c)
                }
            };
            let sales_rows = |points: &[Point], name: &dyn Fn(&Point) -> String| -> Vec<Vec<Cell>> {
                points
                    .iter()
                    .map(|p| {
                        vec![
                            Cell::Text(name(p)),
                            Cell::Count(p.count),
                            Cell::Money(p.value),
                            if p.target > 0 { Cell::Money(p.target) } else { Cell::Empty },
                            achieved(p.value, p.target),
                        ]
                    })
                    .collect()
            };
            let header = |first: &str| {
                vec![first.into(), "订单".into(), "销售额".into(), "目标".into(), "达成率".into()]
            };
            let mut rows = sales_rows(&s.months, &|p| p.key.clone());
            rows.push(vec![
                Cell::Text("合计".into()),
                Cell::Count(s.orders),
                Cell::Money(s.total_minor),
                if s.target_minor > 0 { Cell::Money(s.target_minor) } else { Cell::Empty },
                achieved(s.total_minor, s.target_minor),
            ]);
            let region_name = |p: &Point| place_zh(&p.key);
            (
                vec![
                    Section {
                        heading: "按月".into(),
                        bars: Some((bars(&s.months, |p| p.key.clone(), money), true, format!("已确认订单金额（{c}）"))),
                        header: header("月份"),
                        rows,
                        note: Some(
                            "销售额为期间内下单且已确认的订单；目标为生效协议约定的年度销售目标，按在效月份每月计十二分之一。"
                                .into(),
                        ),
                    },
                    Section {
                        heading: "按地区".into(),
                        bars: Some((bars(&s.regions, region_name, money), true, format!("已确认订单金额（{c}）"))),
                        header: header("地区"),
                        rows: sales_rows(&s.regions, &region_name),
                        note: None,
                    },
                    Section {
                        heading: "按产品".into(),
                        bars: Some((
                            bars(
                                &s.products,
                                |p| if p.key == "other" { "其他".into() } else { p.label.clone() },
                                |p| money_text(p.value, &c),
                            ),
                            true,
                            format!("订单行金额（{c}）"),
                        )),
                        header: vec!["产品".into(), "编码".into(), "数量".into(), "金额".into()],
                        rows: s
                            .products
                            .iter()
                            .map(|p| {
                                vec![
                                    Cell::Text(if p.key == "other" { "其他".into() } else { p.label.clone() }),
                                    Cell::Text(if p.key == "other" { String::new() } else { p.key.clone() }),
                                    Cell::Count(p.count),
                                    Cell::Money(p.value),
                                ]
                            })
                            .collect(),
                        note: None,
                    },
                ],
                c,
            )
        }
        Card::Funnel(f) => {
            let days = |n: i64| if n < 0 { Cell::Empty } else { Cell::Count(n) };
            let by = |points: &[Point], name: &dyn Fn(&Point) -> String| -> Vec<Vec<Cell>> {
                points
                    .iter()
                    .map(|p| {
                        vec![
                            Cell::Text(name(p)),
                            Cell::Count(p.value),
                            Cell::Count(p.count),
                            Cell::Share(super::share_bp(p.count, p.value)),
                            Cell::Count(p.target),
                        ]
                    })
                    .collect()
            };
            let header = |first: &str| {
                vec![first.into(), "线索".into(), "签约".into(), "签约率".into(), "仍在合作".into()]
            };
            (
                vec![
                    Section {
                        heading: "各阶段".into(),
                        bars: Some((
                            counts(&f.stages, |p| stage_zh(&p.key).into(), |p| format!("{} 家", p.value)),
                            false,
                            "到达该阶段的潜在合作伙伴（家）".into(),
                        )),
                        header: vec![
                            "阶段".into(),
                            "到达".into(),
                            "较上一阶段".into(),
                            "停留天数（中位）".into(),
                        ],
                        rows: f
                            .stages
                            .iter()
                            .enumerate()
                            .map(|(i, p)| {
                                vec![
                                    Cell::Text(stage_zh(&p.key).into()),
                                    Cell::Count(p.value),
                                    if i == 0 { Cell::Empty } else { Cell::Share(p.target) },
                                    if i + 1 == f.stages.len() { Cell::Empty } else { days(p.count) },
                                ]
                            })
                            .collect(),
                        note: Some(format!(
                            "期间内登记的潜在合作伙伴；进行中 {} 家，已淘汰 {} 家。停留天数为进入该阶段到进入下一阶段的天数中位数。",
                            f.open, f.rejected
                        )),
                    },
                    Section {
                        heading: "按来源".into(),
                        bars: None,
                        header: header("来源"),
                        rows: by(&f.sources, &|p| source_zh(&p.key).into()),
                        note: None,
                    },
                    Section {
                        heading: "按展会".into(),
                        bars: None,
                        header: header("展会"),
                        rows: by(&f.events, &|p| p.label.clone()),
                        note: None,
                    },
                ],
                String::new(),
            )
        }
        Card::Classes(k) => {
            let class_name =
                |key: &str| if key == "none" { "未分类".to_string() } else { format!("{key} 类") };
            let total: i64 = k.now.iter().map(|p| p.value).sum();
            let mut sections = vec![Section {
                heading: "当前分类".into(),
                bars: Some((
                    counts(&k.now, |p| class_name(&p.key), |p| format!("{} 家", p.value)),
                    false,
                    "合作中的合作伙伴（家）".into(),
                )),
                header: vec!["类别".into(), "合作伙伴".into(), "占比".into()],
                rows: k
                    .now
                    .iter()
                    .map(|p| {
                        vec![
                            Cell::Text(class_name(&p.key)),
                            Cell::Count(p.value),
                            Cell::Share(super::share_bp(p.value, total)),
                        ]
                    })
                    .collect(),
                note: None,
            }];
            sections.push(Section {
                heading: "历次评估".into(),
                bars: None,
                header: vec!["评估期".into(), "A 类".into(), "B 类".into(), "C 类".into()],
                rows: k
                    .rounds
                    .iter()
                    .map(|r| {
                        let mut row = vec![Cell::Text(r.period.clone())];
                        row.extend(r.classes.iter().map(|p| Cell::Count(p.value)));
                        row
                    })
                    .collect(),
                note: None,
            });
            let move_zh = |m: &str| match m {
                "up" => "升级",
                "down" => "降级",
                "same" => "不变",
                _ => "首次分类",
            };
            sections.push(Section {
                heading: format!(
                    "最近一次评估的类别变化{}",
                    k.rounds.last().map(|r| format!("（{}）", r.period)).unwrap_or_default()
                ),
                bars: None,
                header: vec!["变化".into(), "合作伙伴".into()],
                rows: k
                    .moves
                    .iter()
                    .map(|p| vec![Cell::Text(move_zh(&p.key).into()), Cell::Count(p.value)])
                    .collect(),
                note: None,
            });
            (sections, String::new())
        }
        Card::Receivables(r) => {
            let c = r.currency.clone();
            let reason_zh = |x: &str| match x {
                "overdue" => "逾期",
                "over_limit" => "超信用额度",
                _ => "信用评级关注",
            };
            let level_zh = |l: &str| match l {
                "good" => "良好",
                "fair" => "一般",
                "watch" => "关注",
                "poor" => "较差",
                _ => "",
            };
            (
                vec![
                    Section {
                        heading: format!("账龄（截至 {}）", r.on),
                        bars: Some((
                            counts(&r.buckets, |p| format!("{} 天", p.key), |p| money_text(p.value, &c)),
                            true,
                            format!("应收金额（{c}）"),
                        )),
                        header: vec!["账龄".into(), "金额".into(), "合作伙伴".into()],
                        rows: r
                            .buckets
                            .iter()
                            .map(|p| {
                                vec![
                                    Cell::Text(format!("{} 天", p.key)),
                                    Cell::Money(p.value),
                                    Cell::Count(p.count),
                                ]
                            })
                            .chain(std::iter::once(vec![
                                Cell::Text("合计".into()),
                                Cell::Money(r.total_minor),
                                Cell::Empty,
                            ]))
                            .collect(),
                        note: Some("账龄按发货日起算；收款与贷项通知先冲抵最早的发货。".into()),
                    },
                    Section {
                        heading: format!("信用预警（共 {} 家）", r.alert_count),
                        bars: None,
                        header: vec![
                            "合作伙伴".into(),
                            "原因".into(),
                            "应收".into(),
                            "逾期".into(),
                            "占用".into(),
                            "额度".into(),
                            "评级".into(),
                        ],
                        rows: r
                            .alerts
                            .iter()
                            .map(|a| {
                                vec![
                                    Cell::Text(a.name.clone()),
                                    Cell::Text(
                                        a.reasons.iter().map(|x| reason_zh(x)).collect::<Vec<_>>().join("、"),
                                    ),
                                    Cell::Money(a.owed_minor),
                                    Cell::Money(a.overdue_minor),
                                    Cell::Money(a.exposure_minor),
                                    a.limit_minor.map(Cell::Money).unwrap_or(Cell::Empty),
                                    a.credit_level
                                        .as_deref()
                                        .map(|l| Cell::Text(level_zh(l).into()))
                                        .unwrap_or(Cell::Empty),
                                ]
                            })
                            .collect(),
                        note: None,
                    },
                ],
                c,
            )
        }
        Card::Expiring(e) => (
            vec![
                Section {
                    heading: "到期时间".into(),
                    bars: Some((
                        counts(&e.buckets, |p| format!("{} 天内", p.key), |p| format!("{} 份", p.value)),
                        false,
                        "生效中的协议（份）".into(),
                    )),
                    header: vec!["到期".into(), "协议".into()],
                    rows: e
                        .buckets
                        .iter()
                        .map(|p| vec![Cell::Text(format!("{} 天内", p.key)), Cell::Count(p.value)])
                        .collect(),
                    note: Some("30 天内、31–60 天、61–90 天分别计数。".into()),
                },
                Section {
                    heading: "最先到期".into(),
                    bars: None,
                    header: vec![
                        "协议编号".into(),
                        "合作伙伴".into(),
                        "类别".into(),
                        "到期日".into(),
                        "剩余天数".into(),
                        "续签".into(),
                    ],
                    rows: e
                        .agreements
                        .iter()
                        .map(|a| {
                            vec![
                                Cell::Text(a.number.clone()),
                                Cell::Text(a.partner_name.clone()),
                                a.class.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                                Cell::Text(a.expires_on.clone()),
                                Cell::Count(a.days_left),
                                Cell::Text(if a.renewing { "已起草".into() } else { "未开始".into() }),
                            ]
                        })
                        .collect(),
                    note: None,
                },
            ],
            String::new(),
        ),
        Card::Promotion(p) => {
            let c = p.currency.clone();
            (
                vec![Section {
                    heading: "各项活动".into(),
                    bars: Some((
                        bars(
                            &p.activities,
                            |a| a.label.chars().take(11).collect(),
                            |a| format!("{} / 预算 {}", money_text(a.value, &c), money_text(a.target, &c)),
                        ),
                        true,
                        format!("实际支出（{c}）"),
                    )),
                    header: vec!["活动".into(), "支出".into(), "预算".into(), "使用率".into(), "成果".into()],
                    rows: p
                        .activities
                        .iter()
                        .map(|a| {
                            vec![
                                Cell::Text(a.label.clone()),
                                Cell::Money(a.value),
                                Cell::Money(a.target),
                                achieved(a.value, a.target),
                                Cell::Count(a.count),
                            ]
                        })
                        .chain(std::iter::once(vec![
                            Cell::Text("合计".into()),
                            Cell::Money(p.spent_minor),
                            Cell::Money(p.budget_minor),
                            achieved(p.spent_minor, p.budget_minor),
                            Cell::Count(p.results),
                        ]))
                        .collect(),
                    note: Some(format!("参与 {} 人次。", p.participants)),
                }],
                c,
            )
        }
    }
}

/// The filters in words, for the document's subtitle.
fn filters_zh(kind: CardKind, f: &Checked) -> String {
    let applies = kind.applies();
    let mut parts = Vec::new();
    if applies.contains(&"period") {
        parts.push(format!("{} 至 {}", f.from, f.to));
    } else {
        parts.push(format!("截至 {}", f.today_text()));
    }
    if applies.contains(&"region") && !f.region.is_empty() {
        parts.push(place_zh(&f.region));
    }
    if applies.contains(&"class") && !f.class.is_empty() {
        parts.push(if f.class == "none" { "未分类".into() } else { format!("{} 类", f.class) });
    }
    if applies.contains(&"mine") && f.mine.is_some() {
        parts.push("我负责的".into());
    }
    parts.join(" · ")
}

fn number_of(kind: CardKind, f: &Checked) -> String {
    format!("DASH-{}-{}", kind.as_str().to_uppercase(), f.today.format("%Y%m%d"))
}

/// Card `kind` for `filter` as a PDF.
pub async fn pdf(desk: &Desk, kind: CardKind, filter: &Filter) -> Result<Printed> {
    let (f, card) = checked_card(desk, kind, filter).await?;
    let (sections, currency) = sections(&card);
    let title = format!("渠道经营看板 · {}", title_of(kind));
    let sub = filters_zh(kind, &f);
    let mut blocks = vec![Block::Title { text: title.clone(), sub: Some(sub.clone()) }];
    let mut seen = Vec::new();
    for s in &sections {
        blocks.push(Block::Heading(s.heading.clone()));
        if let Some((rows, money, axis)) = &s.bars
            && !rows.is_empty()
        {
            blocks.push(Block::Chart(chart(rows, *money, axis)));
            if rows.iter().any(|r| r.2.is_some()) {
                blocks.push(Block::Note("灰色条为实际，黑色竖线为目标。".into()));
            }
        }
        if s.rows.is_empty() {
            blocks.push(Block::Paragraph("没有记录。".into()));
        } else {
            let rows: Vec<Vec<String>> =
                s.rows.iter().map(|r| r.iter().map(|c| cell_text(c, &currency)).collect()).collect();
            seen.extend(rows.iter().flatten().cloned());
            blocks.push(Block::Table(Table {
                widths: s.header.iter().enumerate().map(|(i, _)| if i == 0 { 2.0 } else { 1.0 }).collect(),
                header: s.header.clone(),
                rows,
            }));
        }
        if let Some(n) = &s.note {
            blocks.push(Block::Note(n.clone()));
        }
    }
    let mut parts: Vec<&str> = vec![&title, &sub];
    parts.extend(seen.iter().map(String::as_str));
    let frame = Frame {
        title: format!("{title}（{sub}）"),
        header: "渠道经营看板".into(),
        number: number_of(kind, &f),
        fingerprint: crate::documents::content_fingerprint(&parts),
        made_on: f.today_text(),
        ..Frame::default()
    };
    crate::documents::issue(desk, "dashboard", blocks, frame).await
}

/// Card `kind` for `filter` as an .xlsx workbook: a sheet per section, amounts as numbers.
pub async fn xlsx(desk: &Desk, kind: CardKind, filter: &Filter) -> Result<Printed> {
    let (f, card) = checked_card(desk, kind, filter).await?;
    let (sections, _) = sections(&card);
    let err = |e: rust_xlsxwriter::XlsxError| Error::Storage(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    let share = rust_xlsxwriter::Format::new().set_num_format("0.00%");
    for s in &sections {
        let ws = book.add_worksheet();
        let name: String = s.heading.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        ws.set_name(&name).map_err(err)?;
        ws.write_string_with_format(0, 0, format!("{} · {}", title_of(kind), filters_zh(kind, &f)), &bold)
            .map_err(err)?;
        for (i, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(2, i as u16, h, &bold).map_err(err)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 3;
            for (i, c) in row.iter().enumerate() {
                let i = i as u16;
                match c {
                    Cell::Text(t) => ws.write_string(r, i, t).map(|_| ()),
                    Cell::Count(n) => ws.write_number(r, i, *n as f64).map(|_| ()),
                    Cell::Money(m) => {
                        ws.write_number_with_format(r, i, *m as f64 / 100.0, &money).map(|_| ())
                    }
                    Cell::Share(bp) => {
                        ws.write_number_with_format(r, i, *bp as f64 / 10_000.0, &share).map(|_| ())
                    }
                    Cell::Empty => Ok(()),
                }
                .map_err(err)?;
            }
        }
        if let Some(n) = &s.note {
            ws.write_string(s.rows.len() as u32 + 4, 0, n).map_err(err)?;
        }
        ws.set_freeze_panes(3, 0).map_err(err)?;
        ws.autofit();
    }
    let bytes = book.save_to_buffer().map_err(err)?;
    Ok(Printed { bytes, file_name: format!("{}.xlsx", number_of(kind, &f)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_step_by_one_two_or_five() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(7), (8, 2));
        assert_eq!(nice_scale(37), (40, 10));
        assert_eq!(nice_scale(3_703), (4_000, 1_000));
        assert_eq!(nice_scale(1_200_001), (1_500_000, 500_000));
        assert_eq!(tick_label(5_000_000, true), "5万");
        assert_eq!(tick_label(2_500_000, true), "2.5万");
        assert_eq!(tick_label(120_000, true), "1200");
        assert_eq!(tick_label(12, false), "12");
    }

    #[test]
    fn a_chart_puts_the_largest_value_or_target_on_its_scale() {
        let rows: Vec<Bar> = vec![("一月".into(), 300_000, Some(1_000_000), String::new())];
        let c = chart(&rows, true, "");
        assert_eq!(c.rows[0].target, Some(1.0));
        assert!((c.rows[0].value - 0.3).abs() < 1e-6);
        assert_eq!(c.ticks.last().unwrap().1, "1万");
    }
}
