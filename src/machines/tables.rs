//! The transition tables of every record with a life cycle, with the status enums they run
//! over. A step's `by` names [`Action`]s (the roles are in `access::allows`); an empty `by`
//! means another step in the core causes it. Requirement IDs are in each machine's `about`.

use super::{Described, Kept, Machine, Needs, Start, Step, states};
use crate::access::Action::{self, *};

const NONE: &[Action] = &[];

states! {
    /// Where a partner stands with the company (R2.1.4, R3.3, R6.2.2).
    pub enum PartnerStatus {
        Prospect = "prospect",
        Active = "active",
        Suspended = "suspended",
        Terminated = "terminated",
    }
}

/// A partner's status follows its agreements: never a field of the partner form.
pub static PARTNER: Machine<PartnerStatus> = Machine {
    name: "partner",
    table: "partner",
    column: "status",
    kept: Kept::Text,
    about: "A partner's standing follows the business (R2.1.4, R3.1.2, R6.2.2): a prospect becomes \
            active when its first agreement is signed through the agreements flow, a manager may \
            suspend and resume cooperation with a reason (credit suspension is the same step), and \
            the partner is terminated when its last agreement in effect ends. Reactivation is a new \
            signing. Only an administrator's audited migration import creates active partners \
            without an agreement.",
    starts: &[
        Start {
            state: PartnerStatus::Prospect,
            by: &[PartnerWrite, ApplicationReview],
            how: "entered in the register, from a lead, a card or an application",
        },
        Start {
            state: PartnerStatus::Active,
            by: &[PartnerMigrate],
            how: "an administrator's migration import of an existing partner base (audited as a migration)",
        },
    ],
    steps: &[
        Step {
            action: "sign",
            from: &[PartnerStatus::Prospect, PartnerStatus::Terminated],
            to: PartnerStatus::Active,
            by: NONE,
            needs: Needs::Link(
                "a master agreement signed after legal and business review, or a paper agreement approved by a manager",
            ),
            causes: "the prospect's pipeline ends at signed; a referral reward falls due",
            refused: "not_prospect",
        },
        Step {
            action: "suspend",
            from: &[PartnerStatus::Active],
            to: PartnerStatus::Suspended,
            by: &[CooperationSuspend],
            needs: Needs::Reason,
            causes: "new orders are held and cannot be confirmed (R6.2.2)",
            refused: "not_active",
        },
        Step {
            action: "resume",
            from: &[PartnerStatus::Suspended],
            to: PartnerStatus::Active,
            by: &[CooperationSuspend],
            needs: Needs::Reason,
            causes: "orders pass the review again",
            refused: "not_suspended",
        },
        Step {
            action: "end",
            from: &[PartnerStatus::Active, PartnerStatus::Suspended],
            to: PartnerStatus::Terminated,
            by: NONE,
            needs: Needs::Link("the last master agreement in effect ended, was terminated or closed"),
            causes: "no new orders; a new signing reactivates",
            refused: "not_active",
        },
    ],
};

states! {
    /// The recruitment stage of a prospect (R2.1.4).
    pub enum Stage {
        Application = "application",
        Screening = "screening",
        Inspection = "inspection",
        Negotiation = "negotiation",
        Signing = "signing",
        Signed = "signed",
    }
}

const BEFORE_SIGNED: &[Stage] =
    &[Stage::Application, Stage::Screening, Stage::Inspection, Stage::Negotiation, Stage::Signing];

/// The recruitment pipeline.
pub static PROSPECT_STAGE: Machine<Stage> = Machine {
    name: "prospect_stage",
    table: "prospect",
    column: "stage",
    kept: Kept::Text,
    about: "The recruitment pipeline (R2.1.4): forward one stage at a time through its gate, back \
            to any earlier stage; the signing stage ends only with an agreement signed through the \
            agreements flow.",
    starts: &[Start { state: Stage::Application, by: NONE, how: "when a prospect enters the register" }],
    steps: &[
        Step {
            action: "advance",
            from: &[Stage::Application],
            to: Stage::Screening,
            by: &[PartnerWrite],
            needs: Needs::Approval("the gate: a contact and a source"),
            causes: "",
            refused: "skip",
        },
        Step {
            action: "advance",
            from: &[Stage::Screening],
            to: Stage::Inspection,
            by: &[PartnerWrite],
            needs: Needs::Approval("the gate: a screening that passed (R2.1.2)"),
            causes: "",
            refused: "skip",
        },
        Step {
            action: "advance",
            from: &[Stage::Inspection],
            to: Stage::Negotiation,
            by: &[PartnerWrite],
            needs: Needs::Approval("the gate: an on-site inspection record"),
            causes: "",
            refused: "skip",
        },
        Step {
            action: "advance",
            from: &[Stage::Negotiation],
            to: Stage::Signing,
            by: &[PartnerWrite],
            needs: Needs::Approval("the gate: negotiation notes"),
            causes: "",
            refused: "skip",
        },
        Step {
            action: "back",
            from: &[Stage::Screening, Stage::Inspection, Stage::Negotiation, Stage::Signing],
            to: Stage::Application,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "skip",
        },
        Step {
            action: "back",
            from: &[Stage::Inspection, Stage::Negotiation, Stage::Signing],
            to: Stage::Screening,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "skip",
        },
        Step {
            action: "back",
            from: &[Stage::Negotiation, Stage::Signing],
            to: Stage::Inspection,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "skip",
        },
        Step {
            action: "back",
            from: &[Stage::Signing],
            to: Stage::Negotiation,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "skip",
        },
        Step {
            action: "sign",
            from: BEFORE_SIGNED,
            to: Stage::Signed,
            by: NONE,
            needs: Needs::Link("the partner's first agreement signed"),
            causes: "",
            refused: "not_signing",
        },
    ],
};

states! {
    /// Whether a prospect is still being recruited.
    pub enum Outcome {
        Open = "open",
        Rejected = "rejected",
        Signed = "signed",
    }
}

/// Open, rejected or signed prospects.
pub static PROSPECT_OUTCOME: Machine<Outcome> = Machine {
    name: "prospect_outcome",
    table: "prospect",
    column: "outcome",
    kept: Kept::Text,
    about: "A prospect is open until it is rejected with a reason (it may be reopened) or its first \
            agreement is signed (R2.1.4).",
    starts: &[Start { state: Outcome::Open, by: NONE, how: "when a prospect enters the register" }],
    steps: &[
        Step {
            action: "reject",
            from: &[Outcome::Open],
            to: Outcome::Rejected,
            by: &[PartnerWrite],
            needs: Needs::Reason,
            causes: "",
            refused: "rejected",
        },
        Step {
            action: "reopen",
            from: &[Outcome::Rejected],
            to: Outcome::Open,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "not_rejected",
        },
        Step {
            action: "sign",
            from: &[Outcome::Open],
            to: Outcome::Signed,
            by: NONE,
            needs: Needs::Link("the partner's first agreement signed"),
            causes: "",
            refused: "rejected",
        },
    ],
};

states! {
    /// An agreement's life cycle (R3.1–R3.3).
    pub enum AgreementStatus {
        Drafting = "drafting",
        InReview = "in_review",
        Approved = "approved",
        Signed = "signed",
        Ended = "ended",
        Closed = "closed",
    }
}

/// Agreements and amendments.
pub static AGREEMENT: Machine<AgreementStatus> = Machine {
    name: "agreement",
    table: "agreement",
    column: "status",
    kept: Kept::Text,
    about: "Agreements and amendments (R3.1.1–R3.3.2): drafted, reviewed by the legal and the \
            business department (R3.1.2), signed (R3.1.3), ended early or at expiry and closed after \
            the handover (R3.3). A paper agreement signed outside the program is recorded as an \
            agreement with its scan and approved by a manager with a reason in place of the two \
            reviews. An approved version's text never changes: a new version returns to drafting.",
    starts: &[Start {
        state: AgreementStatus::Drafting,
        by: &[AgreementDraft],
        how: "a new draft from the clause library, a renewal or an amendment",
    }],
    steps: &[
        Step {
            action: "submit",
            from: &[AgreementStatus::Drafting],
            to: AgreementStatus::InReview,
            by: &[AgreementDraft],
            needs: Needs::Nothing,
            causes: "",
            refused: "not_drafting",
        },
        Step {
            action: "revise",
            from: &[AgreementStatus::Drafting, AgreementStatus::InReview, AgreementStatus::Approved],
            to: AgreementStatus::Drafting,
            by: &[AgreementDraft],
            needs: Needs::Nothing,
            causes: "approvals of earlier versions no longer count",
            refused: "not_drafting",
        },
        Step {
            action: "request_changes",
            from: &[AgreementStatus::InReview, AgreementStatus::Approved],
            to: AgreementStatus::Drafting,
            by: &[AgreementReviewLegal, AgreementReviewBusiness],
            needs: Needs::Reason,
            causes: "",
            refused: "not_in_review",
        },
        Step {
            action: "review",
            from: &[AgreementStatus::InReview, AgreementStatus::Approved],
            to: AgreementStatus::InReview,
            by: &[AgreementReviewLegal, AgreementReviewBusiness],
            needs: Needs::Nothing,
            causes: "",
            refused: "not_in_review",
        },
        Step {
            action: "approve",
            from: &[AgreementStatus::InReview, AgreementStatus::Approved],
            to: AgreementStatus::Approved,
            by: &[AgreementReviewLegal, AgreementReviewBusiness],
            needs: Needs::Approval("legal and business approval of the current version"),
            causes: "",
            refused: "not_in_review",
        },
        Step {
            action: "approve_paper",
            from: &[AgreementStatus::Drafting],
            to: AgreementStatus::Approved,
            by: &[PaperAgreementApprove],
            needs: Needs::Reason,
            causes: "records the paper original's scan as the approval's basis",
            refused: "not_drafting",
        },
        Step {
            action: "sign",
            from: &[AgreementStatus::Approved],
            to: AgreementStatus::Signed,
            by: &[AgreementDraft],
            needs: Needs::Approval("both reviews of this version still stand, or a manager's paper approval"),
            causes: "the partner becomes active (prospect or terminated); the prospect's pipeline ends at signed",
            refused: "not_approved",
        },
        Step {
            action: "end",
            from: &[AgreementStatus::Signed],
            to: AgreementStatus::Ended,
            by: &[AgreementTerminate],
            needs: Needs::Reason,
            causes: "the partner is terminated when no other master agreement is in effect (R3.3.1)",
            refused: "not_signed",
        },
        Step {
            action: "close",
            from: &[AgreementStatus::Signed, AgreementStatus::Ended],
            to: AgreementStatus::Closed,
            by: &[AgreementDraft],
            needs: Needs::Approval("the handover checklist done (R3.3.2)"),
            causes: "the partner is terminated when no other master agreement is in effect",
            refused: "not_ended",
        },
    ],
};

states! {
    /// An evaluation's progress (R2.2).
    pub enum EvaluationStatus {
        Open = "open",
        Finished = "finished",
    }
}

/// Periodic and special evaluations.
pub static EVALUATION: Machine<EvaluationStatus> = Machine {
    name: "evaluation",
    table: "evaluation",
    column: "status",
    kept: Kept::Text,
    about: "Evaluations (R2.2.1–R2.2.3): scored while open, finished once; a class C result needs an \
            improvement plan (at least one measure with an owner and a due date) before it can be \
            finished (R2.2.3).",
    starts: &[Start {
        state: EvaluationStatus::Open,
        by: &[EvaluationRun],
        how: "a round of periodic evaluations or a special evaluation",
    }],
    steps: &[Step {
        action: "finish",
        from: &[EvaluationStatus::Open],
        to: EvaluationStatus::Finished,
        by: &[EvaluationRun],
        needs: Needs::Link(
            "every criterion scored; for class C an improvement plan with an owner and a due date",
        ),
        causes: "the partner's class is set",
        refused: "finished",
    }],
};

states! {
    /// A sales order's progress (R4.1.2).
    pub enum OrderStatus {
        Entered = "entered",
        Held = "held",
        Approved = "approved",
        Confirmed = "confirmed",
        Cancelled = "cancelled",
    }
}

/// Sales orders.
pub static ORDER: Machine<OrderStatus> = Machine {
    name: "order",
    table: "sales_order",
    column: "status",
    kept: Kept::Text,
    about: "Orders (R4.1.2): reviewed against the business rules and the agreement, held when a rule \
            is broken (a manager may let it through with a reason, never for a suspended partner), \
            confirmed with the contract only while the partner is active, cancelled with a reason \
            before anything shipped.",
    starts: &[Start { state: OrderStatus::Entered, by: &[OrderWrite], how: "entered for an active partner" }],
    steps: &[
        Step {
            action: "edit",
            from: &[OrderStatus::Entered, OrderStatus::Held, OrderStatus::Approved],
            to: OrderStatus::Entered,
            by: &[OrderWrite],
            needs: Needs::Nothing,
            causes: "the review and any override no longer stand",
            refused: "confirmed",
        },
        Step {
            action: "pass",
            from: &[OrderStatus::Entered, OrderStatus::Held],
            to: OrderStatus::Approved,
            by: &[OrderReview],
            needs: Needs::Approval("every review rule passed"),
            causes: "",
            refused: "not_reviewable",
        },
        Step {
            action: "hold",
            from: &[OrderStatus::Entered, OrderStatus::Held],
            to: OrderStatus::Held,
            by: &[OrderReview],
            needs: Needs::Nothing,
            causes: "the broken rules are named",
            refused: "not_reviewable",
        },
        Step {
            action: "override",
            from: &[OrderStatus::Held],
            to: OrderStatus::Approved,
            by: &[OrderOverride],
            needs: Needs::Reason,
            causes: "",
            refused: "not_held",
        },
        Step {
            action: "confirm",
            from: &[OrderStatus::Approved],
            to: OrderStatus::Confirmed,
            by: &[OrderWrite],
            needs: Needs::Link("the signed contract's reference; the partner active"),
            causes: "shipments may be recorded",
            refused: "not_approved_order",
        },
        Step {
            action: "cancel",
            from: &[OrderStatus::Entered, OrderStatus::Held, OrderStatus::Approved, OrderStatus::Confirmed],
            to: OrderStatus::Cancelled,
            by: &[OrderWrite],
            needs: Needs::Reason,
            causes: "",
            refused: "cancelled",
        },
    ],
};

states! {
    /// An after-sales case (R4.2.2).
    pub enum CaseStatus {
        Open = "open",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
}

/// After-sales cases of orders.
pub static AFTERSALES: Machine<CaseStatus> = Machine {
    name: "aftersales_case",
    table: "aftersales_case",
    column: "status",
    kept: Kept::Text,
    about: "After-sales cases (R4.2.2): worked on, resolved with a resolution and a date, closed; a \
            resolved case may be taken up again.",
    starts: &[Start { state: CaseStatus::Open, by: &[OrderWrite], how: "opened for a confirmed order" }],
    steps: &[
        Step {
            action: "start",
            from: &[CaseStatus::Open],
            to: CaseStatus::InProgress,
            by: &[OrderWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "closed",
        },
        Step {
            action: "resolve",
            from: &[CaseStatus::Open, CaseStatus::InProgress],
            to: CaseStatus::Resolved,
            by: &[OrderWrite],
            needs: Needs::Reason,
            causes: "",
            refused: "closed",
        },
        Step {
            action: "reopen",
            from: &[CaseStatus::Resolved],
            to: CaseStatus::InProgress,
            by: &[OrderWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "closed",
        },
        Step {
            action: "close",
            from: &[CaseStatus::Open, CaseStatus::InProgress, CaseStatus::Resolved],
            to: CaseStatus::Closed,
            by: &[OrderWrite],
            needs: Needs::Reason,
            causes: "",
            refused: "closed",
        },
    ],
};

states! {
    /// A partner's support request (R2.3.2).
    pub enum SupportStatus {
        Open = "open",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
}

/// Support requests.
pub static SUPPORT: Machine<SupportStatus> = Machine {
    name: "support_request",
    table: "support_request",
    column: "status",
    kept: Kept::Text,
    about: "Partners' support requests (R2.3.2): taken up, resolved with a resolution, closed; a \
            resolved request may be taken up again.",
    starts: &[Start { state: SupportStatus::Open, by: &[PartnerWrite], how: "recorded for a partner" }],
    steps: &[
        Step {
            action: "start",
            from: &[SupportStatus::Open],
            to: SupportStatus::InProgress,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "the first response time is recorded",
            refused: "from_closed",
        },
        Step {
            action: "resolve",
            from: &[SupportStatus::Open, SupportStatus::InProgress],
            to: SupportStatus::Resolved,
            by: &[PartnerWrite],
            needs: Needs::Reason,
            causes: "",
            refused: "from_closed",
        },
        Step {
            action: "reopen",
            from: &[SupportStatus::Resolved],
            to: SupportStatus::InProgress,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "from_closed",
        },
        Step {
            action: "close",
            from: &[SupportStatus::Resolved],
            to: SupportStatus::Closed,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "",
            refused: "from_closed",
        },
    ],
};

states! {
    /// A proposed reward for a partner (R2.3.3).
    pub enum RewardStatus {
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// Rewards.
pub static REWARD: Machine<RewardStatus> = Machine {
    name: "reward",
    table: "reward",
    column: "status",
    kept: Kept::Text,
    about: "Rewards proposed for partners, decided once by a manager (R2.3.3).",
    starts: &[Start { state: RewardStatus::Proposed, by: &[PartnerWrite], how: "proposed by channel staff" }],
    steps: &[
        Step {
            action: "approve",
            from: &[RewardStatus::Proposed],
            to: RewardStatus::Approved,
            by: &[IncentiveApprove],
            needs: Needs::Nothing,
            causes: "",
            refused: "decided",
        },
        Step {
            action: "reject",
            from: &[RewardStatus::Proposed],
            to: RewardStatus::Rejected,
            by: &[IncentiveApprove],
            needs: Needs::Reason,
            causes: "",
            refused: "decided",
        },
    ],
};

states! {
    /// An annual award nomination (R2.3.3).
    pub enum AwardStatus {
        Nominated = "nominated",
        Awarded = "awarded",
        NotAwarded = "not_awarded",
    }
}

/// Annual awards.
pub static AWARD: Machine<AwardStatus> = Machine {
    name: "award",
    table: "award",
    column: "status",
    kept: Kept::Text,
    about: "Annual award nominations, decided once (R2.3.3): conferring one award of a category \
            and year causes the other nominations of it not to be awarded.",
    starts: &[Start {
        state: AwardStatus::Nominated,
        by: &[PartnerWrite],
        how: "nominated by channel staff",
    }],
    steps: &[
        Step {
            action: "confer",
            from: &[AwardStatus::Nominated],
            to: AwardStatus::Awarded,
            by: &[IncentiveApprove],
            needs: Needs::Nothing,
            causes: "the other nominations of the category and year are not awarded",
            refused: "decided",
        },
        Step {
            action: "pass_over",
            from: &[AwardStatus::Nominated],
            to: AwardStatus::NotAwarded,
            by: NONE,
            needs: Needs::Link("another nomination conferred"),
            causes: "",
            refused: "decided",
        },
    ],
};

states! {
    /// A referral reward (R2.1.3).
    pub enum ReferralReward {
        Pending = "pending",
        Due = "due",
        Paid = "paid",
        Void = "void",
    }
}

/// Referral rewards.
pub static REFERRAL: Machine<ReferralReward> = Machine {
    name: "referral",
    table: "referral",
    column: "reward_status",
    kept: Kept::Text,
    about: "A referrer's reward (R2.1.3): pending until the referred prospect signs, then due and \
            paid; a pending reward may be voided.",
    starts: &[
        Start { state: ReferralReward::Pending, by: &[PartnerWrite], how: "a referral of a prospect" },
        Start {
            state: ReferralReward::Due,
            by: &[PartnerWrite],
            how: "a referral of a partner already signed",
        },
    ],
    steps: &[
        Step {
            action: "fall_due",
            from: &[ReferralReward::Pending],
            to: ReferralReward::Due,
            by: NONE,
            needs: Needs::Link("the referred prospect's agreement signed"),
            causes: "",
            refused: "not_due",
        },
        Step {
            action: "pay",
            from: &[ReferralReward::Due],
            to: ReferralReward::Paid,
            by: &[RewardSettle],
            needs: Needs::Nothing,
            causes: "",
            refused: "not_due",
        },
        Step {
            action: "void",
            from: &[ReferralReward::Pending, ReferralReward::Due],
            to: ReferralReward::Void,
            by: &[RewardSettle],
            needs: Needs::Nothing,
            causes: "",
            refused: "not_due",
        },
    ],
};

states! {
    /// An application typed in at the kiosk (R2.1.1).
    pub enum ApplicationStatus {
        New = "new",
        Registered = "registered",
        Discarded = "discarded",
    }
}

/// Kiosk applications.
pub static APPLICATION: Machine<ApplicationStatus> = Machine {
    name: "application",
    table: "application",
    column: "status",
    kept: Kept::Text,
    about: "Applications a prospect types in at the kiosk (R2.1.1): registered as a prospect or \
            discarded by channel staff.",
    starts: &[Start {
        state: ApplicationStatus::New,
        by: &[ApplicationSubmit],
        how: "submitted at the kiosk",
    }],
    steps: &[
        Step {
            action: "register",
            from: &[ApplicationStatus::New],
            to: ApplicationStatus::Registered,
            by: &[ApplicationReview],
            needs: Needs::Nothing,
            causes: "a prospect is created or matched",
            refused: "handled",
        },
        Step {
            action: "discard",
            from: &[ApplicationStatus::New],
            to: ApplicationStatus::Discarded,
            by: &[ApplicationReview],
            needs: Needs::Nothing,
            causes: "",
            refused: "handled",
        },
    ],
};

states! {
    /// Money in or out (R4.3.2).
    pub enum PaymentStatus {
        Received = "received",
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
    }
}

/// Payments and payouts.
pub static PAYMENT: Machine<PaymentStatus> = Machine {
    name: "payment",
    table: "payment",
    column: "status",
    kept: Kept::Text,
    about: "Money received is recorded by finance; a payment to a partner is proposed, approved or \
            rejected by a finance user other than the proposer, then marked paid (R4.3.2).",
    starts: &[
        Start {
            state: PaymentStatus::Received,
            by: &[FinanceRecord],
            how: "money received or a credit note",
        },
        Start {
            state: PaymentStatus::Proposed,
            by: &[SettlementManage],
            how: "a payment to a partner proposed",
        },
    ],
    steps: &[
        Step {
            action: "approve",
            from: &[PaymentStatus::Proposed],
            to: PaymentStatus::Approved,
            by: &[PaymentApprove],
            needs: Needs::Approval("a finance user other than the proposer"),
            causes: "",
            refused: "decided",
        },
        Step {
            action: "reject",
            from: &[PaymentStatus::Proposed],
            to: PaymentStatus::Rejected,
            by: &[PaymentApprove],
            needs: Needs::Approval("a finance user other than the proposer"),
            causes: "",
            refused: "decided",
        },
        Step {
            action: "pay",
            from: &[PaymentStatus::Approved],
            to: PaymentStatus::Paid,
            by: &[FinanceRecord],
            needs: Needs::Nothing,
            causes: "",
            refused: "payment_not_approved",
        },
    ],
};

states! {
    /// A settlement statement (R4.3.1).
    pub enum StatementStatus {
        Issued = "issued",
        Confirmed = "confirmed",
        Disputed = "disputed",
    }
}

/// Settlement statements.
pub static STATEMENT: Machine<StatementStatus> = Machine {
    name: "statement",
    table: "statement",
    column: "status",
    kept: Kept::Text,
    about: "Statements of account (R4.3.1): issued, confirmed by the partner or disputed; a dispute \
            resolved (the last one open) puts the statement back to issued; when the period's \
            figures change it is issued again and must be confirmed again.",
    starts: &[Start {
        state: StatementStatus::Issued,
        by: &[SettlementManage],
        how: "issued for a partner and period",
    }],
    steps: &[
        Step {
            action: "reissue",
            from: &[StatementStatus::Issued, StatementStatus::Disputed, StatementStatus::Confirmed],
            to: StatementStatus::Issued,
            by: &[SettlementManage],
            needs: Needs::Link("the period's figures changed since it was issued"),
            causes: "a confirmation no longer stands",
            refused: "confirmed",
        },
        Step {
            action: "confirm",
            from: &[StatementStatus::Issued],
            to: StatementStatus::Confirmed,
            by: &[SettlementManage],
            needs: Needs::Nothing,
            causes: "",
            refused: "issued",
        },
        Step {
            action: "dispute",
            from: &[StatementStatus::Issued, StatementStatus::Disputed],
            to: StatementStatus::Disputed,
            by: &[SettlementManage],
            needs: Needs::Reason,
            causes: "",
            refused: "confirmed",
        },
        Step {
            action: "settle_dispute",
            from: &[StatementStatus::Disputed],
            to: StatementStatus::Issued,
            by: NONE,
            needs: Needs::Link("its last open dispute resolved"),
            causes: "",
            refused: "confirmed",
        },
    ],
};

states! {
    /// A disputed line of a statement (R4.3.1).
    pub enum DisputeStatus {
        Open = "open",
        Resolved = "resolved",
    }
}

/// Statement disputes.
pub static DISPUTE: Machine<DisputeStatus> = Machine {
    name: "statement_dispute",
    table: "statement_dispute",
    column: "status",
    kept: Kept::Text,
    about: "A disputed line of a statement, resolved once with a resolution (R4.3.1).",
    starts: &[Start {
        state: DisputeStatus::Open,
        by: &[SettlementManage],
        how: "the partner disputes a statement",
    }],
    steps: &[Step {
        action: "resolve",
        from: &[DisputeStatus::Open],
        to: DisputeStatus::Resolved,
        by: &[SettlementManage],
        needs: Needs::Reason,
        causes: "the statement is issued again when no dispute is left open",
        refused: "resolved",
    }],
};

states! {
    /// A promotion activity (R5.2).
    pub enum ActivityStatus {
        Planned = "planned",
        Running = "running",
        Done = "done",
        Cancelled = "cancelled",
    }
}

/// Promotion activities.
pub static ACTIVITY: Machine<ActivityStatus> = Machine {
    name: "promotion_activity",
    table: "promotion_activity",
    column: "status",
    kept: Kept::Text,
    about: "Promotion activities (R5.2.1–R5.2.3): planned, running, done once its effect is \
            evaluated (not before it starts), or cancelled.",
    starts: &[
        Start { state: ActivityStatus::Planned, by: &[PromotionManage], how: "planned" },
        Start { state: ActivityStatus::Running, by: &[PromotionManage], how: "recorded while it runs" },
    ],
    steps: &[
        Step {
            action: "run",
            from: &[ActivityStatus::Planned],
            to: ActivityStatus::Running,
            by: &[PromotionManage],
            needs: Needs::Nothing,
            causes: "",
            refused: "cancelled",
        },
        Step {
            action: "replan",
            from: &[ActivityStatus::Running],
            to: ActivityStatus::Planned,
            by: &[PromotionManage],
            needs: Needs::Nothing,
            causes: "",
            refused: "cancelled",
        },
        Step {
            action: "evaluate",
            from: &[ActivityStatus::Planned, ActivityStatus::Running, ActivityStatus::Done],
            to: ActivityStatus::Done,
            by: &[PromotionManage],
            needs: Needs::Link("its effect evaluation, on or after its start"),
            causes: "",
            refused: "cancelled",
        },
        Step {
            action: "cancel",
            from: &[ActivityStatus::Planned, ActivityStatus::Running],
            to: ActivityStatus::Cancelled,
            by: &[PromotionManage],
            needs: Needs::Nothing,
            causes: "",
            refused: "cancelled",
        },
    ],
};

states! {
    /// A recorded risk (R6.1).
    pub enum RiskStatus {
        Open = "open",
        Closed = "closed",
    }
}

/// Risks.
pub static RISK: Machine<RiskStatus> = Machine {
    name: "risk",
    table: "risk",
    column: "status",
    kept: Kept::Text,
    about: "Risks (R6.1.1, R6.1.2): measured, reviewed and closed with a note; a closed risk takes \
            no measure or review.",
    starts: &[Start { state: RiskStatus::Open, by: &[RiskManage], how: "identified" }],
    steps: &[Step {
        action: "close",
        from: &[RiskStatus::Open],
        to: RiskStatus::Closed,
        by: &[RiskManage],
        needs: Needs::Reason,
        causes: "",
        refused: "risk_closed",
    }],
};

states! {
    /// Where a shipment is (R4.2.1): kept as its delivery date.
    pub enum ShipmentStatus {
        Recorded = "recorded",
        Delivered = "delivered",
    }
}

/// A shipment of a confirmed order, until it arrives.
pub static SHIPMENT: Machine<ShipmentStatus> = Machine {
    name: "shipment",
    table: "shipment",
    column: "delivered_on",
    kept: Kept::Date,
    about: "Shipments of confirmed orders (R4.2.1), kept as their delivery date: recorded when \
            they leave, delivered on the date they arrive (never before they shipped); a wrong \
            delivery date is corrected by entering the right one.",
    starts: &[Start {
        state: ShipmentStatus::Recorded,
        by: &[OrderWrite],
        how: "shipped from a confirmed order",
    }],
    steps: &[Step {
        action: "deliver",
        from: &[ShipmentStatus::Recorded, ShipmentStatus::Delivered],
        to: ShipmentStatus::Delivered,
        by: &[OrderWrite],
        needs: Needs::Nothing,
        causes: "",
        refused: "not_shipped",
    }],
};

states! {
    /// Whether an agreed measure or follow-up is done: kept as the date it was done.
    pub enum MeasureStatus {
        Open = "open",
        Done = "done",
    }
}

/// A measure of an evaluation's improvement plan (R2.2.2, R2.2.3).
pub static EVALUATION_MEASURE: Machine<MeasureStatus> = Machine {
    name: "evaluation_measure",
    table: "evaluation_measure",
    column: "done_on",
    kept: Kept::Date,
    about: "Measures of a special evaluation or of a class C result's improvement plan (R2.2.2, \
            R2.2.3), kept as the date they were done: open on the home page until done, and \
            reopened when they turn out not to be.",
    starts: &[Start { state: MeasureStatus::Open, by: &[EvaluationRun], how: "agreed in the evaluation" }],
    steps: &[
        Step {
            action: "done",
            from: &[MeasureStatus::Open, MeasureStatus::Done],
            to: MeasureStatus::Done,
            by: &[EvaluationRun],
            needs: Needs::Nothing,
            causes: "leaves the home page's improvement plans and overdue measures",
            refused: "not_open",
        },
        Step {
            action: "reopen",
            from: &[MeasureStatus::Done],
            to: MeasureStatus::Open,
            by: &[EvaluationRun],
            needs: Needs::Nothing,
            causes: "back on the home page",
            refused: "not_done",
        },
    ],
};

/// A measure taken against a risk (R6.1.2).
pub static RISK_MEASURE: Machine<MeasureStatus> = Machine {
    name: "risk_measure",
    table: "risk_measure",
    column: "done_on",
    kept: Kept::Date,
    about: "Measures against a risk (R6.1.2), kept as the date they were done; a done measure \
            stays done (the risk's reviews record what followed).",
    starts: &[Start { state: MeasureStatus::Open, by: &[RiskManage], how: "decided for an open risk" }],
    steps: &[Step {
        action: "done",
        from: &[MeasureStatus::Open],
        to: MeasureStatus::Done,
        by: &[RiskManage],
        needs: Needs::Nothing,
        causes: "leaves the overdue measures of the early warning",
        refused: "already_done",
    }],
};

/// A follow-up agreed in a relationship log entry (R2.3.1).
pub static FOLLOW_UP: Machine<MeasureStatus> = Machine {
    name: "follow_up",
    table: "follow_up",
    column: "done_on",
    kept: Kept::Date,
    about: "Follow-ups agreed with a partner in a visit or call (R2.3.1), kept as the date they \
            were done; reopened when they turn out not to be.",
    starts: &[Start { state: MeasureStatus::Open, by: &[PartnerWrite], how: "agreed in a log entry" }],
    steps: &[
        Step {
            action: "done",
            from: &[MeasureStatus::Open, MeasureStatus::Done],
            to: MeasureStatus::Done,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "leaves the home page's follow-ups",
            refused: "not_open",
        },
        Step {
            action: "reopen",
            from: &[MeasureStatus::Done],
            to: MeasureStatus::Open,
            by: &[PartnerWrite],
            needs: Needs::Nothing,
            causes: "back on the home page",
            refused: "not_done",
        },
    ],
};

/// Every machine, in the order of the documentation.
pub static ALL: [&dyn Described; 21] = [
    &PARTNER,
    &PROSPECT_STAGE,
    &PROSPECT_OUTCOME,
    &AGREEMENT,
    &EVALUATION,
    &ORDER,
    &AFTERSALES,
    &SUPPORT,
    &REWARD,
    &AWARD,
    &REFERRAL,
    &APPLICATION,
    &PAYMENT,
    &STATEMENT,
    &DISPUTE,
    &ACTIVITY,
    &RISK,
    &RISK_MEASURE,
    &SHIPMENT,
    &EVALUATION_MEASURE,
    &FOLLOW_UP,
];
