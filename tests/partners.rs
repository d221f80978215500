//! Partner register (R2.1.3, R2.3.1): create, edit, delete and restore, validation,
//! duplicates, audit rows and the HLC, on a real SQLite file.

mod common;

use channeldesk::audit;
use channeldesk::error::Error;
use channeldesk::partners::{self, ListQuery};
use common::{contact, desk, partner};

const CODE_A: &str = "91350100M000100Y43";
const CODE_B: &str = "91110000600037341L";

fn rules(e: &Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(fs) => fs.iter().map(|f| (f.field.clone(), f.rule.clone())).collect(),
        other => panic!("expected validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn create_get_and_audit() {
    let t = desk().await;
    let mut input = partner("深圳市华信科技有限公司");
    input.credit_code = " 91350100m000100y43 ".into();
    input.province = "44".into();
    input.tags = vec!["重点客户".into(), "重点客户".into(), "华南区".into()];
    input.contacts = vec![contact("张伟", "138-0013-8000", "zhang.wei@huaxin.cn")];
    let p = partners::create(&t.desk, &input, false).await.unwrap();
    assert_eq!(p.credit_code.as_deref(), Some(CODE_A), "stored upper-case and trimmed");
    assert_eq!(p.tags, vec!["重点客户", "华南区"], "duplicate tags dropped");
    assert_eq!(p.contacts.len(), 1);
    assert!(p.contacts[0].is_primary, "the only contact becomes primary");
    assert_eq!(p.updated_by_name, "测试员");

    let hist = audit::partner_history(&t.desk, &p.id).await.unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].operation, "create");
    let ch: serde_json::Value = serde_json::from_str(&hist[0].changes).unwrap();
    assert_eq!(ch["name"][1], "深圳市华信科技有限公司");
    assert_eq!(ch["credit_code"][1], CODE_A);

    let bare = partners::create(&t.desk, &partner("空白公司"), false).await.unwrap();
    let hist = audit::partner_history(&t.desk, &bare.id).await.unwrap();
    let ch: serde_json::Value = serde_json::from_str(&hist[0].changes).unwrap();
    let fields: Vec<&String> = ch.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["name", "source_kind", "status"], "only what was set is recorded");
    t.desk.close().await;
}

#[tokio::test]
async fn validation_names_each_field_and_changes_nothing() {
    let t = desk().await;
    let mut input = partner("   ");
    input.credit_code = "91350100M000100Y44".into();
    input.website = "javascript:alert(1)".into();
    input.source_kind = String::new();
    input.province = "99".into();
    input.notes = "长".repeat(10_000);
    input.contacts = vec![contact("", "12345", "not-an-email")];
    let e = partners::create(&t.desk, &input, false).await.unwrap_err();
    assert_eq!(e.code(), "validation");
    let r = rules(&e);
    for expected in [
        ("name", "required"),
        ("credit_code", "credit_code_check"),
        ("website", "url"),
        ("source_kind", "required"),
        ("province", "unknown"),
        ("notes", "too_long"),
        ("contacts.0.name", "required"),
        ("contacts.0.mobile", "phone"),
        ("contacts.0.email", "email"),
    ] {
        assert!(r.contains(&(expected.0.into(), expected.1.into())), "missing {expected:?} in {r:?}");
    }
    let page = partners::list(&t.desk, &ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 0, "nothing half-written");
    let audits: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'partner'")
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert_eq!(audits, 0);
    t.desk.close().await;
}

#[tokio::test]
async fn markup_is_stored_as_text() {
    let t = desk().await;
    let name = "<img src=x onerror=alert(1)>";
    let p = partners::create(&t.desk, &partner(name), false).await.unwrap();
    assert_eq!(partners::get(&t.desk, &p.id).await.unwrap().name, name);
    t.desk.close().await;
}

#[tokio::test]
async fn same_credit_code_is_refused_with_link() {
    let t = desk().await;
    let mut a = partner("甲公司");
    a.credit_code = CODE_A.into();
    let first = partners::create(&t.desk, &a, false).await.unwrap();
    let mut b = partner("乙公司");
    b.credit_code = CODE_A.to_lowercase();
    let e = partners::create(&t.desk, &b, true).await.unwrap_err();
    match e {
        Error::Conflict { kind, with } => {
            assert_eq!(kind, "duplicate");
            assert_eq!(with[0].id, first.id);
            assert_eq!(with[0].reason, "credit_code");
        }
        other => panic!("{other:?}"),
    }
    t.desk.close().await;
}

#[tokio::test]
async fn similar_name_phone_or_email_needs_confirmation() {
    let t = desk().await;
    let mut a = partner("深圳华信科技有限公司");
    a.contacts = vec![contact("张伟", "13800138000", "sales@huaxin.cn")];
    let first = partners::create(&t.desk, &a, false).await.unwrap();

    // Full-width letters, spaces and another legal-form suffix: the same company.
    for (name, mobile, email, reason) in [
        ("深圳 华信科技股份有限公司", "", "", "similar_name"),
        ("ＳＨＥＮＺＨＥＮ华信科技 Co., Ltd.", "", "", "none"),
        ("另一家公司", "+86 138 0013 8000", "", "phone"),
        ("第三家公司", "", "SALES@huaxin.cn", "email"),
    ] {
        let mut b = partner(name);
        if !mobile.is_empty() || !email.is_empty() {
            b.contacts = vec![contact("李四", mobile, email)];
        }
        let res = partners::create(&t.desk, &b, false).await;
        if reason == "none" {
            assert!(res.is_ok(), "{name} is not similar: {res:?}");
            continue;
        }
        match res.unwrap_err() {
            Error::Conflict { kind, with } => {
                assert_eq!(kind, "similar", "{name}");
                assert_eq!(with[0].id, first.id);
                assert_eq!(with[0].reason, reason, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        // Confirmed, it is saved.
        partners::create(&t.desk, &b, true).await.unwrap();
    }
    t.desk.close().await;
}

#[tokio::test]
async fn update_records_changed_fields_and_refuses_stale_versions() {
    let t = desk().await;
    let mut input = partner("成都启明软件有限公司");
    input.contacts = vec![contact("王芳", "13912345678", "")];
    let p = partners::create(&t.desk, &input, false).await.unwrap();
    t.clock.advance(chrono::Duration::seconds(5));

    input.city = "成都".into();
    input.contacts[0].id = Some(p.contacts[0].id.clone());
    input.contacts.push(contact("赵强", "", "zq@qiming.cn"));
    let p2 = partners::update(&t.desk, &p.id, &p.hlc, &input, false).await.unwrap();
    assert!(p2.hlc > p.hlc, "new version");
    assert_eq!(p2.contacts.len(), 2);
    assert_eq!(p2.contacts[0].id, p.contacts[0].id, "existing contact kept its id");

    let hist = audit::partner_history(&t.desk, &p.id).await.unwrap();
    assert_eq!(hist.len(), 2);
    let ch: serde_json::Value = serde_json::from_str(&hist[1].changes).unwrap();
    assert!(ch.get("status").is_none(), "the form does not change the status (R2.1.4)");
    assert_eq!(ch["city"], serde_json::json!(["", "成都"]));
    assert!(ch.get("name").is_none(), "unchanged fields are not recorded");
    assert!(ch.get("contacts").is_some());

    // An edit based on the old version is refused.
    input.notes = "晚到的修改".into();
    let e = partners::update(&t.desk, &p.id, &p.hlc, &input, false).await.unwrap_err();
    assert!(matches!(e, Error::Conflict { kind: "stale", .. }), "{e:?}");

    // No change: no new version, no audit entry.
    input.notes.clear();
    input.contacts[1].id = Some(p2.contacts[1].id.clone());
    let p3 = partners::update(&t.desk, &p.id, &p2.hlc, &input, false).await.unwrap();
    assert_eq!(p3.hlc, p2.hlc);
    assert_eq!(audit::partner_history(&t.desk, &p.id).await.unwrap().len(), 2);

    // Removing a contact tombstones it.
    input.contacts.truncate(1);
    partners::update(&t.desk, &p.id, &p2.hlc, &input, false).await.unwrap();
    let tomb: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM partner_contact WHERE partner_id = ? AND deleted_at IS NOT NULL",
    )
    .bind(&p.id)
    .fetch_one(t.desk.pool())
    .await
    .unwrap();
    assert_eq!(tomb, 1);
    t.desk.close().await;
}

#[tokio::test]
async fn field_clocks_follow_changed_fields() {
    let t = desk().await;
    let mut input = partner("杭州蓝海网络科技有限公司");
    let p = partners::create(&t.desk, &input, false).await.unwrap();
    input.city = "杭州".into();
    let p2 = partners::update(&t.desk, &p.id, &p.hlc, &input, false).await.unwrap();
    let fh: String = sqlx::query_scalar("SELECT field_hlc FROM partner WHERE id = ?")
        .bind(&p.id)
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    let fh: serde_json::Value = serde_json::from_str(&fh).unwrap();
    assert_eq!(fh["city"], p2.hlc.as_str(), "a changed field carries its own clock");
    assert_eq!(fh["*"], p.hlc.as_str(), "the others keep the creation clock, stored once");
    assert!(fh.get("name").is_none());
    t.desk.close().await;
}

#[tokio::test]
async fn delete_is_a_tombstone_and_restore_undoes_it() {
    let t = desk().await;
    let mut input = partner("武汉恒通电子有限公司");
    input.credit_code = CODE_B.into();
    input.tags = vec!["华中".into()];
    let p = partners::create(&t.desk, &input, false).await.unwrap();
    partners::delete(&t.desk, &p.id).await.unwrap();

    let page =
        partners::list(&t.desk, &ListQuery { q: "恒通电子".into(), ..Default::default() }).await.unwrap();
    assert_eq!(page.total, 0, "deleted partners are not listed or found");
    let tagged =
        partners::list(&t.desk, &ListQuery { tag: "华中".into(), ..Default::default() }).await.unwrap();
    assert_eq!(tagged.total, 0);
    let row: (Option<String>,) = sqlx::query_as("SELECT deleted_at FROM partner WHERE id = ?")
        .bind(&p.id)
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert!(row.0.is_some(), "the row is still there, with a tombstone");

    // While deleted, its credit code is free; restoring then conflicts.
    let mut other = partner("另一家");
    other.credit_code = CODE_B.into();
    let o = partners::create(&t.desk, &other, false).await.unwrap();
    assert!(matches!(
        partners::restore(&t.desk, &p.id).await,
        Err(Error::Conflict { kind: "duplicate", .. })
    ));
    partners::delete(&t.desk, &o.id).await.unwrap();

    let back = partners::restore(&t.desk, &p.id).await.unwrap();
    assert!(back.deleted_at.is_none());
    let page =
        partners::list(&t.desk, &ListQuery { q: "恒通电子".into(), ..Default::default() }).await.unwrap();
    assert_eq!(page.total, 1, "restored partner is searchable again");
    let tagged =
        partners::list(&t.desk, &ListQuery { tag: "华中".into(), ..Default::default() }).await.unwrap();
    assert_eq!(tagged.total, 1, "and its tags are back");
    let ops: Vec<String> =
        audit::partner_history(&t.desk, &p.id).await.unwrap().into_iter().map(|e| e.operation).collect();
    assert_eq!(ops, ["create", "delete", "restore"]);
    t.desk.close().await;
}

#[tokio::test]
async fn unknown_ids_and_channel_contacts_are_reported() {
    let t = desk().await;
    assert!(matches!(partners::get(&t.desk, "nope").await, Err(Error::NotFound { .. })));
    assert!(matches!(partners::delete(&t.desk, "nope").await, Err(Error::NotFound { .. })));
    let mut input = partner("某公司");
    input.channel_contact_id = Some("no-such-user".into());
    let e = partners::create(&t.desk, &input, false).await.unwrap_err();
    assert_eq!(rules(&e), vec![("channel_contact_id".to_string(), "unknown".to_string())]);
    t.desk.close().await;
}

#[tokio::test]
async fn audit_log_is_append_only() {
    let t = desk().await;
    partners::create(&t.desk, &partner("某公司"), false).await.unwrap();
    assert!(sqlx::query("UPDATE audit_log SET user_name = 'x'").execute(t.desk.pool()).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(t.desk.pool()).await.is_err());
    t.desk.close().await;
}

#[tokio::test]
async fn a_confirmed_look_alike_is_not_asked_about_again_on_unrelated_edits() {
    let t = desk().await;
    let mut a = partner("深圳华信科技有限公司");
    a.contacts = vec![contact("张伟", "13800138000", "")];
    partners::create(&t.desk, &a, false).await.unwrap();
    let mut b = partner("深圳市华信科技有限公司");
    b.contacts = vec![contact("李四", "13800138000", "")];
    let saved = partners::create(&t.desk, &b, true).await.unwrap();

    // Changing the city touches neither the name nor the phones: no question.
    b.city = "深圳".into();
    b.contacts[0].id = Some(saved.contacts[0].id.clone());
    let edited = partners::update(&t.desk, &saved.id, &saved.hlc, &b, false).await.unwrap();
    assert_eq!(edited.city, "深圳");

    // The same name written another way is still the same identity.
    b.name = "华信科技（深圳）有限公司".into();
    let renamed = partners::update(&t.desk, &saved.id, &edited.hlc, &b, false).await.unwrap();

    // A new name that looks like a third partner asks again; so does a new phone of theirs.
    let mut c = partner("广州蓝海商贸股份有限公司");
    c.contacts = vec![contact("王芳", "13912345678", "")];
    partners::create(&t.desk, &c, false).await.unwrap();
    b.name = "广州蓝海商贸有限公司".into();
    let e = partners::update(&t.desk, &saved.id, &renamed.hlc, &b, false).await.unwrap_err();
    assert!(matches!(e, Error::Conflict { kind: "similar", .. }), "{e:?}");
    b.name = "华信科技（深圳）有限公司".into();
    b.contacts.push(contact("王芳", "139-1234-5678", ""));
    let e = partners::update(&t.desk, &saved.id, &renamed.hlc, &b, false).await.unwrap_err();
    assert!(
        matches!(&e, Error::Conflict { kind: "similar", with }
            if with.iter().any(|r| r.reason == "phone" && r.label == "广州蓝海商贸股份有限公司")),
        "{e:?}"
    );
    t.desk.close().await;
}

#[tokio::test]
async fn duplicate_check_while_typing_uses_only_what_would_pass() {
    let t = desk().await;
    let mut a = partner("深圳华信科技有限公司");
    a.credit_code = CODE_A.into();
    a.contacts = vec![contact("张伟", "13800138000", "sales@huaxin.cn")];
    let a = partners::create(&t.desk, &a, false).await.unwrap();

    // Half-typed: no name yet, a lower-case code, a phone with spaces, an unfinished e-mail.
    let typing = partners::PartnerInput {
        credit_code: CODE_A.to_lowercase(),
        contacts: vec![contact("", "138 0013 8000", "SALES@huaxin")],
        ..Default::default()
    };
    let r = partners::check_duplicates(&t.desk, &typing, None).await.unwrap();
    assert_eq!(r.same_credit_code.as_ref().map(|c| c.id.as_str()), Some(a.id.as_str()));
    let reasons: Vec<&str> = r.similar.iter().map(|c| c.reason.as_str()).collect();
    assert_eq!(reasons, ["phone"], "no name to compare, e-mail not finished");

    let mut named = typing.clone();
    named.name = "华信科技（深圳）有限公司".into();
    named.contacts[0].email = "SALES@huaxin.cn".into();
    let r = partners::check_duplicates(&t.desk, &named, None).await.unwrap();
    let reasons: Vec<&str> = r.similar.iter().map(|c| c.reason.as_str()).collect();
    assert_eq!(reasons, ["similar_name"], "one entry per partner, the first reason found");

    // Editing the partner itself finds nothing.
    let r = partners::check_duplicates(&t.desk, &named, Some(&a.id)).await.unwrap();
    assert!(r.same_credit_code.is_none() && r.similar.is_empty());
    t.desk.close().await;
}
