// @ts-check
/**
 * The audit trail (R1.1): every recorded operation, newest first, filtered by kind of record,
 * record, user, operation and dates; the hash chain verified on demand; the selection
 * exported as CSV.
 */
import { h, replace } from '../components/dom.js';
import { t, tOr, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { toast } from '../components/toast.js';
import { errorText, fieldLabel, kindLabel } from '../components/errors.js';

const PAGE = 100;

/** The page of a record the trail names, by kind. @type {Record<string, string>} */
const ROUTES = {
  partner: 'partners', trade_event: 'events', risk: 'risks', research_note: 'research',
  agreement: 'agreements', sales_order: 'orders', statement: 'settlement', evaluation: 'evaluations',
};

/** @param {HTMLElement} main @param {string} [entityId] one record's trail (`#/audit/<id>`) */
export async function auditView(main, entityId = '') {
  /** @type {Partial<api.AuditQuery>} */
  const query = { entity: '', entity_id: entityId || '', user_id: '', operation: '', from: '', to: '', offset: 0, limit: PAGE };
  const users = await api.usersList();
  const names = new Map(users.map((u) => [u.id, u.display_name]));
  const tableBox = h('div', { id: 'audit-results' });
  const verifyBox = h('div', { id: 'audit-verify', role: 'status', hidden: true });
  const errorBox = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const filters = h('form', { class: 'filters', id: 'audit-filters', onSubmit: (/** @type {Event} */ e) => { e.preventDefault(); apply(); } });

  /** @param {api.AuditPage} page */
  function renderFilters(page) {
    const sel = (/** @type {string} */ name, /** @type {Array<[string, string]>} */ options) =>
      h('label', null, t(`audit.filter.${name}`), h('select', { name, onChange: apply },
        h('option', { value: '' }, t('audit.any')),
        ...options.map(([v, l]) => h('option', { value: v, selected: /** @type {any} */ (query)[name] === v }, l))));
    replace(filters,
      sel('entity', page.entities.map((e) => [e, kindLabel(e)])),
      h('label', null, t('audit.filter.entity_id'), h('input', { name: 'entity_id', value: query.entity_id || '', class: 'mono', size: '20', onChange: apply })),
      sel('user_id', users.map((u) => [u.id, u.display_name])),
      sel('operation', page.operations.map((o) => [o, tOr(`op.${o}`, o)])),
      h('label', null, t('audit.filter.from'), h('input', { type: 'date', name: 'from', value: query.from || '', onChange: apply })),
      h('label', null, t('audit.filter.to'), h('input', { type: 'date', name: 'to', value: query.to || '', onChange: apply })));
  }

  function apply() {
    for (const el of filters.querySelectorAll('[name]')) {
      const input = /** @type {HTMLInputElement} */ (el);
      /** @type {any} */ (query)[input.name] = input.value;
    }
    query.offset = 0;
    load();
  }

  /** @param {api.AuditEntry} e */
  function changes(e) {
    /** @type {Record<string, unknown>} */
    let obj = {};
    /** @type {Record<string, string>} */
    let names = {};
    try { obj = JSON.parse(e.changes); names = JSON.parse(e.field_names); } catch { /* shown empty */ }
    // An evaluation's indicators are named by its scheme (`sales.actual` → 销售额 · 实际).
    const label = (/** @type {string} */ k) => {
      const [key, part] = k.split('.');
      if (!names[key]) return fieldLabel(k);
      return part ? `${names[key]} · ${tOr(`evaluation.${part}`, part)}` : names[key];
    };
    const keys = Object.keys(obj);
    return keys.length ? keys.map(label).join('、') : '';
  }

  /** @param {api.AuditEntry} e */
  function record(e) {
    const kind = h('span', { class: 'muted small' }, kindLabel(e.entity));
    // Ids are time-ordered, so their ends tell records apart.
    const name = e.label || `…${e.entity_id.slice(-8)}`;
    const route = e.label && ROUTES[e.entity];
    return [kind, ' ', route
      ? h('a', { href: `#/${route}/${encodeURIComponent(e.entity_id)}`, title: e.entity_id }, name)
      : h('span', { title: e.entity_id }, name)];
  }

  async function load() {
    errorBox.hidden = true;
    try {
      const page = await api.auditList(query);
      renderFilters(page);
      const offset = query.offset || 0;
      replace(tableBox,
        h('p', { class: 'muted small', id: 'audit-count' }, t('audit.count', { n: page.total })),
        page.entries.length
          ? h('table', { class: 'grid', id: 'audit-table' },
              h('thead', null, h('tr', null, ...['time', 'user', 'role', 'operation', 'record', 'changes'].map((k) => h('th', { scope: 'col' }, t(`audit.col.${k}`))))),
              h('tbody', null, ...page.entries.map((e) => h('tr', { dataset: { op: e.operation } },
                h('td', { class: 'nowrap' }, formatTime(e.at)),
                h('td', null, names.get(e.user_id) || e.user_name),
                h('td', { class: 'small nowrap' }, e.role.split(',').filter(Boolean).map((r) => tOr(`role.${r}`, r)).join('、')),
                h('td', { class: 'nowrap' }, tOr(`op.${e.operation}`, e.operation)),
                h('td', null, ...record(e)),
                h('td', { class: 'small muted' }, changes(e))))))
          : h('div', { class: 'empty' }, h('p', null, t('audit.empty'))),
        page.total > PAGE && h('div', { class: 'pager' },
          h('button', { type: 'button', disabled: offset === 0, onClick: () => { query.offset = Math.max(0, offset - PAGE); load(); } }, t('list.prev')),
          h('span', { class: 'muted' }, t('list.page', { from: offset + 1, to: Math.min(offset + PAGE, page.total), total: page.total })),
          h('button', { type: 'button', disabled: offset + PAGE >= page.total, onClick: () => { query.offset = offset + PAGE; load(); } }, t('list.next'))));
    } catch (e) {
      errorBox.hidden = false;
      replace(errorBox, errorText(e));
    }
  }

  async function verify() {
    try {
      const r = await api.auditVerify();
      verifyBox.hidden = false;
      verifyBox.className = r.intact ? 'ok-box' : 'error-box';
      const [reason, at] = (r.broken_at?.reason || 'altered').split(':');
      replace(verifyBox,
        h('p', null, r.intact
          ? t('audit.intact', { n: r.entries, head: r.head.slice(0, 16) })
          : t(`audit.broken.${reason}`, { seq: at ?? r.broken_at?.seq ?? 0, n: r.entries })),
        h('p', { class: 'small' }, t('audit.checked', { signed: r.signed, devices: r.devices, before: r.unsigned_before })),
        h('p', { class: 'small' }, r.kept_head == null ? t('audit.no_kept_head') : t('audit.kept_head', { seq: r.kept_head })),
        ...r.alarms.map((a) => {
          const [kind, seq] = a.problem.split(':');
          return h('p', { class: 'small' }, t('audit.alarm', { at: a.at.slice(0, 16).replace('T', ' '), what: t(`audit.broken.${kind}`, { seq: seq ?? '', n: r.entries }) }));
        }));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  }

  async function exportCsv() {
    try {
      const n = await api.auditExportCsv(query);
      if (n !== null) toast(t('audit.exported', { n }));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  }

  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('nav.audit')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'audit-verify-button', onClick: verify }, t('audit.verify')),
        h('button', { type: 'button', id: 'audit-export', onClick: exportCsv }, t('audit.export')))),
    h('p', { class: 'muted' }, t('audit.hint')),
    verifyBox, errorBox, filters, tableBox));
  await load();
  return {};
}
