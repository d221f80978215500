// @ts-check
/**
 * The only file that calls Tauri's `invoke`. Each function names one core operation; the
 * types come from the Rust types (ts-rs declarations in `bindings/`). A failed call rejects
 * with an {@link ApiError} carrying the core's `{code, fields, conflicts, kind}`.
 */

/** @typedef {import('./bindings/Actor').Actor} Actor */
/** @typedef {import('./bindings/AuditEntry').AuditEntry} AuditEntry */
/** @typedef {import('./bindings/ConflictRef').ConflictRef} ConflictRef */
/** @typedef {import('./bindings/ContactInput').ContactInput} ContactInput */
/** @typedef {import('./bindings/DeviceInfo').DeviceInfo} DeviceInfo */
/** @typedef {import('./bindings/DuplicateReport').DuplicateReport} DuplicateReport */
/** @typedef {import('./bindings/ErrorPayload').ErrorPayload} ErrorPayload */
/** @typedef {import('./bindings/FieldError').FieldError} FieldError */
/** @typedef {import('./bindings/ListPage').ListPage} ListPage */
/** @typedef {import('./bindings/ListQuery').ListQuery} ListQuery */
/** @typedef {import('./bindings/Partner').Partner} Partner */
/** @typedef {import('./bindings/PartnerInput').PartnerInput} PartnerInput */
/** @typedef {import('./bindings/PartnerRow').PartnerRow} PartnerRow */
/** @typedef {import('./bindings/ReferenceData').ReferenceData} ReferenceData */
/** @typedef {import('./bindings/ReminderGroup').ReminderGroup} ReminderGroup */
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
/**
 * What the window needs at start (`commands/app.rs` AppStatus).
 * @typedef {{ version: string, data_dir: string, recovery: RecoveryReason | null, failure: ErrorPayload | null,
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

/**
 * @template T
 * @param {string} cmd
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
async function call(cmd, args) {
  try {
    return await window.__TAURI__.core.invoke(cmd, args);
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
/** @param {string} language @returns {Promise<Settings>} */
export const settingsSetLanguage = (language) => call('settings_set_language', { language });
/** @param {number} minutes @returns {Promise<Settings>} */
export const settingsSetIdleMinutes = (minutes) => call('settings_set_idle_minutes', { minutes });
/** Saves the recovery kit where the user chooses and opens it; the path, or null when cancelled. @returns {Promise<string | null>} */
export const recoveryKitSave = () => call('recovery_kit_save');

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
/** @param {string} event @returns {Promise<SessionInfo>} */
export const kioskStart = (event) => call('kiosk_start', { event });
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
/** @param {string} id @returns {Promise<AuditEntry[]>} */
export const partnersHistory = (id) => call('partners_history', { id });
