// @ts-check
/**
 * Settings: language; the lock time, the renewal reminder days (R3.3.2) and the recovery kit
 * (administrators); one's own
 * password; the facts of this copy (device code, data folder, version).
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { session, can, refreshSession } from '../app.js';
import { toast } from '../components/toast.js';
import { clearFieldErrors, errorText, showFieldErrors } from '../components/errors.js';
import { field, value, showError } from './gate.js';
import { diagnosticsButtons } from '../components/diagnostics.js';

/** The three annual awards the policy names (R2.3.3). */
const POLICY_AWARDS = ['best_partner', 'outstanding_marketing', 'service_excellence'];

/** @param {HTMLElement} main */
export async function settingsView(main) {
  const status = session.status;
  const info = session.info;
  const row = (/** @type {string} */ k, /** @type {import('../components/dom.js').Child} */ v) => [h('dt', null, t(k)), h('dd', null, v)];

  const idleError = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const idleForm = h('form', { id: 'idle-form', class: 'inline-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    clearFieldErrors(idleForm);
    try {
      await api.settingsSetIdleMinutes(Number(value(idleForm, 'idle_minutes')));
      toast(t('settings.saved'));
      await refreshSession();
    } catch (err) { showError(idleForm, idleError, err); }
  } },
    idleError,
    field('idle_minutes', t('field.idle_minutes'), { type: 'number', min: '1', max: '240', value: String(info?.idle_minutes ?? 10) }),
    h('button', { type: 'submit' }, t('action.save')));

  const renewalDays = await api.renewalDaysGet();
  const renewError = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const renewForm = h('form', { id: 'renewal-days-form', class: 'inline-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    clearFieldErrors(renewForm);
    try {
      const days = value(renewForm, 'renewal_days').split(/[,，\s]+/).filter(Boolean).map(Number);
      await api.renewalDaysSet(days);
      toast(t('settings.saved'));
    } catch (err) { showError(renewForm, renewError, err); }
  } },
    renewError,
    field('renewal_days', t('field.renewal_days'), { value: renewalDays.join(', ') }),
    h('button', { type: 'submit' }, t('action.save')));

  const awardCategories = can('settings_manage') ? (await api.awards(new Date().getFullYear())).categories : [];
  const awardError = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const awardForm = h('form', { id: 'award-categories-form', class: 'inline-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    clearFieldErrors(awardForm);
    try {
      // The policy's awards are shown and typed by their names, kept by their keys.
      const byName = new Map(POLICY_AWARDS.map((k) => [t(`award.name.${k}`), k]));
      await api.awardCategoriesSet(value(awardForm, 'award_categories').split(/[,，、\n]+/).map((x) => x.trim()).filter(Boolean)
        .map((x) => byName.get(x) || x));
      toast(t('settings.saved'));
    } catch (err) { showError(awardForm, awardError, err); }
  } },
    awardError,
    field('award_categories', t('field.award_categories'), { value: awardCategories.map((k) => (POLICY_AWARDS.includes(k) ? t(`award.name.${k}`) : k)).join('、') }),
    h('button', { type: 'submit' }, t('action.save')));

  const updateOut = h('div', { id: 'update-result', role: 'status' });
  /** @param {api.StagedUpdate | null} u */
  const showUpdate = (u) => replace(updateOut, u
    ? h('div', { class: 'notice' },
        h('p', null, t('update.verified', { version: u.version })),
        u.notes ? h('p', { class: 'small' }, u.notes) : null,
        h('p', { class: 'mono small' }, `SHA-256 ${u.sha256}`),
        h('button', { type: 'button', class: 'primary', id: 'update-install', onClick: async () => {
          try { await api.updateInstall(u.file_name); } catch (e) { toast(errorText(e), { kind: 'error' }); }
        } }, t('update.install')))
    : h('p', { class: 'muted' }, t('update.newest', { version: status?.version || '' })));
  const updateError = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const updateForm = h('form', { id: 'update-form', class: 'inline-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    clearFieldErrors(updateForm);
    updateError.hidden = true;
    replace(updateOut);
    try {
      await api.updateSourceSet(value(updateForm, 'update_source'));
      await refreshSession();
      if (value(updateForm, 'update_source')) showUpdate(await api.updateCheck());
    } catch (err) { showError(updateForm, updateError, err); }
  } },
    updateError,
    field('update_source', t('field.update_source'), { value: session.status?.settings?.update_source || '', placeholder: 'https://… / \\\\server\\share\\latest.json' }),
    h('button', { type: 'submit' }, t('update.check')),
    h('button', { type: 'button', id: 'update-file', onClick: async () => {
      updateError.hidden = true;
      try {
        const u = await api.updateFromFile();
        if (u) showUpdate(u);
      } catch (err) { showError(updateForm, updateError, err); }
    } }, t('update.from_file')));

  const pwError = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const pwForm = h('form', { id: 'password-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    clearFieldErrors(pwForm);
    pwError.hidden = true;
    if (value(pwForm, 'new_password') !== value(pwForm, 'new_password_again')) {
      showFieldErrors(pwForm, [{ field: 'new_password_again', rule: 'password_mismatch' }]);
      return;
    }
    try {
      await api.sessionChangePassword(value(pwForm, 'current_password'), value(pwForm, 'new_password'));
      pwForm.reset();
      toast(t('settings.password_changed'));
    } catch (err) { showError(pwForm, pwError, err); }
  } },
    pwError,
    h('div', { class: 'field-grid' },
      field('current_password', t('field.current_password'), { type: 'password', autocomplete: 'current-password' }),
      field('new_password', t('field.new_password'), { type: 'password', autocomplete: 'new-password' }),
      field('new_password_again', t('field.new_password_again'), { type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('settings.change_password'))));

  replace(main,
    h('div', { class: 'page narrow' },
      h('header', { class: 'page-head' }, h('h1', null, t('nav.settings'))),
      h('section', { class: 'card' },
        h('h2', null, t('settings.language')),
        h('p', { class: 'muted' }, t('settings.language_hint'))),
      can('settings_manage') && h('section', { class: 'card' },
        h('h2', null, t('settings.lock')),
        h('p', { class: 'muted' }, t('settings.lock_hint')),
        idleForm),
      can('settings_manage') && h('section', { class: 'card' },
        h('h2', null, t('settings.renewal')),
        h('p', { class: 'muted' }, t('settings.renewal_hint')),
        renewForm),
      can('settings_manage') && h('section', { class: 'card' },
        h('h2', null, t('settings.awards')),
        h('p', { class: 'muted' }, t('settings.awards_hint')),
        awardForm),
      can('settings_manage') && h('section', { class: 'card', id: 'update-card' },
        h('h2', null, t('update.title')),
        h('p', { class: 'muted' }, t('update.hint')),
        updateForm,
        updateOut),
      can('partner_migrate') && findingsCard(),
      can('recovery_kit') && h('section', { class: 'card' },
        h('h2', null, t('kit.title')),
        h('p', { class: 'muted' }, t('kit.body')),
        h('button', { type: 'button', id: 'kit-print', onClick: async () => {
          try {
            const saved = await api.recoveryKitSave();
            if (saved) toast(t(saved.opened ? 'kit.saved_opened' : 'kit.saved_no_viewer', { path: saved.path }), { ms: saved.opened ? 6000 : 15000 });
          } catch (e) { toast(errorText(e), { kind: 'error' }); }
        } }, t('kit.print'))),
      h('section', { class: 'card' }, h('h2', null, t('settings.password')), pwForm),
      h('section', { class: 'card', id: 'diagnostics-card' },
        h('h2', null, t('diagnostics.title')),
        h('p', { class: 'muted' }, t('diagnostics.hint')),
        h('div', { class: 'actions' }, ...diagnosticsButtons())),
      status && h('section', { class: 'card' },
        h('h2', null, t('settings.about')),
        h('dl', { class: 'facts' },
          ...row('settings.user', info?.user ? `${info.user.name} (${info.user.login})` : ''),
          ...row('settings.roles', (info?.user?.roles || []).map((r) => t(`role.${r}`)).join('、')),
          ...row('settings.device_code', status.device?.short_code || ''),
          ...row('settings.device_id', status.device?.id || ''),
          ...row('settings.data_dir', status.data_dir),
          ...row('settings.log_dir', status.log_dir),
          ...row('settings.encryption', t('settings.encryption_on')),
          ...row('settings.version', status.version),
          ...row('settings.build_date', status.build_date),
          ...row('settings.platform', h('span', { class: 'mono' }, status.platform))))));
  return {};
}

/**
 * The administrator's check of records whose state the life cycles would not have allowed
 * (data from before them): listed with a link each, never changed.
 */
function findingsCard() {
  const out = h('div', { id: 'findings-out' });
  const href = (/** @type {api.LifeCycleFinding} */ f) => f.entity === 'partner' ? `#/partners/${encodeURIComponent(f.id)}`
    : f.entity === 'agreement' ? `#/agreements/${encodeURIComponent(f.id)}` : `#/evaluations/${encodeURIComponent(f.id)}`;
  const run = async () => {
    try {
      const found = await api.lifecycleFindings();
      replace(out, found.length === 0
        ? h('p', { class: 'ok-box' }, t('findings.none'))
        : h('ul', { class: 'plain', id: 'findings-list' }, ...found.map((f) => h('li', { dataset: { kind: f.kind } },
            h('span', { class: 'badge status-suspended' }, t(`findings.kind.${f.kind}`)), ' ', h('a', { href: href(f) }, f.label)))));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  return h('section', { class: 'card', id: 'findings-card' },
    h('h2', null, t('findings.title')),
    h('p', { class: 'muted' }, t('findings.hint')),
    h('button', { type: 'button', id: 'findings-run', onClick: run }, t('findings.run')),
    out);
}

