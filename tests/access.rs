//! Accounts, roles and sessions (R1.1, R3.1.2, R4.3.2): the role × action matrix, owner
//! set-up, sign-in throttling, idle lock, the kiosk lock and the review of its applications.

mod common;

use channeldesk::access::{Action, Role};
use channeldesk::applications::{self, ApplicationInput};
use channeldesk::users::{self, NewUser, UserChange};
use channeldesk::{Error, SessionState, partners, reminders, settings};
use common::{OWNER_PASSWORD, desk, partner};

/// The policy's table, written out here independently of `access::allows`: which roles may
/// do each action (the administrator may do everything but review agreements, approve
/// payments to partners and submit kiosk applications).
fn expected(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::PartnerRead => &[Channel, Legal, Business, Finance, Manager, Admin],
        Action::PartnerWrite | Action::PartnerDelete | Action::KioskStart | Action::ApplicationReview => {
            &[Channel, Manager, Admin]
        }
        Action::AuditRead => &[Legal, Manager, Admin],
        Action::UserManage | Action::SettingsManage | Action::RecoveryKit => &[Admin],
        // R2.1.2: the screening scheme is the managers' to change; R2.1.3 rewards are paid
        // by finance.
        Action::SchemeManage => &[Manager, Admin],
        Action::RewardSettle => &[Finance, Manager, Admin],
        Action::ApplicationSubmit => &[],
        // R3.1: the channel department drafts, signs and archives; R3.1.2 reviews are the
        // legal and the business departments' own; R3.3.1 early termination is a manager's.
        Action::AgreementDraft => &[Channel, Manager, Admin],
        Action::AgreementReviewLegal => &[Legal],
        Action::AgreementReviewBusiness => &[Business],
        Action::AgreementTerminate => &[Manager, Admin],
        Action::ClauseManage => &[Legal, Manager, Admin],
        // R2.2: the channel department evaluates; the scheme and approving the renewal of a
        // partner whose class requires it are managers'.
        Action::EvaluationRun => &[Channel, Manager, Admin],
        Action::EvaluationSchemeManage | Action::RenewalApprove => &[Manager, Admin],
        // R2.3.3: rewards and awards are decided by a manager.
        Action::IncentiveApprove => &[Manager, Admin],
        // Everyone exchanges data with colleagues; only the administrator restores a backup.
        Action::DataExchange => &[Channel, Legal, Business, Finance, Manager, Admin],
        Action::BackupRestore => &[Admin],
        // R4.1.1: the business departments keep the catalogue; R4.1.2 the channel department
        // reviews orders, a manager overrides; R4.3.1 statements are the channel department's
        // and finance's; R4.3.2 finance records money and approves payments (finance only).
        Action::CatalogueManage => &[Business, Manager, Admin],
        Action::OrderWrite => &[Channel, Business, Manager, Admin],
        Action::OrderReview => &[Channel, Manager, Admin],
        Action::OrderOverride => &[Manager, Admin],
        Action::SettlementManage => &[Channel, Finance, Manager, Admin],
        Action::FinanceRecord => &[Finance, Admin],
        Action::PaymentApprove => &[Finance],
        // R5: promotion is planned by channel and business departments.
        Action::PromotionManage => &[Channel, Business, Manager, Admin],
        // R6.1.1: every department records the risks it sees.
        Action::RiskManage => &[Channel, Legal, Business, Finance, Manager, Admin],
        // R6.2.2: finance rates credit; the scheme and suspending cooperation are managers'.
        Action::CreditRate => &[Finance, Manager, Admin],
        // Migrating an existing partner base as active partners is the administrator's; a
        // paper agreement approved in place of the two reviews is a manager's (R3.1.2).
        Action::PartnerMigrate => &[Admin],
        // Trusting another laptop's key is the administrator's, after comparing fingerprints.
        Action::DevicePair => &[Admin],
        Action::Diagnostics => &[Channel, Legal, Business, Finance, Manager, Admin],
        Action::PaperAgreementApprove => &[Manager],
        Action::CreditSchemeManage | Action::CooperationSuspend => &[Manager, Admin],
        // R6.2.4: internal controls.
        Action::ControlsManage => &[Manager, Admin],
    }
}

async fn add_user(t: &common::TestDesk, login: &str, roles: &[Role]) {
    users::create(
        &t.desk,
        &NewUser {
            login: login.into(),
            display_name: login.into(),
            password: "password-1".into(),
            roles: roles.into(),
        },
    )
    .await
    .unwrap();
}

async fn switch_to(t: &common::TestDesk, login: &str, password: &str) {
    users::sign_out(&t.desk).await.unwrap();
    users::sign_in(&t.desk, login, password).await.unwrap();
}

#[tokio::test]
async fn every_role_against_every_action() {
    let t = desk().await;
    for role in Role::ALL {
        add_user(&t, role.as_str(), &[role]).await;
    }
    for role in Role::ALL {
        switch_to(&t, role.as_str(), "password-1").await;
        let info = t.desk.session_info();
        for action in Action::ALL {
            let allowed = expected(action).contains(&role);
            let got = t.desk.require(action);
            match (allowed, &got) {
                (true, Ok(u)) => assert_eq!(u.login, role.as_str()),
                (false, Err(Error::Forbidden(a))) => assert_eq!(a, action.as_str()),
                _ => panic!("{role:?} × {action:?}: expected allowed={allowed}, got {got:?}"),
            }
            assert_eq!(info.permissions.contains(&action), allowed, "{role:?} × {action:?} in session info");
        }
    }
    t.desk.close().await;
}

#[tokio::test]
async fn the_core_refuses_what_a_role_may_not_do() {
    let t = desk().await;
    let p = partners::create(&t.desk, &partner("广州合力贸易有限公司"), false).await.unwrap();
    add_user(&t, "fin", &[Role::Finance]).await;
    switch_to(&t, "fin", "password-1").await;
    // Finance reads the register but may not change it, see the audit trail or manage users.
    assert_eq!(partners::get(&t.desk, &p.id).await.unwrap().name, "广州合力贸易有限公司");
    fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
        r.unwrap_err().code()
    }
    assert_eq!(code(partners::create(&t.desk, &partner("新公司"), false).await), "forbidden");
    assert_eq!(code(partners::delete(&t.desk, &p.id).await), "forbidden");
    assert_eq!(code(channeldesk::audit::verify(&t.desk).await), "forbidden");
    assert_eq!(code(users::accounts(&t.desk).await), "forbidden");
    assert_eq!(code(settings::set_idle_minutes(&t.desk, 5).await), "forbidden");
    assert_eq!(code(users::kiosk_start(&t.desk, "展会", None).await), "forbidden");
    // Nothing was written by the refused calls.
    users::sign_out(&t.desk).await.unwrap();
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    assert_eq!(partners::list(&t.desk, &Default::default()).await.unwrap().total, 1);
    t.desk.close().await;
}

#[tokio::test]
async fn first_start_creates_the_owner_once() {
    let dir = tempfile::tempdir().unwrap();
    let kc = channeldesk::secrets::Keychain::mock();
    let desk = common::open_ready(dir.path(), &kc, common::clock()).await;
    assert_eq!(desk.session_info().state, SessionState::Setup);
    assert_eq!(partners::list(&desk, &Default::default()).await.unwrap_err().code(), "locked");
    let short = users::setup_owner(&desk, "店主", "boss", "short").await.unwrap_err();
    assert!(matches!(&short, Error::Validation(f) if f[0].field == "password" && f[0].rule == "too_short"));
    let bad_login = users::setup_owner(&desk, "店主", "a b", OWNER_PASSWORD).await.unwrap_err();
    assert!(matches!(&bad_login, Error::Validation(f) if f[0].field == "login"));
    assert_eq!(desk.session_info().state, SessionState::Setup, "a refused set-up changes nothing");

    let info = users::setup_owner(&desk, "店主", "boss", OWNER_PASSWORD).await.unwrap();
    assert_eq!(info.state, SessionState::Active);
    assert_eq!(info.user.unwrap().roles, vec![Role::Admin]);
    users::sign_out(&desk).await.unwrap();
    assert_eq!(
        users::setup_owner(&desk, "别人", "other", OWNER_PASSWORD).await.unwrap_err().code(),
        "forbidden"
    );
    desk.close().await;
    // After a restart the program asks for a sign-in, not for the owner again.
    let again = common::open_ready(dir.path(), &kc, common::clock()).await;
    assert_eq!(again.session_info().state, SessionState::SignedOut);
    again.close().await;
}

#[tokio::test]
async fn failed_sign_ins_slow_down() {
    let t = desk().await;
    users::sign_out(&t.desk).await.unwrap();
    for _ in 0..3 {
        let e = users::sign_in(&t.desk, "owner", "wrong password").await.unwrap_err();
        assert!(
            matches!(&e, Error::Validation(f) if f[0].field == "password" && f[0].rule == "wrong"),
            "{e:?}"
        );
    }
    // From the fourth attempt on, each waits twice as long as the one before.
    let e = users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap_err();
    assert!(matches!(e, Error::Throttled { retry_after: 1 }), "{e:?}");
    t.clock.advance(chrono::Duration::seconds(1));
    users::sign_in(&t.desk, "owner", "wrong again").await.unwrap_err();
    let e = users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap_err();
    assert!(matches!(e, Error::Throttled { retry_after: 2 }), "{e:?}");
    t.clock.advance(chrono::Duration::seconds(2));
    users::sign_in(&t.desk, "owner", "wrong a fifth time").await.unwrap_err();
    let e = users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap_err();
    assert!(matches!(e, Error::Throttled { retry_after: 4 }), "{e:?}");
    t.clock.advance(chrono::Duration::seconds(4));
    // An unknown login is answered like a wrong password.
    let e = users::sign_in(&t.desk, "nobody", OWNER_PASSWORD).await.unwrap_err();
    assert!(matches!(&e, Error::Validation(f) if f[0].rule == "wrong"));
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    // Success clears the count.
    users::sign_out(&t.desk).await.unwrap();
    users::sign_in(&t.desk, "owner", "wrong").await.unwrap_err();
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    t.desk.close().await;
}

#[tokio::test]
async fn idle_sessions_lock_and_unlock_with_the_same_password() {
    let t = desk().await;
    settings::set_idle_minutes(&t.desk, 5).await.unwrap();
    assert_eq!(settings::set_idle_minutes(&t.desk, 0).await.unwrap_err().code(), "validation");
    t.clock.advance(chrono::Duration::minutes(4));
    partners::list(&t.desk, &Default::default()).await.unwrap();
    t.clock.advance(chrono::Duration::minutes(4));
    partners::list(&t.desk, &Default::default()).await.expect("activity 4 minutes ago keeps it open");
    t.clock.advance(chrono::Duration::minutes(6));
    assert_eq!(partners::list(&t.desk, &Default::default()).await.unwrap_err().code(), "locked");
    assert_eq!(t.desk.session_info().state, SessionState::Locked);
    assert_eq!(users::unlock(&t.desk, "not it").await.unwrap_err().code(), "validation");
    users::unlock(&t.desk, OWNER_PASSWORD).await.unwrap();
    partners::list(&t.desk, &Default::default()).await.unwrap();
    // Ctrl/Cmd+L.
    assert_eq!(t.desk.lock().state, SessionState::Locked);
    assert_eq!(partners::create(&t.desk, &partner("锁定时"), false).await.unwrap_err().code(), "locked");
    users::unlock(&t.desk, OWNER_PASSWORD).await.unwrap();
    t.desk.close().await;
}

#[tokio::test]
async fn accounts_are_managed_by_administrators_and_the_last_one_stays() {
    let t = desk().await;
    let dup = users::create(
        &t.desk,
        &NewUser {
            login: "owner".into(),
            display_name: "x".into(),
            password: "password-1".into(),
            roles: vec![Role::Legal],
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(&dup, Error::Validation(f) if f[0].field == "login" && f[0].rule == "taken"));
    let no_role = users::create(
        &t.desk,
        &NewUser {
            login: "x".into(),
            display_name: "x".into(),
            password: "password-1".into(),
            roles: vec![],
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(&no_role, Error::Validation(f) if f[0].field == "roles"));
    add_user(&t, "li", &[Role::Legal, Role::Business]).await;
    let accounts = users::accounts(&t.desk).await.unwrap();
    let owner = accounts.iter().find(|a| a.login == "owner").unwrap().clone();
    let li = accounts.iter().find(|a| a.login == "li").unwrap().clone();
    assert_eq!(li.roles, vec![Role::Legal, Role::Business]);
    let demote = UserChange {
        display_name: owner.display_name.clone(),
        roles: vec![Role::Manager],
        ..Default::default()
    };
    let e = users::update(&t.desk, &owner.id, &demote).await.unwrap_err();
    assert!(matches!(&e, Error::Validation(f) if f[0].rule == "last_admin"), "{e:?}");
    let off = UserChange {
        display_name: "黎".into(),
        roles: vec![Role::Legal],
        disabled: true,
        password: String::new(),
    };
    users::update(&t.desk, &li.id, &off).await.unwrap();
    users::sign_out(&t.desk).await.unwrap();
    assert_eq!(
        users::sign_in(&t.desk, "li", "password-1").await.unwrap_err().code(),
        "validation",
        "disabled"
    );
    users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.unwrap();
    // Account changes are in the audit trail, passwords are not.
    let log: Vec<(String, String)> =
        sqlx::query_as("SELECT operation, changes FROM audit_log WHERE entity = 'user' ORDER BY seq")
            .fetch_all(t.desk.pool())
            .await
            .unwrap();
    assert!(log.iter().any(|(op, ch)| op == "update" && ch.contains("disabled")));
    assert!(!log.iter().any(|(_, ch)| ch.contains("password-1") || ch.contains("argon2")));
    t.desk.close().await;
}

fn application(name: &str) -> ApplicationInput {
    ApplicationInput {
        company_name: name.into(),
        province: "44".into(),
        city: "深圳".into(),
        business_scope: "安防设备销售".into(),
        contact_name: "陈先生".into(),
        contact_mobile: "13800138000".into(),
        message: "希望代理华南区域".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_kiosk_reaches_the_application_form_only() {
    let t = desk().await;
    let existing = partners::create(&t.desk, &partner("深圳市已存在科技有限公司"), false).await.unwrap();
    add_user(&t, "zhang", &[Role::Channel]).await;
    add_user(&t, "fin", &[Role::Finance]).await;
    users::kiosk_start(&t.desk, "2026 深圳安博会", None).await.unwrap();
    let info = t.desk.session_info();
    assert_eq!(info.state, SessionState::Kiosk);
    assert_eq!(info.permissions, vec![Action::ApplicationSubmit]);
    assert_eq!(info.kiosk_event.as_deref(), Some("2026 深圳安博会"));
    // Nothing but the form: reads, writes, account and session operations are refused.
    let code = |r: Result<(), Error>| r.unwrap_err().code();
    assert_eq!(code(partners::list(&t.desk, &Default::default()).await.map(|_| ())), "forbidden");
    assert_eq!(code(partners::get(&t.desk, &existing.id).await.map(|_| ())), "forbidden");
    assert_eq!(code(partners::create(&t.desk, &partner("x"), true).await.map(|_| ())), "forbidden");
    assert_eq!(code(reminders::due(&t.desk).await.map(|_| ())), "forbidden");
    assert_eq!(code(users::accounts(&t.desk).await.map(|_| ())), "forbidden");
    assert_eq!(code(applications::pending(&t.desk).await.map(|_| ())), "forbidden");
    assert_eq!(code(users::sign_in(&t.desk, "owner", OWNER_PASSWORD).await.map(|_| ())), "forbidden");
    assert_eq!(code(users::kiosk_start(&t.desk, "again", None).await.map(|_| ())), "forbidden");
    assert_eq!(t.desk.lock().state, SessionState::Kiosk, "lock does not leave the kiosk");
    users::sign_out(&t.desk).await.unwrap();
    assert_eq!(t.desk.session_info().state, SessionState::Kiosk, "sign-out does not leave the kiosk");

    // Field errors use the form's names; nothing is stored.
    let mut bad = application("");
    bad.contact_mobile = "call me".into();
    let e = applications::submit(&t.desk, &bad).await.unwrap_err();
    let Error::Validation(fields) = e else { panic!() };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert!(names.contains(&"company_name") && names.contains(&"contact_mobile"), "{names:?}");
    let mut unreachable = application("无联系方式公司");
    unreachable.contact_mobile.clear();
    let e = applications::submit(&t.desk, &unreachable).await.unwrap_err();
    assert!(matches!(&e, Error::Validation(f) if f[0].rule == "mobile_or_email"));
    // A visitor typing an existing company's name learns nothing about it.
    let receipt = applications::submit(&t.desk, &application("深圳市已存在科技有限公司")).await.unwrap();
    assert_eq!(receipt.company_name, "深圳市已存在科技有限公司");
    applications::submit(&t.desk, &application("东莞新安防有限公司")).await.unwrap();

    // Only a user who may start the kiosk ends it, with a password.
    assert_eq!(users::kiosk_exit(&t.desk, "zhang", "nope").await.unwrap_err().code(), "validation");
    // A right password of a user who may not leave the kiosk reads exactly like a wrong one
    // (no password oracle at the stand; issue 21).
    let wrong = users::kiosk_exit(&t.desk, "fin", "wrong-password").await.unwrap_err();
    let right = users::kiosk_exit(&t.desk, "fin", "password-1").await.unwrap_err();
    assert_eq!(format!("{wrong:?}"), format!("{right:?}"));
    assert_eq!(right.code(), "validation");
    assert_eq!(t.desk.session_info().state, SessionState::Kiosk);
    let info = users::kiosk_exit(&t.desk, "zhang", "password-1").await.unwrap();
    assert_eq!(info.state, SessionState::Active);
    assert_eq!(info.user.unwrap().login, "zhang");

    // Staff review: the home page lists them; registering runs the duplicate checks.
    let due = reminders::due(&t.desk).await.unwrap();
    assert_eq!(due[0].kind, "application_waiting");
    assert_eq!(due[0].count, 2);
    let pending = applications::pending(&t.desk).await.unwrap();
    assert_eq!(pending.len(), 2);
    let dup = &pending[0];
    assert_eq!(dup.event, "2026 深圳安博会");
    assert_eq!(dup.input.source_kind, "offline_event");
    assert_eq!(dup.input.contacts[0].mobile, "13800138000");
    let e = applications::register(&t.desk, &dup.id, &dup.input, false).await.unwrap_err();
    assert_eq!(e.code(), "conflict", "same name as a registered partner");
    applications::discard(&t.desk, &dup.id).await.unwrap();
    let new = &pending[1];
    let p = applications::register(&t.desk, &new.id, &new.input, false).await.unwrap();
    assert_eq!(p.status, "prospect");
    assert_eq!(p.contacts[0].name, "陈先生");
    assert_eq!(applications::get(&t.desk, &new.id).await.unwrap().partner_id.as_deref(), Some(p.id.as_str()));
    let again = applications::register(&t.desk, &new.id, &new.input, true).await.unwrap_err();
    assert_eq!(again.code(), "conflict", "registered once only");
    assert_eq!(
        partners::list(&t.desk, &Default::default()).await.unwrap().total,
        2,
        "no partner from the refusal"
    );
    assert!(applications::pending(&t.desk).await.unwrap().is_empty());
    // Who did it: the kiosk submissions carry the role `kiosk` and the staff who opened it.
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT role FROM audit_log WHERE entity = 'application' AND operation = 'submit'",
    )
    .fetch_all(t.desk.pool())
    .await
    .unwrap();
    assert_eq!(roles, vec!["kiosk", "kiosk"]);
    t.desk.close().await;
}
