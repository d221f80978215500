//! Sharing between laptops (issue: export, import and merge): bundles between real database
//! files, the merge rules, the conflict queue, duplicates found on import, and every kind of
//! bad file refused with the database untouched. Policy: R1.1 (who did what, also across
//! laptops), R2.1.3 (leads from several laptops end in one register).

mod common;

use channeldesk::partners::{self, PartnerInput};
use channeldesk::share::{self, ApplyChoices, ExportScope, Limits, Progress};
use channeldesk::{Error, audit};
use common::{TestDesk, desk, partner};
use std::io::Write as _;

async fn export(t: &TestDesk) -> Vec<u8> {
    share::export(&t.desk, &ExportScope::All, None, &Progress::silent()).await.expect("export").bytes
}

async fn preview(t: &TestDesk, bytes: &[u8]) -> share::Preview {
    let incoming = share::open(bytes, None, &Limits::default()).expect("open");
    share::preview(&t.desk, &incoming, &Progress::silent()).await.expect("preview")
}

async fn import_with(t: &TestDesk, bytes: &[u8], merge: Vec<String>) -> share::ImportOutcome {
    let incoming = share::open(bytes, None, &Limits::default()).expect("open");
    let choices = ApplyChoices { token: incoming.token.clone(), merge };
    share::apply(&t.desk, &incoming, &choices, &Progress::silent()).await.expect("apply")
}

async fn import(t: &TestDesk, bytes: &[u8]) -> share::ImportOutcome {
    import_with(t, bytes, vec![]).await
}

/// Every shared record of the file, as sorted JSON lines (the sign-in name and the local row
/// numbers excepted), for comparing two laptops.
async fn dump(t: &TestDesk) -> String {
    let mut out = String::new();
    for shared in share::TABLES {
        if shared.name == "audit_log" {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM audit_log WHERE operation NOT IN ('import', 'export') ORDER BY id",
            )
            .fetch_all(t.desk.pool())
            .await
            .unwrap();
            out.push_str(&format!("audit_log: {}\n", ids.len()));
            continue;
        }
        let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{}') WHERE name NOT IN ('rid', 'password_hash', 'field_hlc', 'login', 'bytes', 'roles', 'disabled')",
            shared.name
        )))
        .fetch_all(t.desk.pool())
        .await
        .unwrap();
        let obj: Vec<String> = cols.iter().map(|c| format!("'{c}', {c}")).collect();
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT json_object({}) FROM {} ORDER BY id",
            obj.join(", "),
            shared.name
        )))
        .fetch_all(t.desk.pool())
        .await
        .unwrap();
        for r in rows {
            out.push_str(shared.name);
            out.push(' ');
            out.push_str(&r);
            out.push('\n');
        }
    }
    out
}

/// Asserts two dumps are equal, showing the first lines that differ.
fn same(a: &str, b: &str) {
    if a != b {
        let la: Vec<&str> = a.lines().collect();
        let lb: Vec<&str> = b.lines().collect();
        let only_a: Vec<&&str> = la.iter().filter(|l| !lb.contains(l)).take(3).collect();
        let only_b: Vec<&&str> = lb.iter().filter(|l| !la.contains(l)).take(3).collect();
        panic!("laptops differ\n only in one: {only_a:#?}\n only in the other: {only_b:#?}");
    }
}

async fn edit(t: &TestDesk, id: &str, f: impl FnOnce(&mut PartnerInput)) {
    let p = partners::get(&t.desk, id).await.unwrap();
    let mut input = p.to_input();
    f(&mut input);
    partners::update(&t.desk, id, &p.hlc, &input, true).await.unwrap();
}

fn reason(e: Error) -> &'static str {
    match e {
        Error::Import { reason, .. } => reason,
        other => panic!("expected an import error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bundle_moves_everything_and_a_second_import_changes_nothing() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    let mut p = partner("华南智联科技有限公司");
    p.city = "广州".into();
    p.contacts = vec![common::contact("陈经理", "13800138000", "chen@example.com")];
    let made = partners::create(&a.desk, &p, false).await.unwrap();
    let scan = [b"%PDF-1.4\n".as_slice(), &[7u8; 3000]].concat();
    let file =
        channeldesk::attachments::add(&a.desk, "partner", &made.id, "营业执照.pdf", &scan).await.unwrap();
    use channeldesk::recruitment::research::{self, NoteInput, NoteQuery};
    let note = NoteInput {
        noted_on: "2026-03-01".into(),
        topic: "industry".into(),
        title: "华南安防渠道走访".into(),
        body: "珠三角集成商对云存储需求旺盛".into(),
        partner_ids: vec![made.id.clone()],
        ..Default::default()
    };
    research::create(&a.desk, &note).await.unwrap();
    let bytes = export(&a).await;

    let pv = preview(&b, &bytes).await;
    let kind = |t: &str| pv.kinds.iter().find(|k| k.table == t).cloned().unwrap_or_default();
    assert_eq!(kind("partner").new, 1);
    assert_eq!(kind("partner_contact").new, 1);
    assert!(pv.changes);
    assert_eq!(
        pv.renamed_logins,
        vec![("owner".to_string(), format!("owner-{}", a.desk.device().short_code.to_lowercase()))]
    );
    // The dry run wrote nothing.
    assert!(partners::get(&b.desk, &made.id).await.is_err());

    let out = import(&b, &bytes).await;
    assert_eq!(out.conflicts, 0);
    let got = partners::get(&b.desk, &made.id).await.unwrap();
    assert_eq!(got.name, "华南智联科技有限公司");
    assert_eq!(got.city, "广州");
    // The file travels with its record, byte for byte.
    let (info, travelled) = channeldesk::attachments::read(&b.desk, &file.id).await.unwrap();
    assert_eq!((info.name.as_str(), travelled), ("营业执照.pdf", scan.clone()));
    // So does the research note, found by the other laptop's search.
    let found =
        research::list(&b.desk, &NoteQuery { q: "云存储".into(), ..Default::default() }).await.unwrap();
    assert_eq!(found.total, 1);
    // Found by the search of the importing laptop.
    let found = partners::list(&b.desk, &partners::ListQuery { q: "智联".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    // The colleague arrives without a password (credentials never travel) under another name.
    let users = channeldesk::users::list(&b.desk).await.unwrap();
    assert!(users.iter().any(|u| u.login.starts_with("owner-")));

    let before = dump(&b).await;
    // Previewed and applied as the window does (one file read): nothing to write.
    let incoming = share::open(&bytes, None, &Limits::default()).unwrap();
    let again = share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap();
    assert!(!again.changes, "{:?}", again.kinds);
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    share::apply(&b.desk, &incoming, &choices, &Progress::silent()).await.unwrap();
    assert_eq!(dump(&b).await, before);
    // A local change since does not make the old bundle win anything.
    b.clock.advance(chrono::Duration::minutes(1));
    edit(&b, &made.id, |p| p.city = "深圳".into()).await;
    share::apply(&b.desk, &incoming, &choices, &Progress::silent()).await.unwrap();
    assert_eq!(partners::get(&b.desk, &made.id).await.unwrap().city, "深圳");
    // Both imports are in the audit trail, and the chain holds with A's entries in it.
    let chain = audit::verify(&b.desk).await.unwrap();
    assert!(chain.intact, "{chain:?}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE operation = 'import'")
        .fetch_one(b.desk.pool())
        .await
        .unwrap();
    assert_eq!(n, 3);
    a.desk.close().await;
    b.desk.close().await;
}

#[tokio::test]
async fn later_changes_win_field_by_field_and_an_older_bundle_changes_nothing() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    let id = partners::create(&a.desk, &partner("北辰渠道有限公司"), false).await.unwrap().id;
    let old = export(&a).await;
    import(&b, &old).await;
    import(&a, &export(&b).await).await;

    // A changes the city, B the website: both survive on both laptops.
    a.clock.advance(chrono::Duration::minutes(5));
    edit(&a, &id, |p| p.city = "天津".into()).await;
    b.clock.advance(chrono::Duration::minutes(6));
    edit(&b, &id, |p| p.website = "https://beichen.example".into()).await;
    let from_a = export(&a).await;
    let from_b = export(&b).await;
    let out = import(&b, &from_a).await;
    assert_eq!(out.conflicts, 0);
    assert_eq!(out.kinds.iter().find(|k| k.table == "partner").unwrap().updated, 1);
    import(&a, &from_b).await;
    for t in [&a, &b] {
        let p = partners::get(&t.desk, &id).await.unwrap();
        assert_eq!((p.city.as_str(), p.website.as_str()), ("天津", "https://beichen.example"));
    }
    // The first bundle, older than everything here, changes nothing.
    let pv = preview(&b, &old).await;
    assert!(!pv.changes, "{:?}", pv.kinds);

    // A deletion travels as a tombstone.
    partners::delete(&a.desk, &id).await.unwrap();
    let out = import(&b, &export(&a).await).await;
    assert_eq!(out.kinds.iter().find(|k| k.table == "partner").unwrap().deleted, 1);
    assert!(partners::get(&b.desk, &id).await.unwrap().deleted_at.is_some());
    assert_eq!(partners::list(&b.desk, &Default::default()).await.unwrap().total, 0);
    a.desk.close().await;
    b.desk.close().await;
}

#[tokio::test]
async fn the_same_field_changed_on_both_laptops_waits_in_the_queue() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    let id = partners::create(&a.desk, &partner("东海商贸有限公司"), false).await.unwrap().id;
    import(&b, &export(&a).await).await;
    import(&a, &export(&b).await).await;

    a.clock.advance(chrono::Duration::minutes(1));
    edit(&a, &id, |p| p.address = "上海市浦东新区世纪大道 1 号".into()).await;
    b.clock.advance(chrono::Duration::minutes(2));
    edit(&b, &id, |p| p.address = "上海市黄浦区南京东路 2 号".into()).await;

    let out = import(&a, &export(&b).await).await;
    assert_eq!(out.conflicts, 1);
    // The later change is kept (and would be on every laptop); the other waits beside it.
    assert_eq!(partners::get(&a.desk, &id).await.unwrap().address, "上海市黄浦区南京东路 2 号");
    let q = share::conflicts(&a.desk).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].field, "address");
    assert_eq!(q[0].label, "东海商贸有限公司");
    assert_eq!(q[0].kept, serde_json::json!("上海市黄浦区南京东路 2 号"));
    assert_eq!(q[0].other, serde_json::json!("上海市浦东新区世纪大道 1 号"));
    assert_eq!(q[0].kept_device, b.desk.device().short_code);
    assert_eq!(q[0].other_device, a.desk.device().short_code);
    // Importing the same bundle again queues nothing new.
    assert_eq!(import(&a, &export(&b).await).await.conflicts, 0);
    assert_eq!(share::conflicts(&a.desk).await.unwrap().len(), 1);

    // A person takes the other value: a new change, which B then receives without a conflict.
    assert!(share::resolve(&a.desk, &q[0].id, "neither").await.is_err());
    a.clock.advance(chrono::Duration::minutes(5));
    share::resolve(&a.desk, &q[0].id, "other").await.unwrap();
    assert!(share::conflicts(&a.desk).await.unwrap().is_empty());
    assert_eq!(partners::get(&a.desk, &id).await.unwrap().address, "上海市浦东新区世纪大道 1 号");
    let out = import(&b, &export(&a).await).await;
    assert_eq!(out.conflicts, 0);
    assert_eq!(partners::get(&b.desk, &id).await.unwrap().address, "上海市浦东新区世纪大道 1 号");
    assert!(share::conflicts(&b.desk).await.unwrap().is_empty());
    same(&dump(&a).await, &dump(&b).await);
    a.desk.close().await;
    b.desk.close().await;
}

#[tokio::test]
async fn one_company_entered_on_two_laptops_is_found_and_merged() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    let code = "91350100M000100Y43";
    let mut pa = partner("星河电子有限公司");
    pa.credit_code = code.into();
    pa.contacts = vec![common::contact("王工", "13900139000", "")];
    let on_a = partners::create(&a.desk, &pa, false).await.unwrap();
    let mut pb = partner("星河电子有限公司");
    pb.credit_code = code.into();
    pb.contacts = vec![common::contact("李总", "13700137000", "")];
    let on_b = partners::create(&b.desk, &pb, false).await.unwrap();
    // And a similar name without a code, which stays apart unless chosen.
    partners::create(&a.desk, &partner("远航物流（深圳）有限公司"), false).await.unwrap();
    partners::create(&b.desk, &partner("远航物流(深圳)有限公司"), false).await.unwrap();

    let bytes = export(&a).await;
    let pv = preview(&b, &bytes).await;
    assert_eq!(pv.duplicates.len(), 2, "{:?}", pv.duplicates);
    let by_code = pv.duplicates.iter().find(|d| d.reason == "credit_code").unwrap();
    assert_eq!(
        (by_code.incoming_id.as_str(), by_code.local_id.as_str()),
        (on_a.id.as_str(), on_b.id.as_str())
    );
    assert!(pv.duplicates.iter().any(|d| d.reason == "name"));

    let out = import(&b, &bytes).await;
    assert_eq!(out.merged, 1);
    let kept = partners::get(&b.desk, &on_b.id).await.unwrap();
    let mut names: Vec<String> = kept.contacts.iter().map(|c| c.name.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["李总", "王工"]);
    assert!(partners::get(&b.desk, &on_a.id).await.unwrap().deleted_at.is_some());
    assert_eq!(partners::list(&b.desk, &Default::default()).await.unwrap().total, 3);
    let merged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE operation = 'merge_duplicate' AND entity_id = ?",
    )
    .bind(&on_b.id)
    .fetch_one(b.desk.pool())
    .await
    .unwrap();
    assert_eq!(merged, 1);

    // The merge travels back: A ends with the same one company and both contacts.
    import(&a, &export(&b).await).await;
    assert!(partners::get(&a.desk, &on_a.id).await.unwrap().deleted_at.is_some());
    assert_eq!(partners::get(&a.desk, &on_b.id).await.unwrap().contacts.len(), 2);
    import(&b, &export(&a).await).await;
    same(&dump(&a).await, &dump(&b).await);
    a.desk.close().await;
    b.desk.close().await;
}

#[tokio::test]
async fn a_selection_takes_the_chosen_partners_with_their_records() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    let one = partners::create(&a.desk, &partner("甲一科技有限公司"), false).await.unwrap();
    partners::create(&a.desk, &partner("乙二科技有限公司"), false).await.unwrap();
    let ex = share::export(
        &a.desk,
        &ExportScope::Partners { ids: vec![one.id.clone()] },
        Some("trade-show-2026"),
        &Progress::silent(),
    )
    .await
    .unwrap();
    assert_eq!(ex.manifest.counts["partner"], 1);
    assert!(share::bundle::is_sealed(&ex.bytes));
    assert_eq!(reason(share::open(&ex.bytes, None, &Limits::default()).unwrap_err()), "passphrase_needed");
    assert_eq!(
        reason(share::open(&ex.bytes, Some("trade-show-2027"), &Limits::default()).unwrap_err()),
        "passphrase_wrong"
    );
    let incoming = share::open(&ex.bytes, Some("trade-show-2026"), &Limits::default()).unwrap();
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    share::apply(&b.desk, &incoming, &choices, &Progress::silent()).await.unwrap();
    assert_eq!(partners::list(&b.desk, &Default::default()).await.unwrap().total, 1);
    // A short passphrase and an empty selection are refused by field.
    let e = share::export(&a.desk, &ExportScope::All, Some("short"), &Progress::silent()).await.unwrap_err();
    assert!(common::has(&common::fields_of(e), "passphrase", "too_short"));
    let e = share::export(&a.desk, &ExportScope::Partners { ids: vec![] }, None, &Progress::silent())
        .await
        .unwrap_err();
    assert!(common::has(&common::fields_of(e), "partners", "required"));
    a.desk.close().await;
    b.desk.close().await;
}

/// Rebuilds a bundle's ZIP with `change` applied to its entries (name → bytes), keeping the
/// original manifest unless the change replaces it.
fn rezip(bytes: &[u8], change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).unwrap();
        entries.push((name, buf));
    }
    change(&mut entries);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn set_entry(entries: &mut [(String, Vec<u8>)], name: &str, f: impl FnOnce(&mut Vec<u8>)) {
    let e = entries.iter_mut().find(|(n, _)| n == name).unwrap();
    f(&mut e.1);
}

#[tokio::test]
async fn bad_files_are_refused_and_change_nothing() {
    let a = desk().await;
    let b = desk().await;
    common::pair(&[&a, &b]).await;
    // Past the signature: the files below are signed by a key paired here as laptop A's (a
    // paired laptop gone rogue), so what they carry is checked row by row.
    let rogue = channeldesk::signing::DeviceKey::generate();
    let mut as_a = share::trust::identity(&a.desk);
    as_a.public_key = rogue.public_hex();
    as_a.fingerprint = channeldesk::signing::fingerprint(&rogue.public_hex());
    share::trust::pair(&b.desk, &as_a).await.unwrap();
    partners::create(&a.desk, &partner("完好数据有限公司"), false).await.unwrap();
    partners::create(&b.desk, &partner("本机数据有限公司"), false).await.unwrap();
    let good = export(&a).await;
    let before = dump(&b).await;
    let limits = Limits::default();
    let refuse = |bytes: &[u8]| reason(share::open(bytes, None, &limits).unwrap_err());

    assert_eq!(refuse(&good[..good.len() / 2]), "truncated");
    assert_eq!(refuse(b"hello, not a bundle"), "not_bundle");
    let mut flipped = good.clone();
    let mid = flipped.len() / 3;
    flipped[mid] ^= 0x5a;
    assert!(["corrupt", "checksum"].contains(&refuse(&flipped)), "{}", refuse(&flipped));
    // Altered after export: a row changed, the manifest left as it was.
    let altered = rezip(&good, |e| {
        set_entry(e, "rows/partner.jsonl", |b| {
            *b = String::from_utf8(b.clone()).unwrap().replace("完好", "篡改").into_bytes()
        })
    });
    assert_eq!(refuse(&altered), "checksum");
    // An entry nobody listed.
    let extra = rezip(&good, |e| e.push(("rows/partner_contact.jsonl".into(), b"{}\n".to_vec())));
    assert_eq!(refuse(&extra), "checksum");
    // A later format.
    let later = rezip(&good, |e| {
        set_entry(e, "manifest.json", |b| {
            let mut m: serde_json::Value = serde_json::from_slice(b).unwrap();
            m["format"] = 99.into();
            *b = serde_json::to_vec(&m).unwrap();
        })
    });
    assert_eq!(refuse(&later), "version");
    // Entry names that leave the folder.
    for evil in ["../../outside.jsonl", "/etc/cron.d/x", "rows/../../x.jsonl"] {
        let escaping = rezip(&good, |e| e.push((evil.into(), b"x".to_vec())));
        assert_eq!(refuse(&escaping), "bad_name", "{evil}");
    }
    // An archive bomb: 200 MB of zeros packed into a few hundred kilobytes.
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file("manifest.json", zip::write::SimpleFileOptions::default()).unwrap();
    bomb.write_all(br#"{"format":1}"#).unwrap();
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    bomb.start_file("rows/partner.jsonl", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20);
    assert_eq!(refuse(&bomb), "too_large");
    // A field far larger than any form allows, in an otherwise well-formed bundle.
    let huge = "长".repeat(400_000);
    let oversized = share::bundle::write(
        share::open(&good, None, &limits).unwrap().manifest,
        &[(
            "rows/partner.jsonl".into(),
            format!("{{\"id\":\"x\",\"hlc\":\"\",\"field_hlc\":\"{{}}\",\"notes\":\"{huge}\"}}\n")
                .into_bytes(),
        )],
        None,
        &rogue,
    )
    .unwrap();
    assert_eq!(refuse(&oversized), "oversized_field");
    // A bundle cannot grant a role: roles are not a column a bundle may carry.
    let users = share::open(&good, None, &limits).unwrap();
    let owner_a = users.manifest.user_id.clone();
    let crafted = share::bundle::write(
        users.manifest.clone(),
        &[(
            "rows/app_user.jsonl".into(),
            format!(
                "{{\"id\":\"{owner_a}\",\"hlc\":\"\",\"field_hlc\":\"{{}}\",\"roles\":\"[\\\"admin\\\"]\"}}\n"
            )
            .into_bytes(),
        )],
        None,
        &rogue,
    )
    .unwrap();
    let incoming = share::open(&crafted, None, &limits).unwrap();
    assert_eq!(
        reason(share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap_err()),
        "unknown_column"
    );
    // A column this program does not know, refused at the preview.
    let unknown = share::bundle::write(
        share::open(&good, None, &limits).unwrap().manifest,
        &[(
            "rows/partner.jsonl".into(),
            b"{\"id\":\"x\",\"hlc\":\"\",\"field_hlc\":\"{}\",\"drop_table\":1}\n".to_vec(),
        )],
        None,
        &rogue,
    )
    .unwrap();
    let incoming = share::open(&unknown, None, &limits).unwrap();
    assert_eq!(
        reason(share::preview(&b.desk, &incoming, &Progress::silent()).await.unwrap_err()),
        "unknown_column"
    );
    // A preview's token does not apply another file.
    let incoming = share::open(&good, None, &limits).unwrap();
    let e = share::apply(
        &b.desk,
        &incoming,
        &ApplyChoices { token: "0".repeat(64), merge: vec![] },
        &Progress::silent(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "conflict");
    // A cancelled import rolls back.
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = cancel.clone();
    let progress = Progress::new(cancel, move |phase, done, _| {
        if phase == "apply" && done >= 3 {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    assert_eq!(share::apply(&b.desk, &incoming, &choices, &progress).await.unwrap_err().code(), "cancelled");

    assert_eq!(dump(&b).await, before);
    a.desk.close().await;
    b.desk.close().await;
}

/// One step of a random edit history on three laptops.
#[derive(Debug, Clone)]
enum Step {
    Create(usize),
    Edit { on: usize, pick: usize, field: usize, value: usize },
    Delete { on: usize, pick: usize },
    Exchange { from: usize, to: usize },
    Wait { on: usize, minutes: i64 },
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        2 => (0..3usize).prop_map(Step::Create),
        5 => (0..3usize, 0..8usize, 0..4usize, 0..5usize).prop_map(|(on, pick, field, value)| Step::Edit { on, pick, field, value }),
        1 => (0..3usize, 0..8usize).prop_map(|(on, pick)| Step::Delete { on, pick }),
        3 => (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Exchange { from, to }),
        2 => (0..3usize, -3..30i64).prop_map(|(on, minutes)| Step::Wait { on, minutes }),
    ]
}

async fn live_ids(t: &TestDesk) -> Vec<String> {
    sqlx::query_scalar("SELECT id FROM partner WHERE deleted_at IS NULL ORDER BY id")
        .fetch_all(t.desk.pool())
        .await
        .unwrap()
}

async fn run_history(steps: Vec<Step>, rotation: usize) {
    let laptops = [desk().await, desk().await, desk().await];
    common::pair(&[&laptops[0], &laptops[1], &laptops[2]]).await;
    let values = ["北京", "上海", "广州", "深圳", "成都"];
    let mut made = 0;
    for s in steps {
        match s {
            Step::Create(on) => {
                made += 1;
                partners::create(&laptops[on].desk, &partner(&format!("收敛测试{on}号{made}有限公司")), true)
                    .await
                    .unwrap();
            }
            Step::Edit { on, pick, field, value } => {
                let ids = live_ids(&laptops[on]).await;
                if ids.is_empty() {
                    continue;
                }
                let v = format!("{}{}", values[value], on);
                edit(&laptops[on], &ids[pick % ids.len()], |p| match field {
                    0 => p.city = v,
                    1 => p.address = v,
                    2 => p.notes = v,
                    _ => p.website = format!("https://{value}-{on}.example"),
                })
                .await;
            }
            Step::Delete { on, pick } => {
                let ids = live_ids(&laptops[on]).await;
                if !ids.is_empty() {
                    partners::delete(&laptops[on].desk, &ids[pick % ids.len()]).await.unwrap();
                }
            }
            Step::Exchange { from, to } if from != to => {
                let bytes = export(&laptops[from]).await;
                import(&laptops[to], &bytes).await;
            }
            Step::Exchange { .. } => {}
            Step::Wait { on, minutes } => {
                let t = &laptops[on];
                t.clock.advance(chrono::Duration::minutes(minutes));
                if t.desk.session_info().state == channeldesk::SessionState::Locked {
                    channeldesk::users::unlock(&t.desk, common::OWNER_PASSWORD).await.unwrap();
                }
            }
        }
    }
    // Then everyone exchanges around the ring twice, starting anywhere.
    for k in 0..6 {
        let from = (rotation + k) % 3;
        let to = (from + 1) % 3;
        let bytes = export(&laptops[from]).await;
        import(&laptops[to], &bytes).await;
    }
    let d0 = dump(&laptops[0]).await;
    same(&d0, &dump(&laptops[1]).await);
    same(&d0, &dump(&laptops[2]).await);
    for t in &laptops {
        assert!(audit::verify(&t.desk).await.unwrap().intact);
        t.desk.close().await;
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, failure_persistence: None, ..Default::default() })]

    /// Laptops that edit, delete and exchange in any order end with identical data.
    #[test]
    fn three_laptops_converge_whatever_the_order(steps in proptest::collection::vec(step(), 1..28), rotation in 0..3usize) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run_history(steps, rotation));
    }
}

/// Two laptops with the same short code (two characters each, so it happens): a colleague
/// renamed `owner-<code>` on one arrives beside that laptop's own `owner`, renamed the same
/// way on a third laptop. Both get a sign-in name of their own there.
#[tokio::test]
async fn colleagues_renamed_alike_get_names_of_their_own() {
    let code = |t: common::TestDesk| async move {
        sqlx::query("UPDATE device SET short_code = 'QZ'").execute(t.desk.pool()).await.unwrap();
        t.reopen().await
    };
    let a = code(desk().await).await;
    let x = code(desk().await).await;
    let c = desk().await;
    common::pair(&[&a, &x, &c]).await;
    import(&x, &export(&a).await).await;
    let incoming = share::open(&export(&x).await, None, &Limits::default()).expect("open");
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    let out = share::apply(&c.desk, &incoming, &choices, &Progress::silent()).await.map(|_| ());
    let mut logins: Vec<String> = sqlx::query_scalar("SELECT login FROM app_user ORDER BY login")
        .fetch_all(c.desk.pool())
        .await
        .unwrap();
    logins.dedup();
    assert_eq!(logins, ["owner", "owner-qz", "owner-qz2"], "{out:?}");
    for t in [a, x, c] {
        t.desk.close().await;
    }
}
