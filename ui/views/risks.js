// @ts-check
/**
 * Risk management (R6.1.1–R6.2.4): the register with its filters, the likelihood × impact
 * heat map, the periodic sweep of what is due, partner credit (alerts, ratings, responses,
 * the scheme) and the operational controls (procedures, staff trainings). One page per risk
 * with its measures, reviews and a link to its audit trail.
 */
import { h, replace } from '../components/dom.js';
import { t, tOr } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker, today } from '../components/form.js';
import { money } from '../components/money.js';
import { pager } from '../components/pager.js';

const TABS = ['register', 'heat', 'sweep', 'credit', 'controls'];
const CATEGORIES = ['market', 'credit', 'legal', 'operational', 'competition'];
const GRADES = ['low', 'medium', 'high', 'critical'];
const SCALE = [1, 2, 3, 4, 5];
const AREAS = [...CATEGORIES, 'general'];

/** @param {string} g */
const gradeBadge = (g) => h('span', { class: `badge grade-${g}` }, t(`risk.grade.${g}`));

/** The users to pick an owner from. */
async function userOptions() {
  const users = await api.usersList();
  return users.map((u) => /** @type {[string, string]} */ ([u.id, u.display_name]));
}

/** A partner picker that may stay empty. @param {string} label @param {{ id: string, name: string } | null} value */
function optionalPartner(label, value) {
  const p = partnerPicker({ label, value: value || undefined });
  p.field.querySelector('.req')?.remove();
  return p;
}

/** The risk form (new or edit); resolves with the saved risk. @param {api.Risk | null} r */
async function riskDialog(r) {
  const users = await userOptions();
  const picker = optionalPartner(t('risk.partner'), r?.partner_id ? { id: r.partner_id, name: r.row.partner_name || '' } : null);
  /** @type {api.Risk | null} */
  let saved = null;
  const scale = (/** @type {string} */ k) => SCALE.map((n) => /** @type {[string, string]} */ ([String(n), `${n} · ${t(`risk.${k}.${n}`)}`]));
  const ok = await formDialog({
    id: 'risk-form', wide: true, title: r ? t('risk.edit_title') : t('risk.new_title'), intro: t('risk.form_intro'),
    body: [
      formField({ name: 'title', label: t('risk.title_field'), required: true, value: r?.row.title, wide: true }),
      formField({ name: 'category', label: t('risk.category'), options: CATEGORIES.map((c) => [c, t(`risk.category.${c}`)]), value: r?.row.category || 'market' }),
      formField({ name: 'owner_id', label: t('risk.owner'), options: users, value: r?.owner_id || users[0]?.[0] }),
      formField({ name: 'likelihood', label: t('risk.likelihood'), options: scale('likelihood'), value: String(r?.row.likelihood || 3) }),
      formField({ name: 'impact', label: t('risk.impact'), options: scale('impact'), value: String(r?.row.impact || 3) }),
      formField({ name: 'description', label: t('risk.description'), rows: 3, value: r?.description }),
      picker.field,
      formField({ name: 'identified_on', label: t('risk.identified_on'), type: 'date', required: true, value: r?.identified_on || today() }),
      formField({ name: 'review_on', label: t('risk.review_on'), type: 'date', value: r?.row.review_on, attrs: { title: t('risk.review_on_hint') } }),
      ...(r ? [] : [
        h('p', { class: 'muted small wide' }, t('risk.first_measure_hint')),
        formField({ name: 'measures.0.action', label: t('risk.measure.action'), wide: true }),
        formField({ name: 'measures.0.owner_id', label: t('risk.measure.owner'), options: users, value: users[0]?.[0] }),
        formField({ name: 'measures.0.due_on', label: t('risk.measure.due_on'), type: 'date' }),
      ]),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      /** @type {api.RiskInput} */
      const input = {
        category: v.category, title: v.title, description: v.description, partner_id: picker.id(),
        agreement_id: r?.agreement_id || '', order_id: r?.order_id || '', procedure_id: r?.procedure_id || '',
        likelihood: Number(v.likelihood), impact: Number(v.impact), owner_id: v.owner_id,
        identified_on: v.identified_on, review_on: v.review_on || '',
        measures: r ? [] : [{ action: v['measures.0.action'], owner_id: v['measures.0.owner_id'], due_on: v['measures.0.due_on'] }],
      };
      saved = r ? await api.riskUpdate(r.row.id, r.hlc, input) : await api.riskCreate(input);
    },
  });
  return ok ? /** @type {api.Risk | null} */ (saved) : null;
}

/** The register's table. @param {api.RiskRow[]} rows */
function riskTable(rows) {
  return rows.length
    ? h('table', { class: 'grid', id: 'risk-table' },
        h('thead', null, h('tr', null, ...['number', 'title', 'category', 'partner', 'score', 'grade', 'owner', 'review_on'].map((k) => h('th', { scope: 'col' }, t(`risk.col.${k}`))))),
        h('tbody', null, ...rows.map((r) => h('tr', { dataset: { id: r.id } },
          h('td', { class: 'mono nowrap' }, h('a', { href: `#/risks/${encodeURIComponent(r.id)}` }, r.number)),
          h('td', null, h('a', { href: `#/risks/${encodeURIComponent(r.id)}` }, r.title), r.late_measures > 0 && h('span', { class: 'badge warn' }, t('risk.late_measures', { n: r.late_measures }))),
          h('td', null, t(`risk.category.${r.category}`)),
          h('td', null, r.partner_name || '—'),
          h('td', { class: 'num nowrap' }, `${r.likelihood} × ${r.impact}`),
          h('td', null, gradeBadge(r.grade)),
          h('td', null, r.owner_name),
          h('td', { class: `nowrap${r.status === 'open' && r.review_on <= today() ? ' late' : ''}` }, r.status === 'open' ? r.review_on : t('risk.status.closed'))))))
    : h('div', { class: 'empty card' }, h('p', null, t('risk.none')));
}

/** @param {HTMLElement} slot */
async function registerTab(slot) {
  /** @type {api.RiskQuery} */
  const q = { q: '', category: '', grade: '', status: 'open', partner_id: '', likelihood: null, impact: null, due: false, offset: 0, limit: 0 };
  const list = h('div', { id: 'risk-list' });
  const load = async () => {
    try {
      const page = await api.risks(q);
      replace(list, riskTable(page.rows), page.rows.length > 0 && pager({ total: page.total, offset: q.offset, size: page.size, shown: page.rows.length, id: 'risk-pager',
        onGo: (offset) => { q.offset = offset; load(); } }));
    } catch (e) { replace(list, h('div', { class: 'error-box' }, errorText(e))); }
  };
  const sel = (/** @type {string} */ id, /** @type {string} */ label, /** @type {Array<[string, string]>} */ opts, /** @type {(v: string) => void} */ set) =>
    h('select', { id, 'aria-label': label, onChange: (/** @type {Event} */ e) => { set(/** @type {HTMLSelectElement} */ (e.target).value); q.offset = 0; load(); } },
      ...opts.map(([v, l]) => h('option', { value: v }, l)));
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'risk-search', placeholder: t('risk.search'), onInput: () => { q.q = search.value; q.offset = 0; load(); } }));
  replace(slot,
    h('div', { class: 'filters' }, search,
      sel('risk-filter-category', t('risk.col.category'), [['', t('risk.all_categories')], ...CATEGORIES.map((c) => /** @type {[string, string]} */ ([c, t(`risk.category.${c}`)]))], (v) => { q.category = v; }),
      sel('risk-filter-grade', t('risk.col.grade'), [['', t('risk.all_grades')], ...GRADES.map((g) => /** @type {[string, string]} */ ([g, t(`risk.grade.${g}`)]))], (v) => { q.grade = v; }),
      sel('risk-filter-status', t('field.status'), [['open', t('risk.status.open')], ['closed', t('risk.status.closed')], ['all', t('risk.status.all')]], (v) => { q.status = v; })),
    list);
  await load();
}

/** @param {HTMLElement} slot */
async function heatTab(slot) {
  let category = '';
  const grid = h('div', { id: 'heat-map' });
  const below = h('div', { id: 'heat-cell-risks' });
  const load = async () => {
    const cells = await api.riskHeatMap(category);
    replace(grid, h('table', { class: 'heat' },
      h('caption', { class: 'muted small' }, t('risk.heat.caption')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('risk.heat.corner')), ...SCALE.map((i) => h('th', { scope: 'col' }, `${i} · ${t(`risk.impact.${i}`)}`)))),
      h('tbody', null, ...[5, 4, 3, 2, 1].map((l) => h('tr', null,
        h('th', { scope: 'row' }, `${l} · ${t(`risk.likelihood.${l}`)}`),
        ...cells.filter((c) => c.likelihood === l).map((c) => h('td', { class: `heat-cell grade-${c.grade}${c.count ? ' has' : ''}`, dataset: { l: String(l), i: String(c.impact) }, title: t(`risk.grade.${c.grade}`) },
          c.count ? h('button', { type: 'button', class: 'link', onClick: async () => {
            const page = await api.risks({ q: '', category, grade: '', status: 'open', partner_id: '', likelihood: l, impact: c.impact, due: false, offset: 0, limit: 500 });
            replace(below, h('h3', null, t('risk.heat.cell', { l, i: c.impact })), riskTable(page.rows));
          } }, String(c.count)) : '')))))));
  };
  const cat = h('select', { id: 'heat-category', 'aria-label': t('risk.col.category'), onChange: (/** @type {Event} */ e) => { category = /** @type {HTMLSelectElement} */ (e.target).value; replace(below); load(); } },
    h('option', { value: '' }, t('risk.all_categories')), ...CATEGORIES.map((c) => h('option', { value: c }, t(`risk.category.${c}`))));
  replace(slot, h('div', { class: 'filters' }, cat),
    h('div', { class: 'heat-legend' }, ...GRADES.map((g) => h('span', { class: 'legend-item' }, gradeBadge(g), ' ', t(`risk.grade.${g}.response`)))),
    grid, below);
  await load();
}

/** @param {HTMLElement} slot */
async function sweepTab(slot) {
  const s = await api.riskSweep();
  const section = (/** @type {string} */ key, /** @type {number} */ n, /** @type {HTMLElement | false} */ body) =>
    h('section', { class: 'card', id: `sweep-${key}` }, h('h2', null, t(`sweep.${key}`), ' ', h('span', { class: `badge${n ? ' warn' : ''}` }, String(n))),
      n ? body : h('p', { class: 'muted' }, t(`sweep.${key}.none`)));
  replace(slot,
    h('p', { class: 'muted' }, t('sweep.intro', { today: s.today })),
    section('reviews', s.reviews.length, riskTable(s.reviews)),
    section('measures', s.measures.length, h('ul', { class: 'plain' }, ...s.measures.map((m) => h('li', null,
      h('a', { href: `#/risks/${encodeURIComponent(m.risk_id)}` }, `${m.risk_number} ${m.risk_title}`), ' · ', m.action, ' · ', m.owner_name, ' ',
      h('span', { class: 'late' }, t('sweep.due', { on: m.due_on })))))),
    section('ratings', s.ratings.length, h('ul', { class: 'plain' }, ...s.ratings.map((r) => h('li', null,
      h('a', { href: `#/partners/${encodeURIComponent(r.partner_id)}` }, r.partner_name), ' ',
      h('span', { class: 'muted small' }, r.last_rated_on ? t('sweep.rating_due', { last: r.last_rated_on, on: r.due_on || '' }) : t('sweep.never_rated')),
      can('credit_rate') && h('button', { type: 'button', class: 'small', onClick: () => rateDialog({ id: r.partner_id, name: r.partner_name }).then((ok) => { if (ok) sweepTab(slot); }) }, t('credit.rate')))))),
    section('procedures', s.procedures.length, h('ul', { class: 'plain' }, ...s.procedures.map((p) => h('li', null,
      h('span', { class: 'mono' }, p.code), ' ', p.title, ' · ', p.owner_name, ' ', h('span', { class: 'late' }, t('sweep.due', { on: p.review_on })))))));
}

/** A warning sign in words. @param {api.Sign} s */
export function signText(s) {
  const p = s.params;
  if (s.kind === 'overdue') return t('credit.sign.overdue', { amount: money(Number(p.amount), p.currency) });
  if (s.kind === 'legal_case') return t('credit.sign.legal_case', { number: p.number || '', title: p.title || '' });
  if (s.kind === 'credit_low') return t('credit.sign.credit_low', { level: t(`credit.level.${p.level}`) });
  if (s.kind === 'credit_down') return t('credit.sign.credit_down', { from: t(`credit.level.${p.from}`), to: t(`credit.level.${p.to}`) });
  return t(`credit.sign.${s.kind}`);
}

/** Rates a partner under the scheme in use; resolves true when saved. @param {{ id: string, name: string } | null} partner */
export async function rateDialog(partner) {
  const scheme = await api.creditScheme();
  const picker = partnerPicker({ label: t('credit.partner'), value: partner || undefined, disabled: Boolean(partner) });
  return formDialog({
    id: 'credit-rate-form', wide: true, title: t('credit.rate_title', { version: scheme.version }), intro: t('credit.rate_intro'),
    body: [
      picker.field,
      formField({ name: 'rated_on', label: t('credit.rated_on'), type: 'date', required: true, value: today() }),
      ...scheme.criteria.map((c) => formField({ name: `scores.${c.key}`, label: `${tOr(`credit.criterion.${c.key}`, c.label)}（${t('credit.weight', { w: c.weight })}）`, required: true, type: 'number', attrs: { min: '0', max: '100', step: '1' } })),
      formField({ name: 'note', label: t('credit.note'), rows: 2 }),
    ],
    submitLabel: t('credit.rate'),
    submit: async (v) => {
      /** @type {Record<string, number | null>} */
      const scores = {};
      for (const c of scheme.criteria) {
        const raw = String(v[`scores.${c.key}`] ?? '').trim();
        scores[c.key] = raw === '' || !/^\d+$/.test(raw) ? null : Number(raw);
      }
      const pc = await api.creditRate(picker.id(), { rated_on: v.rated_on, scores, note: v.note });
      const r = pc.ratings[0];
      toast(t('credit.rated', { name: pc.partner_name, level: t(`credit.level.${r.level}`), total: (r.total_x100 / 100).toFixed(2) }));
    },
  });
}

/** Records a response to a partner's warning signs. @param {{ id: string, name: string }} partner */
async function respondDialog(partner) {
  const kinds = ['adjust_cooperation', 'intensify_collection', ...(can('cooperation_suspend') ? ['suspend', 'resume'] : [])];
  return formDialog({
    id: 'credit-respond-form', title: t('credit.respond_title', { name: partner.name }), intro: t('credit.respond_intro'),
    body: [
      formField({ name: 'kind', label: t('credit.response'), options: kinds.map((k) => [k, t(`credit.response.${k}`)]) }),
      formField({ name: 'decided_on', label: t('credit.decided_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'note', label: t('credit.response_note'), rows: 3, required: true }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => { await api.creditRespond(partner.id, { kind: v.kind, decided_on: v.decided_on, note: v.note }); },
  });
}

/** A new version of the credit scheme (managers). @param {api.CreditScheme} s */
async function schemeDialog(s) {
  return formDialog({
    id: 'credit-scheme-form', wide: true, title: t('credit.scheme_new', { version: s.version + 1 }), intro: t('credit.scheme_intro'),
    body: [
      ...s.criteria.flatMap((c, i) => [
        formField({ name: `criteria.${i}.label`, label: t('credit.criterion_label', { n: i + 1 }), value: c.label, required: true }),
        formField({ name: `criteria.${i}.weight`, label: t('credit.criterion_weight', { n: i + 1 }), value: String(c.weight), type: 'number', attrs: { min: '1', max: '100' } }),
      ]),
      formField({ name: 'good_min', label: t('credit.good_min'), type: 'number', value: String(s.good_min) }),
      formField({ name: 'fair_min', label: t('credit.fair_min'), type: 'number', value: String(s.fair_min) }),
      formField({ name: 'watch_min', label: t('credit.watch_min'), type: 'number', value: String(s.watch_min) }),
      formField({ name: 'period_months', label: t('credit.period_months'), type: 'number', value: String(s.period_months) }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      await api.creditSchemeSave({
        criteria: s.criteria.map((c, i) => ({ key: c.key, label: v[`criteria.${i}.label`], weight: Number(v[`criteria.${i}.weight`]) || 0 })),
        good_min: Number(v.good_min) || 0, fair_min: Number(v.fair_min) || 0, watch_min: Number(v.watch_min) || 0, period_months: Number(v.period_months) || 0,
      });
    },
  });
}

/** @param {HTMLElement} slot */
async function creditTab(slot) {
  const [alerts, scheme] = await Promise.all([api.creditAlerts(), api.creditScheme()]);
  const reload = () => creditTab(slot);
  replace(slot,
    h('div', { class: 'actions' },
      can('credit_rate') && h('button', { type: 'button', class: 'primary', id: 'credit-rate', onClick: () => rateDialog(null).then((ok) => { if (ok) reload(); }) }, t('credit.rate'))),
    h('section', { class: 'card', id: 'credit-alerts' },
      h('h2', null, t('credit.alerts'), ' ', h('span', { class: `badge${alerts.length ? ' warn' : ''}` }, String(alerts.length))),
      h('p', { class: 'muted' }, t('credit.alerts_intro')),
      alerts.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['partner', 'signs', 'level', 'response', ''].map((k) => h('th', null, k ? t(`credit.col.${k}`) : '')))),
            h('tbody', null, ...alerts.map((a) => h('tr', { dataset: { id: a.partner_id } },
              h('td', null, h('a', { href: `#/partners/${encodeURIComponent(a.partner_id)}` }, a.partner_name), a.status === 'suspended' && h('span', { class: 'badge status-suspended' }, t('status.suspended'))),
              h('td', null, h('ul', { class: 'signs' }, ...a.signs.map((s) => h('li', { dataset: { sign: s.kind } }, signText(s))))),
              h('td', null, a.level ? h('span', { class: `badge level-${a.level}` }, t(`credit.level.${a.level}`)) : '—'),
              h('td', null, a.last_response ? [t(`credit.response.${a.last_response.kind}`), h('div', { class: 'muted small' }, `${a.last_response.decided_on} · ${a.last_response.by_name}`)] : h('span', { class: 'muted' }, t('credit.no_response'))),
              h('td', { class: 'nowrap' },
                can('credit_rate') && h('button', { type: 'button', class: 'small', onClick: () => rateDialog({ id: a.partner_id, name: a.partner_name }).then((ok) => { if (ok) reload(); }) }, t('credit.rate')),
                can('credit_rate') && h('button', { type: 'button', class: 'small', onClick: () => respondDialog({ id: a.partner_id, name: a.partner_name }).then((ok) => { if (ok) reload(); }) }, t('credit.respond')))))))
        : h('p', { class: 'muted' }, t('credit.no_alerts'))),
    h('section', { class: 'card', id: 'credit-scheme' },
      h('h2', null, t('credit.scheme', { version: scheme.version })),
      h('table', { class: 'grid compact' },
        h('thead', null, h('tr', null, h('th', null, t('credit.criterion')), h('th', { class: 'num' }, t('credit.weight_col')))),
        h('tbody', null, ...scheme.criteria.map((c) => h('tr', null, h('td', null, tOr(`credit.criterion.${c.key}`, c.label)), h('td', { class: 'num' }, `${c.weight}%`))))),
      h('p', { class: 'muted small' }, t('credit.bands', { good: scheme.good_min, fair: scheme.fair_min, watch: scheme.watch_min, months: scheme.period_months })),
      can('credit_scheme_manage') && h('button', { type: 'button', id: 'credit-scheme-edit', onClick: () => schemeDialog(scheme).then((ok) => { if (ok) reload(); }) }, t('credit.scheme_edit'))));
}

/** @param {HTMLElement} slot */
async function controlsTab(slot) {
  const [procs, trainings, users] = await Promise.all([api.procedures(), api.staffTrainings(), userOptions()]);
  const reload = () => controlsTab(slot);
  /** @param {api.Procedure | null} p */
  const procDialog = (p) => formDialog({
    id: 'procedure-form', wide: true, title: p ? t('procedure.edit') : t('procedure.new'),
    body: [
      formField({ name: 'code', label: t('procedure.code'), required: true, value: p?.code, attrs: { class: 'mono' } }),
      formField({ name: 'title', label: t('procedure.title'), required: true, value: p?.title }),
      formField({ name: 'area', label: t('procedure.area'), options: AREAS.map((a) => [a, t(`procedure.area.${a}`)]), value: p?.area || 'operational' }),
      formField({ name: 'version', label: t('procedure.version'), required: true, value: p?.version || 'V1.0' }),
      formField({ name: 'effective_on', label: t('procedure.effective_on'), type: 'date', required: true, value: p?.effective_on || today() }),
      formField({ name: 'review_on', label: t('procedure.review_on'), type: 'date', required: true, value: p?.review_on }),
      formField({ name: 'owner_id', label: t('procedure.owner'), options: users, value: p?.owner_id || users[0]?.[0] }),
      formField({ name: 'summary', label: t('procedure.summary'), rows: 4, value: p?.summary }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      await api.procedureSave(p?.id || null, p?.hlc || null, { code: v.code, title: v.title, area: v.area, version: v.version, effective_on: v.effective_on, owner_id: v.owner_id, summary: v.summary, review_on: v.review_on });
    },
  });
  const trainingDialog = () => formDialog({
    id: 'staff-training-form', wide: true, title: t('staff_training.new'),
    body: [
      formField({ name: 'title', label: t('staff_training.title'), required: true }),
      formField({ name: 'held_on', label: t('staff_training.held_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'trainer', label: t('staff_training.trainer'), required: true }),
      formField({ name: 'procedure_id', label: t('staff_training.procedure'), options: [['', '—'], ...procs.map((p) => /** @type {[string, string]} */ ([p.id, `${p.code} ${p.title}`]))] }),
      h('fieldset', { class: 'field wide', id: 'staff-training-attendees' }, h('legend', null, t('staff_training.attendees'), h('span', { class: 'req' }, ' *')),
        ...users.map(([id, name]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: id, class: 'attendee' }), name)),
        h('div', { class: 'field-error', dataset: { for: 'attendee_ids' } })),
      formField({ name: 'note', label: t('staff_training.note'), rows: 2 }),
    ],
    submitLabel: t('action.save'),
    submit: async (v, form) => {
      const ids = [...form.querySelectorAll('input.attendee')].filter((x) => /** @type {HTMLInputElement} */ (x).checked).map((x) => /** @type {HTMLInputElement} */ (x).value);
      await api.staffTrainingRecord({ title: v.title, held_on: v.held_on, trainer: v.trainer, procedure_id: v.procedure_id, attendee_ids: ids, note: v.note });
    },
  });
  replace(slot,
    h('section', { class: 'card', id: 'procedures' },
      h('header', { class: 'card-head' }, h('h2', null, t('procedure.list')),
        can('controls_manage') && h('button', { type: 'button', id: 'procedure-new', onClick: () => procDialog(null).then((ok) => { if (ok) reload(); }) }, t('procedure.new'))),
      procs.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['code', 'title', 'area', 'version', 'owner', 'review_on', 'risks', 'trainings', ''].map((k) => h('th', null, k ? t(`procedure.col.${k}`) : '')))),
            h('tbody', null, ...procs.map((p) => h('tr', null,
              h('td', { class: 'mono' }, p.code), h('td', null, p.title, p.summary && h('div', { class: 'muted small' }, p.summary.slice(0, 120))),
              h('td', null, t(`procedure.area.${p.area}`)), h('td', null, p.version), h('td', null, p.owner_name),
              h('td', { class: p.review_on <= today() ? 'late nowrap' : 'nowrap' }, p.review_on),
              h('td', { class: 'num' }, String(p.risks)), h('td', { class: 'num' }, String(p.trainings)),
              h('td', null, can('controls_manage') && h('button', { type: 'button', class: 'small', onClick: () => procDialog(p).then((ok) => { if (ok) reload(); }) }, t('action.edit')))))))
        : h('p', { class: 'muted' }, t('procedure.none'))),
    h('section', { class: 'card', id: 'staff-trainings' },
      h('header', { class: 'card-head' }, h('h2', null, t('staff_training.list')),
        can('controls_manage') && h('button', { type: 'button', id: 'staff-training-new', onClick: () => trainingDialog().then((ok) => { if (ok) reload(); }) }, t('staff_training.new'))),
      trainings.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['held_on', 'title', 'trainer', 'procedure', 'attendees'].map((k) => h('th', null, t(`staff_training.col.${k}`))))),
            h('tbody', null, ...trainings.map((x) => h('tr', null,
              h('td', { class: 'nowrap' }, x.held_on), h('td', null, x.title), h('td', null, x.trainer), h('td', { class: 'mono' }, x.procedure_code || '—'),
              h('td', null, `${x.attendees}（${x.attendee_count}）`)))))
        : h('p', { class: 'muted' }, t('staff_training.none'))));
}

/** One risk with its measures, reviews and links. @param {HTMLElement} main @param {string} id */
async function riskPage(main, id) {
  const r = await api.risk(id);
  const users = await userOptions();
  // An open risk the person may manage: its life cycle still offers closing it (src/machines).
  const open = r.row.actions.includes('close');
  const reload = () => riskPage(main, id);
  const fields = [
    ['risk.category', t(`risk.category.${r.row.category}`)],
    ['risk.assessment', `${t('risk.likelihood')} ${r.row.likelihood} × ${t('risk.impact')} ${r.row.impact} = ${r.row.likelihood * r.row.impact}`],
    ['risk.owner', r.row.owner_name],
    ['risk.identified_on', r.identified_on],
    ['risk.review_on', r.row.status === 'open' ? r.row.review_on : '—'],
  ];
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/risks' }, t('risks.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, h('span', { class: 'mono muted' }, r.row.number), ' ', r.row.title, ' ', gradeBadge(r.row.grade), r.row.status === 'closed' && h('span', { class: 'badge' }, t('risk.status.closed'))),
      h('div', { class: 'actions' },
        can('audit_read') && h('a', { class: 'button', href: `#/audit/${encodeURIComponent(r.row.id)}`, id: 'risk-audit' }, t('risk.audit')),
        open && h('button', { type: 'button', id: 'risk-edit', onClick: () => riskDialog(r).then((x) => x && reload()) }, t('action.edit')),
        open && h('button', { type: 'button', id: 'risk-review', onClick: () => formDialog({
          id: 'risk-review-form', title: t('risk.review_title'), intro: t('risk.review_intro'),
          body: [
            formField({ name: 'reviewed_on', label: t('risk.reviewed_on'), type: 'date', required: true, value: today() }),
            formField({ name: 'likelihood', label: t('risk.likelihood'), options: SCALE.map((n) => [String(n), `${n} · ${t(`risk.likelihood.${n}`)}`]), value: String(r.row.likelihood) }),
            formField({ name: 'impact', label: t('risk.impact'), options: SCALE.map((n) => [String(n), `${n} · ${t(`risk.impact.${n}`)}`]), value: String(r.row.impact) }),
            formField({ name: 'note', label: t('risk.review_note'), rows: 3, required: true }),
            formField({ name: 'next_review_on', label: t('risk.next_review_on'), type: 'date' }),
          ],
          submitLabel: t('action.save'),
          submit: async (v) => { await api.riskReview(r.row.id, { reviewed_on: v.reviewed_on, likelihood: Number(v.likelihood), impact: Number(v.impact), note: v.note, next_review_on: v.next_review_on || '' }); },
        }).then((ok) => { if (ok) reload(); }) }, t('risk.review')),
        open && h('button', { type: 'button', class: 'danger', id: 'risk-close', onClick: () => formDialog({
          id: 'risk-close-form', title: t('risk.close_title'),
          body: [formField({ name: 'closed_note', label: t('risk.closed_note'), rows: 3, required: true })],
          submitLabel: t('risk.close'),
          submit: async (v) => { await api.riskClose(r.row.id, v.closed_note); },
        }).then((ok) => { if (ok) reload(); }) }, t('risk.close')))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' }, ...fields.flatMap(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]),
        r.partner_id && [h('dt', null, t('risk.partner')), h('dd', null, h('a', { href: `#/partners/${encodeURIComponent(r.partner_id)}` }, r.row.partner_name || ''))],
        r.agreement_id && [h('dt', null, t('risk.agreement')), h('dd', null, h('a', { href: `#/agreements/${encodeURIComponent(r.agreement_id)}` }, r.agreement_number || ''))],
        r.order_id && [h('dt', null, t('risk.order')), h('dd', null, h('a', { href: `#/orders/${encodeURIComponent(r.order_id)}` }, r.order_number || ''))],
        r.procedure_title && [h('dt', null, t('risk.procedure')), h('dd', null, r.procedure_title)]),
      r.description && h('p', { class: 'pre' }, r.description),
      h('p', { class: 'muted small' }, t(`risk.grade.${r.row.grade}.response`)),
      r.closed_note && h('p', null, h('strong', null, t('risk.closed_note')), ' ', r.closed_note)),
    h('section', { class: 'card', id: 'risk-measures' },
      h('header', { class: 'card-head' }, h('h2', null, t('risk.measures')),
        open && h('button', { type: 'button', id: 'risk-measure-add', onClick: () => formDialog({
          id: 'risk-measure-form', title: t('risk.measure.add'),
          body: [
            formField({ name: 'action', label: t('risk.measure.action'), required: true, rows: 2 }),
            formField({ name: 'owner_id', label: t('risk.measure.owner'), options: users, value: users[0]?.[0] }),
            formField({ name: 'due_on', label: t('risk.measure.due_on'), type: 'date', required: true }),
          ],
          submitLabel: t('action.save'),
          submit: async (v) => { await api.riskMeasureAdd(r.row.id, { action: v.action, owner_id: v.owner_id, due_on: v.due_on }); },
        }).then((ok) => { if (ok) reload(); }) }, t('risk.measure.add'))),
      r.measures.length
        ? h('ul', { class: 'plain' }, ...r.measures.map((m) => h('li', { dataset: { id: m.id } },
            m.action, ' · ', m.owner_name, ' · ',
            m.done_on ? h('span', { class: 'ok' }, t('risk.measure.done_on', { on: m.done_on }))
              : h('span', { class: m.due_on < today() ? 'late' : '' }, t('risk.measure.due', { on: m.due_on })),
            m.actions.includes('done') && open && h('button', { type: 'button', class: 'small', onClick: async () => {
              try { await api.riskMeasureDone(m.id, today()); reload(); } catch (e) { toast(errorText(e), { kind: 'error' }); }
            } }, t('risk.measure.mark_done')))))
        : h('p', { class: 'muted' }, t('risk.measure.none'))),
    h('section', { class: 'card', id: 'risk-reviews' },
      h('h2', null, t('risk.reviews')),
      r.reviews.length
        ? h('ul', { class: 'plain' }, ...r.reviews.map((v) => h('li', null,
            h('span', { class: 'nowrap' }, v.reviewed_on), ' · ', `${v.likelihood} × ${v.impact}`, ' ', gradeBadge(v.grade), ' · ', v.note, ' ', h('span', { class: 'muted small' }, v.by_name))))
        : h('p', { class: 'muted' }, t('risk.reviews_none')))));
  return {};
}

/** @param {HTMLElement} main @param {string | undefined} id a tab or a risk */
export async function risksView(main, id) {
  if (id && !TABS.includes(id)) return riskPage(main, id);
  const tab = id || 'register';
  const slot = h('div', { id: 'risks-slot' });
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('risks.title')),
      h('div', { class: 'actions' },
        can('risk_manage') && h('button', { type: 'button', class: 'primary', id: 'risk-new', onClick: async () => {
          const r = await riskDialog(null);
          if (r) navigate(`#/risks/${encodeURIComponent(r.row.id)}`);
        } }, t('risk.new')))),
    h('div', { class: 'tabs', role: 'tablist' }, ...TABS.map((x) => h('a', { role: 'tab', href: x === 'register' ? '#/risks' : `#/risks/${x}`, id: `risks-tab-${x}`, class: x === tab ? 'active' : '', 'aria-selected': String(x === tab) }, t(`risks.tab.${x}`)))),
    slot));
  try {
    if (tab === 'register') await registerTab(slot);
    else if (tab === 'heat') await heatTab(slot);
    else if (tab === 'sweep') await sweepTab(slot);
    else if (tab === 'credit') await creditTab(slot);
    else await controlsTab(slot);
  } catch (e) { replace(slot, h('div', { class: 'error-box' }, errorText(e))); }
  return {};
}
