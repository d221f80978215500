// @ts-check
/**
 * Market promotion (R5.1.1–R5.2.3): activities as a list and a month calendar, the plan
 * (goals with their measured results, strategies with budget and spend), one page per
 * activity with its participants, execution log and effect, and the printed summary.
 * Market analysis notes are at `#/market` (the research note screens).
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker, today } from '../components/form.js';
import { money, moneyInput, parseMoney, CURRENCIES } from '../components/money.js';
import { print } from '../components/print.js';

const TABS = ['activities', 'calendar', 'plan'];
const GOAL_KINDS = ['market_share', 'sales_growth', 'brand_awareness'];
const MEANS = ['advertising', 'sales_promotion', 'public_relations', 'online', 'offline_event'];
const FORMS = ['seminar', 'exhibition', 'launch', 'in_store', 'online', 'training', 'other'];
const CHANNELS = ['print', 'outdoor', 'tv_radio', 'website', 'social_media', 'email_sms', 'partner_network', 'industry_media'];

/** Hundredths of a percent as text, signed. @param {number | null | undefined} bp */
export const pct = (bp) => (bp === null || bp === undefined ? '—' : `${bp < 0 ? '-' : ''}${Math.floor(Math.abs(bp) / 100)}.${String(Math.abs(bp) % 100).padStart(2, '0')}%`);
/** A typed percentage (may be negative) in hundredths; null when empty, NaN when not a number. @param {string} s */
const parsePct = (s) => {
  const v = String(s ?? '').trim().replace(/%$/, '');
  if (!v) return null;
  const m = v.match(/^(-?)(\d{1,4})(?:\.(\d{1,2}))?$/);
  return m ? (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'))) : Number.NaN;
};
/** A typed whole number; null when empty. @param {string} s */
const parseCount = (s) => (String(s ?? '').trim() === '' ? null : /^\d+$/.test(String(s).trim()) ? Number(s) : -1);

/** The activity form. @param {api.Activity | null} a @param {api.Strategy[]} strategies */
async function activityDialog(a, strategies) {
  const users = (await api.usersList()).map((u) => /** @type {[string, string]} */ ([u.id, u.display_name]));
  /** @type {Array<{ id: string, name: string }>} */
  let partners = a ? [...a.partners] : [];
  const chosen = h('ul', { class: 'links', id: 'activity-partners' });
  const showPartners = () => replace(chosen, ...partners.map((p) => h('li', null, p.name, ' ',
    h('button', { type: 'button', class: 'link small danger', onClick: () => { partners = partners.filter((x) => x.id !== p.id); showPartners(); } }, t('action.remove')))));
  showPartners();
  const picker = partnerPicker({ label: t('activity.partners') });
  picker.field.querySelector('.req')?.remove();
  const add = h('button', { type: 'button', class: 'small', id: 'activity-partner-add', onClick: () => {
    const input = /** @type {HTMLInputElement} */ (picker.field.querySelector('input'));
    const id = picker.id();
    if (id && !partners.some((p) => p.id === id)) partners.push({ id, name: input.value.trim() });
    input.value = '';
    showPartners();
  } }, t('activity.partner_add'));
  /** @type {api.Activity | null} */
  let saved = null;
  const ok = await formDialog({
    id: 'activity-form', wide: true, title: a ? t('activity.edit_title') : t('activity.new_title'),
    body: [
      formField({ name: 'theme', label: t('activity.theme'), required: true, value: a?.row.theme, wide: true }),
      formField({ name: 'form', label: t('activity.form'), options: FORMS.map((f) => [f, t(`activity.form.${f}`)]), value: a?.row.form || 'seminar' }),
      formField({ name: 'strategy_id', label: t('activity.strategy'), options: [['', '—'], ...strategies.map((s) => /** @type {[string, string]} */ ([s.id, `${s.title}（${s.currency}）`]))], value: a?.strategy_id || '' }),
      formField({ name: 'starts_on', label: t('activity.starts_on'), type: 'date', required: true, value: a?.row.starts_on }),
      formField({ name: 'ends_on', label: t('activity.ends_on'), type: 'date', required: true, value: a?.row.ends_on }),
      formField({ name: 'place', label: t('activity.place'), value: a?.row.place, wide: true }),
      formField({ name: 'content', label: t('activity.content'), rows: 3, value: a?.content }),
      h('fieldset', { class: 'field wide', id: 'activity-channels' }, h('legend', null, t('activity.channels')),
        ...CHANNELS.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', class: 'channel', value: c, checked: Boolean(a?.channels.includes(c)) }), t(`activity.channel.${c}`))),
        h('div', { class: 'field-error', dataset: { for: 'channels' } })),
      picker.field, h('div', { class: 'field wide' }, add, chosen, h('div', { class: 'field-error', dataset: { for: 'partner_ids' } })),
      h('fieldset', { class: 'field wide', id: 'activity-staff' }, h('legend', null, t('activity.staff')),
        ...users.map(([id, name]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', class: 'staff', value: id, checked: Boolean(a?.staff.some((s) => s.id === id)) }), name))),
      formField({ name: 'currency', label: t('order.currency'), options: CURRENCIES.map((c) => [c, c]), value: a?.row.currency || 'CNY' }),
      formField({ name: 'budget_minor', label: t('activity.budget'), required: true, value: a ? moneyInput(a.row.budget_minor) : '', attrs: { inputmode: 'decimal' } }),
      formField({ name: 'spent_minor', label: t('activity.spent'), value: a ? moneyInput(a.row.spent_minor) : '', attrs: { inputmode: 'decimal' } }),
      // A new activity starts planned; an existing one may move as its life cycle allows.
      a && formField({ name: 'status', label: t('activity.status'), options: a.row.next.map((s) => [s, t(`activity.status.${s}`)]), value: a.row.status }),
    ],
    submitLabel: t('action.save'),
    submit: async (v, form) => {
      const checked = (/** @type {string} */ cls) => [...form.querySelectorAll(`input.${cls}`)].filter((x) => /** @type {HTMLInputElement} */ (x).checked).map((x) => /** @type {HTMLInputElement} */ (x).value);
      const budget = parseMoney(v.budget_minor);
      const spent = parseMoney(v.spent_minor);
      /** @type {api.ActivityInput} */
      const input = {
        strategy_id: v.strategy_id, theme: v.theme, form: v.form, content: v.content, starts_on: v.starts_on, ends_on: v.ends_on,
        place: v.place, channels: checked('channel'), partner_ids: partners.map((p) => p.id), staff_ids: checked('staff'), currency: v.currency,
        budget_minor: v.budget_minor === '' ? null : budget === null ? -1 : budget,
        spent_minor: v.spent_minor === '' ? null : spent === null ? -1 : spent, status: v.status,
      };
      saved = await api.promotionActivitySave(a?.row.id || null, a?.hlc || null, input);
    },
  });
  return ok ? /** @type {api.Activity | null} */ (saved) : null;
}

/** @param {api.ActivityRow[]} rows */
function activityTable(rows) {
  return rows.length
    ? h('table', { class: 'grid', id: 'activity-table' },
        h('thead', null, h('tr', null, ...['theme', 'form', 'when', 'place', 'partners', 'budget', 'spent', 'status'].map((k) => h('th', null, t(`activity.col.${k}`))))),
        h('tbody', null, ...rows.map((r) => h('tr', { dataset: { id: r.id } },
          h('td', null, h('a', { href: `#/promotion/${encodeURIComponent(r.id)}` }, r.theme), r.strategy_title && h('div', { class: 'muted small' }, r.strategy_title)),
          h('td', null, t(`activity.form.${r.form}`)),
          h('td', { class: 'nowrap' }, r.starts_on === r.ends_on ? r.starts_on : `${r.starts_on} – ${r.ends_on}`),
          h('td', null, r.place),
          h('td', { class: 'num' }, String(r.partner_count)),
          h('td', { class: 'num nowrap' }, money(r.budget_minor, r.currency)),
          h('td', { class: 'num nowrap' }, money(r.spent_minor, r.currency)),
          h('td', null, h('span', { class: `badge act-${r.status}` }, t(`activity.status.${r.status}`)), r.evaluated_on && h('span', { class: 'badge ok' }, t('activity.evaluated')))))))
    : h('div', { class: 'empty card' }, h('p', null, t('activity.none')));
}

/** The month calendar (Monday first). @param {HTMLElement} slot @param {string} month `YYYY-MM` */
async function calendarTab(slot, month) {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const iso = (/** @type {number} */ d) => `${month}-${String(d).padStart(2, '0')}`;
  const rows = await api.promotionActivities({ from: iso(1), to: iso(days), status: '', strategy_id: '', partner_id: '', q: '' });
  const shift = (/** @type {number} */ n) => {
    const d = new Date(Date.UTC(y, m - 1 + n, 1));
    calendarTab(slot, `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  };
  const lead = (first.getUTCDay() + 6) % 7;
  /** @type {HTMLElement[]} */
  const cells = [];
  for (let i = 0; i < lead; i += 1) cells.push(h('td', { class: 'out' }));
  for (let d = 1; d <= days; d += 1) {
    const day = iso(d);
    const here = rows.filter((r) => r.starts_on <= day && r.ends_on >= day && r.status !== 'cancelled');
    cells.push(h('td', { class: day === today() ? 'today' : '', dataset: { day } }, h('div', { class: 'day' }, String(d)),
      ...here.map((r) => h('a', { class: `cal-item act-${r.status}`, href: `#/promotion/${encodeURIComponent(r.id)}`, title: r.theme }, r.theme))));
  }
  while (cells.length % 7) cells.push(h('td', { class: 'out' }));
  /** @type {HTMLElement[]} */
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(h('tr', null, ...cells.slice(i, i + 7)));
  replace(slot,
    h('div', { class: 'filters' },
      h('button', { type: 'button', id: 'cal-prev', onClick: () => shift(-1) }, '‹'),
      h('strong', { id: 'cal-month' }, t('calendar.month', { y, m })),
      h('button', { type: 'button', id: 'cal-next', onClick: () => shift(1) }, '›')),
    h('table', { class: 'calendar', id: 'promotion-calendar' },
      h('thead', null, h('tr', null, ...[1, 2, 3, 4, 5, 6, 7].map((d) => h('th', null, t(`calendar.weekday.${d}`))))),
      h('tbody', null, ...weeks)));
}

/** Goals and strategies. @param {HTMLElement} slot */
async function planTab(slot) {
  const [goals, strategies] = await Promise.all([api.promotionGoals('', ''), api.promotionStrategies('', '')]);
  const reload = () => planTab(slot);
  /** @param {api.Goal | null} g */
  const goalDialog = (g) => formDialog({
    id: 'goal-form', wide: true, title: g ? t('goal.edit') : t('goal.new'), intro: t('goal.intro'),
    body: [
      formField({ name: 'title', label: t('goal.title'), required: true, value: g?.title, wide: true }),
      formField({ name: 'kind', label: t('goal.kind'), options: GOAL_KINDS.map((k) => [k, t(`goal.kind.${k}`)]), value: g?.kind || 'sales_growth' }),
      formField({ name: 'target_bp', label: t('goal.target'), required: true, value: g ? pct(g.target_bp).replace('%', '') : '', attrs: { inputmode: 'decimal' } }),
      formField({ name: 'period_from', label: t('goal.from'), type: 'date', required: true, value: g?.period_from }),
      formField({ name: 'period_to', label: t('goal.to'), type: 'date', required: true, value: g?.period_to }),
      formField({ name: 'actual_bp', label: t('goal.actual'), value: g && g.kind !== 'sales_growth' && g.actual_bp !== null ? pct(g.actual_bp).replace('%', '') : '', attrs: { inputmode: 'decimal', title: t('goal.actual_hint') } }),
      formField({ name: 'currency', label: t('order.currency'), options: CURRENCIES.map((c) => [c, c]), value: g?.currency || 'CNY' }),
      formField({ name: 'measure', label: t('goal.measure'), rows: 2, value: g?.measure }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      const target = parsePct(v.target_bp);
      const actual = parsePct(v.actual_bp);
      await api.promotionGoalSave(g?.id || null, g?.hlc || null, {
        kind: v.kind, title: v.title, period_from: v.period_from, period_to: v.period_to,
        target_bp: target === null ? null : Number.isNaN(target) ? 1e9 : target,
        actual_bp: actual === null ? null : Number.isNaN(actual) ? 1e9 : actual, currency: v.currency, measure: v.measure,
      });
    },
  });
  /** @param {api.Strategy | null} s */
  const strategyDialog = (s) => formDialog({
    id: 'strategy-form', wide: true, title: s ? t('strategy.edit') : t('strategy.new'),
    body: [
      formField({ name: 'title', label: t('strategy.title'), required: true, value: s?.title, wide: true }),
      formField({ name: 'means', label: t('strategy.means'), options: MEANS.map((m) => [m, t(`strategy.means.${m}`)]), value: s?.means || 'offline_event' }),
      formField({ name: 'goal_id', label: t('strategy.goal'), options: [['', '—'], ...goals.map((g) => /** @type {[string, string]} */ ([g.id, g.title]))], value: s?.goal_id || '' }),
      formField({ name: 'objective', label: t('strategy.objective'), rows: 2, required: true, value: s?.objective }),
      formField({ name: 'content', label: t('strategy.content'), rows: 3, value: s?.content }),
      formField({ name: 'starts_on', label: t('strategy.starts_on'), type: 'date', required: true, value: s?.starts_on }),
      formField({ name: 'ends_on', label: t('strategy.ends_on'), type: 'date', required: true, value: s?.ends_on }),
      formField({ name: 'currency', label: t('order.currency'), options: CURRENCIES.map((c) => [c, c]), value: s?.currency || 'CNY' }),
      formField({ name: 'budget_minor', label: t('strategy.budget'), required: true, value: s ? moneyInput(s.budget_minor) : '', attrs: { inputmode: 'decimal' } }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      const b = parseMoney(v.budget_minor);
      await api.promotionStrategySave(s?.id || null, s?.hlc || null, {
        goal_id: v.goal_id, means: v.means, title: v.title, objective: v.objective, content: v.content, starts_on: v.starts_on, ends_on: v.ends_on,
        budget_minor: v.budget_minor === '' ? null : b === null ? -1 : b, currency: v.currency,
      });
    },
  });
  const write = can('promotion_manage');
  replace(slot,
    h('section', { class: 'card', id: 'goals' },
      h('header', { class: 'card-head' }, h('h2', null, t('goal.list')), write && h('button', { type: 'button', id: 'goal-new', onClick: () => goalDialog(null).then((ok) => { if (ok) reload(); }) }, t('goal.new'))),
      goals.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['title', 'kind', 'period', 'target', 'actual', 'met', ''].map((k) => h('th', null, k ? t(`goal.col.${k}`) : '')))),
            h('tbody', null, ...goals.map((g) => h('tr', { dataset: { id: g.id } },
              h('td', null, g.title, g.sales && h('div', { class: 'muted small' }, t('goal.sales', { before: money(g.sales.before_minor, g.currency), after: money(g.sales.after_minor, g.currency) }))),
              h('td', null, t(`goal.kind.${g.kind}`)),
              h('td', { class: 'nowrap' }, `${g.period_from} – ${g.period_to}`),
              h('td', { class: 'num' }, pct(g.target_bp)),
              h('td', { class: 'num' }, pct(g.actual_bp)),
              h('td', null, g.met === null ? '—' : h('span', { class: `badge ${g.met ? 'ok' : 'warn'}` }, t(g.met ? 'goal.met' : 'goal.not_met'))),
              h('td', null, write && h('button', { type: 'button', class: 'small', onClick: () => goalDialog(g).then((ok) => { if (ok) reload(); }) }, t('action.edit')))))))
        : h('p', { class: 'muted' }, t('goal.none'))),
    h('section', { class: 'card', id: 'strategies' },
      h('header', { class: 'card-head' }, h('h2', null, t('strategy.list')), write && h('button', { type: 'button', id: 'strategy-new', onClick: () => strategyDialog(null).then((ok) => { if (ok) reload(); }) }, t('strategy.new'))),
      strategies.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['title', 'means', 'when', 'budget', 'planned', 'spent', ''].map((k) => h('th', null, k ? t(`strategy.col.${k}`) : '')))),
            h('tbody', null, ...strategies.map((s) => h('tr', { dataset: { id: s.id } },
              h('td', null, s.title, h('div', { class: 'muted small' }, s.objective), s.goal_title && h('div', { class: 'muted small' }, t('strategy.for_goal', { goal: s.goal_title }))),
              h('td', null, t(`strategy.means.${s.means}`)),
              h('td', { class: 'nowrap' }, `${s.starts_on} – ${s.ends_on}`),
              h('td', { class: 'num nowrap' }, money(s.budget_minor, s.currency)),
              h('td', { class: 'num nowrap' }, money(s.planned_minor, s.currency), s.planned_minor > s.budget_minor && h('span', { class: 'badge warn' }, t('strategy.over'))),
              h('td', { class: 'num nowrap' }, money(s.spent_minor, s.currency)),
              h('td', null, write && h('button', { type: 'button', class: 'small', onClick: () => strategyDialog(s).then((ok) => { if (ok) reload(); }) }, t('action.edit')))))))
        : h('p', { class: 'muted' }, t('strategy.none'))));
}

/** One activity. @param {HTMLElement} main @param {string} id */
async function activityPage(main, id) {
  const a = await api.promotionActivity(id);
  const write = can('promotion_manage');
  const reload = () => activityPage(main, id);
  const e = a.effect;
  const logDialog = () => formDialog({
    id: 'activity-log-form', title: t('activity.log_add'),
    body: [
      formField({ name: 'logged_on', label: t('activity.logged_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'kind', label: t('activity.log_kind'), options: ['progress', 'problem', 'resource'].map((k) => [k, t(`activity.log.${k}`)]) }),
      formField({ name: 'text', label: t('activity.log_text'), rows: 3, required: true }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => { await api.promotionLogAdd(a.row.id, { logged_on: v.logged_on, kind: v.kind, text: v.text }); },
  });
  const effectDialog = () => formDialog({
    id: 'activity-effect-form', wide: true, title: t('activity.evaluate_title'), intro: t('activity.evaluate_intro'),
    body: [
      formField({ name: 'evaluated_on', label: t('activity.evaluated_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'participants', label: t('activity.participants'), required: true, value: e.participants ?? '', attrs: { inputmode: 'numeric' } }),
      formField({ name: 'results', label: t('activity.results'), value: e.results ?? '', attrs: { inputmode: 'numeric' } }),
      formField({ name: 'result_label', label: t('activity.result_label'), value: e.result_label || t('activity.result_label_default') }),
      formField({ name: 'spent_minor', label: t('activity.spent'), required: true, value: moneyInput(a.row.spent_minor), attrs: { inputmode: 'decimal' } }),
      formField({ name: 'awareness_before_bp', label: t('activity.awareness_before'), value: e.awareness_before_bp === null ? '' : pct(e.awareness_before_bp).replace('%', '') }),
      formField({ name: 'awareness_after_bp', label: t('activity.awareness_after'), value: e.awareness_after_bp === null ? '' : pct(e.awareness_after_bp).replace('%', '') }),
      formField({ name: 'satisfaction_x10', label: t('activity.satisfaction'), value: e.satisfaction_x10 === null ? '' : (e.satisfaction_x10 / 10).toFixed(1), attrs: { inputmode: 'decimal' } }),
      formField({ name: 'lessons', label: t('activity.lessons'), rows: 3, required: true, value: e.lessons }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      const sat = String(v.satisfaction_x10 || '').trim();
      const spent = parseMoney(v.spent_minor);
      const p = (/** @type {string} */ s) => { const x = parsePct(s); return x === null ? null : Number.isNaN(x) ? -1 : x; };
      await api.promotionEvaluate(a.row.id, {
        evaluated_on: v.evaluated_on, participants: parseCount(v.participants), results: parseCount(v.results), result_label: v.result_label,
        awareness_before_bp: p(v.awareness_before_bp), awareness_after_bp: p(v.awareness_after_bp),
        satisfaction_x10: sat === '' ? null : /^\d(\.\d)?$/.test(sat) ? Math.round(Number(sat) * 10) : 0,
        spent_minor: v.spent_minor === '' ? null : spent === null ? -1 : spent, lessons: v.lessons,
      });
    },
  });
  const fact = (/** @type {string} */ k, /** @type {any} */ v) => [h('dt', null, t(k)), h('dd', null, v)];
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/promotion' }, t('promotion.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, a.row.theme, ' ', h('span', { class: `badge act-${a.row.status}` }, t(`activity.status.${a.row.status}`))),
      h('div', { class: 'actions' },
        write && h('button', { type: 'button', id: 'activity-edit', onClick: async () => { if (await activityDialog(a, await api.promotionStrategies('', ''))) reload(); } }, t('action.edit')),
        write && h('button', { type: 'button', id: 'activity-log-add', onClick: () => logDialog().then((ok) => { if (ok) reload(); }) }, t('activity.log_add')),
        a.row.actions.includes('evaluate') && h('button', { type: 'button', class: 'primary', id: 'activity-evaluate', onClick: () => effectDialog().then((ok) => { if (ok) reload(); }) }, t('activity.evaluate')))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        ...fact('activity.form', t(`activity.form.${a.row.form}`)),
        ...fact('activity.when', `${a.row.starts_on} – ${a.row.ends_on}`),
        ...fact('activity.place', a.row.place || '—'),
        ...fact('activity.strategy', a.row.strategy_title || '—'),
        ...fact('activity.channels', a.channels.map((c) => t(`activity.channel.${c}`)).join('、') || '—'),
        ...fact('activity.partners', a.partners.length ? a.partners.map((p, i) => [i ? '、' : '', h('a', { href: `#/partners/${encodeURIComponent(p.id)}` }, p.name)]) : '—'),
        ...fact('activity.staff', a.staff.map((s) => s.name).join('、') || '—'),
        ...fact('activity.budget', money(a.row.budget_minor, a.row.currency)),
        ...fact('activity.spent', `${money(a.row.spent_minor, a.row.currency)}（${pct(e.budget_used_bp)}）`)),
      a.content && h('p', { class: 'pre' }, a.content)),
    h('section', { class: 'card', id: 'activity-effect' },
      h('h2', null, t('activity.effect')),
      h('dl', { class: 'facts' },
        ...fact('activity.sales_growth', e.sales.growth_bp === null ? t('activity.sales_none', { after: money(e.sales.after_minor, e.sales.currency) })
          : t('activity.sales', { growth: pct(e.sales.growth_bp), before: money(e.sales.before_minor, e.sales.currency), after: money(e.sales.after_minor, e.sales.currency) })),
        ...fact('activity.sales_window', t('activity.sales_window', { from: e.sales.from, to: e.sales.to, bfrom: e.sales.before_from, bto: e.sales.before_to })),
        ...(e.evaluated_on ? [
          ...fact('activity.participants', String(e.participants ?? '—')),
          ...fact('activity.results', e.results === null ? '—' : `${e.results} ${e.result_label}`),
          ...fact('activity.cost_per_participant', e.cost_per_participant_minor === null ? '—' : money(e.cost_per_participant_minor, a.row.currency)),
          ...fact('activity.cost_per_result', e.cost_per_result_minor === null ? '—' : money(e.cost_per_result_minor, a.row.currency)),
          ...fact('activity.awareness', e.awareness_gain_bp === null ? '—' : `${pct(e.awareness_before_bp)} → ${pct(e.awareness_after_bp)}（+${pct(e.awareness_gain_bp)}）`),
          ...fact('activity.satisfaction', e.satisfaction_x10 === null ? '—' : `${(e.satisfaction_x10 / 10).toFixed(1)} / 5`),
          ...fact('activity.lessons', e.lessons),
        ] : [])),
      !e.evaluated_on && h('p', { class: 'muted' }, t('activity.not_evaluated'))),
    h('section', { class: 'card', id: 'activity-log' },
      h('h2', null, t('activity.log')),
      a.log.length
        ? h('ul', { class: 'plain' }, ...a.log.map((l) => h('li', null, h('span', { class: 'nowrap' }, l.logged_on), ' ', h('span', { class: `badge log-${l.kind}` }, t(`activity.log.${l.kind}`)), ' ', l.text, ' ', h('span', { class: 'muted small' }, l.by_name))))
        : h('p', { class: 'muted' }, t('activity.log_none')))));
  return {};
}

/** @param {HTMLElement} main @param {string | undefined} id a tab or an activity */
export async function promotionView(main, id) {
  if (id && !TABS.includes(id)) return activityPage(main, id);
  const tab = id || 'activities';
  const slot = h('div', { id: 'promotion-slot' });
  const summary = () => formDialog({
    id: 'promotion-summary-form', title: t('promotion.summary_title'), intro: t('promotion.summary_intro'),
    body: [
      formField({ name: 'from', label: t('goal.from'), type: 'date', required: true, value: `${today().slice(0, 4)}-01-01` }),
      formField({ name: 'to', label: t('goal.to'), type: 'date', required: true, value: today() }),
    ],
    submitLabel: t('action.print'),
    submit: async (v) => { await print(() => api.promotionSummaryPrint(v.from, v.to)); },
  });
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('promotion.title')),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/market', id: 'market-notes' }, t('market.title')),
        h('button', { type: 'button', id: 'promotion-summary', onClick: summary }, t('promotion.summary')),
        can('promotion_manage') && h('button', { type: 'button', class: 'primary', id: 'activity-new', onClick: async () => {
          const a = await activityDialog(null, await api.promotionStrategies('', ''));
          if (a) navigate(`#/promotion/${encodeURIComponent(a.row.id)}`);
        } }, t('activity.new')))),
    h('div', { class: 'tabs', role: 'tablist' }, ...TABS.map((x) => h('a', { role: 'tab', href: x === 'activities' ? '#/promotion' : `#/promotion/${x}`, id: `promotion-tab-${x}`, class: x === tab ? 'active' : '', 'aria-selected': String(x === tab) }, t(`promotion.tab.${x}`)))),
    slot));
  try {
    if (tab === 'activities') replace(slot, activityTable(await api.promotionActivities({ from: '', to: '', status: '', strategy_id: '', partner_id: '', q: '' })));
    else if (tab === 'calendar') await calendarTab(slot, today().slice(0, 7));
    else await planTab(slot);
  } catch (err) { replace(slot, h('div', { class: 'error-box' }, errorText(err))); }
  return {};
}
