// @ts-check
/**
 * Create or edit a partner. The core checks everything; the form shows each rule it reports
 * under its field, warns about possible duplicates while typing (same credit code, similar
 * name, same phone or e-mail) and asks before saving a similar record. Ctrl/Cmd+S saves,
 * Esc leaves (asking first if something was typed). With an application from the kiosk, the
 * form starts from what the visitor typed and saving registers the application (R2.1.1).
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { session, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { confirmDialog } from '../components/dialog.js';
import { clearFieldErrors, showFieldErrors, errorText, fieldLabel, ruleMessage } from '../components/errors.js';
import { provinceName } from './partners.js';

/** @returns {api.PartnerInput} */
function blankInput() {
  return {
    name: '', short_name: '', credit_code: '', legal_rep: '', address: '', province: '', city: '', industry: '',
    business_scope: '', website: '', source_kind: 'online', source_detail: '',
    channel_contact_id: session.info?.user?.id, tags: [], notes: '', contacts: [],
  };
}

/** The form's input for a stored partner. @param {api.Partner} p @returns {api.PartnerInput} */
export function toInput(p) {
  return {
    name: p.name, short_name: p.short_name, credit_code: p.credit_code || '', legal_rep: p.legal_rep, address: p.address,
    province: p.province, city: p.city, industry: p.industry, business_scope: p.business_scope, website: p.website,
    source_kind: p.source_kind, source_detail: p.source_detail,
    channel_contact_id: p.channel_contact_id || undefined, tags: p.tags, notes: p.notes,
    contacts: p.contacts.map((c) => ({ id: c.id, name: c.name, title: c.title, mobile: c.mobile, email: c.email, wechat: c.wechat, is_primary: c.is_primary })),
  };
}

/**
 * @param {HTMLElement} main
 * @param {string | null} id  null for a new partner
 * @param {{ applicationId?: string }} [opts]
 */
export async function partnerFormView(main, id, opts = {}) {
  const [existing, users, application] = await Promise.all([
    id ? api.partnersGet(id) : Promise.resolve(null),
    api.usersList(),
    opts.applicationId ? api.applicationsGet(opts.applicationId) : Promise.resolve(null),
  ]);
  const ref = /** @type {api.ReferenceData} */ (session.ref);
  const input = existing ? toInput(existing)
    : application ? { ...blankInput(), ...application.input, channel_contact_id: session.info?.user?.id }
    : blankInput();
  let dirty = false;
  let saving = false;

  /** @param {string} name @param {import('../components/dom.js').Child[]} control @param {{ required?: boolean, wide?: boolean, hint?: string }} [o] */
  const row = (name, control, o = {}) => h('div', { class: `field${o.wide ? ' wide' : ''}` },
    h('label', { for: `f-${name}` }, fieldLabel(name), o.required && h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    ...control,
    o.hint && h('div', { class: 'muted small' }, o.hint),
    h('div', { class: 'field-error', dataset: { for: name }, 'aria-live': 'polite' }));

  /** @param {keyof api.PartnerInput} name @param {{ max?: number, type?: string, mono?: boolean }} [o] */
  const text = (name, o = {}) => h('input', {
    id: `f-${name}`, type: o.type || 'text', value: /** @type {any} */ (input)[name] || '', class: o.mono ? 'mono' : '',
    dataset: { field: name }, maxlength: o.max ? String(o.max * 2) : null, autocomplete: 'off',
  });
  /** @param {keyof api.PartnerInput} name */
  const area = (name) => h('textarea', { id: `f-${name}`, rows: '3', dataset: { field: name } }, /** @type {any} */ (input)[name] || '');
  /** @param {keyof api.PartnerInput} name @param {Array<[string, string]>} options @param {boolean} [empty] */
  const choice = (name, options, empty) => h('select', { id: `f-${name}`, dataset: { field: name } },
    empty && h('option', { value: '' }, '—'),
    ...options.map(([v, l]) => h('option', { value: v, selected: /** @type {any} */ (input)[name] === v }, l)));

  const contactsBox = h('div', { class: 'contacts' });
  /** @type {Array<api.ContactInput>} */
  const contacts = input.contacts.slice();

  function renderContacts() {
    replace(contactsBox, ...contacts.map((c, i) => {
      const f = (/** @type {'name' | 'title' | 'mobile' | 'email' | 'wechat'} */ k, /** @type {string} */ type = 'text') => h('div', { class: 'field' },
        h('label', { for: `c-${i}-${k}` }, t(`field.contact.${k}`), k === 'name' && h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
        h('input', { id: `c-${i}-${k}`, type, value: /** @type {any} */ (c)[k] || '', dataset: { field: `contacts.${i}.${k}`, contact: String(i), key: k }, autocomplete: 'off' }),
        h('div', { class: 'field-error', dataset: { for: `contacts.${i}.${k}` } }));
      return h('fieldset', { class: 'contact', dataset: { index: String(i) } },
        h('legend', null, t('field.contact_n', { n: i + 1 })),
        f('name'), f('title'), f('mobile', 'tel'), f('email', 'email'), f('wechat'),
        h('div', { class: 'contact-actions' },
          h('label', { class: 'check' }, h('input', { type: 'radio', name: 'primary', checked: c.is_primary, dataset: { contact: String(i), key: 'is_primary' } }), t('field.contact.primary')),
          h('button', { type: 'button', class: 'link danger', onClick: () => { readContacts(); contacts.splice(i, 1); dirty = true; renderContacts(); } }, t('action.remove'))));
    }),
    h('button', { type: 'button', id: 'contact-add', onClick: () => {
      readContacts();
      contacts.push({ name: '', title: '', mobile: '', email: '', wechat: '', is_primary: contacts.length === 0 });
      renderContacts();
      /** @type {HTMLInputElement | null} */ (contactsBox.querySelector(`#c-${contacts.length - 1}-name`))?.focus();
    } }, t('form.add_contact')));
  }

  function readContacts() {
    for (const el of contactsBox.querySelectorAll('input[data-contact]')) {
      const inp = /** @type {HTMLInputElement} */ (el);
      const c = contacts[Number(inp.dataset.contact)];
      if (!c) continue;
      if (inp.dataset.key === 'is_primary') c.is_primary = inp.checked;
      else /** @type {any} */ (c)[/** @type {string} */ (inp.dataset.key)] = inp.value;
    }
  }

  const dupBox = h('div', { class: 'warn-box', id: 'duplicate-warning', role: 'status', hidden: true });
  const formError = h('div', { class: 'error-box', id: 'form-error', role: 'alert', hidden: true });

  const form = h('form', { class: 'partner-form', id: 'partner-form', novalidate: true,
    onSubmit: (/** @type {Event} */ e) => { e.preventDefault(); save(false); },
    onInput: () => { dirty = true; },
    onFocusout: (/** @type {FocusEvent} */ e) => {
      const f = /** @type {HTMLElement} */ (e.target).dataset?.field || '';
      if (f === 'name' || f === 'credit_code' || /^contacts\.\d+\.(mobile|email)$/.test(f)) checkDuplicates();
    } },
    formError, dupBox,
    h('section', { class: 'card' },
      h('h2', null, t('form.section.company')),
      h('div', { class: 'field-grid' },
        row('name', [text('name', { max: 120 })], { required: true, wide: true }),
        row('short_name', [text('short_name', { max: 40 })]),
        row('credit_code', [text('credit_code', { mono: true })], { hint: t('form.credit_code_hint') }),
        row('legal_rep', [text('legal_rep')]),
        row('industry', [text('industry')]),
        row('business_scope', [area('business_scope')], { wide: true }))),
    h('section', { class: 'card' },
      h('h2', null, t('form.section.location')),
      h('div', { class: 'field-grid' },
        row('province', [choice('province', ref.provinces.map((p) => [p.code, provinceName(p.code)]), true)]),
        row('city', [text('city')]),
        row('address', [text('address')], { wide: true }),
        row('website', [text('website')]))),
    h('section', { class: 'card' },
      h('h2', null, t('form.section.relationship')),
      h('div', { class: 'field-grid' },
        row('source_kind', [choice('source_kind', ref.source_kinds.map((s) => [s, t(`source.${s}`)]))], { required: true }),
        row('source_detail', [text('source_detail')], { hint: t('form.source_detail_hint') }),
        row('channel_contact_id', [h('select', { id: 'f-channel_contact_id', dataset: { field: 'channel_contact_id' } },
          h('option', { value: '' }, t('form.no_channel_contact')),
          ...users.map((u) => h('option', { value: u.id, selected: input.channel_contact_id === u.id }, u.display_name)))], { hint: t('form.channel_contact_hint') }),
        row('tags', [h('input', { id: 'f-tags', type: 'text', value: input.tags.join('，'), dataset: { field: 'tags' }, autocomplete: 'off' })], { hint: t('form.tags_hint'), wide: true }))),
    h('section', { class: 'card' }, h('h2', null, t('form.section.contacts')), contactsBox),
    h('section', { class: 'card' }, h('div', { class: 'field-grid' }, row('notes', [area('notes')], { wide: true }))),
    h('div', { class: 'form-actions' },
      application && h('button', { type: 'button', class: 'danger', id: 'application-discard', onClick: () => discard() }, t('application.discard')),
      h('button', { type: 'button', onClick: () => leave() }, t('action.cancel'), h('kbd', null, 'Esc')),
      h('button', { type: 'submit', class: 'primary', id: 'partner-save' }, t('action.save'), h('kbd', null, 'Ctrl+S'))));
  renderContacts();

  /** @returns {api.PartnerInput} */
  function read() {
    readContacts();
    const v = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.querySelector(`#f-${name}`)).value;
    return {
      name: v('name'), short_name: v('short_name'), credit_code: v('credit_code'), legal_rep: v('legal_rep'),
      address: v('address'), province: v('province'), city: v('city'), industry: v('industry'),
      business_scope: v('business_scope'), website: v('website'), source_kind: v('source_kind'),
      source_detail: v('source_detail'), channel_contact_id: v('channel_contact_id') || undefined,
      tags: v('tags').split(/[,，、;；]/).map((x) => x.trim()).filter(Boolean), notes: v('notes'),
      contacts: contacts.map((c) => ({ ...c })),
    };
  }

  /** @param {api.ConflictRef} c */
  const partnerLink = (c) => h('a', { href: `#/partners/${encodeURIComponent(c.id)}`, class: 'dup-link' }, c.label);

  let dupSeq = 0;
  async function checkDuplicates() {
    const my = ++dupSeq;
    let report;
    try { report = await api.partnersCheckDuplicates(read(), id); } catch { return; }
    if (my !== dupSeq) return;
    const items = [];
    if (report.same_credit_code) items.push(h('li', null, t('dup.credit_code'), ' ', partnerLink(report.same_credit_code)));
    for (const s of report.similar) items.push(h('li', null, t(`dup.${s.reason}`), ' ', partnerLink(s)));
    dupBox.hidden = items.length === 0;
    replace(dupBox, h('strong', null, t('dup.title')), h('ul', null, ...items));
  }

  async function save(/** @type {boolean} */ confirmSimilar) {
    if (saving) return;
    saving = true;
    clearFieldErrors(form);
    formError.hidden = true;
    const data = read();
    try {
      const saved = existing
        ? await api.partnersUpdate(existing.id, existing.hlc, data, confirmSimilar)
        : application
          ? await api.applicationsRegister(application.id, data, confirmSimilar)
          : await api.partnersCreate(data, confirmSimilar);
      dirty = false;
      toast(t(existing ? 'partner.saved' : 'partner.created', { name: saved.name }));
      navigate(`#/partners/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      await showError(e);
    } finally {
      saving = false;
    }
  }

  /** @param {unknown} e */
  async function showError(e) {
    if (!(e instanceof api.ApiError)) { formError.hidden = false; replace(formError, errorText(e)); return; }
    if (e.code === 'validation') {
      const rest = showFieldErrors(form, e.fields);
      formError.hidden = false;
      replace(formError, h('strong', null, t('form.fix_errors', { n: e.fields.length })),
        rest.length > 0 && h('ul', null, ...rest.map((f) => h('li', null, `${fieldLabel(f.field)}: ${ruleMessage(f)}`))));
      return;
    }
    if (e.code === 'conflict' && e.kind === 'duplicate') {
      const slot = /** @type {HTMLElement} */ (form.querySelector('.field-error[data-for="credit_code"]'));
      slot.appendChild(h('span', null, t('dup.credit_code_refused'), ' ', partnerLink(e.conflicts[0])));
      const inp = /** @type {HTMLElement} */ (form.querySelector('#f-credit_code'));
      inp.setAttribute('aria-invalid', 'true');
      inp.focus();
      return;
    }
    if (e.code === 'conflict' && e.kind === 'similar') {
      const ok = await confirmDialog({
        title: t('dup.confirm_title'),
        body: [h('p', null, t('dup.confirm_body')), h('ul', null, ...e.conflicts.map((c) => h('li', null, t(`dup.${c.reason}`), ' ', c.label)))],
        confirm: t('dup.save_anyway'),
      });
      if (ok) { saving = false; await save(true); }
      return;
    }
    formError.hidden = false;
    replace(formError, errorText(e));
  }

  async function discard() {
    if (!application) return;
    if (!(await confirmDialog({ title: t('application.discard_title'), body: [t('application.discard_body', { name: application.company_name })], confirm: t('application.discard'), danger: true }))) return;
    try {
      await api.applicationsDiscard(application.id);
      dirty = false;
      toast(t('application.discarded', { name: application.company_name }));
      navigate('#/home');
    } catch (e) { await showError(e); }
  }

  async function leave() {
    if (dirty && !(await confirmDialog({ title: t('form.discard_title'), body: [t('form.discard_body')], confirm: t('form.discard'), danger: true }))) return;
    dirty = false;
    navigate(existing ? `#/partners/${encodeURIComponent(existing.id)}` : application ? '#/home' : '#/partners');
  }

  replace(main, h('div', { class: 'page narrow' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/partners' }, t('nav.partners')), ' / ',
      existing && h('a', { href: `#/partners/${encodeURIComponent(existing.id)}` }, existing.name)),
    h('header', { class: 'page-head' }, h('h1', null,
      existing ? t('partner.edit_title', { name: existing.name })
        : application ? t('application.title', { name: application.company_name })
          : t('partners.new'))),
    application && h('p', { class: 'info-box', id: 'application-info' },
      t('application.info', { event: application.event || '—', time: formatTime(application.submitted_at) }),
      application.status !== 'new' && h('strong', null, ' ', t(`application.status.${application.status}`))),
    form));
  /** @type {HTMLInputElement} */ (form.querySelector('#f-name')).focus();

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') { save(false); return true; }
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) { leave(); return true; }
      return false;
    },
  };
}
