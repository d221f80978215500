//! Spreadsheets (issue 7): lists written as .xlsx and CSV and read back with their Chinese
//! text; partners and trade-show leads read from .xlsx and from a GB18030 CSV through the
//! column mapping, with a report per row and only whole, valid rows written (R2.1.3).

mod common;

use channeldesk::partners;
use channeldesk::recruitment::events::{self, EventInput};
use channeldesk::sheets::{self, Labels, ListKind, SheetTarget};
use common::{contact, desk, partner};

fn labels() -> Labels {
    [
        ("col.name", "公司名称"),
        ("col.credit_code", "统一社会信用代码"),
        ("col.status", "状态"),
        ("status.prospect", "潜在"),
        ("col.contact_name", "联系人"),
        ("col.contact_mobile", "手机"),
        ("col.province", "省份"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[tokio::test]
async fn lists_round_trip_through_xlsx_and_csv_with_chinese_text() {
    let t = desk().await;
    let mut p = partner("深圳市前海云帆科技有限公司");
    p.credit_code = "91350100M000100Y43".into();
    p.province = "44".into();
    p.contacts = vec![contact("赵经理", "13800138000", "")];
    partners::create(&t.desk, &p, false).await.unwrap();
    partners::create(&t.desk, &partner("成都蜀锦商贸有限公司"), false).await.unwrap();

    let table = sheets::table(&t.desk, &ListKind::Partners).await.unwrap();
    assert_eq!(table.rows.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("partners.xlsx");
    assert_eq!(sheets::write_xlsx(&xlsx, "合作伙伴", &table, &labels()).unwrap(), 2);
    let back = sheets::read(&std::fs::read(&xlsx).unwrap(), "partners.xlsx").unwrap();
    assert_eq!(back.headers[0], "公司名称");
    assert_eq!(back.rows[0][0], "成都蜀锦商贸有限公司");
    let row = back.rows.iter().find(|r| r[0].starts_with("深圳")).unwrap();
    assert!(row.contains(&"91350100M000100Y43".to_string()));
    assert!(row.contains(&"13800138000".to_string()), "phone numbers stay text: {row:?}");
    assert!(row.contains(&"广东省".to_string()));
    assert!(row.contains(&"潜在".to_string()));

    let csv = dir.path().join("partners.csv");
    sheets::write_csv(&csv, &table, &labels()).unwrap();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "Excel needs the byte-order mark for UTF-8");
    let again = sheets::read(&bytes, "partners.csv").unwrap();
    assert_eq!(again.headers, back.headers);
    assert_eq!(again.rows, back.rows);

    // The exported sheet imports into another laptop's register with the suggested mapping.
    let other = desk().await;
    let mapping = sheets::suggest(&back.headers);
    assert_eq!(mapping[0].as_deref(), Some("name"));
    let report = sheets::import(&other.desk, &back, &mapping, &SheetTarget::Partners, false).await.unwrap();
    assert_eq!(report.imported, 2, "{:?}", report.rows);
    let got = partners::list(&other.desk, &partners::ListQuery { q: "云帆".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(got.total, 1);
    let p = partners::get(&other.desk, &got.rows[0].id).await.unwrap();
    assert_eq!((p.province.as_str(), p.contacts[0].mobile.as_str()), ("44", "13800138000"));
    t.desk.close().await;
    other.desk.close().await;
}

#[tokio::test]
async fn a_lead_sheet_is_checked_row_by_row_and_only_valid_rows_are_written() {
    let t = desk().await;
    let mut existing = partner("杭州西湖数据有限公司");
    existing.credit_code = "91350100M000100Y43".into();
    partners::create(&t.desk, &existing, false).await.unwrap();
    let ev = events::create(
        &t.desk,
        &EventInput {
            name: "2026 厦门投洽会".into(),
            starts_on: "2026-09-08".into(),
            ends_on: "2026-09-11".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // As Excel saves a CSV on Chinese Windows: GB18030, no byte-order mark.
    let text = "公司名称,统一社会信用代码,联系人,手机,备注\r\n\
                福州闽江电子有限公司,,林先生,13912345678,展位咨询\r\n\
                泉州刺桐贸易有限公司,,黄女士,139-1234 转 8,\r\n\
                福州闽江电子有限公司,,林先生,13912345678,重复登记\r\n\
                杭州西湖数据有限公司（分公司）,91350100M000100Y43,周总,13712345678,\r\n\
                ,,无名,13612345678,\r\n";
    let (gb, _, _) = encoding_rs::GB18030.encode(text);
    let sheet = sheets::read(&gb, "leads.csv").unwrap();
    assert_eq!(sheet.headers[0], "公司名称");
    assert_eq!(sheet.rows.len(), 5);
    let mapping = sheets::suggest(&sheet.headers);
    assert_eq!(
        mapping.iter().map(|m| m.as_deref().unwrap_or("")).collect::<Vec<_>>(),
        vec!["name", "credit_code", "contact_name", "contact_mobile", "notes"]
    );
    let target = SheetTarget::Leads { event_id: ev.id.clone() };

    let dry = sheets::import(&t.desk, &sheet, &mapping, &target, true).await.unwrap();
    let status: Vec<(u32, &str)> = dry.rows.iter().map(|r| (r.row, r.status.as_str())).collect();
    assert_eq!(status, vec![(2, "ok"), (3, "invalid"), (4, "duplicate"), (5, "duplicate"), (6, "invalid")]);
    assert!(dry.rows[1].errors.iter().any(|e| e.field == "contacts.0.mobile"), "{:?}", dry.rows[1].errors);
    assert_eq!(dry.rows[2].duplicate_of, "row 2");
    assert_eq!(dry.rows[3].duplicate_of, "杭州西湖数据有限公司");
    assert!(dry.rows[4].errors.iter().any(|e| e.field == "name" && e.rule == "required"));
    assert_eq!((dry.valid, dry.imported), (1, 0));
    assert_eq!(
        partners::list(&t.desk, &Default::default()).await.unwrap().total,
        1,
        "a dry run writes nothing"
    );

    let done = sheets::import(&t.desk, &sheet, &mapping, &target, false).await.unwrap();
    assert_eq!(done.imported, 1);
    let leads = sheets::table(&t.desk, &ListKind::EventLeads { event_id: ev.id.clone() }).await.unwrap();
    assert_eq!(leads.rows.len(), 1);
    assert_eq!(leads.rows[0][0], "福州闽江电子有限公司");
    assert_eq!(leads.rows[0][2], "13912345678");
    assert_eq!(leads.rows[0][6], "测试员", "captured by the importing user");

    // A mapping without the company name, or with a field twice, is refused.
    let mut bad = mapping.clone();
    bad[0] = None;
    assert!(common::has(
        &common::fields_of(sheets::import(&t.desk, &sheet, &bad, &target, true).await.unwrap_err()),
        "mapping",
        "required"
    ));
    let mut twice = mapping.clone();
    twice[4] = Some("name".into());
    assert!(common::has(
        &common::fields_of(sheets::import(&t.desk, &sheet, &twice, &target, true).await.unwrap_err()),
        "mapping",
        "duplicate"
    ));
    // Not a spreadsheet.
    assert_eq!(sheets::read(b"PK\x03\x04 not really", "x.xlsx").unwrap_err().code(), "import");
    t.desk.close().await;
}

/// The company's existing partner base comes in as active partners with their class and
/// channel contact, only by an administrator's import audited as a migration; a bad class or
/// an unknown contact is named on its row and nothing of it is written (R2.1.4, R2.2.3).
#[tokio::test]
async fn an_administrator_migrates_the_existing_base_as_active_partners() {
    let t = desk().await;
    common::add_user(&t, "chan", channeldesk::access::Role::Channel).await;
    let text = "公司名称,分级,渠道对接人,联系人,手机\r\n\
                南京钟山软件有限公司,A,chan,周先生,13812345678\r\n\
                无锡太湖电子有限公司,D,chan,,\r\n\
                常州龙城贸易有限公司,b,不存在的人,,\r\n";
    let sheet = sheets::read(text.as_bytes(), "base.csv").unwrap();
    let mapping = sheets::suggest(&sheet.headers);
    assert_eq!(
        mapping.iter().map(|m| m.as_deref().unwrap_or("")).collect::<Vec<_>>(),
        vec!["name", "class", "channel_contact", "contact_name", "contact_mobile"]
    );
    let report = sheets::import(&t.desk, &sheet, &mapping, &SheetTarget::Migration, false).await.unwrap();
    let status: Vec<&str> = report.rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(status, ["ok", "invalid", "invalid"]);
    assert!(report.rows[1].errors.iter().any(|e| e.field == "class" && e.rule == "unknown"));
    assert!(report.rows[2].errors.iter().any(|e| e.field == "channel_contact" && e.rule == "unknown"));
    assert_eq!(report.imported, 1);
    let page = partners::list(&t.desk, &Default::default()).await.unwrap();
    assert_eq!(page.total, 1);
    let p = partners::get(&t.desk, &page.rows[0].id).await.unwrap();
    assert_eq!((p.status, p.class.as_deref()), (partners::PartnerStatus::Active, Some("A")));
    assert!(p.channel_contact_name.as_deref() == Some("chan"));
    let ops: Vec<String> = channeldesk::audit::partner_history(&t.desk, &p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.operation)
        .collect();
    assert_eq!(ops, ["migrate"]);
    // Channel staff import prospects, never a migration.
    common::as_user(&t, "chan").await;
    let e = sheets::import(&t.desk, &sheet, &mapping, &SheetTarget::Migration, true).await.unwrap_err();
    assert_eq!(e.code(), "forbidden");
    t.desk.close().await;
}
