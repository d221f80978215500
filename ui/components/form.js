// @ts-check
/**
 * Small forms: a labelled input with its error slot, reading a form's values, and a modal
 * form dialog that shows the core's field errors under the fields (Esc cancels, Ctrl/Cmd+S
 * or Enter in a one-line field saves).
 */
import { h, replace } from './dom.js';
import { t } from '../i18n.js';
import { ApiError, partnersList } from '../api.js';
import { clearFieldErrors, showFieldErrors, errorText, fieldLabel, ruleMessage } from './errors.js';

/**
 * @typedef {{ name: string, label: string, type?: string, value?: string | number | boolean,
 *   required?: boolean, options?: Array<[string, string]>, rows?: number, wide?: boolean,
 *   attrs?: Record<string, any> }} FieldSpec
 */

/**
 * One labelled input (`text`, `date`, `number`, `checkbox`, `select` with `options`, or a
 * `textarea` when `rows` is given) named `name`, with the slot its errors go to.
 * @param {FieldSpec} f
 */
export function formField(f) {
  const id = `f-${f.name.replace(/\W/g, '-')}`;
  const common = { id, name: f.name, dataset: { field: f.name }, ...(f.attrs || {}) };
  /** @type {HTMLElement} */
  let input;
  if (f.options) {
    input = h('select', common, ...f.options.map(([v, label]) => h('option', { value: v, selected: String(f.value ?? '') === v }, label)));
  } else if (f.rows) {
    input = h('textarea', { ...common, rows: String(f.rows) }, String(f.value ?? ''));
  } else if (f.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: Boolean(f.value) });
    return h('div', { class: `field check-field${f.wide ? ' wide' : ''}` },
      h('label', { class: 'check', for: id }, input, f.label),
      h('div', { class: 'field-error', dataset: { for: f.name } }));
  } else {
    input = h('input', { type: f.type || 'text', autocomplete: 'off', ...common, value: f.value ?? '' });
  }
  return h('div', { class: `field${f.wide || f.rows ? ' wide' : ''}` },
    h('label', { for: id }, f.label, f.required && h('span', { class: 'req' }, ' *')),
    input,
    h('div', { class: 'field-error', dataset: { for: f.name }, 'aria-live': 'polite' }));
}

/**
 * The values of a form's named inputs (checkboxes as booleans).
 * @param {HTMLElement} form
 * @returns {Record<string, any>}
 */
export function readForm(form) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    const input = /** @type {HTMLInputElement} */ (el);
    out[input.name] = input.type === 'checkbox' ? input.checked : input.value;
  }
  return out;
}

/**
 * Shows an error inside a form: field errors under their fields, anything else in `box`.
 * @param {HTMLElement} form @param {HTMLElement} box @param {unknown} e
 */
export function showFormError(form, box, e) {
  clearFieldErrors(form);
  box.hidden = true;
  if (e instanceof ApiError && e.code === 'validation') {
    const rest = showFieldErrors(form, e.fields);
    if (!rest.length) return;
    box.hidden = false;
    replace(box, rest.map((f) => `${fieldLabel(f.field)}: ${ruleMessage(f)}`).join('；'));
    return;
  }
  box.hidden = false;
  replace(box, errorText(e));
}

/**
 * A modal form. `submit` receives the values; when it throws, the error is shown in the
 * form and the dialog stays. Resolves true once `submit` succeeded, false when cancelled;
 * with `keepOpen` the dialog stays after a successful submit (a lookup showing its answer).
 * @param {{ id: string, title: string, intro?: string, body: (Node | false | null)[], submitLabel: string,
 *   wide?: boolean, keepOpen?: boolean, submit: (values: Record<string, any>, form: HTMLFormElement) => Promise<void> }} opts
 * @returns {Promise<boolean>}
 */
export function formDialog(opts) {
  return new Promise((resolve) => {
    let done = false;
    const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
    const submitButton = h('button', { type: 'submit', class: 'primary', id: `${opts.id}-submit` }, opts.submitLabel, h('kbd', null, 'Ctrl+S'));
    const form = h('form', { id: opts.id, novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      submitButton.disabled = true;
      try {
        clearFieldErrors(form);
        box.hidden = true;
        await opts.submit(readForm(form), form);
        done = true;
        if (!opts.keepOpen) dlg.close();
      } catch (err) {
        showFormError(form, box, err);
      } finally {
        submitButton.disabled = false;
      }
    } },
      h('h2', null, opts.title),
      opts.intro && h('p', { class: 'muted' }, opts.intro),
      box,
      h('div', { class: 'field-grid' }, ...opts.body),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onClick: () => dlg.close() }, t('action.cancel')),
        submitButton));
    const dlg = h('dialog', { class: `dialog${opts.wide ? ' wide' : ''}` }, form);
    dlg.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') { e.preventDefault(); form.requestSubmit(); }
    });
    dlg.addEventListener('close', () => { dlg.remove(); resolve(done); });
    document.body.appendChild(dlg);
    dlg.showModal();
    /** @type {HTMLElement | null} */ (form.querySelector('input:not([type=hidden]), select, textarea'))?.focus();
  });
}

/** Today as `YYYY-MM-DD` in local time. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A partner chosen by typing its name: suggestions from the register as one types (a
 * `<datalist>`), the error slot for `partner_id`. `id()` is the chosen partner's id, or ''
 * when the name typed is none of the suggested ones.
 * @param {{ label: string, value?: { id: string, name: string } | null, disabled?: boolean }} opts
 */
export function partnerPicker(opts) {
  const list = h('datalist', { id: 'partner-picker-options' });
  /** @type {Map<string, string>} name → id */
  const found = new Map(opts.value ? [[opts.value.name, opts.value.id]] : []);
  const input = /** @type {HTMLInputElement} */ (h('input', {
    id: 'f-partner', name: 'partner', list: 'partner-picker-options', autocomplete: 'off', value: opts.value?.name || '',
    dataset: { field: 'partner_id' }, disabled: Boolean(opts.disabled),
    onInput: async () => {
      const q = input.value.trim();
      if (!q) return;
      try {
        const page = await partnersList({ q, limit: 12, offset: 0 });
        for (const r of page.rows) found.set(r.name, r.id);
        replace(list, ...page.rows.map((r) => h('option', { value: r.name })));
      } catch { /* the suggestions stay as they were */ }
    },
  }));
  const field = h('div', { class: 'field wide' },
    h('label', { for: 'f-partner' }, opts.label, h('span', { class: 'req' }, ' *')),
    input, list,
    h('div', { class: 'field-error', dataset: { for: 'partner_id' } }));
  return { field, id: () => found.get(input.value.trim()) || '' };
}
