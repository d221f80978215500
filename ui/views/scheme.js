// @ts-check
/**
 * The screening scheme (R2.1.2): criteria under the four dimensions with weights that total
 * 100 and a pass mark. Everyone sees the version in force and the earlier ones; managers
 * save a new version (a version in use is never changed, so old scorecards keep theirs).
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { showFormError } from '../components/form.js';

export const DIMENSIONS = ['qualification', 'business_capability', 'resources', 'willingness'];

/** @param {HTMLElement} main */
export async function schemeView(main) {
  const versions = await api.schemeVersions();
  const current = versions[0];
  const editable = can('scheme_manage');

  const rows = h('tbody', { id: 'scheme-rows' });
  const total = h('span', { id: 'scheme-total', class: 'badge' });
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });

  const refreshTotal = () => {
    const sum = [...rows.querySelectorAll('input[name=weight]')].reduce((n, el) => n + (Number(/** @type {HTMLInputElement} */ (el).value) || 0), 0);
    replace(total, t('scheme.total', { n: sum }));
    total.className = `badge ${sum === 100 ? 'ok' : 'warn'}`;
  };

  /** @param {api.Criterion | null} c */
  const row = (c) => {
    const i = rows.children.length;
    const tr = h('tr', null,
      h('td', null, h('select', { name: 'dimension', 'aria-label': t('scheme.dimension'), dataset: { field: `criteria.${i}.dimension` } },
        ...DIMENSIONS.map((d) => h('option', { value: d, selected: c?.dimension === d }, t(`dimension.${d}`))))),
      h('td', null, h('input', { type: 'text', name: 'label', value: c?.label || '', 'aria-label': t('scheme.label'), dataset: { field: `criteria.${i}.label` } }),
        h('input', { type: 'hidden', name: 'key', value: c?.key || '' }),
        h('div', { class: 'field-error', dataset: { for: `criteria.${i}.label` } })),
      h('td', null, h('input', { type: 'number', name: 'weight', min: '1', max: '100', value: String(c?.weight ?? 5), class: 'num', 'aria-label': t('scheme.weight'), dataset: { field: `criteria.${i}.weight` }, onInput: refreshTotal }),
        h('div', { class: 'field-error', dataset: { for: `criteria.${i}.weight` } })),
      h('td', null, h('button', { type: 'button', class: 'link danger', onClick: () => { tr.remove(); refreshTotal(); } }, t('action.remove'))));
    rows.appendChild(tr);
  };
  for (const c of current.criteria) row(c);

  const name = h('input', { type: 'text', id: 'scheme-name', name: 'name', value: current.name, dataset: { field: 'name' } });
  const passMark = h('input', { type: 'number', id: 'scheme-pass', name: 'pass_mark', min: '1', max: '100', value: String(current.pass_mark), class: 'num', dataset: { field: 'pass_mark' } });
  const form = h('form', { id: 'scheme-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    // Rows may have been removed: errors are named by the position they have now.
    [...rows.children].forEach((tr, i) => {
      for (const el of /** @type {NodeListOf<HTMLElement>} */ (tr.querySelectorAll('[data-field]'))) el.dataset.field = (el.dataset.field || '').replace(/^criteria\.\d+/, `criteria.${i}`);
      for (const el of /** @type {NodeListOf<HTMLElement>} */ (tr.querySelectorAll('[data-for]'))) el.dataset.for = (el.dataset.for || '').replace(/^criteria\.\d+/, `criteria.${i}`);
    });
    /** @type {api.SchemeInput} */
    const input = {
      name: name.value,
      pass_mark: Number(passMark.value) || 0,
      criteria: [...rows.children].map((tr) => ({
        key: /** @type {HTMLInputElement} */ (tr.querySelector('[name=key]')).value,
        dimension: /** @type {HTMLSelectElement} */ (tr.querySelector('[name=dimension]')).value,
        label: /** @type {HTMLInputElement} */ (tr.querySelector('[name=label]')).value,
        weight: Number(/** @type {HTMLInputElement} */ (tr.querySelector('[name=weight]')).value) || 0,
      })),
    };
    try {
      const saved = await api.schemeSave(input);
      toast(t('scheme.saved', { version: saved.version }));
      navigate('#/pipeline/scheme');
    } catch (err) {
      showFormError(form, box, err);
    }
  } },
    box,
    h('div', { class: 'field-grid' },
      h('div', { class: 'field' }, h('label', { for: 'scheme-name' }, t('scheme.name')), name, h('div', { class: 'field-error', dataset: { for: 'name' } })),
      h('div', { class: 'field' }, h('label', { for: 'scheme-pass' }, t('scheme.pass_mark')), passMark, h('div', { class: 'field-error', dataset: { for: 'pass_mark' } }))),
    h('table', { class: 'grid compact scheme-table' },
      h('thead', null, h('tr', null, ...['dimension', 'label', 'weight', ''].map((k) => h('th', { scope: 'col' }, k && t(`scheme.${k}`))))),
      rows),
    h('div', { class: 'inline-form' },
      h('button', { type: 'button', id: 'scheme-add', onClick: () => { row(null); refreshTotal(); } }, t('scheme.add')),
      total,
      h('div', { class: 'field-error', dataset: { for: 'weights' } }),
      ...DIMENSIONS.map((d) => h('div', { class: 'field-error', dataset: { for: `dimension.${d}` } }))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'scheme-save' }, t('scheme.save_version'))));
  refreshTotal();

  /** @param {api.Scheme} s */
  const readOnly = (s) => h('table', { class: 'grid compact' },
    h('thead', null, h('tr', null, ...['dimension', 'label', 'weight'].map((k) => h('th', { scope: 'col' }, t(`scheme.${k}`))))),
    h('tbody', null, ...s.criteria.map((c) => h('tr', null, h('td', null, t(`dimension.${c.dimension}`)), h('td', null, c.label), h('td', null, String(c.weight))))));

  replace(main, h('div', { class: 'page narrow' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/pipeline' }, t('pipeline.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, t('scheme.title')),
      h('span', { class: 'badge', id: 'scheme-version' }, t('scheme.version', { v: current.version })),
      h('span', { class: 'muted small' }, t('scheme.pass_line', { n: current.pass_mark }))),
    h('p', { class: 'muted' }, t('scheme.intro')),
    h('section', { class: 'card' }, editable ? form : readOnly(current)),
    versions.length > 1 && h('section', { class: 'card' },
      h('h2', null, t('scheme.history')),
      h('table', { class: 'grid compact', id: 'scheme-versions' },
        h('thead', null, h('tr', null, ...['version', 'name', 'pass_mark', 'created_at'].map((k) => h('th', { scope: 'col' }, t(`scheme.col.${k}`))))),
        h('tbody', null, ...versions.map((v) => h('tr', null,
          h('td', null, `v${v.version}`), h('td', null, v.name), h('td', null, String(v.pass_mark)), h('td', null, formatTime(v.created_at)))))))));
  return {};
}
