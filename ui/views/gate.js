// @ts-check
/**
 * Screens before the program: the recovery key when the data cannot be opened with the
 * keychain's key, the owner's account at first start, sign-in, and the lock over a locked
 * session. Each form shows the core's field errors under its fields.
 */
import { h, replace } from '../components/dom.js';
import { t, language } from '../i18n.js';
import * as api from '../api.js';
import { applySession, chooseLanguage, session } from '../app.js';
import { confirmDialog } from '../components/dialog.js';
import { clearFieldErrors, showFieldErrors, errorText } from '../components/errors.js';
import { toast } from '../components/toast.js';
import { diagnosticsButtons } from '../components/diagnostics.js';

/**
 * A labelled input with its error slot.
 * @param {string} name @param {string} label @param {Record<string, any>} [attrs]
 */
export function field(name, label, attrs = {}) {
  return h('div', { class: 'field' },
    h('label', { for: `g-${name}` }, label),
    h('input', { id: `g-${name}`, name, autocomplete: 'off', ...attrs, dataset: { field: name, ...(attrs.dataset || {}) } }),
    h('div', { class: 'field-error', dataset: { for: name }, 'aria-live': 'polite' }));
}

/** @param {HTMLElement} form @param {string} name */
export const value = (form, name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name="${name}"]`)).value;

/**
 * Shows an error in a gate form: field errors under their fields, the rest in the form's box.
 * @param {HTMLElement} form @param {HTMLElement} box @param {unknown} e
 */
export function showError(form, box, e) {
  clearFieldErrors(form);
  box.hidden = false;
  if (e instanceof api.ApiError && e.code === 'throttled') {
    replace(box, t('error.throttled', { n: e.retryAfter ?? 1 }));
    return;
  }
  if (e instanceof api.ApiError && e.code === 'validation') {
    const rest = showFieldErrors(form, e.fields);
    if (!rest.length) { box.hidden = true; return; }
  }
  replace(box, errorText(e));
}

/** The language choice of the screens outside the program (gate and kiosk). */
export function languageSwitch() {
  const select = h('select', { id: 'gate-lang', 'aria-label': t('settings.language'), onChange: () => chooseLanguage(select.value) },
    h('option', { value: 'zh-CN', selected: language() === 'zh-CN' }, '中文'),
    h('option', { value: 'en', selected: language() === 'en' }, 'English'));
  return select;
}

/**
 * @param {HTMLElement} box
 * @param {'failure' | 'recovery' | 'setup' | 'signed_out'} state
 * @param {api.AppStatus | null} status
 */
export async function gateView(box, state, status) {
  const error = h('div', { class: 'error-box', id: 'gate-error', role: 'alert', hidden: true });
  /** @type {HTMLFormElement} */
  let form;
  if (state === 'failure') {
    const failure = /** @type {api.ErrorPayload} */ (status?.failure);
    form = h('form', { id: 'failure-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        session.status = await api.vaultRetry();
        await applySession(session.status.session, true);
      } catch (err) { showError(form, error, err); }
    } },
      h('h1', null, t('failure.title')),
      h('p', { class: 'error-box', id: 'failure-reason' }, errorText(new api.ApiError(failure))),
      h('p', null, t(failure.code === 'keychain' ? 'failure.hint.keychain' : 'failure.hint')),
      h('p', { class: 'muted small' }, t('recovery.where', { dir: status?.data_dir || '' })),
      h('details', { class: 'small' }, h('summary', null, t('failure.details')), h('pre', { class: 'mono' }, failure.message)),
      error,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'failure-retry', dataset: { autofocus: '1' } }, t('failure.retry')), ...diagnosticsButtons()));
  } else if (state === 'recovery') {
    const reason = status?.recovery || 'missing_key';
    form = h('form', { id: 'recovery-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        session.status = await api.vaultRecover(value(form, 'recovery_key'));
        await applySession(session.status.session);
      } catch (err) { showError(form, error, err); }
    } },
      h('h1', null, t('recovery.title')),
      h('p', null, t(`recovery.reason.${reason}`)),
      h('p', { class: 'muted small' }, t('recovery.where', { dir: status?.data_dir || '' })),
      error,
      field('recovery_key', t('field.recovery_key'), { class: 'mono', placeholder: 'XXXXX-XXXXX-…', dataset: { autofocus: '1' } }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'recovery-open' }, t('recovery.open'))),
      h('p', { class: 'muted small' }, t('recovery.untouched')));
  } else if (state === 'setup') {
    form = h('form', { id: 'setup-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      clearFieldErrors(form);
      if (value(form, 'password') !== value(form, 'password_again')) {
        showFieldErrors(form, [{ field: 'password_again', rule: 'password_mismatch' }]);
        return;
      }
      try {
        const info = await api.sessionSetupOwner(value(form, 'display_name'), value(form, 'login'), value(form, 'password'));
        session.status = await api.appStatus();
        await applySession(info);
        await offerRecoveryKit();
      } catch (err) { showError(form, error, err); }
    } },
      h('h1', null, t('setup.title')),
      h('p', null, t('setup.intro')),
      error,
      field('display_name', t('field.display_name'), { dataset: { autofocus: '1' } }),
      field('login', t('field.login'), { autocapitalize: 'off', spellcheck: 'false' }),
      field('password', t('field.password'), { type: 'password', autocomplete: 'new-password' }),
      field('password_again', t('field.password_again'), { type: 'password', autocomplete: 'new-password' }),
      h('p', { class: 'muted small' }, t('setup.encrypted')),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'setup-save' }, t('setup.create'))));
  } else {
    form = h('form', { id: 'sign-in-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        const info = await api.sessionSignIn(value(form, 'login'), value(form, 'password'));
        session.status = await api.appStatus();
        await applySession(info);
      } catch (err) {
        showError(form, error, err);
        /** @type {HTMLInputElement} */ (form.querySelector('[name=password]')).select();
      }
    } },
      h('h1', null, t('sign_in.title')),
      error,
      field('login', t('field.login'), { dataset: { autofocus: '1' }, autocapitalize: 'off', spellcheck: 'false' }),
      field('password', t('field.password'), { type: 'password', autocomplete: 'current-password' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('sign_in.submit'))));
  }
  replace(box, h('div', { class: 'gate-card', dataset: { gate: state } },
    h('div', { class: 'gate-head' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), t('app.name'),
        t('app.name') !== 'ChannelDesk' && h('span', { class: 'muted' }, ' ChannelDesk')),
      languageSwitch()),
    form));
  /** @type {HTMLInputElement | null} */ (form.querySelector('[data-autofocus]'))?.focus();
  return {};
}

/** After set-up: offers to print the recovery kit now. */
async function offerRecoveryKit() {
  const ok = await confirmDialog({
    title: t('kit.title'),
    body: [h('p', null, t('kit.body'))],
    confirm: t('kit.print'),
  });
  if (!ok) return;
  try {
    const saved = await api.recoveryKitSave();
    if (saved) toast(t(saved.opened ? 'kit.saved_opened' : 'kit.saved_no_viewer', { path: saved.path }), { ms: saved.opened ? 6000 : 15000 });
  } catch (e) { toast(errorText(e), { kind: 'error' }); }
}

/**
 * The lock over a locked session: the same user's password, or sign-in as someone else.
 * @param {HTMLElement} layer @param {api.SessionInfo} info
 */
export function lockOverlay(layer, info) {
  const error = h('div', { class: 'error-box', id: 'lock-error', role: 'alert', hidden: true });
  const form = h('form', { id: 'unlock-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    try {
      await applySession(await api.sessionUnlock(value(form, 'password')));
    } catch (err) {
      showError(form, error, err);
      /** @type {HTMLInputElement} */ (form.querySelector('[name=password]')).select();
    }
  } },
    h('h1', null, t('lock.title')),
    h('p', null, t('lock.who', { name: info.user?.name || '' })),
    error,
    field('password', t('field.password'), { type: 'password', autocomplete: 'current-password' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'link', id: 'lock-switch', onClick: async () => {
        try { await applySession(await api.sessionSignOut()); } catch (err) { showError(form, error, err); }
      } }, t('lock.other_user')),
      h('button', { type: 'submit', class: 'primary', id: 'unlock' }, t('lock.unlock'))));
  replace(layer, h('div', { class: 'lock-screen', role: 'dialog', 'aria-modal': 'true' }, h('div', { class: 'gate-card' }, form)));
  /** @type {HTMLInputElement} */ (form.querySelector('[name=password]')).focus();
}
