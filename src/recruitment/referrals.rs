//! Referrals (R2.1.3): who referred a prospect, the reward rule, and the reward's status.
//!
//! Invariants: one referral per prospect; the reward is `pending` until the prospect signs,
//! then `due` (set in the signing transaction), then `paid` or `void` by a user who may
//! settle rewards; money is integer minor units with a currency.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, Write, new_id};
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

/// A referral as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ReferralInput {
    /// `employee` | `partner`.
    pub referrer_kind: String,
    #[ts(optional)]
    pub referrer_user_id: Option<String>,
    #[ts(optional)]
    pub referrer_partner_id: Option<String>,
    /// The reward rule in words ("签约后奖励 2,000 元").
    pub reward_rule: String,
    /// Minor units (分); 0 when the reward is not money.
    #[ts(type = "number")]
    pub reward_amount: i64,
    pub reward_currency: String,
}

/// A stored referral.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Referral {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub referrer_kind: String,
    pub referrer_user_id: Option<String>,
    pub referrer_partner_id: Option<String>,
    pub referrer_name: String,
    pub reward_rule: String,
    #[ts(type = "number")]
    pub reward_amount: i64,
    pub reward_currency: String,
    /// `pending` | `due` | `paid` | `void`.
    pub reward_status: String,
    pub due_since: Option<String>,
    pub paid_on: Option<String>,
}

const SELECT: &str = "SELECT f.id, f.partner_id, p.name AS partner_name, f.referrer_kind, f.referrer_user_id,
        f.referrer_partner_id, COALESCE(u.display_name, rp.name, '') AS referrer_name, f.reward_rule,
        f.reward_amount, f.reward_currency, f.reward_status, f.due_since, f.paid_on
     FROM referral f JOIN partner p ON p.id = f.partner_id
     LEFT JOIN app_user u ON u.id = f.referrer_user_id
     LEFT JOIN partner rp ON rp.id = f.referrer_partner_id";

pub(crate) async fn of(conn: &mut SqliteConnection, partner_id: &str) -> Result<Option<Referral>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE f.partner_id = ? AND f.deleted_at IS NULL"
    )))
    .bind(partner_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Records (or replaces) who referred prospect `partner_id` and the reward rule. A prospect
/// that already signed has its reward due at once.
pub async fn set(desk: &Desk, partner_id: &str, input: &ReferralInput) -> Result<Referral> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let rule = c.text("reward_rule", &input.reward_rule, true, 200, false);
    // At most 100 million in major units.
    if input.reward_amount < 0 || input.reward_amount > 10_000_000_000 {
        c.errors.push(crate::error::FieldError::with_limit("reward_amount", "range", 100_000_000));
    }
    let currency = input.reward_currency.trim().to_uppercase();
    let currency = if currency.is_empty() { "CNY".to_string() } else { currency };
    if currency.len() != 3 || !currency.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.push("reward_currency", "currency");
    }
    let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let (user, partner) = match input.referrer_kind.as_str() {
        "employee" => (pick(&input.referrer_user_id), None),
        "partner" => (None, pick(&input.referrer_partner_id)),
        "" => {
            c.push("referrer_kind", "required");
            (None, None)
        }
        _ => {
            c.push("referrer_kind", "unknown");
            (None, None)
        }
    };
    if input.referrer_kind == "employee" && user.is_none() {
        c.push("referrer_user_id", "required");
    }
    if input.referrer_kind == "partner" && partner.is_none() {
        c.push("referrer_partner_id", "required");
    }
    if partner.as_deref() == Some(partner_id) {
        c.push("referrer_partner_id", "self_referral");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    if let Some(u) = &user {
        crate::records::require_live(&mut w.tx, "app_user", u, "referrer_user_id").await?;
    }
    if let Some(p) = &partner {
        crate::records::require_live(&mut w.tx, "partner", p, "referrer_partner_id").await?;
    }
    let row = super::ensure_prospect(&mut w, partner_id).await?;
    use crate::machines::{REFERRAL, ReferralReward};
    let state = if row.outcome == "signed" { ReferralReward::Due } else { ReferralReward::Pending };
    REFERRAL.start(&w, state, false)?;
    let status = state.as_str();
    let s = w.stamp.clone();
    let existing: Option<(String, String)> =
        sqlx::query_as("SELECT id, reward_status FROM referral WHERE partner_id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_optional(&mut *w.tx)
            .await?;
    if let Some((_, st)) = &existing
        && (st == "paid" || st == "void")
    {
        return Err(Error::field("reward_status", "settled"));
    }
    let due_since = (status == "due").then(|| s.now.clone());
    sqlx::query(
        "INSERT INTO referral (id, partner_id, referrer_kind, referrer_user_id, referrer_partner_id, reward_rule,
            reward_amount, reward_currency, reward_status, due_since, created_at, updated_at, updated_by, hlc,
            field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))
         ON CONFLICT(partner_id) DO UPDATE SET referrer_kind = excluded.referrer_kind,
            referrer_user_id = excluded.referrer_user_id, referrer_partner_id = excluded.referrer_partner_id,
            reward_rule = excluded.reward_rule, reward_amount = excluded.reward_amount,
            reward_currency = excluded.reward_currency, reward_status = excluded.reward_status,
            due_since = excluded.due_since, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
            hlc = excluded.hlc",
    )
    .bind(existing.as_ref().map(|e| e.0.clone()).unwrap_or_else(new_id))
    .bind(partner_id)
    .bind(&input.referrer_kind)
    .bind(&user)
    .bind(&partner)
    .bind(&rule)
    .bind(input.reward_amount)
    .bind(&currency)
    .bind(status)
    .bind(&due_since)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("referrer_kind", &input.referrer_kind);
    ch.set("referrer", &user.or(partner));
    ch.set("reward_rule", &rule);
    ch.set("reward_amount", &input.reward_amount);
    ch.set("reward_status", &status);
    audit::record(&mut w, "referral", "partner", partner_id, &ch).await?;
    w.commit().await?;
    let mut conn = desk.pool().acquire().await?;
    of(&mut conn, partner_id)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "referral", id: partner_id.into() })
}

/// Makes the pending reward of `partner_id`'s referral due (inside the signing write).
pub(crate) async fn fall_due(w: &mut Write, partner_id: &str) -> Result<()> {
    let pending: Option<String> = sqlx::query_scalar(
        "SELECT id FROM referral WHERE partner_id = ? AND reward_status = 'pending' AND deleted_at IS NULL",
    )
    .bind(partner_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    if let Some(id) = pending {
        let moved = crate::machines::REFERRAL.cause(w, &id, "fall_due").await?;
        let now = w.stamp.now.clone();
        crate::records::set_columns(w, "referral", &id, &[("due_since", Some(now))]).await?;
        let mut ch = Changes::new();
        moved.note("reward_status", &mut ch);
        audit::record(w, "referral_due", "partner", partner_id, &ch).await?;
    }
    Ok(())
}

/// Settles a due reward: `paid` on a date, or `void` (finance, managers).
pub async fn settle(desk: &Desk, partner_id: &str, paid: bool, paid_on: &str) -> Result<Referral> {
    desk.require(Action::RewardSettle)?;
    let mut c = Checker::new();
    let on = c.date("paid_on", paid_on, paid);
    c.finish()?;
    let mut w = desk.write().await?;
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM referral WHERE partner_id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let id = id.ok_or_else(|| Error::NotFound { entity: "referral", id: partner_id.into() })?;
    // A due reward is paid or voided; a pending one (not signed yet) can only be voided.
    let moved = crate::machines::REFERRAL.take(&mut w, &id, if paid { "pay" } else { "void" }, None).await?;
    crate::records::set_columns(&mut w, "referral", &id, &[("paid_on", if paid { Some(on) } else { None })])
        .await?;
    let mut ch = Changes::new();
    moved.note("reward_status", &mut ch);
    audit::record(&mut w, "referral_settle", "partner", partner_id, &ch).await?;
    w.commit().await?;
    let mut conn = desk.pool().acquire().await?;
    of(&mut conn, partner_id)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "referral", id: partner_id.into() })
}

/// Rewards due and not yet paid, oldest first (the home page's reminder).
pub async fn due(desk: &Desk) -> Result<Vec<Referral>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE f.reward_status = 'due' AND f.deleted_at IS NULL ORDER BY f.due_since LIMIT 200"
    )))
    .fetch_all(desk.pool())
    .await?)
}
