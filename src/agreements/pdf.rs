//! The printed agreement: title and number, the parties, every clause numbered 第一条…, the
//! key commercial terms as a table, and the signature block (kept on one page), laid out by
//! [`crate::documents::layout`] with the version's fingerprint on every page.
//!
//! Invariant: the document is made from one stored version and the agreement's signing
//! record only, so printing the same version again gives the same bytes (a copy's mark
//! aside).

use super::{Head, VARIABLES, Version, fill, placeholders, variable_label};
use crate::documents::fonts::Face;
use crate::documents::layout::{self, Block, Frame, Table, chinese_number};
use crate::error::Result;
use sqlx::SqliteConnection;

/// Everything printed, read before rendering (which runs off the async runtime).
pub struct Document {
    number: String,
    title: String,
    kind: String,
    master: Option<(String, Option<String>)>,
    /// An amendment's master clauses as signed (key, title), to say which one a clause changes.
    master_clauses: Vec<(String, String)>,
    version: Version,
    signing: super::signing::Signing,
    effective_on: Option<String>,
    expires_on: Option<String>,
    /// The originals carry the seam-seal guide (骑缝章): the template's `seam_mark`.
    seam_mark: bool,
}

const KIND_NAMES: [(&str, &str); 5] = [
    ("distribution", "分销协议"),
    ("agency", "代理协议"),
    ("reseller", "经销协议"),
    ("service", "服务合作协议"),
    ("amendment", "补充协议"),
];

/// Shown where a variable is not filled yet.
pub const BLANK: &str = "＿＿＿＿＿＿";

impl Document {
    pub(crate) async fn load(
        conn: &mut SqliteConnection,
        id: &str,
        v: &Version,
        h: &Head,
    ) -> Result<Document> {
        let signing: super::signing::Signing = sqlx::query_as(
            "SELECT signed_on, signed_place, our_signatory, our_capacity, our_authorisation, their_signatory,
                their_capacity, their_authorisation FROM agreement WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let (effective_on, expires_on, signed_id): (Option<String>, Option<String>, Option<String>) =
            sqlx::query_as("SELECT effective_on, expires_on, signed_version_id FROM agreement WHERE id = ?")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        // An amendment has no template of its own: its master's decides.
        let seam_mark: bool = sqlx::query_scalar(
            "SELECT COALESCE((SELECT t.seam_mark FROM agreement_template t
                 WHERE t.id = COALESCE(a.template_id, (SELECT m.template_id FROM agreement m WHERE m.id = a.master_id))), 1)
             FROM agreement a WHERE a.id = ?",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let master = match &h.master_id {
            Some(m) => Some(
                sqlx::query_as::<_, (String, Option<String>)>(
                    "SELECT number, signed_on FROM agreement WHERE id = ?",
                )
                .bind(m)
                .fetch_one(&mut *conn)
                .await?,
            ),
            None => None,
        };
        let master_clauses: Vec<(String, String)> = match &h.master_id {
            Some(m) => {
                let text: Option<String> = sqlx::query_scalar(
                    "SELECT v.clauses FROM agreement a JOIN agreement_version v ON v.id = a.signed_version_id WHERE a.id = ?",
                )
                .bind(m)
                .fetch_optional(&mut *conn)
                .await?;
                let clauses: Vec<super::ClauseText> =
                    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
                clauses.into_iter().map(|c| (c.key, c.title)).collect()
            }
            None => Vec::new(),
        };
        // Signatures are printed only on the version that was signed.
        let is_signed = signed_id.as_deref() == Some(v.id.as_str());
        Ok(Document {
            number: h.number.clone(),
            title: h.title.clone(),
            kind: h.kind.clone(),
            master,
            master_clauses,
            version: v.clone(),
            signing: if is_signed { signing } else { Default::default() },
            effective_on: if is_signed { effective_on } else { None },
            expires_on: if is_signed { expires_on } else { None },
            seam_mark,
        })
    }

    /// The blocks of the document.
    pub fn blocks(&self) -> Vec<Block> {
        let v = &self.version;
        // Dates, amounts, places and cycles read as legal text writes them, not as typed.
        let shown = shown_variables(&v.variables);
        let vars = &shown;
        let get =
            |k: &str| vars.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()).unwrap_or(BLANK).to_string();
        let kind_name = KIND_NAMES.iter().find(|(k, _)| *k == self.kind).map(|(_, n)| *n).unwrap_or("协议");
        let mut blocks = vec![Block::Title {
            text: self.title.clone(),
            sub: Some(format!("{kind_name} · 协议编号 {} · 第 {} 版", self.number, v.number)),
        }];
        blocks.push(Block::Fields(vec![
            ("甲方".into(), get("company_name")),
            ("统一社会信用代码".into(), get("company_credit_code")),
            ("乙方".into(), get("partner_name")),
            ("统一社会信用代码".into(), get("partner_credit_code")),
            ("住所".into(), get("partner_address")),
        ]));
        if let Some((master, signed_on)) = &self.master {
            let on = signed_on.clone().unwrap_or_else(|| BLANK.into());
            blocks.push(Block::Space(2.0));
            blocks.push(Block::Paragraph(format!(
                "鉴于甲乙双方已于{on}签订编号为 {master} 的协议（以下简称“原协议”），经双方协商一致，\
                 现就原协议的变更事宜订立本补充协议。本补充协议未作变更的部分，仍按原协议执行。"
            )));
        }
        blocks.push(Block::Space(3.0));
        for (i, c) in v.clauses.iter().enumerate() {
            let title = fill(&c.title, vars, BLANK);
            // In an amendment, say which clause of the master it changes, or that it is new.
            let title = match self.master_clauses.iter().position(|(k, _)| *k == c.key) {
                Some(j) if self.master.is_some() => format!(
                    "原协议第{}条“{}”修改为：{title}",
                    chinese_number(j as u32 + 1),
                    self.master_clauses[j].1
                ),
                None if self.master.is_some() => format!("新增条款：{title}"),
                _ => title,
            };
            blocks.push(Block::Clause {
                number: format!("第{}条", chinese_number(i as u32 + 1)),
                title,
                body: grouped_money(&fill(&c.body, vars, BLANK)),
            });
        }
        // The commercial terms at a glance: every variable the clauses use, in catalogue order.
        let mut used: Vec<String> = Vec::new();
        for c in &v.clauses {
            for p in placeholders(&c.body) {
                if !used.contains(&p) {
                    used.push(p);
                }
            }
        }
        let mut rows: Vec<Vec<String>> = VARIABLES
            .iter()
            .filter(|(k, _)| {
                used.iter().any(|u| u == k) && !k.starts_with("company_") && !k.starts_with("partner_")
            })
            .map(|(k, label)| vec![label.to_string(), get(k)])
            .collect();
        for u in &used {
            if !VARIABLES.iter().any(|(k, _)| k == u) {
                rows.push(vec![variable_label(u).to_string(), get(u)]);
            }
        }
        if !rows.is_empty() {
            blocks.push(Block::Heading("附件：主要商务条款".into()));
            blocks.push(Block::Table(Table {
                header: vec!["条款".into(), "约定内容".into()],
                widths: vec![1.0, 3.0],
                rows,
            }));
        }
        let s = &self.signing;
        let capacity = |c: &str| match c {
            "legal_rep" => "法定代表人",
            "authorised" => "授权代表",
            _ => "法定代表人或授权代表",
        };
        // Issue 24: each side signs by hand on a line and dates by hand, with a free square for
        // its seal that covers neither; the signatory recorded at signing is printed below.
        let side = |party: &str, name: String, signatory: &str, cap: &str, auth: &str| {
            let mut rows = vec![
                (format!("{party}（盖章）"), name),
                (layout::SEAL.to_string(), String::new()),
                (format!("{}（签字）", capacity(cap)), String::new()),
            ];
            if !signatory.is_empty() {
                rows.push(("签字人".into(), signatory.to_string()));
            }
            rows.push(("日期".into(), "______年____月____日".into()));
            if !auth.is_empty() {
                rows.push(("授权文件".into(), auth.to_string()));
            }
            rows
        };
        let mut sign = vec![Block::Space(6.0), Block::Heading("签署".into())];
        if !s.signed_place.is_empty() {
            let mut line = format!("签署地点：{}", s.signed_place);
            let date = |d: &String| legal_date(d).unwrap_or_else(|| d.clone());
            if let Some(e) = &self.effective_on {
                line.push_str(&format!("　生效日期：{}", date(e)));
            }
            if let Some(x) = &self.expires_on {
                line.push_str(&format!("　到期日期：{}", date(x)));
            }
            sign.push(Block::Paragraph(line));
        }
        sign.push(Block::Columns(vec![
            side("甲方", get("company_name"), &s.our_signatory, &s.our_capacity, &s.our_authorisation),
            side("乙方", get("partner_name"), &s.their_signatory, &s.their_capacity, &s.their_authorisation),
        ]));
        blocks.push(Block::Keep(sign));
        blocks
    }

    /// The PDF: with the draft watermark when `draft`, once per entry of `marks` (a copy
    /// mark, or none).
    pub fn render(&self, face: &Face, draft: bool, marks: &[Option<String>]) -> Result<Vec<u8>> {
        self.render_frames(face, draft, marks, false)
    }

    /// The originals for signing (one per mark), with the seam-seal guide on every page where the
    /// template asks for it.
    pub fn render_originals(&self, face: &Face, marks: &[Option<String>]) -> Result<Vec<u8>> {
        self.render_frames(face, false, marks, self.seam_mark)
    }

    fn render_frames(
        &self,
        face: &Face,
        draft: bool,
        marks: &[Option<String>],
        seam: bool,
    ) -> Result<Vec<u8>> {
        let frames: Vec<Frame> = marks
            .iter()
            .map(|mark| Frame {
                title: format!("{} {}", self.title, self.number),
                header: format!("{} · 第 {} 版", self.title, self.version.number),
                number: self.number.clone(),
                fingerprint: self.version.fingerprint.clone(),
                watermark: draft.then(|| "草稿 DRAFT".to_string()),
                mark: mark.clone(),
                keywords: vec![format!("version:{}", self.version.number)],
                made_on: self.version.created_at.clone(),
                certificate: false,
                seam,
                author: self.version.variables.get("company_name").cloned().unwrap_or_default(),
            })
            .collect();
        layout::render_copies(face, &frames, &self.blocks())
    }
}

/// `2026-03-01` as legal text writes it, `2026年3月1日`; `None` for anything but such a date.
pub fn legal_date(text: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    Some(format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

/// The value of variable `key` as the agreement's text reads it: dates as legal text writes
/// them (2026年3月1日, issue 24), the annual target grouped by thousands, a territory of division
/// codes by its places (广东省广州市、佛山市) and a settlement cycle in words (issue 23); anything
/// else as typed.
pub fn shown_value(key: &str, value: &str) -> String {
    let value = legal_date(value).unwrap_or_else(|| value.to_string());
    match key {
        "territory" => super::territory_codes(&value)
            .and_then(|codes| crate::reference::territory_text(&codes))
            .unwrap_or(value),
        "settlement_cycle" => super::CYCLE_CODES
            .iter()
            .position(|c| *c == value.trim())
            .map(|i| super::CYCLE_WORDS[i].to_string())
            .unwrap_or(value),
        k if AMOUNT_VARIABLES.contains(&k) => grouped_amounts(&value),
        _ => value,
    }
}

/// Every variable as [`shown_value`] shows it.
pub fn shown_variables(
    variables: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    variables.iter().map(|(k, v)| (k.clone(), shown_value(k, v))).collect()
}

/// Variables holding amounts, printed with thousands separators.
const AMOUNT_VARIABLES: [&str; 1] = ["annual_target"];

/// `text` with each number in it replaced by `f(chars, start, end)`: a run of digits, with the
/// characters of `inner` between digits (a trailing one belongs to the sentence, not to the
/// number); everything else copied as it is.
fn rewrite_numbers(text: &str, inner: &[char], f: impl Fn(&[char], usize, usize) -> String) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || inner.contains(&chars[i])) {
            i += 1;
        }
        while !chars[i - 1].is_ascii_digit() {
            i -= 1;
        }
        out.push_str(&f(&chars, start, i));
    }
    out
}

/// `text` with every whole number of four or more digits grouped by thousands, as amounts are
/// written (人民币 5000000 元 → 人民币 5,000,000 元); a year (followed by 年), a fraction's digits
/// and numbers already grouped are left as they are.
pub fn grouped_amounts(text: &str) -> String {
    rewrite_numbers(text, &[], |chars, start, end| {
        let run: String = chars[start..end].iter().collect();
        let before = start.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(end).copied();
        let after_grouped = after == Some(',') && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit());
        if run.len() < 4
            || matches!(before, Some('.' | ','))
            || after_grouped
            || matches!(after, Some('年' | '-' | '/'))
        {
            return run;
        }
        let mut out = String::with_capacity(run.len() + run.len() / 3);
        for (k, c) in run.chars().enumerate() {
            if k > 0 && (run.len() - k).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    })
}

/// `text` (clause text as legal staff typed it) with the amounts of money in it grouped by
/// thousands: a whole number of four or more digits written as money (before 元, 万元 or 亿元,
/// or after 人民币, ¥, ￥ or RMB), as [`grouped_amounts`] groups it; other numbers (article and
/// telephone numbers, years, codes) stay as typed.
pub fn grouped_money(text: &str) -> String {
    rewrite_numbers(text, &['.', ','], |chars, start, end| {
        let number: String = chars[start..end].iter().collect();
        let before: String = chars[..start].iter().rev().skip_while(|c| c.is_whitespace()).take(3).collect();
        let before: String = before.chars().rev().collect();
        let mut rest = chars[end..].iter().skip_while(|c| c.is_whitespace()).peekable();
        if matches!(rest.peek(), Some('万' | '亿')) {
            rest.next();
        }
        let money =
            rest.next() == Some(&'元') || ["人民币", "¥", "￥", "RMB"].iter().any(|m| before.ends_with(m));
        let glued = start > 0 && (chars[start - 1].is_ascii_alphanumeric() || chars[start - 1] == '-');
        if money && !glued { grouped_amounts(&number) } else { number }
    })
}

/// A document made from given parts (benchmarks and tests of the layout without a database).
pub fn sample(number: &str, version: Version, kind: &str) -> Document {
    Document {
        number: number.into(),
        title: "渠道分销协议".into(),
        kind: kind.into(),
        master: None,
        master_clauses: Vec::new(),
        version,
        signing: Default::default(),
        effective_on: None,
        expires_on: None,
        seam_mark: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands_but_not_years_or_grouped_numbers() {
        assert_eq!(grouped_amounts("人民币 5000000 元"), "人民币 5,000,000 元");
        assert_eq!(grouped_amounts("人民币1234.50元"), "人民币1,234.50元");
        assert_eq!(grouped_amounts("2026年度目标 12000 万元"), "2026年度目标 12,000 万元");
        assert_eq!(grouped_amounts("人民币 500 万元"), "人民币 500 万元");
        assert_eq!(grouped_amounts("人民币 5,000,000 元"), "人民币 5,000,000 元");
        assert_eq!(grouped_amounts("0.12345"), "0.12345");
    }

    #[test]
    fn money_typed_into_clauses_is_grouped_and_other_numbers_are_not() {
        assert_eq!(grouped_money("保证金人民币50000元。"), "保证金人民币50,000元。");
        assert_eq!(grouped_money("年度目标 12000 万元，"), "年度目标 12,000 万元，");
        assert_eq!(grouped_money("授信额度为¥1500000.50，"), "授信额度为¥1,500,000.50，");
        assert_eq!(grouped_money("RMB 2500000 per year"), "RMB 2,500,000 per year");
        assert_eq!(grouped_money("人民币 5,000,000 元"), "人民币 5,000,000 元");
        assert_eq!(grouped_money("人民币800元"), "人民币800元");
        assert_eq!(
            grouped_money("违约金为合同金额的 10%，按 2026 年标准；服务热线 4008001234。"),
            "违约金为合同金额的 10%，按 2026 年标准；服务热线 4008001234。"
        );
        assert_eq!(grouped_money("订单 SO-20261234 元"), "订单 SO-20261234 元");
        assert_eq!(grouped_money("共计10000元."), "共计10,000元.");
    }
}
