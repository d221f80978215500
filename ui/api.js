// @ts-check
/**
 * The only file that calls Tauri's `invoke`. Each function names one core operation; the
 * types come from the Rust types (ts-rs declarations in `bindings/`). A failed call rejects
 * with an {@link ApiError} carrying the core's `{code, fields, conflicts, kind}`.
 */

/** @typedef {import('./bindings/Actor').Actor} Actor */
/** @typedef {import('./bindings/DashboardCard').DashboardCard} DashboardCard */
/** @typedef {import('./bindings/DashboardCardKind').DashboardCardKind} DashboardCardKind */
/** @typedef {import('./bindings/DashboardFilter').DashboardFilter} DashboardFilter */
/** @typedef {import('./bindings/DashboardPoint').DashboardPoint} DashboardPoint */
/** @typedef {import('./bindings/AuditEntry').AuditEntry} AuditEntry */
/** @typedef {import('./bindings/ConflictRef').ConflictRef} ConflictRef */
/** @typedef {import('./bindings/ContactInput').ContactInput} ContactInput */
/** @typedef {import('./bindings/DeviceInfo').DeviceInfo} DeviceInfo */
/** @typedef {import('./bindings/DuplicateReport').DuplicateReport} DuplicateReport */
/** @typedef {import('./bindings/ErrorPayload').ErrorPayload} ErrorPayload */
/** @typedef {import('./bindings/FieldError').FieldError} FieldError */
/** @typedef {import('./bindings/ListPage').ListPage} ListPage */
/** @typedef {import('./bindings/Found').Found} Found */
/** @typedef {import('./bindings/Hit').Hit} Hit */
/** @typedef {import('./bindings/FindKind').FindKind} FindKind */
/** @typedef {import('./bindings/Picture').Picture} Picture */
/** @typedef {import('./bindings/OpenItem').OpenItem} PictureOpen */
/** @typedef {import('./bindings/ListQuery').ListQuery} ListQuery */
/** @typedef {import('./bindings/Partner').Partner} Partner */
/** @typedef {import('./bindings/PartnerInput').PartnerInput} PartnerInput */
/** @typedef {import('./bindings/PartnerRow').PartnerRow} PartnerRow */
/** @typedef {import('./bindings/ReferenceData').ReferenceData} ReferenceData */
/** @typedef {import('./bindings/Division').Division} Division */
/** @typedef {import('./bindings/ReminderGroup').ReminderGroup} ReminderGroup */
/** @typedef {import('./bindings/ReminderItem').ReminderItem} ReminderItem */
/** @typedef {import('./bindings/Settings').Settings} Settings */
/** @typedef {import('./bindings/StatusCount').StatusCount} StatusCount */
/** @typedef {import('./bindings/UserSummary').UserSummary} UserSummary */
/** @typedef {import('./bindings/Action').Action} Action */
/** @typedef {import('./bindings/Application').Application} Application */
/** @typedef {import('./bindings/ApplicationInput').ApplicationInput} ApplicationInput */
/** @typedef {import('./bindings/ApplicationReceipt').ApplicationReceipt} ApplicationReceipt */
/** @typedef {import('./bindings/AuditPage').AuditPage} AuditPage */
/** @typedef {import('./bindings/AuditQuery').AuditQuery} AuditQuery */
/** @typedef {import('./bindings/ChainReport').ChainReport} ChainReport */
/** @typedef {import('./bindings/NewUser').NewUser} NewUser */
/** @typedef {import('./bindings/RecoveryReason').RecoveryReason} RecoveryReason */
/** @typedef {import('./bindings/Role').Role} Role */
/** @typedef {import('./bindings/SessionInfo').SessionInfo} SessionInfo */
/** @typedef {import('./bindings/UserAccount').UserAccount} UserAccount */
/** @typedef {import('./bindings/UserChange').UserChange} UserChange */
/** @typedef {import('./bindings/AttachmentInfo').AttachmentInfo} AttachmentInfo */
/** @typedef {import('./bindings/Board').Board} Board */
/** @typedef {import('./bindings/BoardColumn').BoardColumn} BoardColumn */
/** @typedef {import('./bindings/BoardQuery').BoardQuery} BoardQuery */
/** @typedef {import('./bindings/CardContact').CardContact} CardContact */
/** @typedef {import('./bindings/Criterion').Criterion} Criterion */
/** @typedef {import('./bindings/CsvLabels').CsvLabels} CsvLabels */
/** @typedef {import('./bindings/EventInput').EventInput} EventInput */
/** @typedef {import('./bindings/EventRef').EventRef} EventRef */
/** @typedef {import('./bindings/EventSummary').EventSummary} EventSummary */
/** @typedef {import('./bindings/Inspection').Inspection} Inspection */
/** @typedef {import('./bindings/InspectionInput').InspectionInput} InspectionInput */
/** @typedef {import('./bindings/LeadInput').LeadInput} LeadInput */
/** @typedef {import('./bindings/LeadSaved').LeadSaved} LeadSaved */
/** @typedef {import('./bindings/Negotiation').Negotiation} Negotiation */
/** @typedef {import('./bindings/NegotiationInput').NegotiationInput} NegotiationInput */
/** @typedef {import('./bindings/Note').Note} Note */
/** @typedef {import('./bindings/NoteInput').NoteInput} NoteInput */
/** @typedef {import('./bindings/NoteQuery').NoteQuery} NoteQuery */
/** @typedef {import('./bindings/NoteRow').NoteRow} NoteRow */
/** @typedef {import('./bindings/ProspectCard').ProspectCard} ProspectCard */
/** @typedef {import('./bindings/ProspectPage').ProspectPage} ProspectPage */
/** @typedef {import('./bindings/ProspectFile').ProspectFile} ProspectFile */
/** @typedef {import('./bindings/Referral').Referral} Referral */
/** @typedef {import('./bindings/ReferralInput').ReferralInput} ReferralInput */
/** @typedef {import('./bindings/Scheme').Scheme} Scheme */
/** @typedef {import('./bindings/SchemeInput').SchemeInput} SchemeInput */
/** @typedef {import('./bindings/Scorecard').Scorecard} Scorecard */
/** @typedef {import('./bindings/ScorecardInput').ScorecardInput} ScorecardInput */
/** @typedef {import('./bindings/ScoreLine').ScoreLine} ScoreLine */
/** @typedef {import('./bindings/Stage').Stage} Stage */
/** @typedef {import('./bindings/StageMove').StageMove} StageMove */
/** @typedef {import('./bindings/TradeEvent').TradeEvent} TradeEvent */
/** @typedef {import('./bindings/StaffRef').StaffRef} StaffRef */
/** @typedef {import('./bindings/SummaryRow').SummaryRow} SummaryRow */
/** @typedef {import('./bindings/StageCount').StageCount} StageCount */
/** @typedef {import('./bindings/PartnerRef').PartnerRef} PartnerRef */
/** @typedef {import('./bindings/Agreement').Agreement} Agreement */
/** @typedef {import('./bindings/AgreementQuery').AgreementQuery} AgreementQuery */
/** @typedef {import('./bindings/AgreementRow').AgreementRow} AgreementRow */
/**
 * A page of a long list and the count of all its rows.
 * @template T @typedef {import('./bindings/Page').Page<T>} Page
 */
/** @typedef {import('./bindings/Archive').Archive} Archive */
/** @typedef {import('./bindings/ArchiveInput').ArchiveInput} ArchiveInput */
/** @typedef {import('./bindings/ClauseComment').ClauseComment} ClauseComment */
/** @typedef {import('./bindings/ClauseDiff').ClauseDiff} ClauseDiff */
/** @typedef {import('./bindings/ClauseInput').ClauseInput} ClauseInput */
/** @typedef {import('./bindings/DraftInput').DraftInput} DraftInput */
/** @typedef {import('./bindings/ClauseText').ClauseText} ClauseText */
/** @typedef {import('./bindings/CommentInput').CommentInput} CommentInput */
/** @typedef {import('./bindings/CopyLog').CopyLog} CopyLog */
/** @typedef {import('./bindings/CurrentClause').CurrentClause} CurrentClause */
/** @typedef {import('./bindings/Ending').Ending} Ending */
/** @typedef {import('./bindings/ExecutionReport').ExecutionReport} ExecutionReport */
/** @typedef {import('./bindings/LibraryClause').LibraryClause} LibraryClause */
/** @typedef {import('./bindings/NewAgreement').NewAgreement} NewAgreement */
/** @typedef {import('./bindings/NoticeInput').NoticeInput} NoticeInput */
/** @typedef {import('./bindings/RenewalIntent').RenewalIntent} RenewalIntent */
/** @typedef {import('./bindings/ReportInput').ReportInput} ReportInput */
/** @typedef {import('./bindings/ReportPeriod').ReportPeriod} ReportPeriod */
/** @typedef {import('./bindings/Review').Review} Review */
/** @typedef {import('./bindings/ReviewInput').ReviewInput} ReviewInput */
/** @typedef {import('./bindings/SignInput').SignInput} SignInput */
/** @typedef {import('./bindings/Signing').Signing} Signing */
/** @typedef {import('./bindings/Span').Span} Span */
/** @typedef {import('./bindings/Template').Template} Template */
/** @typedef {import('./bindings/TerminateInput').TerminateInput} TerminateInput */
/** @typedef {import('./bindings/VariableDiff').VariableDiff} VariableDiff */
/** @typedef {import('./bindings/Verification').Verification} Verification */
/** @typedef {import('./bindings/Verified').Verified} Verified */
/** @typedef {import('./bindings/MadeDocument').MadeDocument} MadeDocument */
/** @typedef {import('./bindings/Version').Version} Version */
/** @typedef {import('./bindings/VersionDiff').VersionDiff} VersionDiff */
/** @typedef {import('./bindings/Band').Band} Band */
/** @typedef {import('./bindings/ClassBand').ClassBand} ClassBand */
/** @typedef {import('./bindings/ClassChange').ClassChange} ClassChange */
/** @typedef {import('./bindings/Consequence').Consequence} Consequence */
/** @typedef {import('./bindings/DimensionResult').DimensionResult} DimensionResult */
/** @typedef {import('./bindings/EvalResult').EvalResult} EvalResult */
/** @typedef {import('./bindings/Evaluation').Evaluation} Evaluation */
/** @typedef {import('./bindings/EvaluationPage').EvaluationPage} EvaluationPage */
/** @typedef {import('./bindings/EvaluationQuery').EvaluationQuery} EvaluationQuery */
/** @typedef {import('./bindings/EvaluationRow').EvaluationRow} EvaluationRow */
/** @typedef {import('./bindings/EvaluationScheme').EvaluationScheme} EvaluationScheme */
/** @typedef {import('./bindings/EvaluationSchemeInput').EvaluationSchemeInput} EvaluationSchemeInput */
/** @typedef {import('./bindings/Indicator').Indicator} Indicator */
/** @typedef {import('./bindings/IndicatorResult').IndicatorResult} IndicatorResult */
/** @typedef {import('./bindings/Measure').Measure} Measure */
/** @typedef {import('./bindings/MeasureInput').MeasureInput} MeasureInput */
/** @typedef {import('./bindings/Mover').Mover} Mover */
/** @typedef {import('./bindings/PartnerStanding').PartnerStanding} PartnerStanding */
/** @typedef {import('./bindings/PeriodInput').PeriodInput} PeriodInput */
/** @typedef {import('./bindings/Portfolio').Portfolio} Portfolio */
/** @typedef {import('./bindings/PortfolioLabels').PortfolioLabels} PortfolioLabels */
/** @typedef {import('./bindings/RoundSummary').RoundSummary} RoundSummary */
/** @typedef {import('./bindings/ScoreInput').ScoreInput} ScoreInput */
/** @typedef {import('./bindings/ScoreRow').ScoreRow} ScoreRow */
/** @typedef {import('./bindings/SpecialInput').SpecialInput} SpecialInput */
/** @typedef {import('./bindings/LogEntry').LogEntry} LogEntry */
/** @typedef {import('./bindings/LogInput').LogInput} LogInput */
/** @typedef {import('./bindings/FollowUp').FollowUp} FollowUp */
/** @typedef {import('./bindings/FollowUpInput').FollowUpInput} FollowUpInput */
/** @typedef {import('./bindings/Training').Training} Training */
/** @typedef {import('./bindings/TrainingInput').TrainingInput} TrainingInput */
/** @typedef {import('./bindings/SupportRequest').SupportRequest} SupportRequest */
/** @typedef {import('./bindings/SupportInput').SupportInput} SupportInput */
/** @typedef {import('./bindings/Reward').Reward} Reward */
/** @typedef {import('./bindings/RewardInput').RewardInput} RewardInput */
/** @typedef {import('./bindings/Nomination').Nomination} Nomination */
/** @typedef {import('./bindings/NominationInput').NominationInput} NominationInput */
/** @typedef {import('./bindings/Candidate').Candidate} Candidate */
/** @typedef {import('./bindings/AwardYear').AwardYear} AwardYear */
/** @typedef {import('./bindings/TimelineItem').TimelineItem} TimelineItem */
/** Where a printed PDF went (`commands/agreements.rs`). @typedef {{ path: string, opened: boolean }} PrintedFile */
/** @typedef {import('./bindings/PageSize').PageSize} PageSize */
/** @typedef {import('./bindings/Printer').Printer} Printer */
/** @typedef {import('./bindings/PrintOptions').PrintOptions} PrintOptions */
/** @typedef {import('./bindings/Job').Job} Job */
/**
 * A document in the print preview (`printing.rs`).
 * @typedef {{ token: string, file_name: string, pages: PageSize[], numbered: boolean, can_print: boolean }} DocumentView
 */
/**
 * What the window needs at start (`commands/app.rs` AppStatus).
 * @typedef {{ version: string, build_date: string, platform: string, data_dir: string, log_dir: string,
 *   opened_bundle: string | null, recovery: RecoveryReason | null, failure: ErrorPayload | null,
 *   device: DeviceInfo | null, session: SessionInfo | null, settings: Settings | null }} AppStatus
 */

/** A failed command, as the core reported it. */
export class ApiError extends Error {
  /** @param {ErrorPayload} payload */
  constructor(payload) {
    super(payload.message);
    this.code = payload.code;
    this.fields = payload.fields || [];
    this.conflicts = payload.conflicts || [];
    this.kind = payload.kind;
    this.retryAfter = payload.retry_after;
  }
}

/** @type {Array<(e: ApiError) => void>} */
const lockedListeners = [];
/** Called whenever a command answers `locked` (the session idled out or was locked elsewhere). @param {(e: ApiError) => void} fn */
export function onLocked(fn) { lockedListeners.push(fn); }

/** Calls `fn` when a bundle is opened from the file manager while the program runs. @param {() => void} fn */
export function onBundleOpened(fn) { window.__TAURI__.event.listen('bundle-opened', () => fn()); }

/**
 * @template T
 * @param {string} cmd
 * @param {Record<string, unknown> | Uint8Array} [args] named arguments, or raw bytes
 * @param {{ headers: Record<string, string> }} [options]
 * @returns {Promise<T>}
 */
async function call(cmd, args, options) {
  try {
    return await window.__TAURI__.core.invoke(cmd, args, options);
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e) {
      const err = new ApiError(/** @type {ErrorPayload} */ (e));
      if (err.code === 'locked') for (const fn of lockedListeners) fn(err);
      throw err;
    }
    throw new ApiError({ code: 'storage', message: String(e), fields: [], conflicts: [] });
  }
}

/** @returns {Promise<AppStatus>} */
export const appStatus = () => call('app_status');
/** Tries to open the data folder again after a start-up failure. @returns {Promise<AppStatus>} */
export const vaultRetry = () => call('vault_retry');
/** @param {string} recoveryKey @returns {Promise<AppStatus>} */
export const vaultRecover = (recoveryKey) => call('vault_recover', { recoveryKey });
/** @returns {Promise<ReferenceData>} */
export const referenceData = () => call('reference_data');
/** The divisions one level below `code` ('' for the provinces). @param {string} code @returns {Promise<Division[]>} */
export const referenceDivisions = (code) => call('reference_divisions', { code });
/** @param {string} language @returns {Promise<Settings>} */
export const settingsSetLanguage = (language) => call('settings_set_language', { language });
/** @param {number} minutes @returns {Promise<Settings>} */
export const settingsSetIdleMinutes = (minutes) => call('settings_set_idle_minutes', { minutes });
/** Saves the recovery kit where the user chooses and opens it: where it went and whether a viewer opened, or null when cancelled. @returns {Promise<PrintedFile | null>} */
export const recoveryKitSave = () => call('recovery_kit_save');
/** Opens the log folder: where it is and whether the file manager opened. @returns {Promise<PrintedFile>} */
export const diagnosticsOpenLogs = () => call('diagnostics_open_logs');
/** Saves the diagnostics bundle (logs, versions, integrity check; no business data) where the user chooses; the path, or null when cancelled. @returns {Promise<string | null>} */
export const diagnosticsSave = () => call('diagnostics_save');

/** @param {string} displayName @param {string} login @param {string} password @returns {Promise<SessionInfo>} */
export const sessionSetupOwner = (displayName, login, password) => call('session_setup_owner', { displayName, login, password });
/** @param {string} login @param {string} password @returns {Promise<SessionInfo>} */
export const sessionSignIn = (login, password) => call('session_sign_in', { login, password });
/** @param {string} password @returns {Promise<SessionInfo>} */
export const sessionUnlock = (password) => call('session_unlock', { password });
/** @returns {Promise<SessionInfo>} */
export const sessionLock = () => call('session_lock');
/** @returns {Promise<SessionInfo>} */
export const sessionTouch = () => call('session_touch');
/** @returns {Promise<SessionInfo>} */
export const sessionSignOut = () => call('session_sign_out');
/** @param {string} current @param {string} newPassword @returns {Promise<void>} */
export const sessionChangePassword = (current, newPassword) => call('session_change_password', { current, newPassword });
/** @param {string} event @param {string | null} eventId @returns {Promise<SessionInfo>} */
export const kioskStart = (event, eventId) => call('kiosk_start', { event, eventId });
/** @param {string} login @param {string} password @returns {Promise<SessionInfo>} */
export const kioskExit = (login, password) => call('kiosk_exit', { login, password });
/** @param {ApplicationInput} input @returns {Promise<ApplicationReceipt>} */
export const kioskSubmit = (input) => call('kiosk_submit', { input });

/** @returns {Promise<UserAccount[]>} */
export const usersAccounts = () => call('users_accounts');
/** @param {NewUser} input @returns {Promise<UserAccount>} */
export const usersCreate = (input) => call('users_create', { input });
/** @param {string} id @param {UserChange} change @returns {Promise<UserAccount>} */
export const usersUpdate = (id, change) => call('users_update', { id, change });

/** @param {Partial<AuditQuery>} query @returns {Promise<AuditPage>} */
export const auditList = (query) => call('audit_list', { query });
/** @returns {Promise<ChainReport>} */
export const auditVerify = () => call('audit_verify');
/** Asks where to save, writes the CSV; the row count, or null when cancelled. @param {Partial<AuditQuery>} query @returns {Promise<number | null>} */
export const auditExportCsv = (query) => call('audit_export_csv', { query });

/** @param {string} id @returns {Promise<Application>} */
export const applicationsGet = (id) => call('applications_get', { id });
/** @param {string} id @param {PartnerInput} input @param {boolean} confirmSimilar @returns {Promise<Partner>} */
export const applicationsRegister = (id, input, confirmSimilar) => call('applications_register', { id, input, confirmSimilar });
/** @param {string} id @returns {Promise<void>} */
export const applicationsDiscard = (id) => call('applications_discard', { id });
/** @returns {Promise<ReminderGroup[]>} */
export const remindersDue = () => call('reminders_due');
/** @returns {Promise<UserSummary[]>} */
export const usersList = () => call('users_list');

/** @param {Partial<ListQuery>} query @returns {Promise<ListPage>} */
export const partnersList = (query) => call('partners_list', { query });
/** A partner's whole picture. @param {string} partnerId @returns {Promise<Picture>} */
export const partnerPicture = (partnerId) => call('partner_picture', { partnerId });
/** Search everything (Ctrl+K). @param {string} q @returns {Promise<Found>} */
export const findEverything = (q) => call('find_everything', { q });
/** A dashboard card's figures. @param {DashboardCardKind} kind @param {DashboardFilter} filter @returns {Promise<DashboardCard>} */
export const dashboardCard = (kind, filter) => call('dashboard_card', { kind, filter });
/** A dashboard card in the print preview. @param {DashboardCardKind} kind @param {DashboardFilter} filter @returns {Promise<DocumentView>} */
export const dashboardPrint = (kind, filter) => call('dashboard_print', { kind, filter });
/** A dashboard card as .xlsx, opened. @param {DashboardCardKind} kind @param {DashboardFilter} filter @returns {Promise<PrintedFile>} */
export const dashboardXlsx = (kind, filter) => call('dashboard_xlsx', { kind, filter });
/** @param {string} id @returns {Promise<Partner>} */
export const partnersGet = (id) => call('partners_get', { id });
/** @param {PartnerInput} input @param {boolean} confirmSimilar @returns {Promise<Partner>} */
export const partnersCreate = (input, confirmSimilar) => call('partners_create', { input, confirmSimilar });
/**
 * @param {string} id @param {string} expectedHlc @param {PartnerInput} input
 * @param {boolean} confirmSimilar @returns {Promise<Partner>}
 */
export const partnersUpdate = (id, expectedHlc, input, confirmSimilar) =>
  call('partners_update', { id, expectedHlc, input, confirmSimilar });
/** @param {string} id @returns {Promise<void>} */
export const partnersDelete = (id) => call('partners_delete', { id });
/** @param {string} id @returns {Promise<Partner>} */
export const partnersRestore = (id) => call('partners_restore', { id });
/** @param {PartnerInput} input @param {string | null} excludeId @returns {Promise<DuplicateReport>} */
export const partnersCheckDuplicates = (input, excludeId) => call('partners_check_duplicates', { input, excludeId });
/** @returns {Promise<string[]>} */
export const partnersTags = () => call('partners_tags');
/** @returns {Promise<StatusCount[]>} */
export const partnersStatusCounts = () => call('partners_status_counts');
/** @typedef {import('./bindings/LifeCycleFinding').LifeCycleFinding} LifeCycleFinding */
/** Records whose state the life cycles would not have allowed (administrators).
 * @returns {Promise<LifeCycleFinding[]>} */
export const lifecycleFindings = () => call('lifecycle_findings');
/** Suspends or resumes a partner's cooperation with a reason (managers, R6.2.2).
 * @param {string} id @param {'suspend' | 'resume'} action @param {string} reason @returns {Promise<Partner>} */
export const partnerCooperation = (id, action, reason) => call('partner_cooperation', { id, action, reason });
/** @param {string} id @returns {Promise<AuditEntry[]>} */
export const partnersHistory = (id) => call('partners_history', { id });

// Recruitment (R2.1.1–R2.1.4)
/** @param {Partial<BoardQuery>} query @returns {Promise<Board>} */
export const pipelineBoard = (query) => call('pipeline_board', { query });
/** @param {Partial<BoardQuery>} query @returns {Promise<ProspectPage>} */
export const pipelineList = (query) => call('pipeline_list', { query });
/** @param {string} partnerId @returns {Promise<ProspectFile | null>} */
export const prospectFile = (partnerId) => call('prospect_file', { partnerId });
/** @param {string} partnerId @param {Stage} to @param {string} reason @returns {Promise<ProspectFile>} */
export const prospectMove = (partnerId, to, reason) => call('prospect_move', { partnerId, to, reason });
/** @param {string} partnerId @param {string} reason @returns {Promise<ProspectFile>} */
export const prospectReject = (partnerId, reason) => call('prospect_reject', { partnerId, reason });
/** @param {string} partnerId @param {string} reason @returns {Promise<ProspectFile>} */
export const prospectReopen = (partnerId, reason) => call('prospect_reopen', { partnerId, reason });
/** @param {string} keepId @param {string} otherId @returns {Promise<Partner>} */
export const prospectMerge = (keepId, otherId) => call('prospect_merge', { keepId, otherId });
/** @param {string} partnerId @param {InspectionInput} input @returns {Promise<string>} */
export const inspectionRecord = (partnerId, input) => call('inspection_record', { partnerId, input });
/** @param {string} partnerId @param {NegotiationInput} input @returns {Promise<void>} */
export const negotiationRecord = (partnerId, input) => call('negotiation_record', { partnerId, input });
/** @returns {Promise<Scheme>} */
export const schemeCurrent = () => call('scheme_current');
/** @returns {Promise<Scheme[]>} */
export const schemeVersions = () => call('scheme_versions');
/** @param {SchemeInput} input @returns {Promise<Scheme>} */
export const schemeSave = (input) => call('scheme_save', { input });
/** @param {string} partnerId @param {ScorecardInput} input @returns {Promise<Scorecard>} */
export const scorecardRecord = (partnerId, input) => call('scorecard_record', { partnerId, input });
/** @param {string} partnerId @param {ReferralInput} input @returns {Promise<Referral>} */
export const referralSet = (partnerId, input) => call('referral_set', { partnerId, input });
/** @param {string} partnerId @param {boolean} paid @param {string} paidOn @returns {Promise<Referral>} */
export const referralSettle = (partnerId, paid, paidOn) => call('referral_settle', { partnerId, paid, paidOn });
/** @returns {Promise<TradeEvent[]>} */
export const eventsList = () => call('events_list');
/** @param {string} id @returns {Promise<TradeEvent>} */
export const eventGet = (id) => call('event_get', { id });
/** @param {EventInput} input @returns {Promise<TradeEvent>} */
export const eventCreate = (input) => call('event_create', { input });
/** @param {string} id @param {string} expectedHlc @param {EventInput} input @returns {Promise<TradeEvent>} */
export const eventUpdate = (id, expectedHlc, input) => call('event_update', { id, expectedHlc, input });
/** @param {string} id @returns {Promise<EventSummary>} */
export const eventSummary = (id) => call('event_summary', { id });
/** Asks where to save, writes the CSV; the row count, or null when cancelled. @param {string} id @param {CsvLabels} labels @returns {Promise<number | null>} */
export const eventSummaryCsv = (id, labels) => call('event_summary_csv', { id, labels });
/** @param {LeadInput} input @returns {Promise<DuplicateReport>} */
export const leadCheck = (input) => call('lead_check', { input });
/** @param {LeadInput} input @param {boolean} confirmSimilar @param {string | null} mergeInto @returns {Promise<LeadSaved>} */
export const leadCapture = (input, confirmSimilar, mergeInto) => call('lead_capture', { input, confirmSimilar, mergeInto });
/** @param {Partial<NoteQuery>} query @returns {Promise<Page<NoteRow>>} */
export const notesList = (query) => call('notes_list', { query });
/** @param {string} id @returns {Promise<Note>} */
export const noteGet = (id) => call('note_get', { id });
/** @param {NoteInput} input @returns {Promise<Note>} */
export const noteCreate = (input) => call('note_create', { input });
/** @param {string} id @param {string} expectedHlc @param {NoteInput} input @returns {Promise<Note>} */
export const noteUpdate = (id, expectedHlc, input) => call('note_update', { id, expectedHlc, input });
/** @param {string} id @returns {Promise<void>} */
export const noteDelete = (id) => call('note_delete', { id });
/** @param {string} text @returns {Promise<CardContact[]>} */
export const cardParse = (text) => call('card_parse', { text });
/**
 * Sends a file as the raw request body (no JSON encoding of its bytes).
 * @param {'partner' | 'inspection'} ownerKind @param {string} ownerId @param {File} file
 * @returns {Promise<AttachmentInfo>}
 */
export const attachmentAdd = async (ownerKind, ownerId, file) => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return call('attachment_add', bytes, { headers: {
    'x-owner-kind': ownerKind, 'x-owner-id': encodeURIComponent(ownerId), 'x-name': encodeURIComponent(file.name),
  } });
};
/** The bytes of an attachment. @param {string} id @returns {Promise<ArrayBuffer>} */
export const attachmentBytes = (id) => call('attachment_bytes', { id });
/** Asks where to save a copy; whether it was saved. @param {string} id @returns {Promise<boolean>} */
export const attachmentSave = (id) => call('attachment_save', { id });
/** @param {string} id @returns {Promise<void>} */
export const attachmentRemove = (id) => call('attachment_remove', { id });

// Agreements (R3.1.1–R3.3.2).
/** @returns {Promise<Template[]>} */
export const agreementTemplates = () => call('agreement_templates');
/** @returns {Promise<LibraryClause[]>} */
export const clauseLibrary = () => call('clause_library');
/** @param {string} key @returns {Promise<LibraryClause[]>} */
export const clauseHistory = (key) => call('clause_history', { key });
/** @param {ClauseInput} input @returns {Promise<LibraryClause>} */
export const clauseSave = (input) => call('clause_save', { input });
/** @param {string} id @param {boolean} on @returns {Promise<Template>} */
export const agreementTemplateSeamMark = (id, on) => call('agreement_template_seam_mark', { id, on });
/** @param {Partial<AgreementQuery>} query @returns {Promise<Page<AgreementRow>>} */
export const agreementList = (query) => call('agreement_list', { query });
/** @param {string} id @returns {Promise<Agreement>} */
export const agreementGet = (id) => call('agreement_get', { id });
/** @param {string} id @returns {Promise<Version[]>} */
export const agreementVersions = (id) => call('agreement_versions', { id });
/** @param {string} id @param {number} from @param {number} to @returns {Promise<VersionDiff>} */
export const agreementDiff = (id, from, to) => call('agreement_diff', { id, from, to });
/** @param {string} id @returns {Promise<AuditEntry[]>} */
export const agreementHistory = (id) => call('agreement_history', { id });
/** @param {NewAgreement} input @returns {Promise<Agreement>} */
export const agreementCreate = (input) => call('agreement_create', { input });
/** @param {string} masterId @returns {Promise<Agreement>} */
export const agreementAmend = (masterId) => call('agreement_amend', { masterId });
/** @param {string} id @param {number} expectedVersion @param {DraftInput} input @returns {Promise<Agreement>} */
export const agreementSave = (id, expectedVersion, input) => call('agreement_save', { id, expectedVersion, input });
/** @param {string} id @returns {Promise<Agreement>} */
export const agreementSubmit = (id) => call('agreement_submit', { id });
/** @param {string} id @param {ReviewInput} input @returns {Promise<Agreement>} */
export const agreementReview = (id, input) => call('agreement_review', { id, input });
/** @param {string} id @param {CommentInput} input @returns {Promise<Agreement>} */
export const agreementComment = (id, input) => call('agreement_comment', { id, input });
/** @param {string} id @param {SignInput} input @returns {Promise<Agreement>} */
export const agreementSign = (id, input) => call('agreement_sign', { id, input });
/** @param {string} id @param {ArchiveInput} input @returns {Promise<Agreement>} */
export const agreementArchive = (id, input) => call('agreement_archive', { id, input });
/** The PDF of a version for the print preview. @param {string} id @param {number | null} version @returns {Promise<DocumentView>} */
export const agreementPrint = (id, version) => call('agreement_print', { id, version });
/** @param {string} id @param {string[]} recipients @returns {Promise<DocumentView>} */
export const agreementCopies = (id, recipients) => call('agreement_copies', { id, recipients });
/** The originals for signing, as the counterparts clause states. @param {string} id @returns {Promise<DocumentView>} */
export const agreementOriginals = (id) => call('agreement_originals', { id });
/** Page `page` (from 0) of a previewed document as PNG bytes. @param {string} token @param {number} page @param {number} zoom pixels to the millimetre @returns {Promise<ArrayBuffer>} */
export const documentPage = (token, page, zoom) => call('document_page', { token, page, zoom });
/** This computer's printers, the default first. @returns {Promise<Printer[]>} */
export const printersList = () => call('printers_list');
/** Hands a previewed document to a printer's queue. @param {string} token @param {PrintOptions} options @returns {Promise<Job>} */
export const documentPrint = (token, options) => call('document_print', { token, options });
/** Asks where to save a previewed document; the path, or null when cancelled. @param {string} token @returns {Promise<string | null>} */
export const documentSave = (token) => call('document_save', { token });
/** Opens the folder a previewed document was saved in. @param {string} token @returns {Promise<PrintedFile>} */
export const documentShowFolder = (token) => call('document_show_folder', { token });
/** Opens a previewed document in the system viewer. @param {string} token @returns {Promise<PrintedFile>} */
export const documentOpen = (token) => call('document_open', { token });
/** Closes a document's preview. @param {string} token @returns {Promise<void>} */
export const documentClose = (token) => call('document_close', { token });
/** Asks where to save the PDF; the path, or null when cancelled. @param {string} id @param {number | null} version @returns {Promise<string | null>} */
export const agreementSavePdf = (id, version) => call('agreement_save_pdf', { id, version });
/** Any printed document by its footer's fingerprint. @param {string} fingerprint @returns {Promise<Verified | null>} */
export const agreementVerifyText = (fingerprint) => call('agreement_verify_text', { fingerprint });
/** Any printed document by its PDF file, checked by content. @param {Uint8Array} bytes @returns {Promise<Verified | null>} */
export const agreementVerifyFile = (bytes) => call('agreement_verify_file', bytes);
/** @param {string} id @returns {Promise<ReportPeriod[]>} */
export const agreementReports = (id) => call('agreement_reports', { id });
/** @param {string} id @param {ReportInput} input @returns {Promise<ReportPeriod[]>} */
export const agreementReportSave = (id, input) => call('agreement_report_save', { id, input });
/** @param {string} id @param {NoticeInput} input @returns {Promise<Agreement>} */
export const agreementNotice = (id, input) => call('agreement_notice', { id, input });
/** @param {string} id @param {TerminateInput} input @returns {Promise<Agreement>} */
export const agreementTerminate = (id, input) => call('agreement_terminate', { id, input });
/** @param {string} id @param {string} item @param {string} doneOn @returns {Promise<Agreement>} */
export const agreementHandover = (id, item, doneOn) => call('agreement_handover', { id, item, doneOn });
/** @param {string} id @returns {Promise<Agreement>} */
export const agreementClose = (id) => call('agreement_close', { id });
/** A manager approves a draft signed on paper, with the scan and a reason (R3.1.2).
 * @param {string} id @param {{ scan_id: string, reason: string }} input @returns {Promise<Agreement>} */
export const agreementApprovePaper = (id, input) => call('agreement_approve_paper', { id, input });
/** @param {string} id @param {string} intent @param {string} note @returns {Promise<Agreement>} */
export const agreementIntent = (id, intent, note) => call('agreement_intent', { id, intent, note });
/** @param {string} id @returns {Promise<Agreement>} */
export const agreementRenew = (id) => call('agreement_renew', { id });
/** @param {string} id @returns {Promise<CurrentClause[]>} */
export const agreementTerms = (id) => call('agreement_terms', { id });
/** @returns {Promise<number[]>} */
export const renewalDaysGet = () => call('renewal_days_get');
/** @param {number[]} days @returns {Promise<number[]>} */
export const renewalDaysSet = (days) => call('renewal_days_set', { days });

// Evaluation and classification (R2.2.1–R2.2.3).
/** @returns {Promise<EvaluationScheme[]>} */
export const evaluationSchemeVersions = () => call('evaluation_scheme_versions');
/** @param {EvaluationSchemeInput} input @returns {Promise<EvaluationScheme>} */
export const evaluationSchemeSave = (input) => call('evaluation_scheme_save', { input });
/** @param {Partial<EvaluationQuery>} query @returns {Promise<EvaluationPage>} */
export const evaluationList = (query) => call('evaluation_list', { query });
/** @param {string} id @returns {Promise<Evaluation>} */
export const evaluationGet = (id) => call('evaluation_get', { id });
/** @param {number} year @returns {Promise<RoundSummary>} */
export const evaluationRound = (year) => call('evaluation_round', { year });
/** @param {SpecialInput} input @returns {Promise<Evaluation>} */
export const evaluationSpecial = (input) => call('evaluation_special', { input });
/** @param {string} id @param {ScoreInput[]} scores @returns {Promise<Evaluation>} */
export const evaluationScore = (id, scores) => call('evaluation_score', { id, scores });
/** @param {string} id @returns {Promise<Evaluation>} */
export const evaluationFinish = (id) => call('evaluation_finish', { id });
/** @param {string} id @param {MeasureInput} input @returns {Promise<Evaluation>} */
export const evaluationMeasureAdd = (id, input) => call('evaluation_measure_add', { id, input });
/** @param {string} measureId @param {string} doneOn @returns {Promise<Evaluation>} */
export const evaluationMeasureDone = (measureId, doneOn) => call('evaluation_measure_done', { measureId, doneOn });
/** @param {string} partnerId @returns {Promise<PartnerStanding>} */
export const partnerStanding = (partnerId) => call('partner_standing', { partnerId });
/** @param {string} id @returns {Promise<DocumentView>} */
export const evaluationPrint = (id) => call('evaluation_print', { id });
/** @param {PeriodInput} period @returns {Promise<Portfolio>} */
export const portfolio = (period) => call('portfolio', { period });
/** @param {PeriodInput} period @returns {Promise<DocumentView>} */
export const portfolioPrint = (period) => call('portfolio_print', { period });
/** Asks where to save; the row count, or null when cancelled. @param {PeriodInput} period @param {PortfolioLabels} labels @returns {Promise<number | null>} */
export const portfolioCsv = (period, labels) => call('portfolio_csv', { period, labels });

// Relationship maintenance (R2.3.1–R2.3.3).
/** @param {string} partnerId @returns {Promise<LogEntry[]>} */
export const relationshipLogs = (partnerId) => call('relationship_logs', { partnerId });
/** @param {string} partnerId @param {LogInput} input @returns {Promise<LogEntry[]>} */
export const relationshipLog = (partnerId, input) => call('relationship_log', { partnerId, input });
/** @param {string} id @param {string} doneOn @returns {Promise<LogEntry[]>} */
export const followUpDone = (id, doneOn) => call('follow_up_done', { id, doneOn });
/** @param {string} logId @returns {Promise<DocumentView>} */
export const minutesPrint = (logId) => call('minutes_print', { logId });
/** @param {string} partnerId @returns {Promise<Training[]>} */
export const trainings = (partnerId) => call('trainings', { partnerId });
/** @param {string} partnerId @param {TrainingInput} input @returns {Promise<Training[]>} */
export const trainingRecord = (partnerId, input) => call('training_record', { partnerId, input });
/** @param {string} partnerId @returns {Promise<SupportRequest[]>} */
export const supportRequests = (partnerId) => call('support_requests', { partnerId });
/** @param {string} partnerId @param {SupportInput} input @returns {Promise<SupportRequest[]>} */
export const supportOpen = (partnerId, input) => call('support_open', { partnerId, input });
/** @param {string} id @param {string} status @param {string} resolution @returns {Promise<SupportRequest[]>} */
export const supportMove = (id, status, resolution) => call('support_move', { id, status, resolution });
/** @param {string} partnerId @returns {Promise<Reward[]>} */
export const rewards = (partnerId) => call('rewards', { partnerId });
/** @param {string} partnerId @param {RewardInput} input @returns {Promise<Reward[]>} */
export const rewardPropose = (partnerId, input) => call('reward_propose', { partnerId, input });
/** @param {string} id @param {boolean} approve @param {string} note @returns {Promise<Reward[]>} */
export const rewardDecide = (id, approve, note) => call('reward_decide', { id, approve, note });
/** @param {number} year @returns {Promise<AwardYear>} */
export const awards = (year) => call('awards', { year });
/** @param {NominationInput} input @returns {Promise<AwardYear>} */
export const awardNominate = (input) => call('award_nominate', { input });
/** @param {string} id @returns {Promise<AwardYear>} */
export const awardConfer = (id) => call('award_confer', { id });
/** @param {string} id @param {string} company @returns {Promise<DocumentView>} */
export const awardCertificate = (id, company) => call('award_certificate', { id, company });
/** @param {string} partnerId @param {string[]} kinds @returns {Promise<TimelineItem[]>} */
export const partnerTimeline = (partnerId, kinds) => call('partner_timeline', { partnerId, kinds });
/** @param {string[]} names @returns {Promise<string[]>} */
export const awardCategoriesSet = (names) => call('award_categories_set', { names });

// Sharing between laptops and backups (issue 7).
/** @typedef {import('./bindings/ExportScope').ExportScope} ExportScope */
/** @typedef {import('./bindings/Preview').Preview} SharePreview */
/** @typedef {import('./bindings/ApplyChoices').ApplyChoices} ApplyChoices */
/** @typedef {import('./bindings/ImportOutcome').ImportOutcome} ImportOutcome */
/** @typedef {import('./bindings/KindCount').KindCount} KindCount */
/** @typedef {import('./bindings/ConflictItem').ConflictItem} ConflictItem */
/** @typedef {import('./bindings/Peer').Peer} Peer */
/** @typedef {import('./bindings/BackupInfo').BackupInfo} BackupInfo */
/** @typedef {import('./bindings/IntegrityReport').IntegrityReport} IntegrityReport */
/** @typedef {{ phase: string, done: number, total: number }} ProgressMsg */
/** @typedef {{ file_name: string, path: string, records: number, bytes: number, sealed: boolean }} ExportDone */
/** @typedef {{ file_name: string, bytes: number, modified: string, own: boolean }} InboxFile */
/** @typedef {{ backups: BackupInfo[], keep: number, folder: string, integrity: IntegrityReport | null }} BackupPage */

/** A channel for progress messages of a long operation. @param {(m: ProgressMsg) => void} fn */
function progressChannel(fn) {
  const ch = new window.__TAURI__.core.Channel();
  ch.onmessage = fn;
  return ch;
}
/** @param {ExportScope} scope @param {string | null} passphrase @param {(m: ProgressMsg) => void} onProgress @returns {Promise<ExportDone>} */
export const shareExport = (scope, passphrase, onProgress) => call('share_export', { scope, passphrase, onProgress: progressChannel(onProgress) });
/** Stops the running export or import (nothing is written). */
export const shareCancel = () => call('share_cancel');
/** @param {string} fileName @returns {Promise<string | null>} */
export const shareSaveCopy = (fileName) => call('share_save_copy', { fileName });
/** @returns {Promise<InboxFile[]>} */
export const shareInbox = () => call('share_inbox');
/** Brings a chosen bundle into the exchange folder. @returns {Promise<string | null>} */
export const sharePick = () => call('share_pick');
/**
 * A verified update package kept for installing (`commands/updates.rs` StagedUpdate).
 * @typedef {import('./bindings/VerifiedUpdate').VerifiedUpdate & { file_name: string }} StagedUpdate
 */
/** @param {string} source @returns {Promise<Settings>} */
export const updateSourceSet = (source) => call('update_source_set', { source });
/** @returns {Promise<StagedUpdate | null>} */
export const updateCheck = () => call('update_check');
/** @returns {Promise<StagedUpdate | null>} */
export const updateFromFile = () => call('update_from_file');
/** @param {string} fileName @returns {Promise<void>} */
export const updateInstall = (fileName) => call('update_install', { fileName });
/** The bundle opened from the file manager, brought into the exchange folder. @returns {Promise<string | null>} */
export const shareTakeOpened = () => call('share_take_opened');
/** @param {string} fileName @param {string | null} passphrase @param {(m: ProgressMsg) => void} onProgress @returns {Promise<SharePreview>} */
export const shareOpen = (fileName, passphrase, onProgress) => call('share_open', { fileName, passphrase, onProgress: progressChannel(onProgress) });
/** @param {ApplyChoices} choices @param {(m: ProgressMsg) => void} onProgress @returns {Promise<ImportOutcome>} */
export const shareApply = (choices, onProgress) => call('share_apply', { choices, onProgress: progressChannel(onProgress) });
/** @returns {Promise<ConflictItem[]>} */
export const shareConflicts = () => call('share_conflicts');
/** @param {string} id @param {'kept' | 'other'} choice @returns {Promise<void>} */
export const shareResolve = (id, choice) => call('share_resolve', { id, choice });
/** @returns {Promise<Peer[]>} */
export const sharePeers = () => call('share_peers');
/** @returns {Promise<import('./bindings/PairingCard').PairingCard>} */
export const sharePairing = () => call('share_pairing');
/** @param {import('./bindings/PairInput').PairInput} input @returns {Promise<import('./bindings/TrustedKey').TrustedKey[]>} */
export const sharePair = (input) => call('share_pair', { input });
/** @returns {Promise<BackupPage>} */
export const backupPage = () => call('backup_page');
/** @returns {Promise<BackupInfo>} */
export const backupNow = () => call('backup_now');
/** @param {number} keep @returns {Promise<number>} */
export const backupKeepSet = (keep) => call('backup_keep_set', { keep });
/** @returns {Promise<IntegrityReport>} */
export const backupCheck = () => call('backup_check');
/** Verifies and stages a backup, then the program restarts with it. @param {string} name @returns {Promise<void>} */
export const backupRestore = (name) => call('backup_restore', { name });
/** @typedef {import('./bindings/ListKind').ListKind} ListKind */
/** @typedef {import('./bindings/SheetTarget').SheetTarget} SheetTarget */
/** @typedef {import('./bindings/SheetReport').SheetReport} SheetReport */
/** @typedef {{ file_name: string, headers: string[], sample: string[][], rows: number, mapping: Array<string | null>, fields: string[] }} SheetOpened */
/** Asks where to save; the row count, or null when cancelled. @param {ListKind} kind @param {'xlsx' | 'csv'} format @param {Record<string, string>} labels @returns {Promise<number | null>} */
export const sheetExport = (kind, format, labels) => call('sheet_export', { kind, format, labels });
/** @param {File} file @returns {Promise<SheetOpened>} */
export const sheetRead = async (file) => call('sheet_read', new Uint8Array(await file.arrayBuffer()), { headers: { 'x-file-name': encodeURIComponent(file.name) } });
/** @param {Array<string | null>} mapping @param {SheetTarget} target @param {boolean} dryRun @returns {Promise<SheetReport>} */
export const sheetImport = (mapping, target, dryRun) => call('sheet_import', { mapping, target, dryRun });

// Business process (R4.1.1–R4.3.2): catalogue, trade terms, orders, delivery, money, statements.
/** @typedef {import('./bindings/Product').Product} Product */
/** @typedef {import('./bindings/ProductDetail').ProductDetail} ProductDetail */
/** @typedef {import('./bindings/ProductInput').ProductInput} ProductInput */
/** @typedef {import('./bindings/ProductQuery').ProductQuery} ProductQuery */
/** @typedef {import('./bindings/PriceInput').PriceInput} PriceInput */
/** @typedef {import('./bindings/PriceListInput').PriceListInput} PriceListInput */
/** @typedef {import('./bindings/TradeTerms').TradeTerms} TradeTerms */
/** @typedef {import('./bindings/TermsInput').TermsInput} TermsInput */
/** @typedef {import('./bindings/Order').Order} Order */
/** @typedef {import('./bindings/OrderRow').OrderRow} OrderRow */
/** @typedef {import('./bindings/OrderInput').OrderInput} OrderInput */
/** @typedef {import('./bindings/OrderQuery').OrderQuery} OrderQuery */
/** @typedef {import('./bindings/RuleResult').RuleResult} RuleResult */
/** @typedef {import('./bindings/ShipmentInput').ShipmentInput} ShipmentInput */
/** @typedef {import('./bindings/Case').Case} Case */
/** @typedef {import('./bindings/CaseInput').CaseInput} CaseInput */
/** @typedef {import('./bindings/CaseUpdate').CaseUpdate} CaseUpdate */
/** @typedef {import('./bindings/Payment').Payment} Payment */
/** @typedef {import('./bindings/PaymentQuery').PaymentQuery} PaymentQuery */
/** @typedef {import('./bindings/ReceiptInput').ReceiptInput} ReceiptInput */
/** @typedef {import('./bindings/PayoutInput').PayoutInput} PayoutInput */
/** @typedef {import('./bindings/CreditNote').CreditNote} CreditNote */
/** @typedef {import('./bindings/CreditNoteInput').CreditNoteInput} CreditNoteInput */
/** @typedef {import('./bindings/Statement').Statement} Statement */
/** @typedef {import('./bindings/StatementRow').StatementRow} StatementRow */
/** @typedef {import('./bindings/Periods').Periods} Periods */
/** @typedef {import('./bindings/IssueInput').IssueInput} IssueInput */
/** @param {ProductQuery} query @returns {Promise<Product[]>} */
export const products = (query) => call('products', { query });
/** @param {string} id @returns {Promise<ProductDetail>} */
export const product = (id) => call('product', { id });
/** @returns {Promise<string[]>} */
export const productCategories = () => call('product_categories');
/** @param {ProductInput} input @returns {Promise<ProductDetail>} */
export const productCreate = (input) => call('product_create', { input });
/** @param {string} id @param {string} expectedHlc @param {ProductInput} input @returns {Promise<ProductDetail>} */
export const productUpdate = (id, expectedHlc, input) => call('product_update', { id, expectedHlc, input });
/** @param {string} productId @param {PriceInput} input @returns {Promise<ProductDetail>} */
export const priceSet = (productId, input) => call('price_set', { productId, input });
/** @param {string} id @returns {Promise<ProductDetail>} */
export const priceRemove = (id) => call('price_remove', { id });
/** @param {PriceListInput} input @returns {Promise<DocumentView>} */
export const priceListPrint = (input) => call('price_list_print', { input });
/** @param {string} agreementId @returns {Promise<TradeTerms>} */
export const tradeTerms = (agreementId) => call('trade_terms', { agreementId });
/** @param {string} agreementId @param {string} expectedHlc @param {TermsInput} input @returns {Promise<TradeTerms>} */
export const tradeTermsSet = (agreementId, expectedHlc, input) => call('trade_terms_set', { agreementId, expectedHlc, input });
/** @param {OrderQuery} query @returns {Promise<Page<OrderRow>>} */
export const orders = (query) => call('orders', { query });
/** @param {string} id @returns {Promise<Order>} */
export const order = (id) => call('order', { id });
/** @param {string} partnerId @param {string} on @param {string[]} productIds @returns {Promise<Array<number | null>>} */
export const orderPrices = (partnerId, on, productIds) => call('order_prices', { partnerId, on, productIds });
/** @param {OrderInput} input @returns {Promise<Order>} */
export const orderCreate = (input) => call('order_create', { input });
/** @param {string} id @param {string} expectedHlc @param {OrderInput} input @returns {Promise<Order>} */
export const orderUpdate = (id, expectedHlc, input) => call('order_update', { id, expectedHlc, input });
/** @param {string} id @returns {Promise<Order>} */
export const orderReview = (id) => call('order_review', { id });
/** @param {string} id @param {string} reason @returns {Promise<Order>} */
export const orderOverride = (id, reason) => call('order_override', { id, reason });
/** @param {string} id @param {string} contractRef @returns {Promise<Order>} */
export const orderConfirm = (id, contractRef) => call('order_confirm', { id, contractRef });
/** @param {string} id @param {string} reason @returns {Promise<Order>} */
export const orderCancel = (id, reason) => call('order_cancel', { id, reason });
/** @param {string} orderId @param {ShipmentInput} input @returns {Promise<Order>} */
export const shipmentRecord = (orderId, input) => call('shipment_record', { orderId, input });
/** @param {string} id @param {string} deliveredOn @returns {Promise<Order>} */
export const shipmentDelivered = (id, deliveredOn) => call('shipment_delivered', { id, deliveredOn });
/** @param {boolean} openOnly @param {number} [offset] @returns {Promise<Page<Case>>} */
export const aftersalesCases = (openOnly, offset = 0) => call('aftersales_cases', { openOnly, offset });
/** @param {string} orderId @param {CaseInput} input @returns {Promise<Order>} */
export const aftersalesOpen = (orderId, input) => call('aftersales_open', { orderId, input });
/** @param {string} id @param {string} expectedHlc @param {CaseUpdate} input @returns {Promise<Order>} */
export const aftersalesUpdate = (id, expectedHlc, input) => call('aftersales_update', { id, expectedHlc, input });
/** @param {PaymentQuery} query @returns {Promise<Page<Payment>>} */
export const payments = (query) => call('payments', { query });
/** @param {ReceiptInput} input @returns {Promise<Payment>} */
export const paymentReceive = (input) => call('payment_receive', { input });
/** @param {PayoutInput} input @returns {Promise<Payment>} */
export const payoutPropose = (input) => call('payout_propose', { input });
/** @param {string} id @param {boolean} approve @param {string} note @returns {Promise<Payment>} */
export const payoutDecide = (id, approve, note) => call('payout_decide', { id, approve, note });
/** @param {string} id @param {string} paidOn @param {string} reference @returns {Promise<Payment>} */
export const payoutPaid = (id, paidOn, reference) => call('payout_paid', { id, paidOn, reference });
/** @param {string} partnerId @returns {Promise<CreditNote[]>} */
export const creditNotes = (partnerId) => call('credit_notes', { partnerId });
/** @param {CreditNoteInput} input @returns {Promise<CreditNote>} */
export const creditNoteIssue = (input) => call('credit_note_issue', { input });
/** @param {string} partnerId @param {number} [offset] @returns {Promise<Page<StatementRow>>} */
export const statements = (partnerId, offset = 0) => call('statements', { partnerId, offset });
/** @param {string} partnerId @returns {Promise<Periods>} */
export const statementPeriods = (partnerId) => call('statement_periods', { partnerId });
/** @param {string} id @returns {Promise<Statement>} */
export const statement = (id) => call('statement', { id });
/** @param {IssueInput} input @returns {Promise<Statement>} */
export const statementIssue = (input) => call('statement_issue', { input });
/** @param {string} id @param {string} confirmedOn @param {string} confirmedBy @returns {Promise<Statement>} */
export const statementConfirm = (id, confirmedOn, confirmedBy) => call('statement_confirm', { id, confirmedOn, confirmedBy });
/** @param {string} id @param {string} lineRef @param {string} reason @returns {Promise<Statement>} */
export const statementDispute = (id, lineRef, reason) => call('statement_dispute', { id, lineRef, reason });
/** @param {string} disputeId @param {string} resolution @returns {Promise<Statement>} */
export const statementResolve = (disputeId, resolution) => call('statement_resolve', { disputeId, resolution });
/** @param {string} id @returns {Promise<DocumentView>} */
export const statementPrint = (id) => call('statement_print', { id });
/** @param {string} id @returns {Promise<PrintedFile>} */
export const statementXlsx = (id) => call('statement_xlsx', { id });

// Market promotion (R5.1.1–R5.2.3)
/** @typedef {import('./bindings/Goal').Goal} Goal */
/** @typedef {import('./bindings/GoalInput').GoalInput} GoalInput */
/** @typedef {import('./bindings/Strategy').Strategy} Strategy */
/** @typedef {import('./bindings/StrategyInput').StrategyInput} StrategyInput */
/** @typedef {import('./bindings/Activity').Activity} Activity */
/** @typedef {import('./bindings/ActivityRow').ActivityRow} ActivityRow */
/** @typedef {import('./bindings/ActivityInput').ActivityInput} ActivityInput */
/** @typedef {import('./bindings/ActivityQuery').ActivityQuery} ActivityQuery */
/** @typedef {import('./bindings/EffectInput').EffectInput} EffectInput */
/** @typedef {import('./bindings/PromotionLogInput').PromotionLogInput} PromotionLogInput */
/** @param {string} from @param {string} to @returns {Promise<Goal[]>} */
export const promotionGoals = (from, to) => call('promotion_goals', { from, to });
/** @param {string | null} id @param {string | null} expectedHlc @param {GoalInput} input @returns {Promise<Goal>} */
export const promotionGoalSave = (id, expectedHlc, input) => call('promotion_goal_save', { id, expectedHlc, input });
/** @param {string} from @param {string} to @returns {Promise<Strategy[]>} */
export const promotionStrategies = (from, to) => call('promotion_strategies', { from, to });
/** @param {string | null} id @param {string | null} expectedHlc @param {StrategyInput} input @returns {Promise<Strategy>} */
export const promotionStrategySave = (id, expectedHlc, input) => call('promotion_strategy_save', { id, expectedHlc, input });
/** @param {ActivityQuery} query @returns {Promise<ActivityRow[]>} */
export const promotionActivities = (query) => call('promotion_activities', { query });
/** @param {string} id @returns {Promise<Activity>} */
export const promotionActivity = (id) => call('promotion_activity', { id });
/** @param {string | null} id @param {string | null} expectedHlc @param {ActivityInput} input @returns {Promise<Activity>} */
export const promotionActivitySave = (id, expectedHlc, input) => call('promotion_activity_save', { id, expectedHlc, input });
/** @param {string} activityId @param {PromotionLogInput} input @returns {Promise<Activity>} */
export const promotionLogAdd = (activityId, input) => call('promotion_log_add', { activityId, input });
/** @param {string} id @param {EffectInput} input @returns {Promise<Activity>} */
export const promotionEvaluate = (id, input) => call('promotion_evaluate', { id, input });
/** @param {string} from @param {string} to @returns {Promise<DocumentView>} */
export const promotionSummaryPrint = (from, to) => call('promotion_summary_print', { from, to });

// Risk management (R6.1.1–R6.2.4)
/** @typedef {import('./bindings/Risk').Risk} Risk */
/** @typedef {import('./bindings/RiskRow').RiskRow} RiskRow */
/** @typedef {import('./bindings/RiskInput').RiskInput} RiskInput */
/** @typedef {import('./bindings/RiskQuery').RiskQuery} RiskQuery */
/** @typedef {import('./bindings/RiskMeasureInput').RiskMeasureInput} RiskMeasureInput */
/** @typedef {import('./bindings/RiskReviewInput').RiskReviewInput} RiskReviewInput */
/** @typedef {import('./bindings/HeatCell').HeatCell} HeatCell */
/** @typedef {import('./bindings/Sweep').Sweep} Sweep */
/** @typedef {import('./bindings/CreditScheme').CreditScheme} CreditScheme */
/** @typedef {import('./bindings/CreditSchemeInput').CreditSchemeInput} CreditSchemeInput */
/** @typedef {import('./bindings/PartnerCredit').PartnerCredit} PartnerCredit */
/** @typedef {import('./bindings/RatingInput').RatingInput} RatingInput */
/** @typedef {import('./bindings/ResponseInput').ResponseInput} ResponseInput */
/** @typedef {import('./bindings/Alert').Alert} Alert */
/** @typedef {import('./bindings/Sign').Sign} Sign */
/** @typedef {import('./bindings/Procedure').Procedure} Procedure */
/** @typedef {import('./bindings/ProcedureInput').ProcedureInput} ProcedureInput */
/** @typedef {import('./bindings/StaffTraining').StaffTraining} StaffTraining */
/** @typedef {import('./bindings/StaffTrainingInput').StaffTrainingInput} StaffTrainingInput */
/** @param {RiskQuery} query @returns {Promise<Page<RiskRow>>} */
export const risks = (query) => call('risks', { query });
/** @param {string} id @returns {Promise<Risk>} */
export const risk = (id) => call('risk', { id });
/** @param {RiskInput} input @returns {Promise<Risk>} */
export const riskCreate = (input) => call('risk_create', { input });
/** @param {string} id @param {string} expectedHlc @param {RiskInput} input @returns {Promise<Risk>} */
export const riskUpdate = (id, expectedHlc, input) => call('risk_update', { id, expectedHlc, input });
/** @param {string} riskId @param {RiskMeasureInput} input @returns {Promise<Risk>} */
export const riskMeasureAdd = (riskId, input) => call('risk_measure_add', { riskId, input });
/** @param {string} id @param {string} doneOn @returns {Promise<Risk>} */
export const riskMeasureDone = (id, doneOn) => call('risk_measure_done', { id, doneOn });
/** @param {string} riskId @param {RiskReviewInput} input @returns {Promise<Risk>} */
export const riskReview = (riskId, input) => call('risk_review', { riskId, input });
/** @param {string} id @param {string} note @returns {Promise<Risk>} */
export const riskClose = (id, note) => call('risk_close', { id, note });
/** @param {string} category @returns {Promise<HeatCell[]>} */
export const riskHeatMap = (category) => call('risk_heat_map', { category });
/** @returns {Promise<Sweep>} */
export const riskSweep = () => call('risk_sweep', {});
/** @returns {Promise<CreditScheme>} */
export const creditScheme = () => call('credit_scheme', {});
/** @param {CreditSchemeInput} input @returns {Promise<CreditScheme>} */
export const creditSchemeSave = (input) => call('credit_scheme_save', { input });
/** @param {string} partnerId @returns {Promise<PartnerCredit>} */
export const partnerCredit = (partnerId) => call('partner_credit', { partnerId });
/** @param {string} partnerId @param {RatingInput} input @returns {Promise<PartnerCredit>} */
export const creditRate = (partnerId, input) => call('credit_rate', { partnerId, input });
/** @param {string} partnerId @param {ResponseInput} input @returns {Promise<PartnerCredit>} */
export const creditRespond = (partnerId, input) => call('credit_respond', { partnerId, input });
/** @returns {Promise<Alert[]>} */
export const creditAlerts = () => call('credit_alerts', {});
/** @returns {Promise<Procedure[]>} */
export const procedures = () => call('procedures', {});
/** @param {string | null} id @param {string | null} expectedHlc @param {ProcedureInput} input @returns {Promise<Procedure>} */
export const procedureSave = (id, expectedHlc, input) => call('procedure_save', { id, expectedHlc, input });
/** @returns {Promise<StaffTraining[]>} */
export const staffTrainings = () => call('staff_trainings', {});
/** @param {StaffTrainingInput} input @returns {Promise<StaffTraining[]>} */
export const staffTrainingRecord = (input) => call('staff_training_record', { input });
