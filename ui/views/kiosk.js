// @ts-check
/**
 * The kiosk (R2.1.1): at a trade show the laptop is turned to the visitor, who can only fill
 * in the cooperation application. Nothing else is reachable: the core refuses every other
 * command in a kiosk session, and this screen offers no way out but a staff member's
 * password. After each submission the form is emptied for the next visitor.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { applySession, session } from '../app.js';
import { clearFieldErrors } from '../components/errors.js';
import { field, value, showError, languageSwitch } from './gate.js';
import { provinceName } from './partners.js';

const EVENT_KEY = 'kiosk-event';
/** Seconds the thank-you stays before the form returns empty. */
const THANKS_SECONDS = 15;

/**
 * Asks staff which event the applications belong to: one of the events (its applications
 * become its leads) or a name typed in; null when cancelled.
 * @returns {Promise<{ event: string, eventId: string | null } | null>}
 */
export async function askKioskEvent() {
  const events = await api.eventsList().catch(() => /** @type {api.TradeEvent[]} */ ([]));
  const last = localStorage.getItem(EVENT_KEY) || '';
  // The event chosen last time, else one on today, else the latest; a typed name otherwise.
  const today = new Date().toISOString().slice(0, 10);
  const preferred = events.find((e) => e.id === last) || events.find((e) => e.starts_on <= today && today <= e.ends_on)
    || (last ? undefined : events[0]);
  return new Promise((resolve) => {
    const select = h('select', { id: 'kiosk-event-id' },
      ...events.map((e) => h('option', { value: e.id, selected: e.id === preferred?.id }, `${e.name} (${e.starts_on})`)),
      h('option', { value: '', selected: !preferred }, t('kiosk.other_event')));
    const input = h('input', { type: 'text', id: 'kiosk-event', value: preferred ? '' : last, autocomplete: 'off' });
    const other = h('div', { class: 'field', hidden: select.value !== '' }, h('label', { for: 'kiosk-event' }, t('kiosk.event_name')), input);
    select.addEventListener('change', () => { other.hidden = select.value !== ''; });
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'kiosk-dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'kiosk-dialog-title' }, t('kiosk.start_title')),
        h('div', { class: 'dialog-body' },
          h('p', null, t('kiosk.start_body')),
          h('div', { class: 'field' }, h('label', { for: 'kiosk-event-id' }, t('field.event')), select),
          other),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel' }, t('action.cancel')),
          h('button', { type: 'submit', value: 'ok', class: 'primary', id: 'kiosk-go' }, t('kiosk.start')))));
    dlg.addEventListener('close', () => {
      const ok = dlg.returnValue === 'ok';
      const eventId = select.value || null;
      if (ok) localStorage.setItem(EVENT_KEY, eventId || input.value.trim());
      dlg.remove();
      resolve(ok ? { event: eventId ? '' : input.value.trim(), eventId } : null);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    (events.length ? select : input).focus();
  });
}

/** @param {HTMLElement} box @param {api.SessionInfo} info */
export async function kioskView(box, info) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const ref = /** @type {api.ReferenceData} */ (session.ref);

  function showForm() {
    clearTimeout(timer);
    const error = h('div', { class: 'error-box', id: 'kiosk-error', role: 'alert', hidden: true });
    const province = h('select', { id: 'g-province', name: 'province', dataset: { field: 'province' } },
      h('option', { value: '' }, '—'),
      ...ref.provinces.map((p) => h('option', { value: p.code }, provinceName(p.code))));
    const area = (/** @type {string} */ name, /** @type {string} */ label) => h('div', { class: 'field wide' },
      h('label', { for: `g-${name}` }, label),
      h('textarea', { id: `g-${name}`, name, rows: '3', dataset: { field: name } }),
      h('div', { class: 'field-error', dataset: { for: name } }));
    const form = h('form', { id: 'kiosk-form', class: 'kiosk-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      clearFieldErrors(form);
      error.hidden = true;
      /** @type {api.ApplicationInput} */
      const input = {
        company_name: value(form, 'company_name'), credit_code: value(form, 'credit_code'), legal_rep: value(form, 'legal_rep'),
        province: province.value, city: value(form, 'city'), address: value(form, 'address'),
        business_scope: value(form, 'business_scope'), website: value(form, 'website'),
        contact_name: value(form, 'contact_name'), contact_title: value(form, 'contact_title'),
        contact_mobile: value(form, 'contact_mobile'), contact_email: value(form, 'contact_email'),
        contact_wechat: value(form, 'contact_wechat'), message: value(form, 'message'),
      };
      try {
        const receipt = await api.kioskSubmit(input);
        showThanks(receipt.company_name);
      } catch (err) {
        showError(form, error, err);
        if (!error.hidden) error.scrollIntoView({ block: 'nearest' });
      }
    } },
      error,
      h('section', null,
        h('h2', null, t('kiosk.section.company')),
        h('div', { class: 'field-grid' },
          h('div', { class: 'wide' }, field('company_name', `${t('field.company_name')} *`)),
          field('credit_code', t('field.credit_code'), { class: 'mono' }),
          field('legal_rep', t('field.legal_rep')),
          h('div', { class: 'field' }, h('label', { for: 'g-province' }, t('field.province')), province,
            h('div', { class: 'field-error', dataset: { for: 'province' } })),
          field('city', t('field.city')),
          h('div', { class: 'wide' }, field('address', t('field.address'))),
          field('website', t('field.website')),
          area('business_scope', t('field.business_scope')))),
      h('section', null,
        h('h2', null, t('kiosk.section.contact')),
        h('div', { class: 'field-grid' },
          field('contact_name', `${t('field.contact.name')} *`),
          field('contact_title', t('field.contact.title')),
          field('contact_mobile', t('field.contact.mobile'), { type: 'tel' }),
          field('contact_email', t('field.contact.email'), { type: 'email' }),
          field('contact_wechat', t('field.contact.wechat')),
          area('message', t('field.message')))),
      h('p', { class: 'muted small' }, t('kiosk.privacy')),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary big', id: 'kiosk-submit' }, t('kiosk.submit'))));
    render(form);
    /** @type {HTMLInputElement} */ (form.querySelector('[name=company_name]')).focus();
  }

  /** @param {string} company */
  function showThanks(company) {
    render(h('div', { class: 'kiosk-thanks', id: 'kiosk-thanks', role: 'status' },
      h('div', { class: 'big-check', 'aria-hidden': 'true' }, '✓'),
      h('h2', null, t('kiosk.thanks', { company })),
      h('p', null, t('kiosk.thanks_body')),
      h('button', { type: 'button', class: 'primary big', id: 'kiosk-next', onClick: showForm }, t('kiosk.next'))));
    timer = setTimeout(showForm, THANKS_SECONDS * 1000);
  }

  /** @param {HTMLElement} content */
  function render(content) {
    replace(box, h('div', { class: 'kiosk' },
      h('header', { class: 'kiosk-head' },
        h('div', null,
          h('h1', null, t('kiosk.title')),
          info.kiosk_event && h('p', { class: 'muted', id: 'kiosk-event-name' }, info.kiosk_event)),
        languageSwitch()),
      content,
      h('footer', { class: 'kiosk-foot' },
        h('button', { type: 'button', class: 'link small', id: 'kiosk-staff', onClick: staffExit }, t('kiosk.staff')))));
  }

  function staffExit() {
    const error = h('div', { class: 'error-box', id: 'kiosk-exit-error', role: 'alert', hidden: true });
    const form = h('form', { id: 'kiosk-exit-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        const next = await api.kioskExit(value(form, 'login'), value(form, 'password'));
        dlg.close();
        clearTimeout(timer);
        session.status = await api.appStatus();
        await applySession(next);
      } catch (err) { showError(form, error, err); }
    } },
      h('h2', null, t('kiosk.exit_title')),
      error,
      field('login', t('field.login'), { autocapitalize: 'off' }),
      field('password', t('field.password'), { type: 'password' }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onClick: () => dlg.close() }, t('action.cancel')),
        h('button', { type: 'submit', class: 'primary', id: 'kiosk-exit' }, t('kiosk.exit'))));
    const dlg = h('dialog', { class: 'dialog' }, form);
    dlg.addEventListener('close', () => dlg.remove());
    document.body.appendChild(dlg);
    dlg.showModal();
    /** @type {HTMLInputElement} */ (form.querySelector('[name=login]')).focus();
  }

  showForm();
  return { unmount: () => clearTimeout(timer) };
}
