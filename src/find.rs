//! Search everything (issue 25, Ctrl+K in the window): one query over partners (prospects and
//! leads among them, with their contacts, phones and the pinyin of their names) and every other
//! kind of record a user opens: agreements (number, title, the current version's clauses and
//! variables), orders, statements, trade shows, research and market notes, risks, support
//! requests and after-sales cases.
//!
//! Partners are searched by their own index ([`crate::partners::list`]); the other kinds by one
//! trigram index kept by triggers (migration `20261206100000_search_everything.sql`), whose
//! entry ids put each kind in a rowid range of its own, so each group is read newest first and
//! bounded, whatever the other kinds hold.
//!
//! Invariants: only kinds the signed-in person may read are searched
//! ([`FindKind::read_action`]); deleted records never appear; each group holds at most [`GROUP_SIZE`] hits
//! and counts matches up to [`COUNT_CAP`]; a query whose terms are all shorter than three
//! characters searches partners only (a trigram needs three), and says so (`partners_only`).

use crate::access::{self, Action};
use crate::desk::Desk;
use crate::error::{Error, FieldError, Result};
use crate::partners::{self, ListQuery, PartnerStatus};
use crate::search::{self, Term};
use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

/// Hits shown per kind.
pub const GROUP_SIZE: i64 = 5;
/// Matches are counted up to this number per kind ("1,000+" beyond), as the partner list counts.
pub const COUNT_CAP: i64 = partners::SEARCH_COUNT_CAP;
/// Longest query accepted, in characters.
pub const MAX_QUERY: usize = 200;

/// The kinds of record search finds, in the order their groups are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FindKind {
    Partner,
    Agreement,
    Order,
    Statement,
    Event,
    Note,
    Risk,
    Support,
    Case,
}

/// One kind in the shared index: its code (rowid range) and the SQL that names a hit (`title`, `detail`, the window area and record it opens) from its row `x`.
struct Indexed {
    kind: FindKind,
    code: i64,
    /// FROM/JOIN clauses after `find_doc d` (the row is `x`, its partner `p`).
    from: &'static str,
    /// `title, detail, area, open` columns.
    select: &'static str,
}

impl FindKind {
    /// The action its records are read with (the same as their own lists'): the one place
    /// search decides who sees which kind.
    pub fn read_action(self) -> Action {
        match self {
            FindKind::Partner
            | FindKind::Agreement
            | FindKind::Order
            | FindKind::Statement
            | FindKind::Event
            | FindKind::Note
            | FindKind::Risk
            | FindKind::Support
            | FindKind::Case => Action::PartnerRead,
        }
    }
}

/// The kinds of the shared index; codes as in the migration (rowid = code · 2^40 + sequence).
const INDEXED: [Indexed; 8] = [
    Indexed {
        kind: FindKind::Agreement,
        code: 1,
        from: "JOIN agreement x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id",
        select: "x.number || ' ' || x.title, coalesce(p.name, ''), 'agreements', x.id",
    },
    Indexed {
        kind: FindKind::Order,
        code: 2,
        from: "JOIN sales_order x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id",
        select: "x.number, coalesce(p.name, '') || ' · ' || x.customer_name, 'orders', x.id",
    },
    Indexed {
        kind: FindKind::Statement,
        code: 3,
        from: "JOIN statement x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id",
        select: "x.number, coalesce(p.name, '') || ' · ' || x.period_from || ' – ' || x.period_to, 'settlement', x.id",
    },
    Indexed {
        kind: FindKind::Event,
        code: 4,
        from: "JOIN trade_event x ON x.id = d.ref_id",
        select: "x.name, x.number || ' · ' || x.city || ' · ' || x.starts_on, 'events', x.id",
    },
    Indexed {
        kind: FindKind::Note,
        code: 5,
        from: "JOIN research_note x ON x.id = d.ref_id",
        select: "x.title, x.noted_on,
                 CASE WHEN x.topic IN ('market_trend', 'competitor_promotion', 'customer_needs')
                      THEN 'market' ELSE 'research' END, x.id",
    },
    Indexed {
        kind: FindKind::Risk,
        code: 6,
        from: "JOIN risk x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id",
        select: "x.number || ' ' || x.title, coalesce(p.name, ''), 'risks', x.id",
    },
    Indexed {
        kind: FindKind::Support,
        code: 7,
        from: "JOIN support_request x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id",
        select: "x.subject, coalesce(p.name, ''), 'partners', x.partner_id",
    },
    Indexed {
        kind: FindKind::Case,
        code: 8,
        from: "JOIN aftersales_case x ON x.id = d.ref_id LEFT JOIN partner p ON p.id = x.partner_id
               LEFT JOIN sales_order o ON o.id = x.order_id",
        select: "x.subject, coalesce(p.name, '') || ' · ' || coalesce(o.number, ''), 'orders', x.order_id",
    },
];

/// One record found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Hit {
    pub kind: FindKind,
    /// The record's id.
    pub id: String,
    pub title: String,
    /// Who or what it belongs to (partner, customer, dates).
    pub detail: String,
    /// A partner's status (prospects are partners not yet signed).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PartnerStatus>,
    /// Where the query matched when the title does not show it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// The window area that opens it (`partners`, `agreements`, `orders`, `settlement`,
    /// `events`, `research`, `market`, `risks`) and the record that area opens.
    pub area: String,
    pub open: String,
}

/// The hits of one kind.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Group {
    pub kind: FindKind,
    /// Matches of this kind, counted up to [`COUNT_CAP`] + 1.
    #[ts(type = "number")]
    pub total: i64,
    pub capped: bool,
    pub hits: Vec<Hit>,
}

/// What a search found: the groups with at least one hit, in [`FindKind`] order.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Found {
    pub groups: Vec<Group>,
    /// Only partners were searched: every term is shorter than three characters.
    pub partners_only: bool,
}

/// Searches every kind the signed-in person may read for `q` (terms separated by spaces, all
/// of which must match; Chinese substrings, numbers, phones, pinyin of names).
pub async fn everything(desk: &Desk, q: &str) -> Result<Found> {
    let me = desk.require(Action::PartnerRead)?;
    if q.chars().count() > MAX_QUERY {
        return Err(Error::Validation(vec![FieldError::with_limit("q", "too_long", MAX_QUERY as u32)]));
    }
    let terms = search::parse_query(q);
    let mut groups = Vec::new();
    if terms.is_empty() {
        return Ok(Found { groups, partners_only: false });
    }
    if access::any_allows(&me.roles, FindKind::Partner.read_action()) {
        let page = partners::list(
            desk,
            &ListQuery { q: q.to_string(), limit: GROUP_SIZE as u32, ..Default::default() },
        )
        .await?;
        if page.total > 0 {
            groups.push(Group {
                kind: FindKind::Partner,
                total: page.total,
                capped: page.total_capped,
                hits: page
                    .rows
                    .into_iter()
                    .map(|r| Hit {
                        kind: FindKind::Partner,
                        detail: [r.city.as_str(), r.primary_contact.as_deref().unwrap_or("")]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        status: Some(r.status),
                        excerpt: r.hint.map(|h| h.excerpt),
                        area: "partners".into(),
                        open: r.id.clone(),
                        id: r.id,
                        title: r.name,
                    })
                    .collect(),
            });
        }
    }
    let long: Vec<&str> = terms
        .iter()
        .filter_map(|t| match t {
            Term::Trigram(phrase) => Some(phrase.as_str()),
            _ => None,
        })
        .collect();
    if long.is_empty() {
        return Ok(Found { groups, partners_only: true });
    }
    let matching = long.join(" AND ");
    let short: Vec<String> = terms
        .iter()
        .filter_map(|t| match t {
            Term::Gram(g) => Some(search::like_contains(g)),
            Term::GramRange(c, _) => Some(search::like_contains(c)),
            Term::Trigram(_) => None,
        })
        .collect();
    let folded = search::folded_terms(q);
    let mut conn = desk.pool().acquire().await?;
    for k in INDEXED.iter().filter(|k| access::any_allows(&me.roles, k.kind.read_action())) {
        let (lo, hi) = (k.code << 40, ((k.code + 1) << 40) - 1);
        let matches = |qb: &mut QueryBuilder<Sqlite>| {
            qb.push(" FROM find_fts f JOIN find_doc d ON d.rid = f.rowid ").push(k.from);
            qb.push(" WHERE find_fts MATCH ").push_bind(matching.clone());
            qb.push(" AND f.rowid BETWEEN ").push_bind(lo).push(" AND ").push_bind(hi);
            qb.push(" AND x.deleted_at IS NULL");
            for s in &short {
                qb.push(" AND f.body LIKE ").push_bind(s.clone()).push(" ESCAPE '\\'");
            }
        };
        let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM (SELECT 1");
        matches(&mut cq);
        cq.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(")");
        let total: i64 = cq.build_query_scalar().fetch_one(&mut *conn).await?;
        if total == 0 {
            continue;
        }
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT x.id, ");
        qb.push(k.select).push(", f.body");
        matches(&mut qb);
        qb.push(" ORDER BY f.rowid DESC LIMIT ").push_bind(GROUP_SIZE);
        let rows: Vec<(String, String, String, String, String, String)> =
            qb.build_query_as().fetch_all(&mut *conn).await?;
        let hits = rows
            .into_iter()
            .map(|(id, title, detail, area, open, body)| {
                let shown = crate::validate::fold(&format!("{title}\n{detail}"));
                let excerpt = if folded.iter().all(|t| shown.contains(t.as_str())) {
                    None
                } else {
                    search::excerpt(&body, &folded, 40)
                };
                Hit { kind: k.kind, id, title, detail, status: None, excerpt, area, open }
            })
            .collect();
        groups.push(Group { kind: k.kind, total, capped: total > COUNT_CAP, hits });
    }
    Ok(Found { groups, partners_only: false })
}
