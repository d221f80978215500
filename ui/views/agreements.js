// @ts-check
/**
 * Agreements (R3.1.1–R3.3.2): the list with its filters, a new agreement from a template,
 * verifying a printed copy or a PDF against the records, and the clause library.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker } from '../components/form.js';
import { pager } from '../components/pager.js';

export const KINDS = ['distribution', 'agency', 'reseller', 'service'];
export const STATES = ['drafting', 'in_review', 'approved', 'signed', 'active', 'expired', 'ended', 'closed'];
export const CATEGORIES = ['rights_obligations', 'scope', 'term', 'prices', 'settlement', 'marketing', 'confidentiality', 'liability', 'other'];

/** Variables the program knows, in printed order (others are named by their key). */
export const VARIABLES = ['company_name', 'company_credit_code', 'partner_name', 'partner_credit_code', 'partner_address',
  'territory', 'products', 'start_on', 'end_on', 'price_terms', 'settlement_cycle', 'payment_days', 'annual_target'];

/** The label of variable `key`. @param {string} key */
export function variableLabel(key) {
  return VARIABLES.includes(key) ? t(`agreement.var.${key}`) : key;
}

/** The `{{key}}` placeholders of `text`. @param {string} text */
export function placeholders(text) {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
}

/** Clause text as staff edit it: each `{{key}}` shown as 【label】. @param {string} text */
export function toLabels(text) {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => `【${variableLabel(k)}】`);
}

/** The stored form of edited text: each 【label】 of a known variable back to `{{key}}`. @param {string} text */
export function fromLabels(text) {
  const byLabel = new Map(VARIABLES.map((k) => [variableLabel(k), k]));
  return text.replace(/【([^【】]+)】/g, (m, label) => (byLabel.has(label) ? `{{${byLabel.get(label)}}}` : m));
}

/** Buttons that insert a variable, as 【label】, at the cursor of `area`. @param {HTMLTextAreaElement} area */
function variableButtons(area) {
  return h('div', { class: 'var-buttons', role: 'group', 'aria-label': t('clauses.variables') },
    h('span', { class: 'muted small' }, t('clauses.variables')),
    ...VARIABLES.map((k) => h('button', { type: 'button', class: 'small', dataset: { var: k }, onClick: () => {
      const token = `【${variableLabel(k)}】`;
      area.setRangeText(token, area.selectionStart, area.selectionEnd, 'end');
      area.focus();
    } }, variableLabel(k))));
}

/** Clause text with its variables filled in; an unfilled one is marked. @param {string} text @param {Record<string, string>} vars */
export function filled(text, vars) {
  const parts = text.split(/\{\{\s*(\w+)\s*\}\}/);
  return parts.map((p, i) => {
    if (i % 2 === 0) return p;
    const v = (vars[p] || '').trim();
    return v ? h('span', { class: 'var-filled' }, v) : h('span', { class: 'var-blank', title: variableLabel(p) }, `【${variableLabel(p)}】`);
  });
}

/** @param {string} state */
export function stateBadge(state) {
  return h('span', { class: `badge agreement-${state}`, dataset: { state } }, t(`agreement.state.${state}`));
}

/** The link to an agreement's page. @param {string} id */
export const agreementHref = (id) => `#/agreements/${encodeURIComponent(id)}`;

/**
 * Picks a partner (search by name) and a template; opens the new draft.
 * @param {{ id: string, name: string } | null} partner
 */
export async function newAgreementDialog(partner) {
  const templates = await api.agreementTemplates();
  const picker = partnerPicker({ label: t('agreement.partner'), value: partner, disabled: Boolean(partner) });
  /** @type {api.Agreement | null} */
  let made = null;
  await formDialog({
    id: 'agreement-new', title: t('agreement.new_title'), intro: t('agreement.new_intro'),
    body: [
      picker.field,
      formField({ name: 'template_id', label: t('agreement.template'), required: true, wide: true,
        // The kind only where the template's name does not already say it (分销协议 · 分销协议).
        options: templates.map((x) => { const kind = t(`agreement.kind.${x.kind}`); return [x.id, x.name.includes(kind) ? x.name : `${kind} · ${x.name}`]; }) }),
      formField({ name: 'title', label: t('agreement.title_field'), wide: true, attrs: { placeholder: t('agreement.title_placeholder') } }),
    ],
    submitLabel: t('agreement.create'),
    submit: async (v) => {
      made = await api.agreementCreate({ partner_id: picker.id(), template_id: v.template_id, title: v.title });
    },
  });
  if (made) navigate(agreementHref(/** @type {api.Agreement} */ (made).id));
}

/** What a verification found, as a box. @param {api.Verified | null} found */
export function verificationBox(found) {
  if (!found) return h('div', { class: 'error-box', id: 'verify-result', dataset: { found: 'no' } }, t('verify.unknown'));
  const v = found.agreement;
  const d = found.document;
  /** @type {HTMLElement[]} */
  const made = [];
  if (d) made.push(h('dt', null, t('verify.made')), h('dd', null, t('verify.made_by', { at: formatTime(d.made_at), by: d.made_by_name || '' }), ' · ', h('span', { class: 'mono small' }, d.file_name)));
  if (d && found.content_checked) made.push(h('dt', null, t('verify.content')), h('dd', null, t('verify.content_same')));
  if (!v) {
    const doc = /** @type {api.MadeDocument} */ (d);
    return h('div', { class: 'ok-box', id: 'verify-result', dataset: { found: 'yes', kind: doc.kind } },
      h('strong', null, t('verify.document_found')),
      h('dl', { class: 'facts' },
        h('dt', null, t('verify.kind')), h('dd', null, t(`verify.kind.${doc.kind}`)),
        h('dt', null, t('verify.doc_title')), h('dd', null, doc.title),
        h('dt', null, t('verify.number')), h('dd', { class: 'mono' }, doc.number),
        ...made,
        h('dt', null, t('verify.fingerprint')), h('dd', { class: 'mono small' }, doc.fingerprint)));
  }
  return h('div', { class: v.is_signed_version ? 'ok-box' : 'warn-box', id: 'verify-result', dataset: { found: 'yes', kind: 'agreement', signed: String(v.is_signed_version) } },
    h('strong', null, v.is_signed_version ? t('verify.signed_version') : t('verify.other_version')),
    h('dl', { class: 'facts' },
      h('dt', null, t('agreement.number')), h('dd', null, h('a', { href: agreementHref(v.agreement_id) }, v.number)),
      h('dt', null, t('agreement.partner')), h('dd', null, v.partner_name),
      h('dt', null, t('agreement.title_field')), h('dd', null, v.title),
      h('dt', null, t('verify.version')), h('dd', null, t('verify.version_of', { n: v.version_no, current: v.current_version_no })),
      h('dt', null, t('verify.signed')), h('dd', null, v.signed_version_no ? t('verify.signed_as', { n: v.signed_version_no, on: v.signed_on || '' }) : t('verify.not_signed')),
      ...made,
      h('dt', null, t('verify.fingerprint')), h('dd', { class: 'mono small' }, v.fingerprint)));
}

/** Verify a printed page's fingerprint or a PDF file (R3.1.3). */
export async function verifyDialog() {
  const result = h('div', { id: 'verify-slot' });
  const fileInput = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: 'application/pdf,.pdf', id: 'verify-file', class: 'sr-only',
    onChange: async () => {
      const f = fileInput.files?.[0];
      if (!f) return;
      try {
        replace(result, verificationBox(await api.agreementVerifyFile(new Uint8Array(await f.arrayBuffer()))));
      } catch (e) { replace(result, h('div', { class: 'error-box' }, errorText(e))); }
      fileInput.value = '';
    } }));
  await formDialog({
    id: 'verify-form', title: t('verify.title'), intro: t('verify.intro'), wide: true,
    body: [
      formField({ name: 'fingerprint', label: t('verify.fingerprint_field'), wide: true, attrs: { placeholder: '3f2a 9c01 77be 0d45', class: 'mono' } }),
      h('div', { class: 'field wide' }, h('label', { class: 'button', for: 'verify-file', tabindex: '0' }, t('verify.choose_pdf')), fileInput),
      h('div', { class: 'wide' }, result),
    ],
    submitLabel: t('verify.check'), keepOpen: true,
    submit: async (v) => { replace(result, verificationBox(await api.agreementVerifyText(v.fingerprint))); },
  });
}

/** @param {HTMLElement} main */
export async function agreementsView(main) {
  const saved = JSON.parse(sessionStorage.getItem('agreements-query') || '{}');
  /** @type {api.AgreementQuery} */
  const q = { partner_id: '', state: saved.state || '', kind: saved.kind || '', text: saved.text || '', offset: saved.offset || 0, limit: 0 };
  const tableSlot = h('div', { id: 'agreements-slot' });
  const load = async () => {
    sessionStorage.setItem('agreements-query', JSON.stringify(q));
    const page = await api.agreementList(q);
    // A page left behind that no longer exists: back to the first.
    if (!page.rows.length && q.offset > 0) { q.offset = 0; return load(); }
    const rows = page.rows;
    replace(tableSlot, rows.length
      ? h('div', null, h('table', { class: 'grid', id: 'agreements-table' },
          h('thead', null, h('tr', null, ...['number', 'title', 'partner', 'kind', 'state', 'version', 'term'].map((k) => h('th', { scope: 'col' }, t(`agreement.col.${k}`))))),
          h('tbody', null, ...rows.map((r) => h('tr', { tabindex: '0', dataset: { id: r.id }, onClick: () => navigate(agreementHref(r.id)),
            onKeydown: (/** @type {KeyboardEvent} */ k) => { if (k.key === 'Enter') navigate(agreementHref(r.id)); } },
            h('td', { class: 'mono nowrap' }, r.number),
            h('td', { class: 'name-cell' }, h('a', { class: 'partner-link', href: agreementHref(r.id) }, r.title)),
            h('td', null, r.partner_name),
            h('td', null, t(`agreement.kind.${r.kind}`)),
            h('td', null, stateBadge(r.state)),
            h('td', { class: 'num' }, `v${r.version_no}`),
            h('td', { class: 'nowrap' }, r.effective_on ? `${r.effective_on} – ${r.expires_on || ''}` : ''))))),
        pager({ total: page.total, offset: q.offset, size: page.size, shown: rows.length, id: 'agreements-pager',
          onGo: (offset) => { q.offset = offset; load(); } }))
      : h('div', { class: 'empty card' }, h('p', null, t('agreements.none'))));
  };
  const select = (/** @type {'state' | 'kind'} */ key, /** @type {string[]} */ values) => h('select', { id: `agreements-${key}`, 'aria-label': t(`agreement.col.${key}`),
    onChange: (/** @type {Event} */ e) => { q[key] = /** @type {HTMLSelectElement} */ (e.target).value; q.offset = 0; load(); } },
    h('option', { value: '' }, t(`agreements.any_${key}`)),
    ...values.map((v) => h('option', { value: v, selected: q[key] === v }, t(`agreement.${key}.${v}`))));
  let timer = 0;
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('agreements.title')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'agreement-verify', onClick: verifyDialog }, t('verify.button')),
        h('a', { class: 'button', href: '#/agreements/clauses', id: 'agreement-clauses' }, t('clauses.title')),
        can('agreement_draft') && h('button', { type: 'button', class: 'primary', id: 'agreement-new', onClick: () => newAgreementDialog(null) }, t('agreement.new'), h('kbd', null, 'Ctrl+N')))),
    h('div', { class: 'toolbar' },
      h('input', { type: 'search', class: 'search', id: 'agreements-search', value: q.text, placeholder: t('agreements.search'),
        onInput: (/** @type {Event} */ e) => { q.text = /** @type {HTMLInputElement} */ (e.target).value; q.offset = 0; clearTimeout(timer); timer = window.setTimeout(load, 200); } }),
      h('div', { class: 'filters' }, select('state', STATES), select('kind', [...KINDS, 'amendment']))),
    tableSlot));
  await load();
  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'n' && can('agreement_draft')) { e.preventDefault(); newAgreementDialog(null); return true; }
      if (isTyping(e)) return false;
      if (e.key === '/') { e.preventDefault(); document.getElementById('agreements-search')?.focus(); return true; }
      return false;
    },
  };
}

/** The clause library (R3.1.1): latest versions by category; legal edits write a new version. @param {HTMLElement} main */
export async function clausesView(main) {
  const [clauses, templates] = await Promise.all([api.clauseLibrary(), api.agreementTemplates()]);
  const edit = async (/** @type {api.LibraryClause | null} */ c) => {
    const bodyField = formField({ name: 'body', label: t('clauses.field.body'), required: true, rows: 10, value: toLabels(c?.body || '') });
    const ok = await formDialog({
      id: 'clause-form', wide: true, title: c ? t('clauses.edit_title', { title: c.title, n: c.version + 1 }) : t('clauses.new_title'),
      intro: t('clauses.edit_intro'),
      body: [
        formField({ name: 'title', label: t('clauses.field.title'), required: true, value: c?.title }),
        formField({ name: 'category', label: t('clauses.field.category'), value: c?.category || 'other', options: CATEGORIES.map((k) => [k, t(`clause.category.${k}`)]) }),
        bodyField,
        variableButtons(/** @type {HTMLTextAreaElement} */ (bodyField.querySelector('textarea'))),
      ],
      submitLabel: t('clauses.save_version'),
      submit: async (v) => { await api.clauseSave({ key: c?.key || '', category: v.category, title: v.title, body: fromLabels(v.body) }); },
    });
    if (ok) { toast(t('clauses.saved')); navigate('#/agreements/clauses'); }
  };
  const history = async (/** @type {api.LibraryClause} */ c, /** @type {HTMLElement} */ slot) => {
    try {
      const versions = await api.clauseHistory(c.key);
      replace(slot, h('ol', { class: 'history' }, ...versions.map((v) => h('li', null,
        h('div', null, h('strong', null, `v${v.version}`), ' · ', v.updated_by_name || t('clauses.seeded'), ' · ', h('span', { class: 'muted' }, formatTime(v.updated_at))),
        h('p', { class: 'notes small' }, ...filled(v.body, {}))))));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/agreements' }, t('agreements.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, t('clauses.title')),
      h('div', { class: 'actions' }, can('clause_manage') && h('button', { type: 'button', class: 'primary', id: 'clause-new', onClick: () => edit(null) }, t('clauses.new')))),
    h('p', { class: 'muted' }, t('clauses.intro')),
    h('section', { class: 'card', id: 'templates' },
      h('h2', null, t('clauses.templates')),
      h('p', { class: 'muted small' }, t('clauses.seam_intro')),
      h('ul', { class: 'checklist' }, ...templates.map((tpl) => h('li', { dataset: { template: tpl.id } },
        h('strong', null, tpl.name), ' ',
        h('span', { class: 'muted small' }, t('clauses.template_clauses', { n: tpl.clause_keys.length })), ' ',
        h('label', { class: 'check' },
          h('input', { type: 'checkbox', checked: tpl.seam_mark, disabled: !can('clause_manage'),
            onChange: async (/** @type {Event} */ e) => {
              const box = /** @type {HTMLInputElement} */ (e.target);
              try {
                const saved = await api.agreementTemplateSeamMark(tpl.id, box.checked);
                toast(t(saved.seam_mark ? 'clauses.seam_on' : 'clauses.seam_off', { name: saved.name }));
              } catch (err) { box.checked = !box.checked; toast(errorText(err), { kind: 'error' }); }
            } }),
          t('clauses.seam_mark')))))),
    ...CATEGORIES.map((cat) => {
      const mine = clauses.filter((c) => c.category === cat);
      if (!mine.length) return null;
      return h('section', { class: 'card', dataset: { category: cat } },
        h('h2', null, t(`clause.category.${cat}`), cat !== 'other' && h('span', { class: 'badge' }, t('clauses.core'))),
        ...mine.map((c) => {
          const slot = h('div');
          return h('article', { class: 'clause-lib', dataset: { key: c.key } },
            h('header', null,
              h('strong', null, c.title), h('span', { class: 'badge mono' }, `v${c.version}`),
              h('span', { class: 'actions' },
                c.version > 1 && h('button', { type: 'button', class: 'small link', onClick: () => history(c, slot) }, t('clauses.history')),
                can('clause_manage') && h('button', { type: 'button', class: 'small', onClick: () => edit(c) }, t('action.edit')))),
            h('p', { class: 'notes clause-text' }, ...filled(c.body, {})), slot);
        }));
    })));
  return {};
}
