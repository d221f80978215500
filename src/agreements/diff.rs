//! Differences between two versions of an agreement (R3.1.1): clause by clause (matched by
//! key: added, removed, changed, unchanged) and within a changed clause character by
//! character (Chinese has no spaces to split words on), with the variables that changed.

use super::{ClauseText, version};
use crate::access::Action;
use crate::desk::Desk;
use crate::error::Result;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

/// A run of text kept, deleted or inserted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Span {
    /// `equal`, `delete`, `insert`.
    pub op: String,
    pub text: String,
}

/// One clause compared.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ClauseDiff {
    pub key: String,
    /// `added`, `removed`, `changed`, `same`.
    pub change: String,
    pub title: Vec<Span>,
    pub body: Vec<Span>,
}

/// A variable whose value differs.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VariableDiff {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Version `from` against version `to`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VersionDiff {
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    pub clauses: Vec<ClauseDiff>,
    pub variables: Vec<VariableDiff>,
}

/// Character spans turning `old` into `new`.
pub fn spans(old: &str, new: &str) -> Vec<Span> {
    let diff = TextDiff::from_chars(old, new);
    let mut out: Vec<Span> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        let text = change.to_string_lossy();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => out.push(Span { op: op.into(), text: text.into_owned() }),
        }
    }
    out
}

fn whole(op: &str, text: &str) -> Vec<Span> {
    if text.is_empty() { Vec::new() } else { vec![Span { op: op.into(), text: text.into() }] }
}

/// Compares two clause lists.
pub fn clauses(old: &[ClauseText], new: &[ClauseText]) -> Vec<ClauseDiff> {
    let mut out = Vec::new();
    let removed = |c: &ClauseText| ClauseDiff {
        key: c.key.clone(),
        change: "removed".into(),
        title: whole("delete", &c.title),
        body: whole("delete", &c.body),
    };
    // Removed clauses are shown after the clause that preceded them in the old version.
    let mut old_i = 0;
    for c in new {
        match old.iter().position(|o| o.key == c.key) {
            Some(at) => {
                for o in &old[old_i.min(at)..at] {
                    if !new.iter().any(|n| n.key == o.key) {
                        out.push(removed(o));
                    }
                }
                old_i = old_i.max(at + 1);
                let o = &old[at];
                let same = o.title == c.title && o.body == c.body && o.category == c.category;
                out.push(ClauseDiff {
                    key: c.key.clone(),
                    change: if same { "same" } else { "changed" }.into(),
                    title: spans(&o.title, &c.title),
                    body: spans(&o.body, &c.body),
                });
            }
            None => out.push(ClauseDiff {
                key: c.key.clone(),
                change: "added".into(),
                title: whole("insert", &c.title),
                body: whole("insert", &c.body),
            }),
        }
    }
    for o in &old[old_i.min(old.len())..] {
        if !new.iter().any(|n| n.key == o.key) {
            out.push(removed(o));
        }
    }
    out
}

/// Compares versions `from` and `to` of agreement `id`.
pub async fn versions(desk: &Desk, id: &str, from: i64, to: i64) -> Result<VersionDiff> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let a = version(&mut conn, id, from).await?;
    let b = version(&mut conn, id, to).await?;
    let mut keys: Vec<&String> = a.variables.keys().chain(b.variables.keys()).collect();
    keys.sort();
    keys.dedup();
    let variables = keys
        .into_iter()
        .filter(|k| a.variables.get(*k) != b.variables.get(*k))
        .map(|k| VariableDiff {
            key: k.clone(),
            before: a.variables.get(k).cloned(),
            after: b.variables.get(k).cloned(),
        })
        .collect();
    Ok(VersionDiff { from, to, clauses: clauses(&a.clauses, &b.clauses), variables })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(key: &str, body: &str) -> ClauseText {
        ClauseText {
            key: key.into(),
            version: 1,
            category: "other".into(),
            title: key.into(),
            body: body.into(),
        }
    }

    #[test]
    fn within_a_clause_by_character() {
        let s = spans("按月结算，三十日内付款。", "按季度结算，四十五日内付款。");
        let side =
            |skip: &str| s.iter().filter(|x| x.op != skip).map(|x| x.text.as_str()).collect::<String>();
        assert_eq!(side("insert"), "按月结算，三十日内付款。");
        assert_eq!(side("delete"), "按季度结算，四十五日内付款。");
        assert!(s.iter().any(|x| x.op == "delete" && x.text.contains('月')), "{s:?}");
        assert!(s.iter().any(|x| x.op == "insert" && x.text.contains("季度")), "{s:?}");
        assert!(s.iter().any(|x| x.op == "equal" && x.text.contains("日内付款。")), "{s:?}");
    }

    #[test]
    fn clause_by_clause() {
        let old = [c("a", "甲"), c("b", "乙"), c("c", "丙")];
        let new = [c("a", "甲"), c("c", "丙丁"), c("d", "新")];
        let d = clauses(&old, &new);
        let got: Vec<(&str, &str)> = d.iter().map(|x| (x.key.as_str(), x.change.as_str())).collect();
        assert_eq!(got, [("a", "same"), ("b", "removed"), ("c", "changed"), ("d", "added")]);
    }
}
