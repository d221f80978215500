// @ts-check
/**
 * Evaluation and classification (R2.2.1–R2.2.3): the list with the annual round and the
 * portfolio report, one evaluation (scoring with evidence, the live total and class,
 * finishing, measures, the report), the evaluation scheme, and the special evaluation started
 * from a partner's page.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, session } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText, showFieldErrors, clearFieldErrors, fieldLabel, ruleMessage } from '../components/errors.js';
import { formDialog, formField, today } from '../components/form.js';
import { print } from '../components/print.js';
import { confirmDialog } from '../components/dialog.js';
import { pager } from '../components/pager.js';

export const DIMENSIONS = ['results', 'marketing', 'service', 'compliance', 'stability'];
const TRIGGERS = ['major_problem', 'breach', 'market_change'];

/** `8550` → `85.50`. @param {number | null | undefined} x100 */
export const points = (x100) => (x100 === null || x100 === undefined ? '—' : (x100 / 100).toFixed(2));

/** @param {string | null | undefined} c */
export function classBadge(c) {
  return c ? h('span', { class: `badge class-${c}`, dataset: { class: c } }, t('evaluation.class_n', { c })) : h('span', { class: 'muted' }, '—');
}

export const evaluationHref = (/** @type {string} */ id) => `#/evaluations/${encodeURIComponent(id)}`;


/** A special evaluation of a partner (R2.2.2). @param {{ id: string, name: string }} partner */
export async function specialDialog(partner) {
  /** @type {api.Evaluation | null} */
  let made = null;
  await formDialog({
    id: 'special-form', title: t('evaluation.special_title', { name: partner.name }), intro: t('evaluation.special_intro'),
    body: [
      formField({ name: 'trigger', label: t('evaluation.trigger'), required: true, value: '', wide: true,
        options: [['', '—'], ...TRIGGERS.map((x) => /** @type {[string, string]} */ ([x, t(`evaluation.trigger.${x}`)]))] }),
      formField({ name: 'reason', label: t('evaluation.reason'), rows: 3, required: true }),
    ],
    submitLabel: t('evaluation.start_special'),
    submit: async (v) => { made = await api.evaluationSpecial({ partner_id: partner.id, trigger: v.trigger, reason: v.reason }); },
  });
  if (made) navigate(evaluationHref(/** @type {api.Evaluation} */ (made).id));
}

/** The portfolio of a period: PDF or CSV. */
async function portfolioDialog() {
  const year = new Date().getFullYear();
  let mode = 'pdf';
  await formDialog({
    id: 'portfolio-form', title: t('portfolio.title'), intro: t('portfolio.intro'),
    body: [
      formField({ name: 'from', label: t('portfolio.from'), type: 'date', required: true, value: `${year}-01-01` }),
      formField({ name: 'to', label: t('portfolio.to'), type: 'date', required: true, value: today() }),
      h('div', { class: 'field wide' }, h('button', { type: 'submit', id: 'portfolio-csv', onClick: () => { mode = 'csv'; } }, t('portfolio.csv'))),
    ],
    submitLabel: t('portfolio.pdf'),
    submit: async (v) => {
      /** @type {api.PeriodInput} */
      const period = { from: v.from, to: v.to };
      if (mode === 'csv') {
        mode = 'pdf';
        const header = ['partner', 'evaluation', 'total', 'class', 'previous', 'finished'].map((k) => t(`portfolio.col.${k}`));
        const n = await api.portfolioCsv(period, { header });
        if (n !== null) toast(t('portfolio.exported', { n }));
        return;
      }
      await print(() => api.portfolioPrint(period));
    },
  });
}

/** @param {HTMLElement} main */
export async function evaluationsView(main) {
  const saved = JSON.parse(sessionStorage.getItem('evaluations-query') || '{}');
  /** @type {Partial<api.EvaluationQuery>} */
  const q = { status: saved.status ?? 'open', kind: saved.kind || '', text: saved.text || '', offset: 0 };
  const slot = h('div', { id: 'evaluations-slot' });
  const load = async () => {
    sessionStorage.setItem('evaluations-query', JSON.stringify(q));
    const page = await api.evaluationList(q);
    replace(slot,
      h('p', { class: 'muted small', id: 'evaluations-count' }, t('evaluations.count', { n: page.total })),
      page.rows.length
        ? h('table', { class: 'grid', id: 'evaluations-table' },
            h('thead', null, h('tr', null, ...['partner', 'evaluation', 'status', 'evaluators', 'total', 'class', 'finished'].map((k) => h('th', { scope: 'col' }, t(`evaluation.col.${k}`))))),
            h('tbody', null, ...page.rows.map((r) => h('tr', { dataset: { id: r.id, status: r.status }, onClick: () => navigate(evaluationHref(r.id)) },
              h('td', { class: 'name-cell' }, h('a', { class: 'partner-link', href: evaluationHref(r.id) }, r.partner_name)),
              h('td', null, r.kind === 'special' ? t('evaluation.special_of', { trigger: t(`evaluation.trigger.${r.trigger}`), on: r.period }) : t('evaluation.annual_of', { year: r.period })),
              h('td', null, h('span', { class: `badge evaluation-${r.status}` }, t(`evaluation.status.${r.status}`))),
              h('td', { class: 'num' }, String(r.evaluators)),
              h('td', { class: 'num' }, points(r.total_x100)),
              h('td', null, r.class ? classBadge(r.class) : ''),
              h('td', { class: 'when' }, r.finished_at ? formatTime(r.finished_at) : '')))))
        : h('div', { class: 'empty card' }, h('p', null, t('evaluations.none'))),
      page.total > 0 && pager({ total: page.total, offset: q.offset || 0, size: page.size, shown: page.rows.length, id: 'evaluations-pager',
        onGo: (offset) => { q.offset = offset; load(); } }));
  };
  const select = (/** @type {'status' | 'kind'} */ key, /** @type {string[]} */ values) => h('select', { id: `evaluations-${key}`, 'aria-label': t(`evaluation.col.${key === 'kind' ? 'evaluation' : key}`),
    onChange: (/** @type {Event} */ e) => { q[key] = /** @type {HTMLSelectElement} */ (e.target).value; q.offset = 0; load(); } },
    h('option', { value: '' }, t(`evaluations.any_${key}`)),
    ...values.map((v) => h('option', { value: v, selected: q[key] === v }, t(`evaluation.${key}.${v}`))));
  const round = async () => {
    const year = new Date().getFullYear();
    /** @type {api.RoundSummary | null} */
    let done = null;
    await formDialog({
      id: 'round-form', title: t('evaluation.round_title'), intro: t('evaluation.round_intro'),
      body: [formField({ name: 'year', label: t('evaluation.year'), type: 'number', required: true, value: year })],
      submitLabel: t('evaluation.round_start'),
      submit: async (v) => { done = await api.evaluationRound(Number(v.year) || 0); },
    });
    if (done) {
      const d = /** @type {api.RoundSummary} */ (done);
      toast(t('evaluation.round_done', { n: d.created, existing: d.existing, year: d.period }));
      load();
    }
  };
  let timer = 0;
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('evaluations.title')),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/evaluations/scheme', id: 'evaluation-scheme' }, t('evaluation.scheme')),
        h('button', { type: 'button', id: 'portfolio-open', onClick: portfolioDialog }, t('portfolio.title')),
        can('evaluation_run') && h('button', { type: 'button', class: 'primary', id: 'evaluation-round', onClick: round }, t('evaluation.round_title')))),
    h('div', { class: 'toolbar' },
      h('input', { type: 'search', class: 'search', id: 'evaluations-search', value: q.text, placeholder: t('evaluations.search'),
        onInput: (/** @type {Event} */ e) => { q.text = /** @type {HTMLInputElement} */ (e.target).value; q.offset = 0; clearTimeout(timer); timer = window.setTimeout(load, 200); } }),
      h('div', { class: 'filters' }, select('status', ['open', 'finished']), select('kind', ['periodic', 'special']))),
    slot));
  await load();
  return {};
}

/** @param {HTMLElement} main @param {string} id */
export async function evaluationView(main, id) {
  const [e, users] = await Promise.all([api.evaluationGet(id), api.usersList()]);
  const me = session.info?.user;
  const open = e.status === 'open';
  // Scoring and finishing while its life cycle offers finishing (src/machines).
  const mayScore = e.actions.includes('finish');
  const r = e.result;
  const reload = () => navigate(evaluationHref(id));
  const act = async (/** @type {() => Promise<unknown>} */ fn, /** @type {string} */ done) => {
    try { await fn(); if (done) toast(done); reload(); } catch (err) { toast(errorText(err), { kind: 'error' }); }
  };
  const mine = new Map(e.scores.filter((s) => s.evaluator_id === me?.id).map((s) => [s.indicator, s]));
  const form = /** @type {HTMLFormElement} */ (h('form', { id: 'score-form', novalidate: true }));
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const rows = e.scheme.indicators.map((ind, i) => {
    const my = mine.get(ind.key);
    // What the records say (R1.4): filled in until the evaluator has scored it themselves.
    const fig = e.figures.find((f) => f.indicator === ind.key);
    const fill = my ? null : fig;
    const others = e.scores.filter((s) => s.indicator === ind.key && s.evaluator_id !== me?.id);
    const res = r.indicators.find((x) => x.key === ind.key);
    const input = ind.kind === 'ratio'
      ? h('div', { class: 'ratio' },
          h('input', { type: 'number', min: '0', step: '1', name: `actual.${i}`, value: my?.actual ?? fill?.actual ?? '', placeholder: t('evaluation.actual'), 'aria-label': t('evaluation.actual'), dataset: { field: `scores.${i}.actual` } }),
          ' / ',
          h('input', { type: 'number', min: '1', step: '1', name: `target.${i}`, value: my?.target ?? fill?.target ?? '', placeholder: t('evaluation.target'), 'aria-label': t('evaluation.target'), dataset: { field: `scores.${i}.target` } }))
      : h('select', { name: `score.${i}`, 'aria-label': ind.label, dataset: { field: `scores.${i}.score` } },
          h('option', { value: '' }, '—'),
          ...ind.bands.map((b) => h('option', { value: String(b.score), selected: (my ? my.score : fill?.score) === b.score }, `${b.score} · ${b.label}`)));
    return h('tr', { dataset: { indicator: ind.key } },
      h('td', null, t(`dimension.eval.${ind.dimension}`)),
      h('td', null, h('strong', null, ind.label), h('div', { class: 'muted small' }, t(ind.kind === 'ratio' ? 'evaluation.kind.ratio' : 'evaluation.kind.bands'))),
      h('td', { class: 'num' }, String(ind.weight)),
      mayScore
        ? h('td', { class: 'score-cell' }, input,
            fig && h('div', { class: 'figure-hint small', dataset: { figure: ind.key } }, h('span', { class: 'badge source-records' }, t('evaluation.source.records')), ' ', fig.evidence),
            h('div', { class: 'field-error', dataset: { for: `scores.${i}.score` } }),
            h('div', { class: 'field-error', dataset: { for: `scores.${i}.actual` } }),
            h('div', { class: 'field-error', dataset: { for: `scores.${i}.target` } }),
            h('textarea', { rows: '2', name: `evidence.${i}`, placeholder: t('evaluation.evidence'), 'aria-label': t('evaluation.evidence'), dataset: { field: `scores.${i}.evidence` } }, my?.evidence || fill?.evidence || ''),
            h('div', { class: 'field-error', dataset: { for: `scores.${i}.evidence` } }))
        : null,
      h('td', { class: 'small' }, ...(mayScore ? others : e.scores.filter((s) => s.indicator === ind.key)).map((s) =>
        h('div', null, h('strong', null, `${s.score}`), ` ${s.evaluator_name || ''}`, s.actual !== null ? ` (${s.actual}/${s.target})` : '',
          ' ', h('span', { class: `badge source-${s.source}`, dataset: { source: s.source } }, t(`evaluation.source.${s.source}`)), h('div', { class: 'muted' }, s.evidence)))),
      h('td', { class: 'num' }, points(res?.score_x100)));
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    box.hidden = true;
    const v = Object.fromEntries(new FormData(form));
    /** @type {api.ScoreInput[]} */
    const scores = [];
    e.scheme.indicators.forEach((ind, i) => {
      const evidence = String(v[`evidence.${i}`] || '');
      const score = String(v[`score.${i}`] || '');
      const actual = String(v[`actual.${i}`] || '');
      const target = String(v[`target.${i}`] || '');
      if (!evidence && !score && !actual && !target) return;
      scores.push({ indicator: ind.key, score: score ? Number(score) : null, actual: actual ? Number(actual) : null, target: target ? Number(target) : null, evidence });
    });
    // Errors name the position in what was sent: map them back to the rows.
    const sentIndex = scores.map((s) => e.scheme.indicators.findIndex((x) => x.key === s.indicator));
    try {
      await api.evaluationScore(id, scores);
      toast(t('evaluation.scores_saved'));
      reload();
    } catch (err) {
      if (err instanceof api.ApiError && err.code === 'validation') {
        const fields = err.fields.map((f) => ({ ...f, field: f.field.replace(/^scores\.(\d+)/, (_, n) => `scores.${sentIndex[Number(n)]}`) }));
        const rest = showFieldErrors(form, fields);
        if (rest.length) { box.hidden = false; replace(box, rest.map((f) => `${fieldLabel(f.field)}: ${ruleMessage(f)}`).join('；')); }
      } else { box.hidden = false; replace(box, errorText(err)); }
    }
  });
  replace(form,
    box,
    h('table', { class: 'grid compact score-table', id: 'score-table' },
      h('thead', null, h('tr', null, ...['dimension', 'indicator', 'weight', mayScore ? 'my_score' : null, mayScore ? 'others' : 'scores', 'average'].filter(Boolean).map((k) => h('th', { scope: 'col' }, t(`evaluation.col.${k}`))))),
      h('tbody', null, ...rows)),
    mayScore && h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'scores-save' }, t('evaluation.save_scores'), h('kbd', null, 'Ctrl+S'))));

  const finish = async () => {
    const ok = await confirmDialog({ title: t('evaluation.finish_title'), body: [t('evaluation.finish_body', { total: points(r.total_x100), c: r.class || '—' })], confirm: t('evaluation.finish') });
    if (ok) act(() => api.evaluationFinish(id), t('evaluation.finished_toast'));
  };
  const addMeasure = async () => {
    const ok = await formDialog({
      id: 'measure-form', title: t('measure.title'),
      body: [
        formField({ name: 'action', label: t('measure.action'), rows: 2, required: true }),
        formField({ name: 'owner_id', label: t('measure.owner'), required: true, value: me?.id || '', options: users.map((u) => [u.id, u.display_name]) }),
        formField({ name: 'due_on', label: t('measure.due_on'), type: 'date', required: true }),
      ],
      submitLabel: t('action.save'),
      submit: async (v) => { await api.evaluationMeasureAdd(id, { action: v.action, owner_id: v.owner_id, due_on: v.due_on }); },
    });
    if (ok) reload();
  };
  const prev = e.previous;
  const change = prev
    ? t('evaluation.change', { period: prev.kind === 'special' ? prev.period : t('evaluation.annual_of', { year: prev.period }), total: points(prev.total_x100), c: prev.class || '—', delta: ((r.total_x100 - (prev.total_x100 || 0)) / 100).toFixed(2) })
    : t('evaluation.no_previous');
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/evaluations' }, t('evaluations.title')), ' / ', h('a', { href: `#/partners/${encodeURIComponent(e.partner_id)}` }, e.partner_name), ' / '),
    h('header', { class: 'page-head' },
      h('h1', { id: 'evaluation-title' }, e.partner_name),
      h('span', { class: 'badge' }, e.kind === 'special' ? t('evaluation.special_of', { trigger: t(`evaluation.trigger.${e.trigger}`), on: e.period }) : t('evaluation.annual_of', { year: e.period })),
      h('span', { class: `badge evaluation-${e.status}` }, t(`evaluation.status.${e.status}`)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'evaluation-print', onClick: () => print(() => api.evaluationPrint(id)) }, t('evaluation.print')),
        mayScore && h('button', { type: 'button', class: 'primary', id: 'evaluation-finish', onClick: finish }, t('evaluation.finish')))),
    e.reason && h('p', { class: 'muted' }, t('evaluation.reason_line', { reason: e.reason })),
    h('section', { class: 'card result-card', id: 'evaluation-result' },
      h('div', { class: 'stats' },
        h('div', { class: 'stat-card' }, h('div', { class: 'stat-value', id: 'evaluation-total' }, points(r.total_x100)), h('div', { class: 'muted small' }, t(open ? 'evaluation.total_live' : 'evaluation.total'))),
        h('div', { class: 'stat-card' }, h('div', { class: 'stat-value', id: 'evaluation-class' }, r.class || '—'), h('div', { class: 'muted small' }, t('evaluation.class'))),
        h('div', { class: 'stat-card' }, h('div', { class: 'stat-value' }, String(r.evaluators.length)), h('div', { class: 'muted small' }, t('evaluation.col.evaluators')))),
      h('div', { class: 'funnel', id: 'evaluation-dimensions' }, ...r.dimensions.map((d) => {
        const bar = h('span');
        bar.style.width = `${Math.round(d.score_x100 / 100)}%`;
        return h('div', { class: 'funnel-row', dataset: { dimension: d.dimension } },
          h('span', { class: 'funnel-label' }, `${t(`dimension.eval.${d.dimension}`)} ${d.weight}%`),
          h('span', { class: 'funnel-bar' }, bar),
          h('span', { class: 'funnel-n' }, points(d.score_x100)));
      })),
      h('p', { class: 'muted', id: 'evaluation-change' }, change),
      open && r.unscored.length > 0 && h('p', { class: 'warn-box', id: 'evaluation-unscored' }, t('evaluation.unscored', { n: r.unscored.length })),
      h('p', { class: 'muted small' }, t('evaluation.scheme_line', { name: e.scheme.name, v: e.scheme.version, evaluators: r.evaluators.join('、') || '—' }))),
    h('section', { class: 'card' }, h('h2', null, t('evaluation.scores')), form),
    (e.kind === 'special' || e.measures.length > 0) && h('section', { class: 'card', id: 'evaluation-measures' },
      h('h2', null, t('measure.heading', { n: e.measures.length })),
      e.measures.length
        ? h('ul', { class: 'checklist' }, ...e.measures.map((m) => h('li', { dataset: { done: String(Boolean(m.done_on)) } },
            h('label', { class: 'check' },
              h('input', { type: 'checkbox', checked: Boolean(m.done_on), disabled: !m.actions.includes(m.done_on ? 'reopen' : 'done'),
                onChange: (/** @type {Event} */ ev) => act(() => api.evaluationMeasureDone(m.id, /** @type {HTMLInputElement} */ (ev.target).checked ? today() : ''), '') }),
              m.action),
            h('span', { class: 'muted small' }, t('measure.line', { owner: m.owner_name || '', due: m.due_on, done: m.done_on || '—' })))))
        : h('p', { class: 'muted' }, t('measure.none')),
      can('evaluation_run') && h('button', { type: 'button', id: 'measure-add', onClick: addMeasure }, t('measure.add')))));
  return {
    onKey: (/** @type {KeyboardEvent} */ ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 's' && mayScore) { ev.preventDefault(); form.requestSubmit(); return true; }
      return false;
    },
  };
}

/**
 * The evaluation scheme (R2.2.1, R1.2): the version in force and earlier ones; managers save
 * a new version (indicators, weights, scoring bands, class bands, consequences).
 * @param {HTMLElement} main
 */
export async function evaluationSchemeView(main) {
  const versions = await api.evaluationSchemeVersions();
  const cur = versions[0];
  const editable = can('evaluation_scheme_manage');
  const rows = h('tbody', { id: 'eval-scheme-rows' });
  const total = h('span', { id: 'eval-scheme-total', class: 'badge' });
  const refresh = () => {
    const sum = [...rows.querySelectorAll('input[name=weight]')].reduce((n, el) => n + (Number(/** @type {HTMLInputElement} */ (el).value) || 0), 0);
    replace(total, t('scheme.total', { n: sum }));
    total.className = `badge ${sum === 100 ? 'ok' : 'warn'}`;
  };
  /** @param {api.Indicator | null} ind */
  const row = (ind) => {
    const i = rows.children.length;
    const tr = h('tr', null,
      h('td', null, h('select', { name: 'dimension', 'aria-label': t('evaluation.col.dimension'), dataset: { field: `indicators.${i}.dimension` } },
        ...DIMENSIONS.map((d) => h('option', { value: d, selected: ind?.dimension === d }, t(`dimension.eval.${d}`))))),
      h('td', null,
        h('input', { type: 'text', name: 'label', value: ind?.label || '', 'aria-label': t('evaluation.col.indicator'), dataset: { field: `indicators.${i}.label` } }),
        h('input', { type: 'hidden', name: 'key', value: ind?.key || '' }),
        h('div', { class: 'field-error', dataset: { for: `indicators.${i}.label` } })),
      h('td', null, h('input', { type: 'number', name: 'weight', min: '1', max: '100', class: 'num', value: String(ind?.weight ?? 5), 'aria-label': t('evaluation.col.weight'), onInput: refresh, dataset: { field: `indicators.${i}.weight` } })),
      h('td', null, h('select', { name: 'kind', 'aria-label': t('evaluation.standard'),
        onChange: (/** @type {Event} */ ev) => { /** @type {HTMLTextAreaElement} */ (tr.querySelector('[name=bands]')).disabled = /** @type {HTMLSelectElement} */ (ev.target).value === 'ratio'; } },
        h('option', { value: 'bands', selected: ind?.kind !== 'ratio' }, t('evaluation.kind.bands')),
        h('option', { value: 'ratio', selected: ind?.kind === 'ratio' }, t('evaluation.kind.ratio')))),
      h('td', null, h('textarea', { name: 'bands', rows: '3', disabled: ind?.kind === 'ratio', 'aria-label': t('evaluation.bands_hint'), placeholder: t('evaluation.bands_hint'), dataset: { field: `indicators.${i}.bands` } },
        (ind?.bands || []).map((b) => `${b.score} ${b.label}`).join('\n')),
        h('div', { class: 'field-error', dataset: { for: `indicators.${i}.bands` } })),
      h('td', null, h('button', { type: 'button', class: 'link danger', onClick: () => { tr.remove(); refresh(); } }, t('action.remove'))));
    rows.appendChild(tr);
  };
  for (const ind of cur.indicators) row(ind);
  const band = (/** @type {string} */ c) => cur.class_bands.find((b) => b.class === c);
  const minB = h('input', { type: 'number', id: 'band-b', min: '1', max: '99', class: 'num', value: String(band('B')?.min ?? 60) });
  const minA = h('input', { type: 'number', id: 'band-a', min: '1', max: '99', class: 'num', value: String(band('A')?.min ?? 85) });
  const consequence = (/** @type {string} */ c, /** @type {'warning' | 'renewal_approval'} */ k) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `${k}.${c}`, checked: Boolean(cur.consequences[c]?.[k]) }), t(`evaluation.consequence.${k}`));
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const form = h('form', { id: 'eval-scheme-form', novalidate: true, onSubmit: async (/** @type {Event} */ ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    box.hidden = true;
    [...rows.children].forEach((tr, i) => {
      for (const el of /** @type {NodeListOf<HTMLElement>} */ (tr.querySelectorAll('[data-field]'))) el.dataset.field = (el.dataset.field || '').replace(/^indicators\.\d+/, `indicators.${i}`);
      for (const el of /** @type {NodeListOf<HTMLElement>} */ (tr.querySelectorAll('[data-for]'))) el.dataset.for = (el.dataset.for || '').replace(/^indicators\.\d+/, `indicators.${i}`);
    });
    const val = (/** @type {Element} */ tr, /** @type {string} */ n) => /** @type {HTMLInputElement} */ (tr.querySelector(`[name=${n}]`)).value;
    const b = Number(/** @type {HTMLInputElement} */ (minB).value) || 0;
    const a = Number(/** @type {HTMLInputElement} */ (minA).value) || 0;
    /** @type {Record<string, api.Consequence>} */
    const consequences = {};
    for (const c of ['A', 'B', 'C']) {
      consequences[c] = {
        warning: /** @type {HTMLInputElement} */ (form.querySelector(`[name="warning.${c}"]`)).checked,
        renewal_approval: /** @type {HTMLInputElement} */ (form.querySelector(`[name="renewal_approval.${c}"]`)).checked,
      };
    }
    /** @type {api.EvaluationSchemeInput} */
    const input = {
      name: /** @type {HTMLInputElement} */ (form.querySelector('#eval-scheme-name')).value,
      indicators: [...rows.children].map((tr) => ({
        key: val(tr, 'key'), dimension: val(tr, 'dimension'), label: val(tr, 'label'), weight: Number(val(tr, 'weight')) || 0, kind: val(tr, 'kind'),
        bands: val(tr, 'kind') === 'ratio' ? [] : val(tr, 'bands').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const m = l.match(/^(\d+)\s*[·.:：、\s]\s*(.*)$/);
          return m ? { score: Number(m[1]), label: m[2].trim() } : { score: 0, label: l };
        }),
      })),
      class_bands: [{ class: 'C', min: 0, max: b }, { class: 'B', min: b, max: a }, { class: 'A', min: a, max: 100 }],
      consequences,
    };
    try {
      const saved = await api.evaluationSchemeSave(input);
      toast(t('scheme.saved', { version: saved.version }));
      navigate('#/evaluations/scheme');
    } catch (err) {
      if (err instanceof api.ApiError && err.code === 'validation') {
        const rest = showFieldErrors(form, err.fields);
        if (rest.length) { box.hidden = false; replace(box, rest.map((f) => `${fieldLabel(f.field)}: ${ruleMessage(f)}`).join('；')); }
      } else { box.hidden = false; replace(box, errorText(err)); }
    }
  } },
    box,
    h('div', { class: 'field' }, h('label', { for: 'eval-scheme-name' }, t('scheme.name')), h('input', { type: 'text', id: 'eval-scheme-name', value: cur.name })),
    h('table', { class: 'grid compact scheme-table' },
      h('thead', null, h('tr', null, ...['dimension', 'indicator', 'weight', 'standard', 'bands', ''].map((k) => h('th', { scope: 'col' }, k && t(k === 'standard' ? 'evaluation.standard' : k === 'bands' ? 'evaluation.bands' : `evaluation.col.${k}`))))),
      rows),
    h('div', { class: 'inline-form' },
      h('button', { type: 'button', id: 'eval-scheme-add', onClick: () => { row(null); refresh(); } }, t('scheme.add')), total),
    h('h3', null, t('evaluation.class_bands')),
    h('div', { class: 'inline-form', id: 'class-bands' },
      h('span', null, t('evaluation.band_line_c')), h('label', { for: 'band-b' }, t('evaluation.band_b')), minB,
      h('label', { for: 'band-a' }, t('evaluation.band_a')), minA),
    h('h3', null, t('evaluation.consequences')),
    h('table', { class: 'grid compact' }, h('tbody', null, ...['A', 'B', 'C'].map((c) => h('tr', null, h('th', null, classBadge(c)), h('td', null, consequence(c, 'warning')), h('td', null, consequence(c, 'renewal_approval')))))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'eval-scheme-save' }, t('scheme.save_version'))));
  refresh();
  const readOnly = h('table', { class: 'grid compact' },
    h('thead', null, h('tr', null, ...['dimension', 'indicator', 'weight', 'bands'].map((k) => h('th', { scope: 'col' }, t(k === 'bands' ? 'evaluation.bands' : `evaluation.col.${k}`))))),
    h('tbody', null, ...cur.indicators.map((i) => h('tr', null, h('td', null, t(`dimension.eval.${i.dimension}`)), h('td', null, i.label), h('td', { class: 'num' }, String(i.weight)),
      h('td', { class: 'small' }, i.kind === 'ratio' ? t('evaluation.kind.ratio') : i.bands.map((b) => `${b.score} ${b.label}`).join('；'))))));
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/evaluations' }, t('evaluations.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, t('evaluation.scheme')),
      h('span', { class: 'badge', id: 'eval-scheme-version' }, t('scheme.version', { v: cur.version })),
      h('span', { class: 'muted small' }, cur.class_bands.map((b) => `${b.class} ${b.min}–${b.max}`).join(' · '))),
    h('p', { class: 'muted' }, t('evaluation.scheme_intro')),
    h('section', { class: 'card' }, editable ? form : readOnly),
    versions.length > 1 && h('section', { class: 'card' }, h('h2', null, t('scheme.history')),
      h('ul', { class: 'plain' }, ...versions.map((v) => h('li', null, `v${v.version} · ${v.name} · ${formatTime(v.created_at)}`))))));
  return {};
}

/**
 * The partner's class, what it entails, its class history and evaluations, for the partner page.
 * @param {{ id: string, name: string }} partner @param {api.PartnerStanding} s
 */
export function standingSection(partner, s) {
  return h('section', { class: 'card', id: 'partner-standing' },
    h('header', { class: 'card-head' },
      h('h2', null, t('standing.heading')), classBadge(s.class),
      h('div', { class: 'actions' }, can('evaluation_run') && h('button', { type: 'button', class: 'small', id: 'partner-special', onClick: () => specialDialog(partner) }, t('evaluation.start_special')))),
    s.consequence.warning && h('div', { class: 'warn-box', id: 'class-warning' }, t('standing.warning', { c: s.class || '' }), s.consequence.renewal_approval && ` ${t('standing.renewal_approval')}`),
    s.history.length
      ? h('ol', { class: 'history compact', id: 'class-history' }, ...s.history.map((c) => h('li', null,
          h('div', null, h('strong', null, `${c.from_class || '—'} → ${c.to_class || '—'}`), ' · ', c.reason, ' · ', c.by_name || '', ' · ', h('span', { class: 'muted' }, formatTime(c.created_at))))))
      : h('p', { class: 'muted' }, t('standing.none')),
    s.evaluations.length > 0 && h('ul', { class: 'plain' }, ...s.evaluations.map((r) => h('li', null,
      h('a', { href: evaluationHref(r.id) }, r.kind === 'special' ? t('evaluation.special_of', { trigger: t(`evaluation.trigger.${r.trigger}`), on: r.period }) : t('evaluation.annual_of', { year: r.period })),
      ' ', h('span', { class: `badge evaluation-${r.status}` }, t(`evaluation.status.${r.status}`)), ' ', r.class ? classBadge(r.class) : '', r.total_x100 !== null ? ` ${points(r.total_x100)}` : ''))));
}
