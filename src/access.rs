//! Who may do what: roles, the actions the core guards, and the table between them.
//!
//! The policy gives legal review to the legal department, business review to business
//! departments and payments to finance (R3.1.2, R4.3.2) and wants every operation traceable
//! (R1.1). Every core operation that reads or changes business data calls
//! [`crate::Desk::require`] with its [`Action`]; the UI only hides what the core refuses.
//!
//! Invariants: [`allows`] is the only place where a role is mapped to an action; the
//! administrator may do everything but the reviews and approvals given to one department
//! (legal and business review, payment approval by finance); [`Action::ApplicationSubmit`]
//! belongs to the kiosk session and no role holds it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A role a user may hold (several at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// 渠道商务: recruits partners and keeps the register.
    Channel,
    /// 法务: legal review of agreements (R3.1.2).
    Legal,
    /// 业务部门: business review, orders (R3.1.2, R4.1.2).
    Business,
    /// 财务: settlement and payments (R4.3.2).
    Finance,
    /// Manager: approvals and oversight.
    Manager,
    /// Administrator: accounts, settings, the recovery kit; may do everything.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Channel, Role::Legal, Role::Business, Role::Finance, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Channel => "channel",
            Role::Legal => "legal",
            Role::Business => "business",
            Role::Finance => "finance",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// An operation the core guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    /// Read the partner register, its history and the reminders.
    PartnerRead,
    /// Create and edit partners, assign channel contacts.
    PartnerWrite,
    /// Delete (tombstone) and restore partners.
    PartnerDelete,
    /// Start the kiosk lock for prospects at a trade show (R2.1.1).
    KioskStart,
    /// Submit an application at the kiosk (the kiosk session only).
    ApplicationSubmit,
    /// Register or discard applications typed in at the kiosk.
    ApplicationReview,
    /// Read and export the whole audit trail, and verify its chain (R1.1).
    AuditRead,
    /// Add users, change their roles, reset passwords.
    UserManage,
    /// Program settings shared by every user (idle lock time).
    SettingsManage,
    /// Print the recovery kit of the database key.
    RecoveryKit,
    /// Write a new version of the screening scheme (R2.1.2).
    SchemeManage,
    /// Mark a referral reward as paid or void it (R2.1.3).
    RewardSettle,
    /// Draft agreements, send them to review, record signing, archive, copies, execution
    /// reports, handover and renewal (R3.1.1, R3.1.3, R3.2.1, R3.3.2).
    AgreementDraft,
    /// Review agreements for the legal department (R3.1.2).
    AgreementReviewLegal,
    /// Review agreements for the business departments (R3.1.2).
    AgreementReviewBusiness,
    /// Record a breach notice and end an agreement early (R3.3.1).
    AgreementTerminate,
    /// Write new versions of clauses in the clause library (R3.1.1).
    ClauseManage,
    /// Open evaluation rounds and special evaluations, score, finish, record measures (R2.2).
    EvaluationRun,
    /// Write a new version of the evaluation scheme (R2.2.1, R1.2).
    EvaluationSchemeManage,
    /// Renew the agreement of a partner whose class requires approval (R2.2.3).
    RenewalApprove,
    /// Approve or reject rewards and confer annual awards (R2.3.3).
    IncentiveApprove,
    /// Export bundles, preview and apply imports, settle sync conflicts (any staff role).
    DataExchange,
    /// Restore the data from a backup (the administrator).
    BackupRestore,
    /// Keep the product and service catalogue and its prices (R4.1.1).
    CatalogueManage,
    /// Enter and change orders, record their trade terms, confirmation, shipments and
    /// after-sales cases (R4.1.2, R4.2.1, R4.2.2).
    OrderWrite,
    /// Review orders against the business rules and the agreement (R4.1.2).
    OrderReview,
    /// Let an order through whose review found broken rules, with a reason (R4.1.2).
    OrderOverride,
    /// Issue settlement statements, record the partner's confirmation or disputes, propose
    /// payments to partners (R4.3.1).
    SettlementManage,
    /// Record money received and credit notes, and mark approved payments paid (R4.3.2).
    FinanceRecord,
    /// Approve or reject payments to partners (a finance user other than the proposer, R4.3.2).
    PaymentApprove,
    /// Plan and run market promotion: analysis notes, goals, strategies, activities, their
    /// execution log and effect evaluation (R5.1.1–R5.2.3).
    PromotionManage,
    /// Record and review risks, their measures and reviews (R6.1.1, R6.1.2).
    RiskManage,
    /// Rate partners' credit and record responses to warning signs (R6.2.2).
    CreditRate,
    /// Write a new version of the credit rating scheme (R6.2.2).
    CreditSchemeManage,
    /// Suspend a partner's cooperation on credit grounds, and resume it (R6.2.2).
    CooperationSuspend,
    /// Keep the operational procedures and staff trainings (R6.2.4).
    ControlsManage,
    /// Import an existing partner base as active partners, audited as a migration (the
    /// administrator; nobody else creates an active partner without an agreement).
    PartnerMigrate,
    /// Approve an agreement signed on paper outside the program, with its scan and a reason,
    /// in place of the two reviews (R3.1.2).
    PaperAgreementApprove,
    /// Pairing another laptop (its key becomes trusted for imports).
    DevicePair,
    /// Open the log folder and save a diagnostics bundle for IT support (any staff role;
    /// never from the kiosk, whose visitor must not reach the file manager).
    Diagnostics,
}

impl Action {
    pub const ALL: [Action; 40] = [
        Action::PartnerRead,
        Action::PartnerWrite,
        Action::PartnerDelete,
        Action::KioskStart,
        Action::ApplicationSubmit,
        Action::ApplicationReview,
        Action::AuditRead,
        Action::UserManage,
        Action::SettingsManage,
        Action::RecoveryKit,
        Action::SchemeManage,
        Action::RewardSettle,
        Action::AgreementDraft,
        Action::AgreementReviewLegal,
        Action::AgreementReviewBusiness,
        Action::AgreementTerminate,
        Action::ClauseManage,
        Action::EvaluationRun,
        Action::EvaluationSchemeManage,
        Action::RenewalApprove,
        Action::IncentiveApprove,
        Action::DataExchange,
        Action::BackupRestore,
        Action::CatalogueManage,
        Action::OrderWrite,
        Action::OrderReview,
        Action::OrderOverride,
        Action::SettlementManage,
        Action::FinanceRecord,
        Action::PaymentApprove,
        Action::PromotionManage,
        Action::RiskManage,
        Action::CreditRate,
        Action::CreditSchemeManage,
        Action::CooperationSuspend,
        Action::ControlsManage,
        Action::PartnerMigrate,
        Action::PaperAgreementApprove,
        Action::DevicePair,
        Action::Diagnostics,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::PartnerRead => "partner_read",
            Action::PartnerWrite => "partner_write",
            Action::PartnerDelete => "partner_delete",
            Action::KioskStart => "kiosk_start",
            Action::ApplicationSubmit => "application_submit",
            Action::ApplicationReview => "application_review",
            Action::AuditRead => "audit_read",
            Action::UserManage => "user_manage",
            Action::SettingsManage => "settings_manage",
            Action::RecoveryKit => "recovery_kit",
            Action::SchemeManage => "scheme_manage",
            Action::RewardSettle => "reward_settle",
            Action::AgreementDraft => "agreement_draft",
            Action::AgreementReviewLegal => "agreement_review_legal",
            Action::AgreementReviewBusiness => "agreement_review_business",
            Action::AgreementTerminate => "agreement_terminate",
            Action::ClauseManage => "clause_manage",
            Action::EvaluationRun => "evaluation_run",
            Action::EvaluationSchemeManage => "evaluation_scheme_manage",
            Action::RenewalApprove => "renewal_approve",
            Action::IncentiveApprove => "incentive_approve",
            Action::DataExchange => "data_exchange",
            Action::BackupRestore => "backup_restore",
            Action::CatalogueManage => "catalogue_manage",
            Action::OrderWrite => "order_write",
            Action::OrderReview => "order_review",
            Action::OrderOverride => "order_override",
            Action::SettlementManage => "settlement_manage",
            Action::FinanceRecord => "finance_record",
            Action::PaymentApprove => "payment_approve",
            Action::PromotionManage => "promotion_manage",
            Action::RiskManage => "risk_manage",
            Action::CreditRate => "credit_rate",
            Action::CreditSchemeManage => "credit_scheme_manage",
            Action::CooperationSuspend => "cooperation_suspend",
            Action::ControlsManage => "controls_manage",
            Action::PartnerMigrate => "partner_migrate",
            Action::PaperAgreementApprove => "paper_agreement_approve",
            Action::DevicePair => "device_pair",
            Action::Diagnostics => "diagnostics",
        }
    }
}

/// Whether `role` may do `action`.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ApplicationSubmit => false,
        PartnerRead => true,
        PartnerWrite | PartnerDelete | KioskStart | ApplicationReview => {
            matches!(role, Channel | Manager | Admin)
        }
        AuditRead => matches!(role, Legal | Manager | Admin),
        UserManage | SettingsManage | RecoveryKit => role == Admin,
        SchemeManage => matches!(role, Manager | Admin),
        RewardSettle => matches!(role, Finance | Manager | Admin),
        AgreementDraft => matches!(role, Channel | Manager | Admin),
        AgreementReviewLegal => role == Legal,
        AgreementReviewBusiness => role == Business,
        AgreementTerminate => matches!(role, Manager | Admin),
        ClauseManage => matches!(role, Legal | Manager | Admin),
        EvaluationRun => matches!(role, Channel | Manager | Admin),
        EvaluationSchemeManage | RenewalApprove | IncentiveApprove => matches!(role, Manager | Admin),
        DataExchange | Diagnostics => true,
        BackupRestore => role == Admin,
        CatalogueManage => matches!(role, Business | Manager | Admin),
        OrderWrite => matches!(role, Channel | Business | Manager | Admin),
        OrderReview => matches!(role, Channel | Manager | Admin),
        OrderOverride => matches!(role, Manager | Admin),
        SettlementManage => matches!(role, Channel | Finance | Manager | Admin),
        FinanceRecord => matches!(role, Finance | Admin),
        PaymentApprove => role == Finance,
        PromotionManage => matches!(role, Channel | Business | Manager | Admin),
        RiskManage => matches!(role, Channel | Legal | Business | Finance | Manager | Admin),
        CreditRate => matches!(role, Finance | Manager | Admin),
        CreditSchemeManage | CooperationSuspend | ControlsManage => matches!(role, Manager | Admin),
        PartnerMigrate | DevicePair => role == Admin,
        PaperAgreementApprove => role == Manager,
    }
}

/// Whether any of `roles` may do `action`.
pub fn any_allows(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|&r| allows(r, action))
}

/// Whether `roles` hold the tasks of `role`; an administrator holds the manager's tasks as well
/// as their rights (the owner of a small company is both).
pub fn holds(roles: &[Role], role: Role) -> bool {
    roles.contains(&role) || (role == Role::Manager && roles.contains(&Role::Admin))
}

/// The actions `roles` may do, for the UI to show or hide controls.
pub fn permitted(roles: &[Role]) -> Vec<Action> {
    Action::ALL.into_iter().filter(|&a| any_allows(roles, a)).collect()
}
