// @ts-check
/** Turns the core's errors into translated text, next to the field they concern. */
import { h, replace } from './dom.js';
import { t, tOr, chineseNumber } from '../i18n.js';
import { ApiError } from '../api.js';

/**
 * The label of an input field, e.g. `contacts.0.mobile` → "联系人 1 · 手机".
 * @param {string} field
 */
export function fieldLabel(field) {
  const m = field.match(/^contacts\.(\d+)\.(\w+)$/);
  if (m) return `${t('field.contact_n', { n: Number(m[1]) + 1 })} · ${t(`field.contact.${m[2]}`)}`;
  const v = field.match(/^variables\.(\w+)$/);
  if (v) return tOr(`agreement.var.${v[1]}`, v[1]);
  const cl = field.match(/^clauses\.(\d+)\.(\w+)$/);
  if (cl) return `${t('agreement.clause_no', { n: Number(cl[1]) + 1, cn: chineseNumber(Number(cl[1]) + 1) })} · ${t(`clauses.field.${cl[2]}`)}`;
  const cat = field.match(/^clauses\.([a-z_]+)$/);
  if (cat) return tOr(`clause.category.${cat[1]}`, field);
  const rcp = field.match(/^recipients\.(\d+)$/);
  if (rcp) return t('copies.recipients');
  const line = field.match(/^lines\.(\d+)\.(\w+)$/);
  if (line) return `${t('field.line_n', { n: Number(line[1]) + 1 })} · ${t(`field.line.${line[2]}`)}`;
  const tag = field.match(/^tags\.(\d+)$/);
  if (tag) return t('field.tags');
  return tOr(`field.${field}`, field);
}

/** The name of a kind of record (a table, an audit entry's entity). @param {string} entity */
export function kindLabel(entity) {
  return tOr(`entity.${entity}`, entity);
}

/**
 * The message of one broken rule.
 * @param {import('../api.js').FieldError} f
 */
export function ruleMessage(f) {
  // A visitor at the kiosk is addressed as one; staff get the plain rule.
  if (document.body.dataset.mode === 'kiosk') {
    const visitor = tOr(`rule.${f.rule}.visitor`, '');
    if (visitor) return visitor;
  }
  if (f.limit === undefined || f.limit === null) return tOr(`rule.${f.rule}.plain`, t(`rule.${f.rule}`, { limit: '' }));
  return t(`rule.${f.rule}`, { limit: f.limit });
}

/**
 * A one-line, translated description of any error.
 * @param {unknown} e
 */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.code === 'validation' && e.fields.length) {
      return e.fields.map((f) => `${fieldLabel(f.field)}: ${ruleMessage(f)}`).join('；');
    }
    if (e.code === 'conflict' && e.kind) return t(`conflict.${e.kind}`);
    if (e.code === 'gate') return gateText(e);
    if (e.code === 'import' && e.kind) return t(`import.${e.kind}`, { detail: e.fields[0]?.field || '' });
    if (e.code === 'update' && e.kind) return t(`update.refused.${e.kind}`);
    return t(`error.${e.code}`);
  }
  return t('error.storage');
}

/**
 * Clears the field errors shown inside `form`.
 * @param {HTMLElement} form
 */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) replace(el);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Shows each field error under its input (`[data-field=name]`); returns the errors that have
 * no place in the form.
 * @param {HTMLElement} form
 * @param {import('../api.js').FieldError[]} fields
 */
export function showFieldErrors(form, fields) {
  /** @type {import('../api.js').FieldError[]} */
  const rest = [];
  let first = /** @type {HTMLElement | null} */ (null);
  for (const f of fields) {
    const slot = form.querySelector(`.field-error[data-for="${CSS.escape(f.field)}"]`);
    const input = /** @type {HTMLElement | null} */ (form.querySelector(`[data-field="${CSS.escape(f.field)}"]`));
    if (!slot) { rest.push(f); continue; }
    slot.appendChild(h('span', null, ruleMessage(f)));
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  first?.focus();
  return rest;
}

/**
 * Why a prospect cannot move on (R2.1.4): the stage it was to enter and each missing record.
 * @param {ApiError} e
 */
export function gateText(e) {
  const missing = e.fields.map((f) => t(`gate.${f.field}.${f.rule}`)).join('；');
  return `${t('error.gate', { stage: t(`stage.${e.kind}`) })} ${missing}`;
}
