//! Shared set-up for core tests: each test gets its own fresh, encrypted database file, a
//! keychain of its own (the keyring mock store) and a signed-in owner.
#![allow(dead_code)]

pub mod pdf;

use channeldesk::hlc::ManualClock;
use channeldesk::partners::{ContactInput, PartnerInput};
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, Unlock};
use channeldesk::{Desk, users};
use chrono::{TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;

/// The owner's password in every test database.
pub const OWNER_PASSWORD: &str = "correct horse battery";

pub struct TestDesk {
    pub desk: Desk,
    pub clock: Arc<ManualClock>,
    pub keychain: Keychain,
    pub dir: tempfile::TempDir,
}

impl TestDesk {
    /// Closes the pool and opens the same folder again (a restart), signed in as the owner.
    pub async fn reopen(self) -> TestDesk {
        self.desk.close().await;
        let desk = open_ready(self.dir.path(), &self.keychain, self.clock.clone()).await;
        users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("owner signs in");
        TestDesk { desk, ..self }
    }
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()))
}

/// Opens `dir` with `keychain`, expecting the key to be there.
pub async fn open_ready(dir: &Path, keychain: &Keychain, clock: Arc<ManualClock>) -> Desk {
    match vault::open_with_clock(dir, keychain, clock).await.expect("open data folder") {
        Unlock::Ready(desk) => *desk,
        Unlock::NeedsRecoveryKey(r) => panic!("needs the recovery key: {r:?}"),
    }
}

/// A fresh data folder with the owner (administrator) signed in.
pub async fn desk() -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let keychain = Keychain::mock();
    let desk = open_ready(dir.path(), &keychain, clock.clone()).await;
    users::setup_owner(&desk, "测试员", "owner", OWNER_PASSWORD).await.expect("owner set-up");
    TestDesk { desk, clock, keychain, dir }
}

/// Adds user `login` (password `password-1`) with one role.
pub async fn add_user(t: &TestDesk, login: &str, role: channeldesk::access::Role) {
    let u = users::NewUser {
        login: login.into(),
        display_name: login.into(),
        password: "password-1".into(),
        roles: vec![role],
    };
    users::create(&t.desk, &u).await.expect("user");
}

/// Signs in as `login` (the owner, or a user made by [`add_user`]).
pub async fn as_user(t: &TestDesk, login: &str) {
    users::sign_out(&t.desk).await.unwrap();
    let pw = if login == "owner" { OWNER_PASSWORD } else { "password-1" };
    users::sign_in(&t.desk, login, pw).await.unwrap();
}

/// Moves the clock on by `days`; a lock that follows is opened by whoever is signed in.
pub async fn later(t: &TestDesk, days: i64) {
    t.clock.advance(chrono::Duration::days(days));
    if t.desk.session_info().state == channeldesk::SessionState::Locked {
        let login = t.desk.session_info().user.map(|u| u.login).unwrap_or_default();
        users::unlock(&t.desk, if login == "owner" { OWNER_PASSWORD } else { "password-1" }).await.unwrap();
    }
}

/// The `(field, rule)` pairs of a validation error.
pub fn fields_of(e: channeldesk::Error) -> Vec<(String, String)> {
    match e {
        channeldesk::Error::Validation(f) => f.into_iter().map(|f| (f.field, f.rule)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Whether `errors` holds `field` broken by `rule`.
pub fn has(errors: &[(String, String)], field: &str, rule: &str) -> bool {
    errors.iter().any(|(f, r)| f == field && r == rule)
}

/// A valid minimal partner.
pub fn partner(name: &str) -> PartnerInput {
    PartnerInput { name: name.into(), source_kind: "online".into(), ..Default::default() }
}

pub fn contact(name: &str, mobile: &str, email: &str) -> ContactInput {
    ContactInput { name: name.into(), mobile: mobile.into(), email: email.into(), ..Default::default() }
}

/// An agreement for `partner_id` from the first template, every variable filled, in effect
/// 2026-01-01 to 2026-12-31, submitted for review by whoever is signed in.
pub async fn submitted_agreement(t: &TestDesk, partner_id: &str) -> channeldesk::agreements::Agreement {
    submitted_agreement_with(t, partner_id, &[]).await
}

/// [`submitted_agreement`] with `variables` set as staff would type them.
pub async fn submitted_agreement_with(
    t: &TestDesk,
    partner_id: &str,
    variables: &[(&str, &str)],
) -> channeldesk::agreements::Agreement {
    use channeldesk::agreements::{self, DraftInput, NewAgreement, library};
    let tpl = library::templates(&t.desk).await.unwrap().remove(0);
    let a = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: partner_id.into(), template_id: tpl.id, title: String::new() },
    )
    .await
    .unwrap();
    let mut a = fill_draft(&t.desk, &a.row.id, "2026-01-01", "2026-12-31").await.unwrap();
    if !variables.is_empty() {
        let mut vars = a.current.variables.clone();
        vars.extend(variables.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let input = DraftInput {
            title: a.row.title.clone(),
            variables: vars,
            clauses: a.current.clauses.clone(),
            note: String::new(),
            report_cycle: "none".into(),
        };
        a = agreements::save_draft(&t.desk, &a.row.id, a.row.version_no, &input).await.unwrap();
    }
    agreements::submit(&t.desk, &a.row.id).await.unwrap()
}

/// An agreement for `partner_id` drafted, approved by a legal and a business reviewer (made
/// here) and signed by the owner, who is signed in afterwards; its id.
pub async fn signed_agreement(t: &TestDesk, partner_id: &str) -> String {
    signed_agreement_with(t, partner_id, &[]).await
}

/// [`signed_agreement`] with `variables` set in the draft as staff would type them.
pub async fn signed_agreement_with(t: &TestDesk, partner_id: &str, variables: &[(&str, &str)]) -> String {
    use channeldesk::access::Role;
    users::sign_out(&t.desk).await.unwrap();
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    for (login, role) in [("rev-legal", Role::Legal), ("rev-biz", Role::Business)] {
        let exists = users::list(&t.desk).await.unwrap().iter().any(|u| u.login == login);
        if !exists {
            let u = users::NewUser {
                login: login.into(),
                display_name: login.into(),
                password: "password-1".into(),
                roles: vec![role],
            };
            users::create(&t.desk, &u).await.unwrap();
        }
    }
    let a = submitted_agreement_with(t, partner_id, variables).await;
    approve_and_sign(t, &a).await
}

/// Submitted agreement `a` approved by the legal and business reviewers that
/// [`signed_agreement`] makes and signed by the owner, who is signed in afterwards; its id.
pub async fn approve_and_sign(t: &TestDesk, a: &channeldesk::agreements::Agreement) -> String {
    approve_and_sign_on(t, a, "").await
}

/// [`approve_and_sign`] with the date it takes effect (an amendment's must be given).
pub async fn approve_and_sign_on(
    t: &TestDesk,
    a: &channeldesk::agreements::Agreement,
    effective_on: &str,
) -> String {
    use channeldesk::agreements::{self, ReviewInput, signing};
    for (login, side) in [("rev-legal", "legal"), ("rev-biz", "business")] {
        users::sign_out(&t.desk).await.unwrap();
        users::sign_in(&t.desk, login, "password-1").await.unwrap();
        let r = ReviewInput {
            side: side.into(),
            decision: "approve".into(),
            comment: String::new(),
            fingerprint: a.current.fingerprint.clone(),
        };
        agreements::review(&t.desk, &a.row.id, &r).await.unwrap();
    }
    users::sign_out(&t.desk).await.unwrap();
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    let sign = signing::SignInput {
        signed_on: "2026-01-01".into(),
        signed_place: "深圳".into(),
        our_signatory: "甲".into(),
        our_capacity: "legal_rep".into(),
        their_signatory: "乙".into(),
        their_capacity: "legal_rep".into(),
        effective_on: effective_on.into(),
        ..Default::default()
    };
    signing::sign(&t.desk, &a.row.id, &sign).await.unwrap().row.id
}

/// An active partner brought in by the administrator's migration import (the owner is
/// signed in); its id.
pub async fn migrated(t: &TestDesk, input: PartnerInput) -> String {
    let row = channeldesk::partners::MigrationRow { partner: input, class: String::new() };
    channeldesk::partners::migrate(&t.desk, &[row]).await.unwrap().remove(0)
}

/// Fills every variable of draft `id` that review needs (in effect `start` to `end`) and
/// saves it as the next version, as staff would before sending it to review.
pub async fn fill_draft(
    desk: &channeldesk::Desk,
    id: &str,
    start: &str,
    end: &str,
) -> channeldesk::Result<channeldesk::agreements::Agreement> {
    use channeldesk::agreements::{self, DraftInput};
    let a = agreements::get(desk, id).await?;
    let mut variables = a.current.variables.clone();
    for k in [
        "company_name",
        "company_credit_code",
        "partner_credit_code",
        "partner_address",
        "territory",
        "products",
        "price_terms",
        "settlement_cycle",
        "payment_days",
        "annual_target",
    ] {
        variables
            .entry(k.to_string())
            .and_modify(|v| {
                if v.is_empty() {
                    *v = format!("{k} 值")
                }
            })
            .or_insert_with(|| format!("{k} 值"));
    }
    variables.insert("start_on".into(), start.into());
    variables.insert("end_on".into(), end.into());
    let input = DraftInput {
        title: a.row.title.clone(),
        variables,
        clauses: a.current.clauses.clone(),
        note: String::new(),
        report_cycle: "none".into(),
    };
    agreements::save_draft(desk, id, a.row.version_no, &input).await
}

/// Pairs the laptops with each other, as their administrators do after comparing
/// fingerprints (each must have its owner signed in).
pub async fn pair(laptops: &[&TestDesk]) {
    for a in laptops {
        for b in laptops {
            if a.desk.device().id != b.desk.device().id {
                channeldesk::share::trust::pair(&b.desk, &channeldesk::share::trust::identity(&a.desk))
                    .await
                    .expect("pair");
            }
        }
    }
}

/// Everything in `t`'s file, exported and imported by a laptop paired with it: every change is
/// covered by a signed entry whose role may make it (docs/threat-model.md), so the whole file
/// travels. The other laptop is closed again.
pub async fn travels(t: &TestDesk) {
    imported_by_a_paired_laptop(t).await.desk.close().await;
}

/// A new laptop, paired with `t`, that imported `t`'s whole file (the caller compares and
/// closes it).
pub async fn imported_by_a_paired_laptop(t: &TestDesk) -> TestDesk {
    use channeldesk::share::{self, ApplyChoices, ExportScope, Limits, Progress};
    as_user(t, "owner").await;
    let other = desk().await;
    pair(&[t, &other]).await;
    let bytes =
        share::export(&t.desk, &ExportScope::All, None, &Progress::silent()).await.expect("export").bytes;
    let incoming = share::open(&bytes, None, &Limits::default()).expect("open");
    let choices = ApplyChoices { token: incoming.token.clone(), merge: vec![] };
    share::apply(&other.desk, &incoming, &choices, &Progress::silent())
        .await
        .expect("the whole file imports");
    other
}

/// The entries of a bundle's archive, in archive order (tests that take a bundle apart).
pub fn bundle_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let name = f.name().expect("name").to_string();
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut buf).expect("read");
            (name, buf)
        })
        .collect()
}
