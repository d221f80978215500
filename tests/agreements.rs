//! Agreements (R3.1.1–R3.3.2) on a real encrypted database: drafting from a template with
//! its variables and core clauses, versions and their differences, legal and business review
//! bound to a version's fingerprint, signing, copies and verification, amendments and the
//! current terms, execution reports, termination with its checklist, expiry and renewal.

mod common;

use channeldesk::access::Role;
use channeldesk::agreements::lifecycle::{self, NoticeInput, ReportInput, TerminateInput};
use channeldesk::agreements::signing::{self, ArchiveInput, SignInput};
use channeldesk::agreements::{self, Agreement, DraftInput, NewAgreement, ReviewInput, diff, library};
use channeldesk::documents::layout;
use channeldesk::{Error, attachments, audit, partners, recruitment, reminders, verify};
use common::{TestDesk, add_user, as_user, contact, desk, fields_of, has, later, partner};

/// Channel, legal, business and manager users besides the owner.
async fn staff(t: &TestDesk) {
    for (login, role) in
        [("chan", Role::Channel), ("legal", Role::Legal), ("biz", Role::Business), ("boss", Role::Manager)]
    {
        add_user(t, login, role).await;
    }
}

/// An active partner with a credit code.
async fn active_partner(t: &TestDesk) -> String {
    let mut p = partner("广州市南方智联科技有限公司");
    p.credit_code = "91350100M000100Y43".into();
    p.address = "广州市天河区体育西路 101 号".into();
    common::migrated(t, p.clone()).await
}

fn filled(a: &Agreement, start: &str, end: &str) -> DraftInput {
    let mut variables = a.current.variables.clone();
    for (k, v) in [
        ("company_name", "渠道科技股份有限公司"),
        ("company_credit_code", "91110000100000000X"),
        ("territory", "广东省"),
        ("products", "智能门禁系统及配套软件"),
        ("start_on", start),
        ("end_on", end),
        ("price_terms", "按甲方渠道价目表 B 类价格执行"),
        ("settlement_cycle", "月度"),
        ("payment_days", "30"),
        ("annual_target", "人民币 500 万元"),
    ] {
        variables.insert(k.into(), v.into());
    }
    DraftInput {
        title: a.row.title.clone(),
        variables,
        clauses: a.current.clauses.clone(),
        note: "填写商务条款".into(),
        report_cycle: "quarterly".into(),
    }
}

/// A new draft from the first template for `partner_id`.
async fn new_draft(t: &TestDesk, partner_id: &str, title: &str) -> Agreement {
    let tpl = library::templates(&t.desk).await.unwrap().remove(0);
    let input = NewAgreement { partner_id: partner_id.to_string(), template_id: tpl.id, title: title.into() };
    agreements::create(&t.desk, &input).await.unwrap()
}

fn review(side: &str, decision: &str, comment: &str, a: &Agreement) -> ReviewInput {
    ReviewInput {
        side: side.into(),
        decision: decision.into(),
        comment: comment.into(),
        fingerprint: a.current.fingerprint.clone(),
    }
}

fn signing(on: &str) -> SignInput {
    SignInput {
        signed_on: on.into(),
        signed_place: "广州".into(),
        our_signatory: "陈总".into(),
        our_capacity: "legal_rep".into(),
        their_signatory: "王经理".into(),
        their_capacity: "authorised".into(),
        their_authorisation: "授权委托书 2026-003 号".into(),
        ..Default::default()
    }
}

/// Drafts, fills, submits, has both sides approve and signs an agreement; returns it signed.
async fn signed_agreement(t: &TestDesk, partner_id: &str, start: &str, end: &str, on: &str) -> Agreement {
    as_user(t, "chan").await;
    let tpl =
        library::templates(&t.desk).await.unwrap().into_iter().find(|x| x.kind == "distribution").unwrap();
    let a = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: partner_id.into(), template_id: tpl.id, title: String::new() },
    )
    .await
    .unwrap();
    let a =
        agreements::save_draft(&t.desk, &a.row.id, a.row.version_no, &filled(&a, start, end)).await.unwrap();
    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    as_user(t, "legal").await;
    agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
    as_user(t, "biz").await;
    let a = agreements::review(&t.desk, &a.row.id, &review("business", "approve", "", &a)).await.unwrap();
    assert_eq!(a.row.status, "approved");
    as_user(t, "chan").await;
    signing::sign(&t.desk, &a.row.id, &signing(on)).await.unwrap()
}

#[tokio::test]
async fn a_draft_goes_to_review_only_complete_and_approval_is_bound_to_its_version() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    as_user(&t, "chan").await;
    let templates = library::templates(&t.desk).await.unwrap();
    assert_eq!(
        templates.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>(),
        ["distribution", "agency", "reseller", "service"]
    );
    let tpl = templates[0].clone();
    let a = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: pid.clone(), template_id: tpl.id.clone(), title: String::new() },
    )
    .await
    .unwrap();
    assert_eq!(a.row.number, format!("AG-2026-{}-0001", t.desk.device().short_code));
    assert_eq!((a.row.status.as_str(), a.row.version_no, a.row.title.as_str()), ("drafting", 1, "分销协议"));
    assert_eq!(a.current.clauses.len(), tpl.clause_keys.len());
    // Filled from the partner: its name, code and address.
    assert_eq!(a.current.variables["partner_name"], "广州市南方智联科技有限公司");
    assert_eq!(a.current.variables["partner_credit_code"], "91350100M000100Y43");

    // R3.1.1: every unfilled variable is named and blocks review.
    let e = fields_of(agreements::submit(&t.desk, &a.row.id).await.unwrap_err());
    for v in [
        "company_name",
        "territory",
        "products",
        "start_on",
        "end_on",
        "price_terms",
        "settlement_cycle",
        "payment_days",
        "annual_target",
    ] {
        assert!(has(&e, &format!("variables.{v}"), "unfilled"), "{v}: {e:?}");
    }
    assert!(!has(&e, "variables.partner_name", "unfilled"));

    // Bad input changes nothing: a date variable that is not a date, end before start.
    let mut bad = filled(&a, "2026-03-01", "2027-02-28");
    bad.variables.insert("start_on".into(), "下个月".into());
    let e = fields_of(agreements::save_draft(&t.desk, &a.row.id, 1, &bad).await.unwrap_err());
    assert!(has(&e, "variables.start_on", "date"), "{e:?}");
    let e = fields_of(
        agreements::save_draft(&t.desk, &a.row.id, 1, &filled(&a, "2027-03-01", "2027-02-28"))
            .await
            .unwrap_err(),
    );
    assert!(has(&e, "variables.end_on", "before_start"));
    assert_eq!(agreements::get(&t.desk, &a.row.id).await.unwrap().row.version_no, 1);

    // The core clauses must all be there: without liability, review is refused by name.
    let mut no_liability = filled(&a, "2026-03-01", "2027-02-28");
    no_liability.clauses.retain(|c| c.category != "liability");
    let a2 = agreements::save_draft(&t.desk, &a.row.id, 1, &no_liability).await.unwrap();
    assert_eq!(a2.row.version_no, 2);
    let e = fields_of(agreements::submit(&t.desk, &a.row.id).await.unwrap_err());
    assert_eq!(e, vec![("clauses.liability".to_string(), "missing".to_string())]);
    // A stale version number is refused.
    assert!(matches!(
        agreements::save_draft(&t.desk, &a.row.id, 1, &filled(&a, "2026-03-01", "2027-02-28"))
            .await
            .unwrap_err(),
        Error::Conflict { kind: "stale", .. }
    ));
    let a3 =
        agreements::save_draft(&t.desk, &a.row.id, 2, &filled(&a, "2026-03-01", "2027-02-28")).await.unwrap();
    assert_eq!(a3.row.version_no, 3);
    assert!(a3.missing.is_empty(), "{:?}", a3.missing);
    // Saving the same text again writes no version.
    let same =
        agreements::save_draft(&t.desk, &a.row.id, 3, &filled(&a, "2026-03-01", "2027-02-28")).await.unwrap();
    assert_eq!(same.row.version_no, 3);

    // Differences clause by clause and within a clause.
    let d = diff::versions(&t.desk, &a.row.id, 2, 3).await.unwrap();
    let liability = d.clauses.iter().find(|c| c.key == "liability").unwrap();
    assert_eq!(liability.change, "added");
    assert!(d.clauses.iter().filter(|c| c.key != "liability").all(|c| c.change == "same"));
    let d = diff::versions(&t.desk, &a.row.id, 1, 2).await.unwrap();
    assert_eq!(d.clauses.iter().find(|c| c.key == "liability").unwrap().change, "removed");
    assert!(
        d.variables
            .iter()
            .any(|v| v.key == "territory" && v.before.is_none() && v.after.as_deref() == Some("广东省"))
    );

    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    assert_eq!(a.row.status, "in_review");

    // R3.1.2: only the legal role reviews for legal, only business for the business side.
    assert!(matches!(
        agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await,
        Err(Error::Forbidden(_))
    ));
    as_user(&t, "legal").await;
    assert!(matches!(
        agreements::review(&t.desk, &a.row.id, &review("business", "approve", "", &a)).await,
        Err(Error::Forbidden(_))
    ));
    // A decision names the fingerprint the reviewer read; an older one is refused.
    let mut stale = review("legal", "approve", "", &a);
    stale.fingerprint = a2.current.fingerprint.clone();
    assert!(matches!(
        agreements::review(&t.desk, &a.row.id, &stale).await,
        Err(Error::Conflict { kind: "stale", .. })
    ));
    let a = agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
    assert!(a.legal_approved && !a.business_approved);
    assert_eq!(a.row.status, "in_review");
    // A comment on a clause.
    let a = agreements::comment(
        &t.desk,
        &a.row.id,
        &agreements::CommentInput {
            clause_key: "settlement".into(), text: "付款期限建议改为 45 日".into()
        },
    )
    .await
    .unwrap();
    assert_eq!(a.comments.len(), 1);
    assert!(
        fields_of(
            agreements::comment(
                &t.desk,
                &a.row.id,
                &agreements::CommentInput { clause_key: "nope".into(), text: "x".into() }
            )
            .await
            .unwrap_err()
        )
        .contains(&("clause_key".into(), "unknown".into()))
    );

    // Business asks for changes: a comment is required; it goes back to drafting.
    as_user(&t, "biz").await;
    let e = fields_of(
        agreements::review(&t.desk, &a.row.id, &review("business", "changes", "", &a)).await.unwrap_err(),
    );
    assert_eq!(e, vec![("comment".to_string(), "required".to_string())]);
    let a = agreements::review(&t.desk, &a.row.id, &review("business", "changes", "结算周期改为季度", &a))
        .await
        .unwrap();
    assert_eq!(a.row.status, "drafting");

    // The drafter changes the settlement cycle: version 4; legal's approval of 3 no longer counts.
    as_user(&t, "chan").await;
    let mut next = DraftInput {
        title: a.row.title.clone(),
        variables: a.current.variables.clone(),
        clauses: a.current.clauses.clone(),
        note: "结算周期改为季度".into(),
        report_cycle: String::new(),
    };
    next.variables.insert("settlement_cycle".into(), "季度".into());
    let a = agreements::save_draft(&t.desk, &a.row.id, 3, &next).await.unwrap();
    assert_eq!(a.row.version_no, 4);
    assert!(!a.legal_approved && !a.business_approved);
    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    as_user(&t, "legal").await;
    agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
    as_user(&t, "biz").await;
    let a = agreements::review(&t.desk, &a.row.id, &review("business", "approve", "同意", &a)).await.unwrap();
    assert_eq!(a.row.status, "approved");
    assert!(a.legal_approved && a.business_approved);

    // Any edit after approval voids it.
    as_user(&t, "chan").await;
    let mut edit = next.clone();
    edit.clauses[1].body.push_str("乙方应每季度报送库存数据。");
    let voided = agreements::save_draft(&t.desk, &a.row.id, 4, &edit).await.unwrap();
    assert_eq!((voided.row.status.as_str(), voided.row.version_no), ("drafting", 5));
    assert!(!voided.legal_approved && !voided.business_approved);
    let e = signing::sign(&t.desk, &a.row.id, &signing("2026-03-01")).await.unwrap_err();
    assert_eq!(fields_of(e), vec![("status".to_string(), "not_approved".to_string())]);

    // Every step is in the agreement's history.
    let ops: Vec<String> = audit::agreement_history(&t.desk, &a.row.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.operation)
        .collect();
    for op in ["create", "new_version", "submit_review", "review", "comment"] {
        assert!(ops.contains(&op.to_string()), "{op}: {ops:?}");
    }
    as_user(&t, "owner").await;
    assert!(audit::verify(&t.desk).await.unwrap().intact);
    t.desk.close().await;
}

#[tokio::test]
async fn signing_copies_archive_and_verification() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    as_user(&t, "chan").await;
    let a = new_draft(&t, &pid, "华南区分销协议").await;
    let draft_fp = a.current.fingerprint.clone();
    let a =
        agreements::save_draft(&t.desk, &a.row.id, 1, &filled(&a, "2026-03-01", "2027-02-28")).await.unwrap();
    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    // Copies only of a signed agreement.
    assert_eq!(
        fields_of(signing::prepare_copies(&t.desk, &a.row.id, &["业务部".into()]).await.unwrap_err()),
        vec![("status".to_string(), "not_signed".to_string())]
    );
    as_user(&t, "legal").await;
    agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
    as_user(&t, "biz").await;
    agreements::review(&t.desk, &a.row.id, &review("business", "approve", "", &a)).await.unwrap();
    as_user(&t, "chan").await;

    // Issue 24 (R3.1.3): the originals for signing, as many as the library's counterparts clause
    // states (一式肆份，甲方执叁份，乙方执壹份), each with its holder; logged once saved.
    let (o, originals) = signing::prepare_originals(&t.desk, &a.row.id).await.unwrap();
    assert!(o.file_name.ends_with("-originals-4.pdf"), "{}", o.file_name);
    let one = signing::print(&t.desk, &a.row.id, None).await.unwrap();
    let pages = |b: &[u8]| channeldesk::documents::preview::pages(b).unwrap().len();
    assert_eq!(pages(&o.bytes), 4 * pages(&one.bytes), "four originals of the whole agreement");
    signing::log_copies(&t.desk, &originals, &signing::Handed::Saved).await.unwrap();
    let logged: Vec<(String, i64, i64, String)> = agreements::get(&t.desk, &a.row.id)
        .await
        .unwrap()
        .copies
        .into_iter()
        .map(|c| (c.kind, c.copy_no, c.copies, c.recipient))
        .collect();
    let want: Vec<(String, i64, i64, String)> = [(1, "甲方"), (2, "甲方"), (3, "甲方"), (4, "乙方")]
        .into_iter()
        .map(|(n, h)| ("original".to_string(), n, 4, h.to_string()))
        .collect();
    assert_eq!(logged, want);

    // R3.1.3: each side's signatory and capacity; an authorised representative needs the
    // authorisation; the date is not in the future.
    let mut bad = signing("2026-03-02");
    bad.their_authorisation.clear();
    bad.our_capacity = "boss".into();
    let e = fields_of(signing::sign(&t.desk, &a.row.id, &bad).await.unwrap_err());
    assert!(
        has(&e, "signed_on", "future")
            && has(&e, "their_authorisation", "required")
            && has(&e, "our_capacity", "unknown"),
        "{e:?}"
    );
    let s = signing::sign(&t.desk, &a.row.id, &signing("2026-03-01")).await.unwrap();
    assert_eq!((s.row.status.as_str(), s.row.state.as_str()), ("signed", "active"));
    assert_eq!(
        (s.row.effective_on.as_deref(), s.row.expires_on.as_deref()),
        (Some("2026-03-01"), Some("2027-02-28"))
    );
    assert_eq!(s.signed_version_no, Some(2));
    assert_eq!(s.signing.their_authorisation, "授权委托书 2026-003 号");
    // Signed text cannot be edited any more.
    let e = agreements::save_draft(&t.desk, &a.row.id, 2, &filled(&a, "2026-03-01", "2027-03-31"))
        .await
        .unwrap_err();
    assert_eq!(fields_of(e), vec![("status".to_string(), "not_drafting".to_string())]);

    // Archive with the scan of the signed original (its SHA-256 kept).
    let scan = b"%PDF-1.4\n% scanned original\n".to_vec();
    let att = attachments::add(&t.desk, "partner", &pid, "原件扫描.pdf", &scan).await.unwrap();
    let e = fields_of(signing::archive(&t.desk, &a.row.id, &ArchiveInput::default()).await.unwrap_err());
    assert!(
        has(&e, "archive_no", "required")
            && has(&e, "archive_location", "required")
            && has(&e, "custodian", "required")
    );
    let s = signing::archive(
        &t.desk,
        &a.row.id,
        &ArchiveInput {
            archive_no: "QD-2026-017".into(),
            archive_location: "渠道部档案柜 3 号".into(),
            custodian: "李娜".into(),
            scan_id: att.id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(s.archive.scan_sha256.as_deref(), Some(att.sha256.as_str()));

    // Issue 24: copies are logged once they leave the program, numbered on: 1/2 and 2/2
    // printed, then 3/3 saved; copies made and never printed nor saved leave no trace.
    let (p, first) =
        signing::prepare_copies(&t.desk, &a.row.id, &["业务部（华南大区）".into(), "乙方".into()])
            .await
            .unwrap();
    assert!(p.bytes.starts_with(b"%PDF-"));
    let (_, dropped) = signing::prepare_copies(&t.desk, &a.row.id, &["无人".into()]).await.unwrap();
    let copies = agreements::get(&t.desk, &a.row.id).await.unwrap().copies;
    assert!(copies.iter().all(|c| c.kind == "original"), "made is not printed");
    let job = channeldesk::documents::printers::Job { printer: "Office".into(), id: "Office-7".into() };
    signing::log_copies(&t.desk, &first, &signing::Handed::Printed(job.clone())).await.unwrap();
    assert_eq!(
        fields_of(signing::log_copies(&t.desk, &first, &signing::Handed::Saved).await.unwrap_err()),
        vec![("copies".to_string(), "renumbered".to_string())],
        "the same numbers are not logged twice"
    );
    assert_eq!(
        fields_of(signing::log_copies(&t.desk, &dropped, &signing::Handed::Saved).await.unwrap_err()),
        vec![("copies".to_string(), "renumbered".to_string())],
        "a copy made before others were logged would repeat their number"
    );
    let (_, third) = signing::prepare_copies(&t.desk, &a.row.id, &["财务部".into()]).await.unwrap();
    signing::log_copies(&t.desk, &third, &signing::Handed::Saved).await.unwrap();
    let s = agreements::get(&t.desk, &a.row.id).await.unwrap();
    // The copies are numbered from 1: the originals have numbers of their own.
    let log: Vec<(i64, i64, &str, &str, &str)> = s
        .copies
        .iter()
        .filter(|c| c.kind == "copy")
        .map(|c| (c.copy_no, c.copies, c.recipient.as_str(), c.disposition.as_str(), c.printer.as_str()))
        .collect();
    assert_eq!(
        log,
        [
            (1, 2, "业务部（华南大区）", "printed", "Office"),
            (2, 2, "乙方", "printed", "Office"),
            (3, 3, "财务部", "saved", "")
        ]
    );

    // Verify: the copy's PDF, the printed 16 digits, an older version, something unknown.
    let found = verify::by_file(&t.desk, &p.bytes).await.unwrap().expect("known");
    let (v, file) = (found.agreement.expect("an agreement"), found.document.expect("made here"));
    assert_eq!((v.number.as_str(), v.version_no, v.is_signed_version), (s.row.number.as_str(), 2, true));
    assert_eq!((file.kind.as_str(), file.file_name.as_str()), ("agreement", p.file_name.as_str()));
    // Issue 24: the content decides. A copy whose page text was edited (one byte of a content
    // stream; the metadata, fingerprint included, kept) matches nothing printed here.
    let mut forged = p.bytes.clone();
    let stream = forged.windows(6).position(|w| w == b"stream").expect("a content stream") + 40;
    forged[stream] ^= 0x20;
    assert_eq!(layout::fingerprint_in(&forged), layout::fingerprint_in(&p.bytes), "metadata kept");
    assert_eq!(
        fields_of(verify::by_file(&t.desk, &forged).await.unwrap_err()),
        vec![("file".to_string(), "not_matching".to_string())]
    );
    let printed: String = s
        .current
        .fingerprint
        .chars()
        .take(16)
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    let v = signing::verify_fingerprint(&t.desk, &printed.to_uppercase()).await.unwrap().expect("known");
    assert!(v.is_signed_version);
    let old = signing::verify_fingerprint(&t.desk, &draft_fp).await.unwrap().expect("known");
    assert_eq!((old.version_no, old.is_signed_version, old.signed_version_no), (1, false, Some(2)));
    assert!(signing::verify_fingerprint(&t.desk, &"0".repeat(64)).await.unwrap().is_none());
    assert_eq!(
        fields_of(signing::verify_fingerprint(&t.desk, "12ab").await.unwrap_err()),
        vec![("fingerprint".to_string(), "format".to_string())]
    );
    assert_eq!(
        fields_of(verify::by_file(&t.desk, &scan).await.unwrap_err()),
        vec![("file".to_string(), "not_ours".to_string())]
    );
    assert_eq!(
        fields_of(verify::by_file(&t.desk, b"hello").await.unwrap_err()),
        vec![("file".to_string(), "file_type".to_string())]
    );
    t.desk.close().await;
}

#[tokio::test]
async fn signing_completes_a_prospect_only_at_the_signing_stage() {
    let t = desk().await;
    staff(&t).await;
    let mut p = partner("佛山市新锐电子有限公司");
    p.credit_code = "91350100M000100Y43".into();
    p.business_scope = "电子产品销售".into();
    p.contacts = vec![contact("周敏", "13900139000", "")];
    p.address = "佛山市禅城区季华路 8 号".into();
    let pid = partners::create(&t.desk, &p, false).await.unwrap().id;
    as_user(&t, "chan").await;
    let a = new_draft(&t, &pid, "").await;
    let a =
        agreements::save_draft(&t.desk, &a.row.id, 1, &filled(&a, "2026-03-01", "2027-02-28")).await.unwrap();
    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    as_user(&t, "legal").await;
    agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
    as_user(&t, "biz").await;
    agreements::review(&t.desk, &a.row.id, &review("business", "approve", "", &a)).await.unwrap();
    as_user(&t, "chan").await;
    // R2.1.4: the prospect is still at the application stage.
    match signing::sign(&t.desk, &a.row.id, &signing("2026-03-01")).await.unwrap_err() {
        Error::Gate { to, missing } => {
            assert_eq!(to, "signed");
            assert_eq!(missing[0].field, "stage");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(agreements::get(&t.desk, &a.row.id).await.unwrap().row.status, "approved");
    // Walk it to the signing stage (the gates are tested with recruitment).
    use recruitment::Stage;
    recruitment::move_to(&t.desk, &pid, Stage::Screening, "").await.unwrap();
    let scheme = recruitment::screening::current(&t.desk).await.unwrap();
    let scores = scheme.criteria.iter().map(|k| (k.key.clone(), 4u8)).collect();
    recruitment::screening::score(
        &t.desk,
        &pid,
        &recruitment::screening::ScorecardInput { scheme_id: scheme.id, scores, comment: String::new() },
    )
    .await
    .unwrap();
    recruitment::move_to(&t.desk, &pid, Stage::Inspection, "").await.unwrap();
    recruitment::record_inspection(
        &t.desk,
        &pid,
        &recruitment::InspectionInput {
            inspected_on: "2026-02-20".into(),
            inspectors: "张伟".into(),
            operations: "门店两家".into(),
            conclusion: "经营规范".into(),
            passed: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    recruitment::move_to(&t.desk, &pid, Stage::Negotiation, "").await.unwrap();
    recruitment::record_negotiation(
        &t.desk,
        &pid,
        &recruitment::NegotiationInput {
            negotiated_on: "2026-02-25".into(),
            cooperation_model: "区域分销".into(),
            rights_obligations: "广东省分销".into(),
            profit_sharing: "毛利 18%".into(),
            promotion_commitments: "每季度一场推广会".into(),
            intent_reached: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    recruitment::move_to(&t.desk, &pid, Stage::Signing, "").await.unwrap();
    let s = signing::sign(&t.desk, &a.row.id, &signing("2026-03-01")).await.unwrap();
    assert_eq!(s.row.state, "active");
    let file = recruitment::prospect_file(&t.desk, &pid).await.unwrap().unwrap();
    assert_eq!(file.outcome, "signed");
    assert_eq!(file.agreement_no, s.row.number);
    assert_eq!(partners::get(&t.desk, &pid).await.unwrap().status, "active");
    t.desk.close().await;
}

#[tokio::test]
async fn an_amendment_goes_through_review_and_signing_and_the_current_terms_consolidate() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    as_user(&t, "chan").await;
    // Not for an unsigned master.
    let draft = new_draft(&t, &pid, "").await;
    assert_eq!(
        fields_of(agreements::create_amendment(&t.desk, &draft.row.id).await.unwrap_err()),
        vec![("status".to_string(), "not_signed".to_string())]
    );

    let master = signed_agreement(&t, &pid, "2026-03-01", "2027-02-28", "2026-03-01").await;
    let s1 = agreements::create_amendment(&t.desk, &master.row.id).await.unwrap();
    assert_eq!(s1.row.number, format!("{}-S1", master.row.number));
    assert_eq!(s1.row.kind, "amendment");
    assert_eq!(
        fields_of(agreements::submit(&t.desk, &s1.row.id).await.unwrap_err()),
        vec![("clauses".to_string(), "required".to_string())]
    );
    // Replace the settlement clause and add one.
    let settlement = master.current.clauses.iter().find(|c| c.key == "settlement").unwrap().clone();
    let mut changed = settlement.clone();
    changed.body = "双方按季度对账结算，乙方应在收到发票后四十五日内付款。".into();
    let added = agreements::ClauseText {
        key: "custom.data".into(),
        version: 0,
        category: "other".into(),
        title: "数据报送".into(),
        body: "乙方应于每月五日前报送上月销售和库存数据。".into(),
    };
    let input = DraftInput {
        title: s1.row.title.clone(),
        variables: s1.current.variables.clone(),
        clauses: vec![changed.clone(), added.clone()],
        note: String::new(),
        report_cycle: "none".into(),
    };
    let s1 = agreements::save_draft(&t.desk, &s1.row.id, 1, &input).await.unwrap();
    // An amendment need not repeat the core clauses.
    assert!(s1.missing.is_empty(), "{:?}", s1.missing);
    let s1 = agreements::submit(&t.desk, &s1.row.id).await.unwrap();
    // Not yet signed: the current terms are the master's.
    let terms = lifecycle::current_terms(&t.desk, &master.row.id).await.unwrap();
    assert!(terms.iter().all(|c| !c.amended));
    as_user(&t, "legal").await;
    agreements::review(&t.desk, &s1.row.id, &review("legal", "approve", "", &s1)).await.unwrap();
    as_user(&t, "biz").await;
    agreements::review(&t.desk, &s1.row.id, &review("business", "approve", "", &s1)).await.unwrap();
    as_user(&t, "chan").await;
    let mut sign = signing("2026-03-01");
    sign.effective_on = "2026-04-01".into();
    let s1 = signing::sign(&t.desk, &s1.row.id, &sign).await.unwrap();
    assert_eq!(s1.row.state, "signed", "signed, in effect from April");

    let terms = lifecycle::current_terms(&t.desk, &master.row.id).await.unwrap();
    assert_eq!(terms.len(), master.current.clauses.len() + 1);
    let st = terms.iter().find(|c| c.clause.key == "settlement").unwrap();
    assert!(st.amended && st.source_number == s1.row.number && st.clause.body.contains("四十五日"));
    let last = terms.last().unwrap();
    assert_eq!(
        (last.clause.key.as_str(), last.source_number.as_str()),
        ("custom.data", s1.row.number.as_str())
    );
    // Variables filled from the master's signed text.
    let scope = terms.iter().find(|c| c.clause.key == "scope.distribution").unwrap();
    assert!(!scope.amended && scope.clause.body.contains("广东省"));
    let m = agreements::get(&t.desk, &master.row.id).await.unwrap();
    assert_eq!(m.amendments.len(), 1);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn early_termination_needs_a_cause_and_for_a_breach_the_notice_first() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    let a = signed_agreement(&t, &pid, "2026-03-01", "2027-02-28", "2026-03-01").await;
    let id = a.row.id.clone();
    let end = |cause: &str, on: &str| TerminateInput {
        cause: cause.into(),
        ended_on: on.into(),
        note: "严重违约".into(),
    };
    // Channel staff cannot end an agreement.
    assert!(matches!(
        lifecycle::terminate(&t.desk, &id, &end("breach", "2026-03-01")).await,
        Err(Error::Forbidden(_))
    ));
    as_user(&t, "boss").await;
    let e = fields_of(lifecycle::terminate(&t.desk, &id, &TerminateInput::default()).await.unwrap_err());
    assert!(has(&e, "cause", "required") && has(&e, "ended_on", "required") && has(&e, "note", "required"));
    assert!(has(
        &fields_of(lifecycle::terminate(&t.desk, &id, &end("bored", "2026-03-01")).await.unwrap_err()),
        "cause",
        "unknown"
    ));
    // Breach: the written notice first …
    assert_eq!(
        fields_of(lifecycle::terminate(&t.desk, &id, &end("breach", "2026-03-01")).await.unwrap_err()),
        vec![("notice_on".to_string(), "required".to_string())]
    );
    let e = fields_of(
        lifecycle::record_notice(
            &t.desk,
            &id,
            &NoticeInput {
                notice_on: "2026-03-01".into(),
                notice_ref: "函 2026-01".into(),
                correct_by: "2026-02-20".into(),
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e, vec![("correct_by".to_string(), "before_notice".to_string())]);
    lifecycle::record_notice(
        &t.desk,
        &id,
        &NoticeInput {
            notice_on: "2026-03-01".into(),
            notice_ref: "函 2026-01".into(),
            correct_by: "2026-03-31".into(),
        },
    )
    .await
    .unwrap();
    // … and the correction deadline passed.
    later(&t, 20).await;
    assert_eq!(
        fields_of(lifecycle::terminate(&t.desk, &id, &end("breach", "2026-03-21")).await.unwrap_err()),
        vec![("ended_on".to_string(), "before_correction_deadline".to_string())]
    );
    // The checklist is only for an agreement that ended.
    assert_eq!(
        fields_of(lifecycle::close(&t.desk, &id).await.unwrap_err()),
        vec![("status".to_string(), "not_ended".to_string())]
    );
    later(&t, 15).await;
    let ended = lifecycle::terminate(&t.desk, &id, &end("breach", "2026-04-05")).await.unwrap();
    assert_eq!((ended.row.status.as_str(), ended.end.end_cause.as_deref()), ("ended", Some("breach")));
    // Close only when customers, materials and payments are done.
    let e = fields_of(lifecycle::close(&t.desk, &id).await.unwrap_err());
    assert_eq!(e.len(), 3);
    lifecycle::handover(&t.desk, &id, "customers_handed_on", "2026-04-05").await.unwrap();
    lifecycle::handover(&t.desk, &id, "materials_returned_on", "2026-04-05").await.unwrap();
    assert_eq!(
        fields_of(lifecycle::close(&t.desk, &id).await.unwrap_err()),
        vec![("payments_settled_on".to_string(), "required".to_string())]
    );
    assert!(has(
        &fields_of(lifecycle::handover(&t.desk, &id, "keys", "2026-04-05").await.unwrap_err()),
        "item",
        "unknown"
    ));
    lifecycle::handover(&t.desk, &id, "payments_settled_on", "2026-04-05").await.unwrap();
    let closed = lifecycle::close(&t.desk, &id).await.unwrap();
    assert_eq!((closed.row.status.as_str(), closed.end.closed_on.as_deref()), ("closed", Some("2026-04-05")));

    // Force majeure needs no notice.
    let b = signed_agreement(&t, &pid, "2026-04-01", "2027-03-31", "2026-04-05").await;
    as_user(&t, "boss").await;
    let e = lifecycle::terminate(&t.desk, &b.row.id, &end("force_majeure", "2026-04-05")).await.unwrap();
    assert_eq!(e.row.status, "ended");
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn expiry_renewal_reminders_and_the_renewal() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    // Term 2026-03-01 – 2027-02-28; the renewal's runs to the leap day 2028-02-29.
    let a = signed_agreement(&t, &pid, "2026-03-01", "2027-02-28", "2026-03-01").await;
    let expiring = |groups: &[reminders::ReminderGroup]| {
        groups.iter().find(|g| g.kind == "agreement_expiring").map(|g| g.items.clone())
    };
    assert!(expiring(&reminders::due(&t.desk).await.unwrap()).is_none());
    // 91 days before expiry: nothing; 90: reminded since the 90-day mark; 45: since the 60-day mark.
    later(&t, 273).await; // 2026-11-29
    assert_eq!(t.desk.today(), "2026-11-29");
    assert!(expiring(&reminders::due(&t.desk).await.unwrap()).is_none());
    later(&t, 1).await;
    let items = expiring(&reminders::due(&t.desk).await.unwrap()).expect("reminded at 90 days");
    assert_eq!((items[0].since.as_str(), items[0].due_on.as_deref()), ("2026-11-30", Some("2027-02-28")));
    later(&t, 45).await;
    let items = expiring(&reminders::due(&t.desk).await.unwrap()).unwrap();
    assert_eq!(items[0].since, "2026-12-30", "the 60-day mark");
    assert_eq!(agreements::get(&t.desk, &a.row.id).await.unwrap().days_to_expiry, Some(45));
    // Configurable (administrators): a single 30-day reminder.
    assert!(matches!(lifecycle::set_renewal_days(&t.desk, &[30]).await, Err(Error::Forbidden(_))));
    as_user(&t, "owner").await;
    assert!(lifecycle::set_renewal_days(&t.desk, &[400]).await.is_err());
    lifecycle::set_renewal_days(&t.desk, &[30]).await.unwrap();
    assert!(expiring(&reminders::due(&t.desk).await.unwrap()).is_none());
    lifecycle::set_renewal_days(&t.desk, &[90, 60, 30]).await.unwrap();

    // Renewal needs the partner's intent.
    as_user(&t, "chan").await;
    assert_eq!(
        fields_of(lifecycle::renew(&t.desk, &a.row.id).await.unwrap_err()),
        vec![("intent".to_string(), "not_renew".to_string())]
    );
    assert!(has(
        &fields_of(lifecycle::set_intent(&t.desk, &a.row.id, "maybe", "").await.unwrap_err()),
        "intent",
        "unknown"
    ));
    let a = lifecycle::set_intent(&t.desk, &a.row.id, "renew", "王经理电话确认续约").await.unwrap();
    assert_eq!(a.renewal.intent, "renew");
    let r = lifecycle::renew(&t.desk, &a.row.id).await.unwrap();
    assert_eq!((r.row.status.as_str(), r.row.version_no), ("drafting", 1));
    assert_eq!(r.renewal_of.as_deref(), Some(a.row.id.as_str()));
    assert_eq!(
        (r.current.variables["start_on"].as_str(), r.current.variables["end_on"].as_str()),
        ("2027-03-01", "2028-02-29")
    );
    assert_eq!(r.current.clauses, a.current.clauses);
    assert!(matches!(
        lifecycle::renew(&t.desk, &a.row.id).await,
        Err(Error::Conflict { kind: "renewal_exists", .. })
    ));
    // Still reminded until the renewal is signed.
    assert!(expiring(&reminders::due(&t.desk).await.unwrap()).is_some());

    // After expiry without a signed renewal: expired, and its handover is reminded.
    later(&t, 46).await; // 2027-03-01
    let old = agreements::get(&t.desk, &a.row.id).await.unwrap();
    assert_eq!(old.row.state, "expired");
    let groups = reminders::due(&t.desk).await.unwrap();
    assert!(
        groups.iter().any(|g| g.kind == "agreement_handover" && g.items.iter().any(|i| i.id == a.row.id))
    );
    for item in lifecycle::HANDOVER {
        lifecycle::handover(&t.desk, &a.row.id, item, "2027-03-01").await.unwrap();
    }
    let closed = lifecycle::close(&t.desk, &a.row.id).await.unwrap();
    assert_eq!(
        (closed.row.status.as_str(), closed.end.end_kind.as_deref(), closed.end.ended_on.as_deref()),
        ("closed", Some("expiry"), Some("2027-02-28"))
    );
    t.desk.close().await;
}

#[tokio::test]
async fn execution_reports_fall_due_by_quarter() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    let a = signed_agreement(&t, &pid, "2026-03-01", "2027-02-28", "2026-03-01").await;
    let periods = lifecycle::reports(&t.desk, &a.row.id).await.unwrap();
    let labels: Vec<&str> = periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(labels, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]);
    assert!(periods.iter().all(|p| p.status == "upcoming"));
    later(&t, 45).await; // 2026-04-15: Q1 over, due by the 15th.
    let p = lifecycle::reports(&t.desk, &a.row.id).await.unwrap();
    assert_eq!((p[0].status.as_str(), p[0].due_on.as_str()), ("due", "2026-04-15"));
    let overdue = |g: &[reminders::ReminderGroup]| {
        g.iter().find(|g| g.kind == "execution_report_overdue").map(|g| g.items.clone())
    };
    assert!(overdue(&reminders::due(&t.desk).await.unwrap()).is_none());
    later(&t, 1).await;
    let items = overdue(&reminders::due(&t.desk).await.unwrap()).expect("overdue on the 16th");
    assert!(items[0].label.ends_with("2026-Q1"));
    // The report with an issue and its solution.
    let input = ReportInput {
        period: "2026-Q1".into(),
        received_on: "2026-04-16".into(),
        progress: "新签客户 6 家，销售额 86 万元".into(),
        marketing: "参加广州安博会".into(),
        feedback: "客户反映安装周期偏长".into(),
        issues: "安装人员不足".into(),
        resolution: "甲方派两名工程师支持四周".into(),
        resolved_on: "2026-04-16".into(),
    };
    let bad = ReportInput { period: "2031-Q1".into(), ..input.clone() };
    assert!(has(
        &fields_of(lifecycle::record_report(&t.desk, &a.row.id, &bad).await.unwrap_err()),
        "period",
        "unknown"
    ));
    let bad = ReportInput { progress: String::new(), resolution: String::new(), ..input.clone() };
    let e = fields_of(lifecycle::record_report(&t.desk, &a.row.id, &bad).await.unwrap_err());
    assert!(has(&e, "progress", "required") && has(&e, "resolution", "required"));
    let p = lifecycle::record_report(&t.desk, &a.row.id, &input).await.unwrap();
    assert_eq!(p[0].status, "received");
    assert_eq!(p[0].report.as_ref().unwrap().issues, "安装人员不足");
    assert!(overdue(&reminders::due(&t.desk).await.unwrap()).is_none());

    // A backdated agreement owes no report for the time before it was signed.
    let b = signed_agreement(&t, &pid, "2025-07-01", "2027-06-30", "2026-04-16").await;
    let p = lifecycle::reports(&t.desk, &b.row.id).await.unwrap();
    assert_eq!(p[0].period, "2026-Q2");
    assert!(overdue(&reminders::due(&t.desk).await.unwrap()).is_none());
    t.desk.close().await;
}

#[tokio::test]
async fn the_clause_library_keeps_every_version() {
    let t = desk().await;
    staff(&t).await;
    let before = library::clauses(&t.desk).await.unwrap();
    let conf = before.iter().find(|c| c.key == "confidentiality").unwrap().clone();
    assert_eq!(conf.version, 1);
    as_user(&t, "chan").await;
    let input = library::ClauseInput {
        key: conf.key.clone(),
        category: conf.category.clone(),
        title: conf.title.clone(),
        body: format!("{}违反保密义务的，应支付违约金。", conf.body),
    };
    assert!(matches!(library::save_clause(&t.desk, &input).await, Err(Error::Forbidden(_))));
    // A draft made now keeps version 1 after the library moves on.
    let pid = {
        as_user(&t, "owner").await;
        active_partner(&t).await
    };
    as_user(&t, "chan").await;
    let tpl = library::templates(&t.desk).await.unwrap().remove(0);
    let a = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: pid.clone(), template_id: tpl.id.clone(), title: String::new() },
    )
    .await
    .unwrap();
    as_user(&t, "legal").await;
    let v2 = library::save_clause(&t.desk, &input).await.unwrap();
    assert_eq!(v2.version, 2);
    // Unchanged text writes nothing.
    assert_eq!(library::save_clause(&t.desk, &input).await.unwrap().version, 2);
    let e = fields_of(
        library::save_clause(
            &t.desk,
            &library::ClauseInput { category: "gossip".into(), ..Default::default() },
        )
        .await
        .unwrap_err(),
    );
    assert!(has(&e, "category", "unknown") && has(&e, "title", "required") && has(&e, "body", "required"));
    let history = library::clause_history(&t.desk, "confidentiality").await.unwrap();
    assert_eq!(history.iter().map(|c| c.version).collect::<Vec<_>>(), [2, 1]);
    let again = agreements::get(&t.desk, &a.row.id).await.unwrap();
    assert_eq!(again.current.clauses.iter().find(|c| c.key == "confidentiality").unwrap().version, 1);
    as_user(&t, "chan").await;
    let b = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: pid, template_id: tpl.id, title: String::new() },
    )
    .await
    .unwrap();
    let c = b.current.clauses.iter().find(|c| c.key == "confidentiality").unwrap();
    assert!(c.version == 2 && c.body.ends_with("应支付违约金。"));
    // The company's own details carry over from the latest agreement.
    assert_eq!(b.current.variables.get("company_name"), a.current.variables.get("company_name"));
    t.desk.close().await;
}

/// R3.1.2 for an agreement signed on paper outside the program: a manager approves the draft
/// with the scan of the original and a reason in place of the two reviews; channel staff then
/// record the signing; nobody else approves that way, and a new version voids the approval.
#[tokio::test]
async fn a_paper_agreement_is_approved_by_a_manager_with_its_scan() {
    use channeldesk::agreements::paper::{self, PaperApproval};
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    as_user(&t, "chan").await;
    let tpl = library::templates(&t.desk).await.unwrap().remove(0);
    let new =
        NewAgreement { partner_id: pid.clone(), template_id: tpl.id, title: "纸质经销协议".into() };
    let a = agreements::create(&t.desk, &new).await.unwrap();
    let a =
        agreements::save_draft(&t.desk, &a.row.id, 1, &filled(&a, "2026-01-01", "2027-12-31")).await.unwrap();
    let scan =
        attachments::add(&t.desk, "partner", &pid, "纸质原件.pdf", b"%PDF-1.4\n% paper\n").await.unwrap();
    let input = PaperApproval {
        scan_id: scan.id.clone(), reason: "客户坚持在其总部以纸质文本签署".into()
    };
    // Channel staff may not approve; a manager must give the scan and the reason.
    assert_eq!(paper::approve(&t.desk, &a.row.id, &input).await.unwrap_err().code(), "forbidden");
    as_user(&t, "boss").await;
    let e = fields_of(paper::approve(&t.desk, &a.row.id, &PaperApproval::default()).await.unwrap_err());
    assert!(has(&e, "reason", "required") && has(&e, "scan_id", "required"), "{e:?}");
    assert_eq!(agreements::get(&t.desk, &a.row.id).await.unwrap().row.status, "drafting", "nothing written");
    let approved = paper::approve(&t.desk, &a.row.id, &input).await.unwrap();
    assert_eq!(approved.row.status, "approved");
    assert_eq!(approved.paper.as_ref().map(|p| p.scan_name.as_str()), Some("纸质原件.pdf"));
    // A new version voids it: back to drafting, and signing is refused.
    as_user(&t, "chan").await;
    let v3 = agreements::save_draft(&t.desk, &a.row.id, 2, &filled(&approved, "2026-01-01", "2028-12-31"))
        .await
        .unwrap();
    assert_eq!(v3.row.status, "drafting");
    as_user(&t, "boss").await;
    paper::approve(&t.desk, &a.row.id, &input).await.unwrap();
    as_user(&t, "chan").await;
    let sign = SignInput {
        signed_on: "2026-01-01".into(),
        signed_place: "广州".into(),
        our_signatory: "陈建国".into(),
        our_capacity: "legal_rep".into(),
        their_signatory: "王海".into(),
        their_capacity: "legal_rep".into(),
        ..Default::default()
    };
    let signed = signing::sign(&t.desk, &a.row.id, &sign).await.unwrap();
    assert_eq!(signed.row.status, "signed");
    let ops: Vec<String> =
        audit::partner_history(&t.desk, &pid).await.unwrap().into_iter().map(|e| e.operation).collect();
    assert!(ops.contains(&"migrate".to_string()));
    common::travels(&t).await;
    t.desk.close().await;
}

/// R3.3: when the last signed master agreement is terminated the partner is terminated (its
/// orders can no longer be confirmed); a new agreement signed later makes it active again.
#[tokio::test]
async fn the_partner_follows_its_last_agreement() {
    let t = desk().await;
    let pid = common::migrated(&t, partner("佛山市禅城区顺达贸易有限公司")).await;
    let first = common::signed_agreement(&t, &pid).await;
    let second = common::signed_agreement(&t, &pid).await;
    let end = TerminateInput {
        cause: "deterioration".into(),
        ended_on: t.desk.today(),
        note: "经营状况恶化".into(),
    };
    lifecycle::terminate(&t.desk, &first, &end).await.unwrap();
    assert_eq!(
        partners::get(&t.desk, &pid).await.unwrap().status,
        "active",
        "another agreement is in effect"
    );
    lifecycle::terminate(&t.desk, &second, &end).await.unwrap();
    let p = partners::get(&t.desk, &pid).await.unwrap();
    assert_eq!(p.status, "terminated");
    assert!(p.actions.is_empty(), "no suspension of a terminated partner");
    let ops: Vec<String> =
        audit::partner_history(&t.desk, &pid).await.unwrap().into_iter().map(|e| e.operation).collect();
    assert!(ops.contains(&"end".to_string()), "{ops:?}");
    common::signed_agreement(&t, &pid).await;
    assert_eq!(partners::get(&t.desk, &pid).await.unwrap().status, "active", "a new signing reactivates");
    t.desk.close().await;
}

/// Issue 24 (R3.1.3): the originals printed for signing are as many as the agreement's own
/// clause states; a clause whose shares do not add up is refused with the reason before
/// anything is printed, and once corrected (a new version, reviewed again) they print.
#[tokio::test]
async fn originals_follow_the_counterparts_clause() {
    let t = desk().await;
    staff(&t).await;
    let pid = active_partner(&t).await;
    as_user(&t, "chan").await;
    let a = new_draft(&t, &pid, "华东区分销协议").await;
    let approve = |a: Agreement| {
        let t = &t;
        async move {
            let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
            as_user(t, "legal").await;
            agreements::review(&t.desk, &a.row.id, &review("legal", "approve", "", &a)).await.unwrap();
            as_user(t, "biz").await;
            agreements::review(&t.desk, &a.row.id, &review("business", "approve", "", &a)).await.unwrap();
            as_user(t, "chan").await;
        }
    };
    let with_clause = |a: &Agreement, text: &str| {
        let mut input = filled(a, "2026-04-01", "2027-03-31");
        let effect = input
            .clauses
            .iter_mut()
            .find(|c| c.body.contains("本协议一式"))
            .expect("the counterparts clause");
        let from = effect.body.find("本协议一式").unwrap();
        let to = from + effect.body[from..].find('。').unwrap() + '。'.len_utf8();
        effect.body.replace_range(from..to, text);
        input
    };
    // Not before approval.
    assert_eq!(
        fields_of(signing::prepare_originals(&t.desk, &a.row.id).await.unwrap_err()),
        vec![("status".to_string(), "not_approved".to_string())]
    );
    let a = agreements::save_draft(
        &t.desk,
        &a.row.id,
        1,
        &with_clause(&a, "本协议一式肆份，甲方执叁份，乙方执贰份。"),
    )
    .await
    .unwrap();
    approve(a.clone()).await;
    let e = signing::prepare_originals(&t.desk, &a.row.id).await.unwrap_err();
    match &e {
        Error::Validation(f) => {
            assert_eq!(
                (f[0].field.as_str(), f[0].rule.as_str(), f[0].limit),
                ("counterparts", "counterparts_not_adding_up", Some(4))
            )
        }
        other => panic!("{other:?}"),
    }
    let a = agreements::get(&t.desk, &a.row.id).await.unwrap();
    let a = agreements::save_draft(
        &t.desk,
        &a.row.id,
        a.row.version_no,
        &with_clause(&a, "本协议一式两份，双方各执一份。"),
    )
    .await
    .unwrap();
    approve(a.clone()).await;
    let (o, originals) = signing::prepare_originals(&t.desk, &a.row.id).await.unwrap();
    assert!(o.file_name.ends_with("-originals-2.pdf"), "{}", o.file_name);
    let job = channeldesk::documents::printers::Job { printer: "Office".into(), id: "Office-9".into() };
    signing::log_copies(&t.desk, &originals, &signing::Handed::Printed(job)).await.unwrap();
    let a = agreements::get(&t.desk, &a.row.id).await.unwrap();
    let log: Vec<(&str, &str, &str)> =
        a.copies.iter().map(|c| (c.kind.as_str(), c.recipient.as_str(), c.printer.as_str())).collect();
    assert_eq!(log, [("original", "甲方", "Office"), ("original", "乙方", "Office")]);
    // The marks are on the pages: 正本 ORIGINAL n/m with the holder.
    let path = t.dir.path().join(&o.file_name);
    std::fs::write(&path, &o.bytes).unwrap();
    if let Some(keep) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        std::fs::copy(&path, std::path::Path::new(&keep).join("agreement-originals.pdf")).unwrap();
    }
    if let Ok(out) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() {
        let text: String = String::from_utf8_lossy(&out.stdout).split_whitespace().collect();
        assert!(text.contains("正本ORIGINAL1/2·甲方执") && text.contains("正本ORIGINAL2/2·乙方执"), "{text}");
        // The seam-seal guide on every page, in the right margin (the template asks for it).
        let seams = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            let out =
                std::process::Command::new("pdftotext").arg("-bbox").arg(&path).arg("-").output().unwrap();
            let xml = String::from_utf8_lossy(&out.stdout).into_owned();
            let right_margin = (210.0 - 20.0) / 25.4 * 72.0;
            xml.lines()
                .filter(|l| l.contains(">骑缝章<"))
                .filter_map(|l| l.split("xMin=\"").nth(1)?.split('"').next()?.parse::<f32>().ok())
                .filter(|x| *x > right_margin)
                .count()
        };
        let pages = channeldesk::documents::preview::pages(&o.bytes).unwrap().len();
        assert_eq!(seams(&o.bytes), pages, "one guide per page");
        let copy = signing::print(&t.desk, &a.row.id, None).await.unwrap();
        assert_eq!(seams(&copy.bytes), 0, "only originals carry it");
        // Those who keep the clause library turn it off for the template; the channel cannot.
        let template: String = sqlx::query_scalar("SELECT template_id FROM agreement WHERE id = ?")
            .bind(&a.row.id)
            .fetch_one(t.desk.pool())
            .await
            .unwrap();
        as_user(&t, "owner").await;
        add_user(&t, "seam-chan", Role::Channel).await;
        add_user(&t, "seam-legal", Role::Legal).await;
        as_user(&t, "seam-chan").await;
        assert!(matches!(library::set_seam_mark(&t.desk, &template, false).await, Err(Error::Forbidden(_))));
        as_user(&t, "seam-legal").await;
        assert!(has(
            &fields_of(library::set_seam_mark(&t.desk, "nope", false).await.unwrap_err()),
            "template_id",
            "unknown"
        ));
        let off = library::set_seam_mark(&t.desk, &template, false).await.unwrap();
        assert!(!off.seam_mark);
        library::set_seam_mark(&t.desk, &template, false).await.unwrap();
        let entries: Vec<String> = sqlx::query_scalar(
            "SELECT changes FROM audit_log WHERE entity = 'agreement_template' AND entity_id = ? AND operation = 'update'",
        )
        .bind(&template)
        .fetch_all(t.desk.pool())
        .await
        .unwrap();
        assert_eq!(entries.len(), 1, "setting what is set writes nothing: {entries:?}");
        assert!(entries[0].contains("seam_mark"), "{entries:?}");
        assert!(library::templates(&t.desk).await.unwrap().iter().any(|x| x.id == template && !x.seam_mark));
        as_user(&t, "owner").await;
        let (without, _) = signing::prepare_originals(&t.desk, &a.row.id).await.unwrap();
        assert_eq!(seams(&without.bytes), 0, "a template that does not ask for it");
    }
    t.desk.close().await;
}
