// @ts-check
/**
 * The dashboard (issue 25): six cards a channel director reads for a quarterly review — sales
 * by month, region and product against the agreements' targets; the recruitment funnel by
 * stage, source and trade show; classes now and per evaluation round; receivables ageing and
 * credit alerts; agreements expiring within 30/60/90 days; promotion spend against budget and
 * its effect. One filter bar (period, region, class, "mine", currency) for all; each card
 * loads on its own, says which filters it follows, and prints as a PDF or opens as .xlsx.
 */
import { h, replace } from '../components/dom.js';
import { t, language } from '../i18n.js';
import * as api from '../api.js';
import { errorText } from '../components/errors.js';
import { money, CURRENCIES } from '../components/money.js';
import { print, printedToast } from '../components/print.js';
import { toast } from '../components/toast.js';
import { provinceName } from '../components/places.js';
import { recordHref } from '../components/find.js';
import { columns, bars } from '../components/chart.js';
import { today } from '../components/form.js';

/** @type {api.DashboardCardKind[]} */
const KINDS = ['sales', 'funnel', 'classes', 'receivables', 'expiring', 'promotion'];
/** Which filters each card follows (as the core's `CardKind::applies`). @type {Record<string, string[]>} */
const APPLIES = {
  sales: ['period', 'region', 'class', 'mine'],
  funnel: ['period', 'region', 'mine'],
  classes: ['region', 'mine'],
  receivables: ['region', 'class', 'mine'],
  expiring: ['region', 'class', 'mine'],
  promotion: ['period', 'mine'],
};
const PRESETS = ['this_quarter', 'last_quarter', 'this_year', 'last_year', 'custom'];
const STORE = 'dashboard-filter';

/** `YYYY-MM-DD` of a date. @param {Date} d */
const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The first and last day of a preset period, around `on`. @param {string} preset @param {string} on */
export function presetPeriod(preset, on) {
  const [y, m] = on.split('-').map(Number);
  const q = Math.floor((m - 1) / 3);
  const quarter = (/** @type {number} */ year, /** @type {number} */ qi) => [iso(new Date(year, qi * 3, 1)), iso(new Date(year, qi * 3 + 3, 0))];
  switch (preset) {
    case 'this_quarter': return quarter(y, q);
    case 'last_quarter': return q === 0 ? quarter(y - 1, 3) : quarter(y, q - 1);
    case 'last_year': return [`${y - 1}-01-01`, `${y - 1}-12-31`];
    default: return [`${y}-01-01`, `${y}-12-31`];
  }
}

/** Money in short words for an axis: 万/亿 in Chinese, k/M in English. @param {number} minor */
function shortMoney(minor) {
  const yuan = minor / 100;
  const trim = (/** @type {number} */ n) => String(Math.round(n * 10) / 10);
  if (language() === 'en') {
    if (yuan >= 1e6) return `${trim(yuan / 1e6)}M`;
    if (yuan >= 1e3) return `${trim(yuan / 1e3)}k`;
    return trim(yuan);
  }
  if (yuan >= 1e8) return `${trim(yuan / 1e8)}亿`;
  if (yuan >= 1e4) return `${trim(yuan / 1e4)}万`;
  return trim(yuan);
}

/** Hundredths of a percent as "12.3%". @param {number} bp */
const pct = (bp) => `${(bp / 100).toFixed(1)}%`;
/** `part` of `whole` in hundredths of a percent. @param {number} part @param {number} whole */
const share = (part, whole) => (whole > 0 ? Math.round((part * 10000) / whole) : 0);

/** A labelled figure. @param {string} label @param {string} value @param {string} [id] */
const kpi = (label, value, id) => h('div', { class: 'kpi', id }, h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, label));

/** @param {string} key */
const regionName = (key) => (key === 'other' ? t('dash.other') : key === '' ? t('dash.no_region') : /^\d{2}$/.test(key) ? provinceName(key) : key);

/** @param {Extract<api.DashboardCard, { kind: 'sales' }>} c */
function salesBody(c) {
  const cur = c.currency;
  const months = c.months;
  return [
    h('div', { class: 'kpis' },
      kpi(t('dash.sales.total'), money(c.total_minor, cur), 'dash-sales-total'),
      kpi(t('dash.sales.target'), c.target_minor > 0 ? money(c.target_minor, cur) : '—'),
      kpi(t('dash.sales.achieved'), c.target_minor > 0 ? pct(share(c.total_minor, c.target_minor)) : '—'),
      kpi(t('dash.sales.orders'), String(c.orders))),
    columns({
      id: 'dash-sales-months',
      label: t('dash.sales.by_month'),
      categories: months.map((m) => m.key.slice(5)),
      titles: months.map((m) => `${m.key} · ${t('dash.sales.orders_n', { n: m.count })}${m.target > 0 ? ` · ${t('dash.sales.achieved')} ${pct(share(m.value, m.target))}` : ''}`),
      series: [{ name: t('dash.sales.actual'), values: months.map((m) => m.value) }],
      targets: months.map((m) => m.target),
      targetName: t('dash.sales.target'),
      tick: shortMoney,
      format: (n) => money(n, cur),
    }),
    h('div', { class: 'dash-split' },
      h('section', null, h('h3', null, t('dash.sales.by_region')),
        bars({ id: 'dash-sales-regions', empty: t('dash.none'), rows: c.regions.map((p) => ({
          key: p.key, label: regionName(p.key), value: p.value, target: p.target || null,
          text: money(p.value, cur),
          title: `${regionName(p.key)}: ${money(p.value, cur)}${p.target > 0 ? ` / ${t('dash.sales.target')} ${money(p.target, cur)} (${pct(share(p.value, p.target))})` : ''} · ${t('dash.sales.orders_n', { n: p.count })}`,
        })) })),
      h('section', null, h('h3', null, t('dash.sales.by_product')),
        bars({ id: 'dash-sales-products', empty: t('dash.none'), rows: c.products.map((p) => ({
          key: p.key, label: p.key === 'other' ? t('dash.other') : p.label, value: p.value,
          text: money(p.value, cur),
          title: `${p.key === 'other' ? t('dash.other') : `${p.label} (${p.key})`}: ${money(p.value, cur)} · ${t('dash.quantity_n', { n: p.count })}`,
        })) }))),
  ];
}

/** @param {Extract<api.DashboardCard, { kind: 'funnel' }>} c */
function funnelBody(c) {
  const days = (/** @type {number} */ n) => (n < 0 ? '—' : t('dash.days_n', { n }));
  /** @param {api.DashboardPoint[]} rows @param {(p: api.DashboardPoint) => string} name @param {string} id */
  const table = (rows, name, id) => h('table', { class: 'dash-table', id },
    h('thead', null, h('tr', null, h('th', null, ''), h('th', null, t('dash.funnel.leads')), h('th', null, t('dash.funnel.signed')), h('th', null, t('dash.funnel.rate')), h('th', null, t('dash.funnel.active')))),
    h('tbody', null, ...rows.map((p) => h('tr', null,
      h('td', null, name(p)), h('td', null, String(p.value)), h('td', null, String(p.count)), h('td', null, pct(share(p.count, p.value))), h('td', null, String(p.target))))));
  return [
    bars({ id: 'dash-funnel-stages', rows: c.stages.map((p, i) => ({
      key: p.key, label: t(`stage.${p.key}`), value: p.value,
      text: i === 0 ? String(p.value) : `${p.value} · ${pct(p.target)}`,
      title: `${t(`stage.${p.key}`)}: ${t('dash.funnel.reached_n', { n: p.value })}${i > 0 ? ` · ${t('dash.funnel.of_previous', { pct: pct(p.target) })}` : ''}${i < c.stages.length - 1 ? ` · ${t('dash.funnel.median', { d: days(p.count) })}` : ''}`,
    })) }),
    h('p', { class: 'muted small' }, t('dash.funnel.note', { open: c.open, rejected: c.rejected }),
      ' ', t('dash.funnel.days'), ' ', c.stages.slice(0, -1).map((p) => `${t(`stage.${p.key}`)} ${days(p.count)}`).join(' · ')),
    h('div', { class: 'dash-split' },
      h('section', null, h('h3', null, t('dash.funnel.by_source')), table(c.sources, (p) => t(`source.${p.key}`), 'dash-funnel-sources')),
      h('section', null, h('h3', null, t('dash.funnel.by_event')),
        c.events.length ? table(c.events, (p) => p.label, 'dash-funnel-events') : h('p', { class: 'muted' }, t('dash.none')))),
  ];
}

/** @param {Extract<api.DashboardCard, { kind: 'classes' }>} c */
function classesBody(c) {
  const total = c.now.reduce((a, p) => a + p.value, 0);
  const name = (/** @type {string} */ k) => (k === 'none' ? t('dash.classes.none') : t('dash.classes.class', { c: k }));
  return [
    bars({ id: 'dash-classes-now', rows: c.now.map((p) => ({ key: p.key, label: name(p.key), value: p.value, text: `${p.value} · ${pct(share(p.value, total))}` })) }),
    c.rounds.length
      ? columns({
        id: 'dash-classes-rounds',
        label: t('dash.classes.rounds'),
        categories: c.rounds.map((r) => r.period),
        series: ['A', 'B', 'C'].map((k, i) => ({ name: name(k), values: c.rounds.map((r) => r.classes[i]?.value || 0) })),
        tick: (n) => String(n),
        format: (n) => t('dash.partners_n', { n }),
      })
      : h('p', { class: 'muted' }, t('dash.classes.no_rounds')),
    c.rounds.length > 0 && h('p', { class: 'dash-moves', id: 'dash-classes-moves' },
      t('dash.classes.latest', { period: c.rounds[c.rounds.length - 1].period }), ' ',
      ...c.moves.map((p) => h('span', { class: `move move-${p.key}` }, t(`dash.classes.move.${p.key}`, { n: p.value })))),
  ];
}

/** @param {Extract<api.DashboardCard, { kind: 'receivables' }>} c */
function receivablesBody(c) {
  const cur = c.currency;
  return [
    h('div', { class: 'kpis' },
      kpi(t('dash.recv.total', { on: c.on }), money(c.total_minor, cur), 'dash-recv-total'),
      kpi(t('dash.recv.over_90'), money(c.buckets[3]?.value || 0, cur)),
      kpi(t('dash.recv.alerts'), String(c.alert_count))),
    bars({ id: 'dash-recv-ageing', rows: c.buckets.map((p) => ({
      key: p.key, label: t('dash.recv.days', { range: p.key }), value: p.value, text: money(p.value, cur),
      title: `${t('dash.recv.days', { range: p.key })}: ${money(p.value, cur)} · ${t('dash.partners_n', { n: p.count })}`,
    })) }),
    h('h3', null, t('dash.recv.alert_list')),
    c.alerts.length
      ? h('ul', { class: 'dash-list', id: 'dash-recv-alerts' }, ...c.alerts.map((a) => h('li', null,
        h('a', { href: recordHref('partners', a.partner_id) }, a.name),
        h('span', { class: 'tags' }, ...a.reasons.map((r) => h('span', { class: `badge ${r === 'overdue' ? 'grade-critical' : 'warn'}` }, t(`dash.recv.reason.${r}`)))),
        h('span', { class: 'muted small' }, [
          a.overdue_minor > 0 && t('dash.recv.overdue', { amount: money(a.overdue_minor, cur) }),
          a.limit_minor !== null && t('dash.recv.exposure', { amount: money(a.exposure_minor, cur), limit: money(a.limit_minor, cur) }),
          a.credit_level && t(`credit.level.${a.credit_level}`),
        ].filter(Boolean).join(' · ')))))
      : h('p', { class: 'muted' }, t('dash.recv.no_alerts')),
  ];
}

/** @param {Extract<api.DashboardCard, { kind: 'expiring' }>} c */
function expiringBody(c) {
  return [
    h('div', { class: 'kpis', id: 'dash-expiring-buckets' }, ...c.buckets.map((p, i) => kpi(t(i === 0 ? 'dash.exp.within' : 'dash.exp.between', { from: i === 0 ? 0 : Number(c.buckets[i - 1].key) + 1, to: p.key }), String(p.value)))),
    c.agreements.length
      ? h('ul', { class: 'dash-list', id: 'dash-expiring-list' }, ...c.agreements.map((a) => h('li', null,
        h('a', { href: recordHref('agreements', a.id) }, a.number),
        h('a', { href: recordHref('partners', a.partner_id), class: 'small' }, a.partner_name),
        h('span', { class: `badge ${a.days_left <= 30 ? 'grade-critical' : 'warn'}` }, t('dash.exp.days_left', { n: a.days_left })),
        h('span', { class: 'muted small' }, `${a.expires_on}${a.class ? ` · ${t('dash.classes.class', { c: a.class })}` : ''} · ${t(a.renewing ? 'dash.exp.renewing' : 'dash.exp.not_renewing')}`))))
      : h('p', { class: 'muted' }, t('dash.exp.none')),
  ];
}

/** @param {Extract<api.DashboardCard, { kind: 'promotion' }>} c */
function promotionBody(c) {
  const cur = c.currency;
  return [
    h('div', { class: 'kpis' },
      kpi(t('dash.promo.spent'), money(c.spent_minor, cur), 'dash-promo-spent'),
      kpi(t('dash.promo.budget'), money(c.budget_minor, cur)),
      kpi(t('dash.promo.used'), c.budget_minor > 0 ? pct(share(c.spent_minor, c.budget_minor)) : '—'),
      kpi(t('dash.promo.results'), `${c.results} / ${c.participants}`)),
    bars({ id: 'dash-promo-activities', empty: t('dash.none'), rows: c.activities.map((a) => ({
      key: a.key, label: a.label, value: a.value, target: a.target, href: recordHref('promotion', a.key),
      text: `${money(a.value, cur)} / ${money(a.target, cur)}`,
      title: `${a.label}: ${t('dash.promo.spent')} ${money(a.value, cur)} · ${t('dash.promo.budget')} ${money(a.target, cur)} · ${t('dash.promo.results')} ${a.count}`,
    })) }),
  ];
}

/** @param {api.DashboardCard} c */
function body(c) {
  switch (c.kind) {
    case 'sales': return salesBody(c);
    case 'funnel': return funnelBody(c);
    case 'classes': return classesBody(c);
    case 'receivables': return receivablesBody(c);
    case 'expiring': return expiringBody(c);
    default: return promotionBody(c);
  }
}

/** The filter as last used in this session, or this year. @returns {api.DashboardFilter & { preset: string }} */
function initialFilter() {
  try {
    const f = JSON.parse(sessionStorage.getItem(STORE) || 'null');
    if (f && typeof f.from === 'string') return f;
  } catch { /* a damaged entry starts afresh */ }
  const [from, to] = presetPeriod('this_year', today());
  return { preset: 'this_year', from, to, region: '', class: '', mine: false, currency: 'CNY' };
}

/** @param {HTMLElement} main */
export async function dashboardView(main) {
  const started = performance.now();
  /** Cards shown since the page opened; when all six are, the first paint is timed (for the benchmarks). */
  let shown = 0;
  const filter = initialFilter();
  const provinces = [...(await api.referenceData()).provinces];
  /** Which load of each card is the latest, so a slow answer never paints over a newer one. @type {Record<string, number>} */
  const seq = {};
  const status = h('p', { class: 'form-error', id: 'dash-filter-error', role: 'alert', hidden: true });
  /** @type {Record<string, HTMLElement>} */
  const cards = {};
  /** The filter for the core (without the preset). */
  const query = () => ({ from: filter.from, to: filter.to, region: filter.region, class: filter.class, mine: filter.mine, currency: filter.currency });

  /** Loads one card. @param {api.DashboardCardKind} kind */
  async function load(kind) {
    const card = cards[kind];
    const slot = /** @type {HTMLElement} */ (card.querySelector('.dash-body'));
    const n = (seq[kind] = (seq[kind] || 0) + 1);
    card.setAttribute('aria-busy', 'true');
    try {
      const c = await api.dashboardCard(kind, query());
      if (seq[kind] !== n) return;
      replace(slot, ...body(c));
      if (!card.dataset.loaded && ++shown === KINDS.length) document.body.dataset.dashboardMs = String(Math.round(performance.now() - started));
      card.dataset.loaded = 'true';
      status.hidden = true;
    } catch (e) {
      if (seq[kind] !== n) return;
      replace(slot, h('p', { class: 'muted' }, t('dash.not_shown')));
      status.textContent = errorText(e);
      status.hidden = false;
    } finally {
      if (seq[kind] === n) card.removeAttribute('aria-busy');
    }
  }
  const loadAll = () => {
    sessionStorage.setItem(STORE, JSON.stringify(filter));
    for (const k of KINDS) load(k);
    notes();
  };

  /** Says on each card which chosen filters it does not follow. */
  function notes() {
    for (const k of KINDS) {
      const ignored = ['region', 'class', 'mine'].filter((f) => !APPLIES[k].includes(f) && (f === 'mine' ? filter.mine : filter[/** @type {'region' | 'class'} */ (f)]));
      if (!APPLIES[k].includes('period')) ignored.unshift('period');
      const el = /** @type {HTMLElement} */ (cards[k].querySelector('.dash-applies'));
      el.textContent = ignored.length ? t('dash.ignores', { list: ignored.map((f) => t(`dash.filter.${f}`)).join(language() === 'en' ? ', ' : '、') }) : '';
    }
  }

  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'date', id: 'dash-from', value: filter.from, 'aria-label': t('field.from') }));
  const to = /** @type {HTMLInputElement} */ (h('input', { type: 'date', id: 'dash-to', value: filter.to, 'aria-label': t('field.to') }));
  const preset = /** @type {HTMLSelectElement} */ (h('select', { id: 'dash-preset', 'aria-label': t('dash.filter.period'), onChange: () => {
    filter.preset = preset.value;
    if (preset.value !== 'custom') {
      [filter.from, filter.to] = presetPeriod(preset.value, today());
      from.value = filter.from;
      to.value = filter.to;
    }
    loadAll();
  } }, ...PRESETS.map((p) => h('option', { value: p, selected: p === filter.preset }, t(`dash.preset.${p}`)))));
  const dates = () => {
    filter.from = from.value;
    filter.to = to.value;
    filter.preset = 'custom';
    preset.value = 'custom';
    loadAll();
  };
  from.addEventListener('change', dates);
  to.addEventListener('change', dates);
  const region = /** @type {HTMLSelectElement} */ (h('select', { id: 'dash-region', 'aria-label': t('dash.filter.region'), onChange: () => { filter.region = region.value; loadAll(); } },
    h('option', { value: '' }, t('dash.all_regions')),
    ...provinces.map((p) => h('option', { value: p.code, selected: p.code === filter.region }, language() === 'en' ? p.en : p.zh))));
  const klass = /** @type {HTMLSelectElement} */ (h('select', { id: 'dash-class', 'aria-label': t('dash.filter.class'), onChange: () => { filter.class = klass.value; loadAll(); } },
    ...['', 'A', 'B', 'C', 'none'].map((c) => h('option', { value: c, selected: c === filter.class }, c === '' ? t('dash.all_classes') : c === 'none' ? t('dash.classes.none') : t('dash.classes.class', { c })))));
  const currency = /** @type {HTMLSelectElement} */ (h('select', { id: 'dash-currency', 'aria-label': t('field.currency'), onChange: () => { filter.currency = currency.value; loadAll(); } },
    ...CURRENCIES.map((c) => h('option', { value: c, selected: c === filter.currency }, c))));
  const mine = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'dash-mine', checked: filter.mine, onChange: () => { filter.mine = mine.checked; loadAll(); } }));

  for (const k of KINDS) {
    const out = (/** @type {'pdf' | 'xlsx'} */ how) => async () => {
      if (how === 'pdf') { await print(() => api.dashboardPrint(k, query())); return; }
      try { printedToast(await api.dashboardXlsx(k, query())); } catch (e) { toast(errorText(e), { kind: 'error' }); }
    };
    cards[k] = h('section', { class: `card dash-card dash-${k}`, id: `dash-${k}`, dataset: { kind: k } },
      h('header', { class: 'card-head' },
        h('h2', null, t(`dash.${k}`)),
        h('span', { class: 'muted small dash-applies' }),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'small', id: `dash-${k}-pdf`, onClick: out('pdf') }, t('dash.pdf')),
          h('button', { type: 'button', class: 'small', id: `dash-${k}-xlsx`, onClick: out('xlsx') }, t('dash.xlsx')))),
      h('div', { class: 'dash-body' }, h('p', { class: 'muted' }, t('dash.loading'))));
  }

  replace(main, h('div', { class: 'page dashboard' },
    h('header', { class: 'page-head' }, h('h1', null, t('dash.title'))),
    h('div', { class: 'dash-filters', role: 'group', 'aria-label': t('dash.filters') },
      h('label', null, h('span', null, t('dash.filter.period')), preset),
      h('span', { class: 'dash-dates' }, from, h('span', { class: 'muted' }, '–'), to),
      h('label', null, h('span', null, t('dash.filter.region')), region),
      h('label', null, h('span', null, t('dash.filter.class')), klass),
      h('label', null, h('span', null, t('field.currency')), currency),
      h('label', { class: 'check' }, mine, h('span', null, t('dash.filter.mine')))),
    status,
    h('div', { class: 'dash-grid' }, ...KINDS.map((k) => cards[k]))));
  loadAll();
  return {};
}
