//! Spreadsheets: any list (partners, pipeline, agreements, evaluations, an event's leads)
//! written as .xlsx or as CSV that Excel opens with Chinese text intact; partners and leads read
//! from .xlsx or CSV through a column mapping, with a report per row.
//!
//! Invariants: an import checks every row before writing any (the same checks as the partner
//! form, plus duplicates against the register and within the file); the rows that pass are
//! written in one transaction, each whole, and every other row is reported with its reasons.

use crate::access::Action;
use crate::desk::Desk;
use crate::error::{Error, FieldError, Result};
use crate::partners::{self, ContactInput, PartnerInput};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use ts_rs::TS;

/// A list that can be exported.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ListKind {
    Partners,
    Pipeline,
    Agreements,
    Evaluations,
    /// The leads captured at one event.
    EventLeads {
        event_id: String,
    },
}

/// Column titles and value names in the user's language: `col.<key>` and `<key>.<value>`
/// (e.g. `status.active`); anything missing is written as stored.
pub type Labels = BTreeMap<String, String>;

/// A list as rows of text, with its column keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

const PARTNER_COLS: &[&str] = &[
    "name",
    "short_name",
    "credit_code",
    "status",
    "class",
    "province",
    "city",
    "industry",
    "source_kind",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "channel_contact",
    "created_at",
];

/// The rows of `kind`, live records only, in a stable order.
pub async fn table(desk: &Desk, kind: &ListKind) -> Result<Table> {
    desk.require(Action::PartnerRead)?;
    let (columns, sql): (&[&'static str], &str) = match kind {
        ListKind::Partners => (
            PARTNER_COLS,
            "SELECT p.name, p.short_name, coalesce(p.credit_code, ''), p.status, coalesce(p.class, ''), p.province,
                    p.city, p.industry, p.source_kind, coalesce(c.name, ''), coalesce(c.mobile, ''), coalesce(c.email, ''),
                    coalesce(u.display_name, ''), substr(p.created_at, 1, 10)
               FROM partner p
               LEFT JOIN partner_contact c ON c.id = (SELECT id FROM partner_contact k WHERE k.partner_id = p.id
                    AND k.deleted_at IS NULL ORDER BY k.is_primary DESC, k.position LIMIT 1)
               LEFT JOIN app_user u ON u.id = p.channel_contact_id
              WHERE p.deleted_at IS NULL ORDER BY p.name",
        ),
        ListKind::Pipeline => (
            &["name", "stage", "outcome", "event", "captured_by", "stage_since", "interest"],
            "SELECT p.name, r.stage, r.outcome, coalesce(e.name, ''), coalesce(u.display_name, ''),
                    substr(r.stage_since, 1, 10), r.interest
               FROM prospect r JOIN partner p ON p.id = r.partner_id
               LEFT JOIN trade_event e ON e.id = r.event_id
               LEFT JOIN app_user u ON u.id = r.captured_by
              WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY r.stage, p.name",
        ),
        ListKind::Agreements => (
            &["number", "title", "partner", "agreement_kind", "agreement_status", "version", "signed_on", "effective_on", "expires_on"],
            "SELECT a.number, a.title, p.name, a.kind, a.status, a.version_no, coalesce(a.signed_on, ''),
                    coalesce(a.effective_on, ''), coalesce(a.expires_on, '')
               FROM agreement a JOIN partner p ON p.id = a.partner_id
              WHERE a.deleted_at IS NULL ORDER BY a.number",
        ),
        ListKind::Evaluations => (
            &["partner", "evaluation_kind", "period", "evaluation_status", "total", "class", "finished_on"],
            "SELECT p.name, v.kind, v.period, v.status,
                    CASE WHEN v.total_x100 IS NULL THEN '' ELSE printf('%.2f', v.total_x100 / 100.0) END,
                    coalesce(v.class, ''), substr(coalesce(v.finished_at, ''), 1, 10)
               FROM evaluation v JOIN partner p ON p.id = v.partner_id
              WHERE v.deleted_at IS NULL ORDER BY v.period DESC, p.name",
        ),
        ListKind::EventLeads { .. } => (
            &["name", "contact_name", "contact_mobile", "contact_email", "stage", "interest", "captured_by", "captured_on"],
            "SELECT p.name, coalesce(c.name, ''), coalesce(c.mobile, ''), coalesce(c.email, ''), r.stage, r.interest,
                    coalesce(u.display_name, ''), substr(r.created_at, 1, 10)
               FROM prospect r JOIN partner p ON p.id = r.partner_id
               LEFT JOIN partner_contact c ON c.id = (SELECT id FROM partner_contact k WHERE k.partner_id = p.id
                    AND k.deleted_at IS NULL ORDER BY k.is_primary DESC, k.position LIMIT 1)
               LEFT JOIN app_user u ON u.id = r.captured_by
              WHERE r.event_id = ?1 AND r.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY r.created_at",
        ),
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let ListKind::EventLeads { event_id } = kind {
        crate::records::require_live(&mut *desk.pool().acquire().await?, "trade_event", event_id, "event")
            .await?;
        q = q.bind(event_id);
    }
    let rows = q.fetch_all(desk.pool()).await?;
    use sqlx::Row as _;
    let rows = rows
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| {
                    r.try_get::<String, _>(i)
                        .or_else(|_| r.try_get::<i64, _>(i).map(|n| n.to_string()))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Ok(Table { columns: columns.to_vec(), rows })
}

/// Column keys whose values are codes with names in the labels.
const CODED: &[&str] = &[
    "status",
    "source_kind",
    "stage",
    "outcome",
    "agreement_kind",
    "agreement_status",
    "evaluation_kind",
    "evaluation_status",
];

fn header(t: &Table, labels: &Labels) -> Vec<String> {
    t.columns
        .iter()
        .map(|c| labels.get(&format!("col.{c}")).cloned().unwrap_or_else(|| c.to_string()))
        .collect()
}

fn shown(t: &Table, labels: &Labels) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&t.columns)
                .map(|(v, c)| {
                    if *c == "province" {
                        return crate::reference::province(v)
                            .map(|p| p.zh.to_string())
                            .unwrap_or_else(|| v.clone());
                    }
                    if CODED.contains(c) {
                        return labels.get(&format!("{c}.{v}")).cloned().unwrap_or_else(|| v.clone());
                    }
                    v.clone()
                })
                .collect()
        })
        .collect()
}

/// Writes `t` as an .xlsx workbook (bold frozen header, fitted columns, every cell text so
/// that codes and phone numbers keep their leading zeros); the row count.
pub fn write_xlsx(path: &Path, sheet: &str, t: &Table, labels: &Labels) -> Result<u64> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::Storage(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.chars().take(31).collect::<String>()).map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (i, h) in header(t, labels).iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &bold).map_err(err)?;
    }
    for (r, row) in shown(t, labels).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofit();
    let bytes = book.save_to_buffer().map_err(err)?;
    crate::files::write_atomic(path, &bytes)?;
    Ok(t.rows.len() as u64)
}

/// Writes `t` as CSV (UTF-8 with a byte-order mark); the row count.
pub fn write_csv(path: &Path, t: &Table, labels: &Labels) -> Result<u64> {
    let head = header(t, labels);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    crate::csvfile::write(path, &head, shown(t, labels))
}

/// A sheet read from a file: its header row and the rows under it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The most rows one import takes.
pub const MAX_ROWS: usize = 20_000;

/// Reads the first sheet of an .xlsx/.xls/.ods file, or a CSV (UTF-8 with or without a
/// byte-order mark, or GB18030 as Excel saves it on Chinese Windows).
pub fn read(bytes: &[u8], file_name: &str) -> Result<Sheet> {
    let lower = file_name.to_lowercase();
    let mut grid: Vec<Vec<String>> = if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let text = match std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)) {
            Ok(s) => s.to_string(),
            Err(_) => {
                let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
                if bad {
                    return Err(Error::import("corrupt", file_name.to_string()));
                }
                text.into_owned()
            }
        };
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut out = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| Error::import("bad_row", e.to_string()))?;
            out.push(rec.iter().map(|s| s.trim().to_string()).collect());
            if out.len() > MAX_ROWS + 1 {
                return Err(Error::import("too_large", format!("> {MAX_ROWS} rows")));
            }
        }
        out
    } else {
        use calamine::Reader as _;
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| Error::import("not_sheet", e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| Error::import("not_sheet", "no sheet".to_string()))?
            .map_err(|e| Error::import("corrupt", e.to_string()))?;
        if range.height() > MAX_ROWS + 1 {
            return Err(Error::import("too_large", format!("> {MAX_ROWS} rows")));
        }
        range.rows().map(|r| r.iter().map(|c| c.to_string().trim().to_string()).collect()).collect()
    };
    grid.retain(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()));
    if grid.is_empty() {
        return Err(Error::import("empty", file_name.to_string()));
    }
    let headers = grid.remove(0);
    Ok(Sheet { headers, rows: grid })
}

/// The fields a column can be mapped to.
pub const FIELDS: &[&str] = &[
    "name",
    "short_name",
    "credit_code",
    "legal_rep",
    "address",
    "province",
    "city",
    "industry",
    "business_scope",
    "website",
    "notes",
    "tags",
    "contact_name",
    "contact_title",
    "contact_mobile",
    "contact_email",
    "contact_wechat",
    "class",
    "channel_contact",
];

/// Header words that mean a field (Chinese and English, as people title their sheets).
fn synonyms(field: &str) -> &'static [&'static str] {
    match field {
        "name" => &[
            "公司名称",
            "企业名称",
            "单位名称",
            "公司",
            "名称",
            "客户名称",
            "company",
            "company name",
            "name",
        ],
        "short_name" => &["简称", "short name"],
        "credit_code" => &["统一社会信用代码", "信用代码", "税号", "credit code", "uscc"],
        "legal_rep" => &["法定代表人", "法人", "legal representative"],
        "address" => &["地址", "公司地址", "address"],
        "province" => &["省份", "省", "province"],
        "city" => &["城市", "市", "city"],
        "industry" => &["行业", "industry"],
        "business_scope" => &["经营范围", "主营业务", "business scope"],
        "website" => &["网站", "网址", "website"],
        "notes" => &["备注", "说明", "notes", "remarks"],
        "tags" => &["标签", "tags"],
        "contact_name" => &["联系人", "姓名", "contact", "contact name"],
        "contact_title" => &["职务", "职位", "title", "position"],
        "contact_mobile" => &["手机", "手机号", "电话", "联系电话", "mobile", "phone"],
        "contact_email" => &["邮箱", "电子邮件", "email", "e-mail"],
        "contact_wechat" => &["微信", "wechat"],
        "class" => &["分级", "等级", "分类", "class", "tier"],
        "channel_contact" => &["渠道对接人", "对接人", "负责人", "channel contact", "account manager"],
        _ => &[],
    }
}

/// A suggested field for each header (or none), each field used at most once.
pub fn suggest(headers: &[String]) -> Vec<Option<String>> {
    let mut used = HashSet::new();
    headers
        .iter()
        .map(|h| {
            let h = h.trim().to_lowercase();
            let found = FIELDS
                .iter()
                .find(|f| !used.contains(*f) && synonyms(f).iter().any(|s| *s == h))
                .or_else(|| {
                    FIELDS.iter().find(|f| {
                        !used.contains(*f)
                            && synonyms(f).iter().any(|s| s.chars().count() > 1 && h.contains(s))
                    })
                });
            found.map(|f| {
                used.insert(*f);
                f.to_string()
            })
        })
        .collect()
}

/// What one sheet row became.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RowReport {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: u32,
    pub name: String,
    /// `ok`, `invalid` or `duplicate`.
    pub status: String,
    pub errors: Vec<FieldError>,
    /// For a duplicate: the partner here, or `row <n>` of the same file.
    pub duplicate_of: String,
}

/// The outcome of an import (or of its dry run).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SheetReport {
    pub rows: Vec<RowReport>,
    #[ts(type = "number")]
    pub valid: u64,
    /// Rows written (0 in a dry run).
    #[ts(type = "number")]
    pub imported: u64,
}

/// Where imported rows go.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SheetTarget {
    /// Partners of the register (status prospect, source as given).
    Partners,
    /// Leads of a trade-show event: prospects captured there.
    Leads { event_id: String },
    /// The company's existing partner base, brought in as active partners with their class and
    /// channel contact (the administrator's audited migration; nobody else creates an active
    /// partner without an agreement).
    Migration,
}

fn province_code(v: &str) -> String {
    let v = v.trim();
    crate::reference::PROVINCES
        .iter()
        .find(|p| {
            p.code == v
                || p.zh == v
                || p.en.eq_ignore_ascii_case(v)
                || p.zh.starts_with(v) && v.chars().count() >= 2
        })
        .map(|p| p.code.to_string())
        .unwrap_or_else(|| v.to_string())
}

/// The partner a row describes under `mapping` (one field name or none per column).
fn row_input(row: &[String], mapping: &[Option<String>], source: (&str, &str)) -> PartnerInput {
    let mut p =
        PartnerInput { source_kind: source.0.into(), source_detail: source.1.into(), ..Default::default() };
    let mut c = ContactInput { is_primary: true, ..Default::default() };
    for (i, field) in mapping.iter().enumerate() {
        let (Some(field), Some(v)) = (field, row.get(i)) else { continue };
        let v = v.trim().to_string();
        match field.as_str() {
            "name" => p.name = v,
            "short_name" => p.short_name = v,
            "credit_code" => p.credit_code = v,
            "legal_rep" => p.legal_rep = v,
            "address" => p.address = v,
            "province" => p.province = if v.is_empty() { v } else { province_code(&v) },
            "city" => p.city = v,
            "industry" => p.industry = v,
            "business_scope" => p.business_scope = v,
            "website" => p.website = v,
            "notes" => p.notes = v,
            "tags" => {
                p.tags = v
                    .split([',', '，', ';', '；', '、'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            "contact_name" => c.name = v,
            "contact_title" => c.title = v,
            "contact_mobile" => c.mobile = v,
            "contact_email" => c.email = v,
            "contact_wechat" => c.wechat = v,
            _ => {}
        }
    }
    if !(c.name.is_empty() && c.mobile.is_empty() && c.email.is_empty() && c.wechat.is_empty()) {
        p.contacts = vec![c];
    }
    p
}

/// Checks every row of `sheet` under `mapping` and, unless `dry_run`, imports the rows that
/// pass (one transaction). Mapping errors (`mapping: required` without a name column,
/// `mapping: duplicate` for a field mapped twice) refuse the whole import.
pub async fn import(
    desk: &Desk,
    sheet: &Sheet,
    mapping: &[Option<String>],
    target: &SheetTarget,
    dry_run: bool,
) -> Result<SheetReport> {
    desk.require(if matches!(target, SheetTarget::Migration) {
        Action::PartnerMigrate
    } else {
        Action::PartnerWrite
    })?;
    let mut seen = HashSet::new();
    for f in mapping.iter().flatten() {
        if !FIELDS.contains(&f.as_str()) {
            return Err(Error::field("mapping", "unknown"));
        }
        if !seen.insert(f.as_str()) {
            return Err(Error::field("mapping", "duplicate"));
        }
    }
    if !seen.contains("name") {
        return Err(Error::field("mapping", "required"));
    }
    let (event_id, source) = match target {
        SheetTarget::Partners | SheetTarget::Migration => (None, ("other".to_string(), String::new())),
        SheetTarget::Leads { event_id } => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM trade_event WHERE id = ? AND deleted_at IS NULL")
                    .bind(event_id)
                    .fetch_optional(desk.pool())
                    .await?;
            let name = name.ok_or_else(|| Error::field("event", "unknown"))?;
            (Some(event_id.as_str()), ("offline_event".to_string(), name))
        }
    };
    let users = crate::users::list(desk).await.unwrap_or_default();
    let mut rows = Vec::new();
    let mut good: Vec<PartnerInput> = Vec::new();
    let mut classes: Vec<String> = Vec::new();
    let mut codes: HashMap<String, u32> = HashMap::new();
    let mut names: HashMap<String, u32> = HashMap::new();
    for (i, cells) in sheet.rows.iter().enumerate() {
        let row_no = i as u32 + 2;
        let mut input = row_input(cells, mapping, (&source.0, &source.1));
        let cell = |field: &str| {
            mapping
                .iter()
                .position(|m| m.as_deref() == Some(field))
                .and_then(|i| cells.get(i))
                .map(|v| v.trim().to_string())
        };
        let mut extra = Vec::new();
        let class = cell("class").unwrap_or_default().to_uppercase();
        if matches!(target, SheetTarget::Migration) {
            if !class.is_empty() && !["A", "B", "C"].contains(&class.as_str()) {
                extra.push(FieldError::new("class", "unknown"));
            }
            if let Some(who) = cell("channel_contact").filter(|w| !w.is_empty()) {
                match users.iter().find(|u| u.login == who || u.display_name == who) {
                    Some(u) => input.channel_contact_id = Some(u.id.clone()),
                    None => extra.push(FieldError::new("channel_contact", "unknown")),
                }
            }
        }
        let mut report = RowReport {
            row: row_no,
            name: input.name.clone(),
            status: "ok".into(),
            errors: vec![],
            duplicate_of: String::new(),
        };
        let checked = partners::validate_input(&input);
        if checked.is_err() || !extra.is_empty() {
            report.status = "invalid".into();
            report.errors = match checked {
                Err(Error::Validation(fs)) => fs,
                _ => Vec::new(),
            };
            report.errors.extend(extra);
            rows.push(report);
            continue;
        }
        let code = input.credit_code.trim().to_uppercase();
        let norm = crate::validate::normalize_company_name(&input.name);
        let earlier =
            (!code.is_empty()).then(|| codes.get(&code)).flatten().or_else(|| names.get(&norm)).copied();
        if let Some(first) = earlier {
            report.status = "duplicate".into();
            report.duplicate_of = format!("row {first}");
            rows.push(report);
            continue;
        }
        let dup = partners::check_duplicates(desk, &input, None).await?;
        let here =
            dup.same_credit_code.or_else(|| dup.similar.into_iter().find(|s| s.reason == "similar_name"));
        if let Some(d) = here {
            report.status = "duplicate".into();
            report.duplicate_of = d.label;
            rows.push(report);
            continue;
        }
        if !code.is_empty() {
            codes.insert(code, row_no);
        }
        names.insert(norm, row_no);
        good.push(input);
        classes.push(class);
        rows.push(report);
    }
    let valid = good.len() as u64;
    let imported = if dry_run || good.is_empty() {
        0
    } else if matches!(target, SheetTarget::Migration) {
        let rows: Vec<partners::MigrationRow> = good
            .into_iter()
            .zip(classes)
            .map(|(partner, class)| partners::MigrationRow { partner, class })
            .collect();
        partners::migrate(desk, &rows).await?.len() as u64
    } else {
        partners::create_many_at(desk, &good, event_id).await?.len() as u64
    };
    Ok(SheetReport { rows, valid, imported })
}
