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
/** @typedef {{ version: string, device: DeviceInfo, user: Actor, data_dir: string }} AppInfo */

/** A failed command, as the core reported it. */
export class ApiError extends Error {
  /** @param {ErrorPayload} payload */
  constructor(payload) {
    super(payload.message);
    this.code = payload.code;
    this.fields = payload.fields || [];
    this.conflicts = payload.conflicts || [];
    this.kind = payload.kind;
  }
}

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
    if (e && typeof e === 'object' && 'code' in e) throw new ApiError(/** @type {ErrorPayload} */ (e));
    throw new ApiError({ code: 'storage', message: String(e), fields: [], conflicts: [] });
  }
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call('app_info');
/** @returns {Promise<ReferenceData>} */
export const referenceData = () => call('reference_data');
/** @returns {Promise<Settings>} */
export const settingsGet = () => call('settings_get');
/** @param {string} language @returns {Promise<Settings>} */
export const settingsSetLanguage = (language) => call('settings_set_language', { language });
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
