// @ts-check
/**
 * The recruitment pipeline (R2.1.4) as a board and as a list. Cards move by dragging them to
 * a column or from the keyboard (Shift+→ or ] forward, Shift+← or [ back, arrows to move
 * between cards, Enter opens). The core checks each gate; a refused move says which record
 * is missing and offers to open the prospect to add it.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pager } from '../components/pager.js';
import { navigate, can, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText, gateText } from '../components/errors.js';
import { formDialog, formField } from '../components/form.js';

/** @type {api.Stage[]} */
export const BOARD_STAGES = ['application', 'screening', 'inspection', 'negotiation', 'signing'];
/** @type {api.Stage[]} */
export const ALL_STAGES = [...BOARD_STAGES, 'signed'];

/** A screening total in points (two decimals). @param {number | null | undefined} x100 */
export const points = (x100) => (x100 === null || x100 === undefined ? '—' : (x100 / 100).toFixed(2));

/** @param {number | null} pct */
const percent = (pct) => (pct === null ? '—' : `${pct}%`);

const QUERY_KEY = 'pipeline-query';

/** @returns {{ outcome: string, event_id: string, source_kind: string, stage: string, offset: number }} */
function savedQuery() {
  const blank = { outcome: 'open', event_id: '', source_kind: '', stage: '', offset: 0 };
  try { return { ...blank, ...JSON.parse(sessionStorage.getItem(QUERY_KEY) || '{}') }; } catch { return blank; }
}

/**
 * Moves a prospect, explaining a refused gate with a way to the missing record.
 * @param {string} partnerId @param {api.Stage} to @param {string} name
 * @returns {Promise<boolean>} whether it moved
 */
export async function moveProspect(partnerId, to, name) {
  try {
    await api.prospectMove(partnerId, to, '');
    toast(t('pipeline.moved', { name, stage: t(`stage.${to}`) }));
    return true;
  } catch (e) {
    if (e instanceof api.ApiError && e.code === 'gate') {
      await gateDialog(e, partnerId);
    } else {
      toast(errorText(e), { kind: 'error' });
    }
    return false;
  }
}

/** @param {api.ApiError} e @param {string} partnerId */
function gateDialog(e, partnerId) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', id: 'gate-dialog', role: 'alertdialog', 'aria-labelledby': 'gate-title' },
      h('h2', { id: 'gate-title' }, t('error.gate', { stage: t(`stage.${e.kind}`) })),
      h('ul', { id: 'gate-missing' }, ...e.fields.map((f) => h('li', { dataset: { field: f.field, rule: f.rule } }, t(`gate.${f.field}.${f.rule}`)))),
      h('p', { class: 'muted' }, t('gate.hint')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onClick: () => dlg.close() }, t('action.close')),
        h('button', { type: 'button', class: 'primary', id: 'gate-open', onClick: () => { dlg.close(); navigate(`#/partners/${encodeURIComponent(partnerId)}`); } }, t('gate.open_record'))));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(undefined); });
    document.body.appendChild(dlg);
    dlg.showModal();
    /** @type {HTMLElement} */ (dlg.querySelector('#gate-open')).focus();
  });
}

/** Asks why a prospect goes back a stage (optional) and moves it. @param {api.ProspectCard} c @param {api.Stage} to */
async function moveBack(c, to) {
  return formDialog({
    id: 'back-form',
    title: t('pipeline.back_title', { name: c.name, stage: t(`stage.${to}`) }),
    body: [formField({ name: 'reason', label: t('field.reason'), rows: 2 })],
    submitLabel: t('pipeline.back'),
    submit: async (v) => { await api.prospectMove(c.partner_id, to, v.reason); },
  });
}

/**
 * @param {HTMLElement} main
 * @param {string | undefined} sub `list` for the list, otherwise the board
 */
export async function pipelineView(main, sub) {
  const asList = sub === 'list';
  const q = savedQuery();
  const events = await api.eventsList();
  const query = { outcome: q.outcome, event_id: q.event_id || undefined, source_kind: q.source_kind || undefined };
  const [board, page] = await Promise.all([
    api.pipelineBoard(query),
    asList ? api.pipelineList({ ...query, stage: q.stage || undefined, offset: q.offset }) : Promise.resolve(/** @type {api.ProspectPage} */ ({ total: 0, size: 1, rows: [] })),
  ]);
  const cards = page.rows;
  const movable = q.outcome === 'open' && can('partner_write');
  /** @type {string | null} */
  let focusId = sessionStorage.getItem('pipeline-focus');
  sessionStorage.removeItem('pipeline-focus');

  const reload = (/** @type {string | null} */ keep) => {
    if (keep) sessionStorage.setItem('pipeline-focus', keep);
    navigate(asList ? '#/pipeline/list' : '#/pipeline');
  };
  const setQuery = (/** @type {Partial<{ outcome: string, event_id: string, source_kind: string, stage: string, offset: number }>} */ patch) => {
    sessionStorage.setItem(QUERY_KEY, JSON.stringify({ ...q, offset: 0, ...patch }));
    reload(null);
  };

  /** @param {api.ProspectCard} c @param {api.Stage} to */
  async function move(c, to) {
    const from = /** @type {api.Stage} */ (c.stage);
    if (to === from) return;
    const moved = ALL_STAGES.indexOf(to) < ALL_STAGES.indexOf(from) ? await moveBack(c, to) : await moveProspect(c.partner_id, to, c.name);
    if (moved) reload(c.partner_id);
  }

  /** @param {api.ProspectCard} c */
  function card(c) {
    const el = h('li', {
      class: 'pipe-card', tabindex: '0', draggable: movable ? 'true' : null, dataset: { id: c.partner_id, stage: c.stage },
      'aria-label': `${c.name}, ${t(`stage.${c.stage}`)}, ${t('pipeline.days', { n: c.days_in_stage })}`,
      onDragstart: (/** @type {DragEvent} */ e) => { e.dataTransfer?.setData('text/plain', c.partner_id); el.classList.add('dragging'); },
      onDragend: () => el.classList.remove('dragging'),
      onDblclick: () => navigate(`#/partners/${encodeURIComponent(c.partner_id)}`),
    },
      h('a', { class: 'pipe-name', href: `#/partners/${encodeURIComponent(c.partner_id)}`, tabindex: '-1' }, c.name),
      h('div', { class: 'pipe-meta' },
        c.contact && h('span', null, c.contact),
        c.score_x100 !== null && h('span', { class: 'badge', title: t('pipeline.score') }, points(c.score_x100))),
      h('div', { class: 'pipe-meta muted small' },
        h('span', { class: c.days_in_stage >= 30 ? 'overdue' : '' }, t('pipeline.days', { n: c.days_in_stage })),
        c.event_name && h('span', { class: 'pipe-event' }, c.event_name)));
    return el;
  }

  const cardsById = new Map(board.columns.flatMap((col) => col.cards.map((c) => [c.partner_id, c])));
  const boardEl = h('div', { class: 'board', id: 'pipeline-board', role: 'list' },
    ...board.columns.map((col, i) => {
      const list = h('ol', { class: 'pipe-cards' }, ...col.cards.map(card));
      const column = h('section', {
        class: 'pipe-column', dataset: { stage: col.stage }, role: 'listitem', 'aria-label': t(`stage.${col.stage}`),
        onDragover: (/** @type {DragEvent} */ e) => { if (movable) { e.preventDefault(); column.classList.add('drop'); } },
        onDragleave: () => column.classList.remove('drop'),
        onDrop: (/** @type {DragEvent} */ e) => {
          e.preventDefault();
          column.classList.remove('drop');
          const c = cardsById.get(e.dataTransfer?.getData('text/plain') || '');
          if (c) move(c, col.stage);
        },
      },
        h('header', null,
          h('h2', null, h('span', { class: 'step' }, String(i + 1)), t(`stage.${col.stage}`), h('span', { class: 'badge count' }, String(col.count))),
          h('div', { class: 'muted small' }, t('pipeline.ages', { avg: col.avg_days, max: col.max_days })),
          i < BOARD_STAGES.length && h('div', { class: 'small conv' }, t('pipeline.conversion', { pct: percent(col.conversion_pct) }))),
        list,
        col.count > col.cards.length && h('a', { class: 'small more', href: '#/pipeline/list', dataset: { more: col.stage },
          onClick: (/** @type {Event} */ e) => { e.preventDefault(); sessionStorage.setItem(QUERY_KEY, JSON.stringify({ ...q, stage: col.stage, offset: 0 })); navigate('#/pipeline/list'); } },
          t('pipeline.more', { n: col.count - col.cards.length })));
      return column;
    }));

  const listEl = h('table', { class: 'grid', id: 'pipeline-list' },
    h('thead', null, h('tr', null, ...['company_name', 'stage', 'days', 'score', 'event', 'contact', 'captured_by'].map((k) => h('th', { scope: 'col' }, t(`pipeline.col.${k}`))))),
    h('tbody', null, ...cards.map((c) => h('tr', { tabindex: '0', dataset: { id: c.partner_id }, onClick: () => navigate(`#/partners/${encodeURIComponent(c.partner_id)}`) },
      h('td', { class: 'name-cell' }, h('a', { class: 'partner-link', href: `#/partners/${encodeURIComponent(c.partner_id)}` }, c.name)),
      h('td', null, t(`stage.${c.stage}`)),
      h('td', { class: c.days_in_stage >= 30 ? 'overdue' : '' }, String(c.days_in_stage)),
      h('td', null, points(c.score_x100)),
      h('td', null, c.event_name || ''),
      h('td', null, c.contact || ''),
      h('td', null, c.captured_by_name || '')))));

  const eventSelect = h('select', { id: 'pipeline-event', 'aria-label': t('field.event'), onChange: () => setQuery({ event_id: eventSelect.value }) },
    h('option', { value: '' }, t('pipeline.all_events')),
    ...events.map((e) => h('option', { value: e.id, selected: e.id === q.event_id }, `${e.name} (${e.starts_on})`)));
  const sourceSelect = h('select', { id: 'pipeline-source', 'aria-label': t('field.source_kind'), onChange: () => setQuery({ source_kind: sourceSelect.value }) },
    h('option', { value: '' }, t('pipeline.all_source_kinds')),
    ...['online', 'offline_event', 'referral', 'other'].map((k) => h('option', { value: k, selected: k === q.source_kind }, t(`source.${k}`))));
  const stageSelect = h('select', { id: 'pipeline-stage', 'aria-label': t('pipeline.col.stage'), onChange: () => setQuery({ stage: stageSelect.value }) },
    h('option', { value: '' }, t('pipeline.all_stages')),
    ...ALL_STAGES.map((st) => h('option', { value: st, selected: st === q.stage }, t(`stage.${st}`))));
  const outcomeSelect = h('select', { id: 'pipeline-outcome', 'aria-label': t('pipeline.outcome'), onChange: () => setQuery({ outcome: outcomeSelect.value }) },
    ...['open', 'rejected', 'signed'].map((o) => h('option', { value: o, selected: o === q.outcome }, t(`outcome.${o}`))));

  replace(main, h('div', { class: 'page wide' },
    h('header', { class: 'page-head' },
      h('h1', null, t('pipeline.title')),
      h('nav', { class: 'seg', 'aria-label': t('pipeline.view') },
        h('a', { href: '#/pipeline', class: asList ? '' : 'active', id: 'pipeline-as-board' }, t('pipeline.board')),
        h('a', { href: '#/pipeline/list', class: asList ? 'active' : '', id: 'pipeline-as-list' }, t('pipeline.list'))),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/pipeline/scheme', id: 'pipeline-scheme' }, t('scheme.title')),
        can('partner_write') && h('a', { class: 'button primary', href: '#/partners/new' }, t('partners.new')))),
    h('div', { class: 'filters' }, eventSelect, sourceSelect, asList && stageSelect, outcomeSelect,
      h('span', { class: 'summary', id: 'pipeline-summary' },
        t('pipeline.summary', { signed: board.signed, rejected: board.rejected, pct: percent(board.overall_pct) }))),
    movable && !asList && h('p', { class: 'muted small' }, t('pipeline.keys')),
    asList ? listEl : boardEl,
    asList && page.total > 0 && pager({ total: page.total, offset: q.offset, size: page.size, shown: cards.length, id: 'pipeline-pager',
      onGo: (offset) => setQuery({ stage: q.stage, offset }) })));

  const focusCard = (/** @type {string | null} */ id) => {
    const el = id ? /** @type {HTMLElement | null} */ (main.querySelector(`.pipe-card[data-id="${CSS.escape(id)}"]`)) : null;
    (el || /** @type {HTMLElement | null} */ (main.querySelector('.pipe-card')))?.focus();
  };
  if (!asList) focusCard(focusId);

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if (asList || isTyping(e)) return false;
      const el = /** @type {HTMLElement} */ (document.activeElement);
      if (!el?.classList?.contains('pipe-card')) return false;
      const c = cardsById.get(el.dataset.id || '');
      if (!c) return false;
      const col = BOARD_STAGES.indexOf(/** @type {api.Stage} */ (c.stage));
      if (e.key === 'Enter') { navigate(`#/partners/${encodeURIComponent(c.partner_id)}`); return true; }
      if (movable && (e.key === ']' || (e.shiftKey && e.key === 'ArrowRight'))) { move(c, ALL_STAGES[col + 1]); return true; }
      if (movable && (e.key === '[' || (e.shiftKey && e.key === 'ArrowLeft')) && col > 0) { move(c, BOARD_STAGES[col - 1]); return true; }
      const siblings = /** @type {HTMLElement[]} */ ([...(el.parentElement?.children || [])]);
      const idx = siblings.indexOf(el);
      if (e.key === 'ArrowDown') { siblings[idx + 1]?.focus(); return true; }
      if (e.key === 'ArrowUp') { siblings[idx - 1]?.focus(); return true; }
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const columns = [...main.querySelectorAll('.pipe-column')];
        for (let k = col + (e.key === 'ArrowRight' ? 1 : -1); k >= 0 && k < columns.length; k += e.key === 'ArrowRight' ? 1 : -1) {
          const cardsIn = /** @type {HTMLElement[]} */ ([...columns[k].querySelectorAll('.pipe-card')]);
          if (cardsIn.length) { cardsIn[Math.min(idx, cardsIn.length - 1)].focus(); break; }
        }
        return true;
      }
      return false;
    },
  };
}
