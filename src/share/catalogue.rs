//! Which tables travel in a bundle, which of their columns, and which rows belong to a
//! selection. Local tables (device, settings, search indexes, sign-in failures, the conflict
//! queue, peers, the files printed here) never travel. Local columns: `rid` (a file's own row number),
//! `app_user.password_hash`, `roles` and `disabled` (who may sign in here, and as what, is this
//! laptop's administrator's to decide: a bundle cannot grant a role), the audit
//! chain's `seq`/`prev_hash`/`hash` (each file seals its own chain) and `attachment.bytes`
//! (carried as its own `files/<id>` entry) and `prospect.partner_state` (kept by a trigger from
//! the partner row).

use crate::error::Result;
use sqlx::{Row as _, SqliteConnection};

/// How a selection (chosen partners, in `temp.share_partner`) picks a table's rows.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    /// Reference data: always whole (users, schemes, clause library, templates, events).
    Whole,
    /// Rows whose `partner_id` (or the partner's own `id`) is chosen.
    Partner(&'static str),
    /// Rows whose `col` points at a chosen partner's row of `parent`.
    Child(&'static str, &'static str),
    /// Rows of company-wide registers (risks) about no partner or about a chosen one.
    PartnerOrNone(&'static str),
    /// Rows whose `col` points at a row of `parent` picked by [`Pick::PartnerOrNone`].
    ChildOfPartnerOrNone(&'static str, &'static str),
    /// Research notes naming a chosen partner in `partner_ids`.
    ResearchNote,
    /// Files of a chosen partner or of its inspections.
    Attachment,
    /// Audit entries about a chosen partner, its agreements or its evaluations (with the
    /// opening of the rounds they belong to).
    Audit,
}

/// A table that travels.
#[derive(Debug, Clone, Copy)]
pub struct Shared {
    pub name: &'static str,
    pub pick: Pick,
}

const fn t(name: &'static str, pick: Pick) -> Shared {
    Shared { name, pick }
}

/// Every shared table, parents before children (the order rows are written in).
pub const TABLES: &[Shared] = &[
    t("app_user", Pick::Whole),
    t("trade_event", Pick::Whole),
    t("screening_scheme", Pick::Whole),
    t("clause", Pick::Whole),
    t("agreement_template", Pick::Whole),
    t("evaluation_scheme", Pick::Whole),
    t("product", Pick::Whole),
    t("price", Pick::Whole),
    t("partner", Pick::Partner("id")),
    t("partner_contact", Pick::Partner("partner_id")),
    t("application", Pick::Partner("partner_id")),
    t("prospect", Pick::Partner("partner_id")),
    t("stage_move", Pick::Partner("partner_id")),
    t("scorecard", Pick::Partner("partner_id")),
    t("inspection", Pick::Partner("partner_id")),
    t("negotiation", Pick::Partner("partner_id")),
    t("referral", Pick::Partner("partner_id")),
    t("research_note", Pick::ResearchNote),
    t("attachment", Pick::Attachment),
    t("agreement", Pick::Partner("partner_id")),
    t("agreement_version", Pick::Child("agreement_id", "agreement")),
    t("agreement_review", Pick::Child("agreement_id", "agreement")),
    t("agreement_comment", Pick::Child("agreement_id", "agreement")),
    t("agreement_copy", Pick::Child("agreement_id", "agreement")),
    t("execution_report", Pick::Child("agreement_id", "agreement")),
    t("evaluation", Pick::Partner("partner_id")),
    t("evaluation_score", Pick::Child("evaluation_id", "evaluation")),
    t("evaluation_measure", Pick::Child("evaluation_id", "evaluation")),
    t("class_change", Pick::Partner("partner_id")),
    t("contact_log", Pick::Partner("partner_id")),
    t("follow_up", Pick::Partner("partner_id")),
    t("training", Pick::Partner("partner_id")),
    t("support_request", Pick::Partner("partner_id")),
    t("reward", Pick::Partner("partner_id")),
    t("award", Pick::Partner("partner_id")),
    t("sales_order", Pick::Partner("partner_id")),
    t("order_line", Pick::Child("order_id", "sales_order")),
    t("shipment", Pick::Partner("partner_id")),
    t("shipment_line", Pick::Child("shipment_id", "shipment")),
    t("aftersales_case", Pick::Partner("partner_id")),
    t("payment", Pick::Partner("partner_id")),
    t("credit_note", Pick::Partner("partner_id")),
    t("statement", Pick::Partner("partner_id")),
    t("statement_dispute", Pick::Child("statement_id", "statement")),
    t("promotion_goal", Pick::Whole),
    t("promotion_strategy", Pick::Whole),
    t("promotion_activity", Pick::Whole),
    t("promotion_log", Pick::Whole),
    t("control_procedure", Pick::Whole),
    t("staff_training", Pick::Whole),
    t("credit_scheme", Pick::Whole),
    t("credit_rating", Pick::Partner("partner_id")),
    t("credit_response", Pick::Partner("partner_id")),
    t("risk", Pick::PartnerOrNone("partner_id")),
    t("risk_measure", Pick::ChildOfPartnerOrNone("risk_id", "risk")),
    t("risk_review", Pick::ChildOfPartnerOrNone("risk_id", "risk")),
    t("audit_log", Pick::Audit),
];

/// The shared table named `name`.
pub fn find(name: &str) -> Option<&'static Shared> {
    TABLES.iter().find(|s| s.name == name)
}

/// Columns that never travel, by table (`*`: any table).
const LOCAL_COLUMNS: &[(&str, &str)] = &[
    ("*", "rid"),
    ("app_user", "password_hash"),
    ("app_user", "roles"),
    ("app_user", "disabled"),
    ("attachment", "bytes"),
    ("audit_log", "seq"),
    ("audit_log", "prev_hash"),
    ("audit_log", "hash"),
    ("prospect", "partner_state"),
];

/// A column that travels.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
}

/// The travelling columns of `table`, in table order.
pub async fn columns(conn: &mut SqliteConnection, table: &str) -> Result<Vec<Column>> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info({table})"))).fetch_all(&mut *conn).await?;
    let mut cols = Vec::new();
    for r in rows {
        let name: String = r.try_get("name")?;
        if LOCAL_COLUMNS.iter().any(|(t, c)| (*t == "*" || *t == table) && *c == name) {
            continue;
        }
        cols.push(Column { name });
    }
    Ok(cols)
}

/// Columns whose value is derived from another and so share its clock.
pub fn clock_column(table: &str, col: &str) -> &'static str {
    match (table, col) {
        ("partner", "name_norm") => "name",
        ("partner_contact", "mobile_norm") => "mobile",
        _ => "",
    }
}

/// The SQL condition choosing `s`'s rows of a selection (chosen partner ids in
/// `temp.share_partner`); `None` for whole tables.
pub fn condition(s: &Shared) -> Option<String> {
    const SEL: &str = "(SELECT id FROM temp.share_partner)";
    Some(match s.pick {
        Pick::Whole => return None,
        Pick::Partner(col) => format!("{col} IN {SEL}"),
        Pick::Child(col, parent) => format!("{col} IN (SELECT id FROM {parent} WHERE partner_id IN {SEL})"),
        Pick::PartnerOrNone(col) => format!("({col} IS NULL OR {col} IN {SEL})"),
        Pick::ChildOfPartnerOrNone(col, parent) => {
            format!("{col} IN (SELECT id FROM {parent} WHERE partner_id IS NULL OR partner_id IN {SEL})")
        }
        Pick::ResearchNote => {
            format!("EXISTS (SELECT 1 FROM json_each(research_note.partner_ids) j WHERE j.value IN {SEL})")
        }
        Pick::Attachment => format!(
            "((owner_kind = 'partner' AND owner_id IN {SEL}) OR
              (owner_kind = 'inspection' AND owner_id IN (SELECT id FROM inspection WHERE partner_id IN {SEL})))"
        ),
        Pick::Audit => format!(
            "(entity_id IN {SEL} OR entity_id IN (SELECT id FROM agreement WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM evaluation WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT 'round-' || period FROM evaluation
                                WHERE kind = 'periodic' AND partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM sales_order WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM shipment WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM aftersales_case WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM payment WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM credit_note WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM statement WHERE partner_id IN {SEL})
              OR entity_id IN (SELECT id FROM risk WHERE partner_id IS NULL OR partner_id IN {SEL}))"
        ),
    })
}
