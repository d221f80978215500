// @ts-check
/**
 * Trade shows and business events (R2.1.3): the list, a new or changed event, and after the
 * show its summary (leads, stages reached, screening scores, conversions) with a CSV export,
 * lead capture and the self-service kiosk for the event.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, applySession } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, today } from '../components/form.js';
import { ALL_STAGES, points } from './pipeline.js';

/**
 * The event form in a dialog; resolves to the saved event, or null.
 * @param {api.TradeEvent | null} ev
 * @returns {Promise<api.TradeEvent | null>}
 */
async function eventDialog(ev) {
  const users = await api.usersList();
  /** @type {api.TradeEvent | null} */
  let saved = null;
  const staff = h('fieldset', { class: 'roles wide', id: 'event-staff' },
    h('legend', null, t('event.staff')),
    ...users.map((u) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: `staff.${u.id}`, checked: ev ? ev.staff.some((s) => s.id === u.id) : false }), u.display_name)));
  await formDialog({
    id: 'event-form', wide: true, title: ev ? t('event.edit_title') : t('event.new_title'),
    body: [
      formField({ name: 'name', label: t('event.name'), required: true, value: ev?.name, wide: true }),
      formField({ name: 'city', label: t('event.city'), value: ev?.city }),
      formField({ name: 'venue', label: t('event.venue'), value: ev?.venue }),
      formField({ name: 'starts_on', label: t('event.starts_on'), type: 'date', required: true, value: ev?.starts_on || today() }),
      formField({ name: 'ends_on', label: t('event.ends_on'), type: 'date', required: true, value: ev?.ends_on || today() }),
      formField({ name: 'booth', label: t('event.booth'), value: ev?.booth }),
      staff,
      formField({ name: 'notes', label: t('field.notes'), rows: 2, value: ev?.notes }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      /** @type {api.EventInput} */
      const input = {
        name: v.name, city: v.city, venue: v.venue, starts_on: v.starts_on, ends_on: v.ends_on, booth: v.booth, notes: v.notes,
        staff: Object.entries(v).filter(([k, on]) => k.startsWith('staff.') && on).map(([k]) => k.slice(6)),
      };
      saved = ev ? await api.eventUpdate(ev.id, ev.hlc, input) : await api.eventCreate(input);
    },
  });
  return saved;
}

/** @param {HTMLElement} main */
export async function eventsView(main) {
  const events = await api.eventsList();
  const newEvent = async () => {
    const ev = await eventDialog(null);
    if (ev) navigate(`#/events/${encodeURIComponent(ev.id)}`);
  };
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('events.title')),
      h('div', { class: 'actions' }, can('partner_write') && h('button', { type: 'button', class: 'primary', id: 'event-new', onClick: newEvent }, t('event.new')))),
    events.length
      ? h('table', { class: 'grid', id: 'events-table' },
          h('thead', null, h('tr', null, ...['number', 'name', 'city', 'dates', 'booth', 'leads'].map((k) => h('th', { scope: 'col' }, t(`event.col.${k}`))))),
          h('tbody', null, ...events.map((e) => h('tr', { tabindex: '0', dataset: { id: e.id }, onClick: () => navigate(`#/events/${encodeURIComponent(e.id)}`),
            onKeydown: (/** @type {KeyboardEvent} */ k) => { if (k.key === 'Enter') navigate(`#/events/${encodeURIComponent(e.id)}`); } },
            h('td', { class: 'mono' }, e.number),
            h('td', { class: 'name-cell' }, h('a', { class: 'partner-link', href: `#/events/${encodeURIComponent(e.id)}` }, e.name)),
            h('td', null, [e.city, e.venue].filter(Boolean).join(' · ')),
            h('td', { class: 'nowrap' }, e.starts_on === e.ends_on ? e.starts_on : `${e.starts_on} – ${e.ends_on}`),
            h('td', null, e.booth),
            h('td', { class: 'num' }, String(e.leads))))))
      : h('div', { class: 'empty card' }, h('p', null, t('events.none')))));
  return {};
}

/** The words of the CSV in the user's language. @returns {api.CsvLabels} */
function csvLabels() {
  return {
    header: ['event', 'company', 'contact', 'mobile', 'email', 'stage', 'outcome', 'score', 'interest', 'captured_by', 'captured_at'].map((k) => t(`csv.${k}`)),
    stages: Object.fromEntries(ALL_STAGES.map((s) => [s, t(`stage.${s}`)])),
    outcomes: Object.fromEntries(['open', 'rejected', 'signed'].map((o) => [o, t(`outcome.${o}`)])),
  };
}

/** A bar of `share` (0–1) of its track; the width is set through the style object (the CSP allows no inline styles). @param {number} share */
function bar(share) {
  const el = h('span');
  el.style.width = `${Math.round(share * 100)}%`;
  return el;
}

/** @param {HTMLElement} main @param {string} id */
export async function eventView(main, id) {
  const s = await api.eventSummary(id);
  const ev = s.event;
  const max = Math.max(1, ...s.stages.map((x) => x.reached));
  const stat = (/** @type {string} */ key, /** @type {string} */ value) => h('div', { class: 'stat-card', dataset: { stat: key } }, h('div', { class: 'stat-value' }, value), h('div', { class: 'muted small' }, t(`event.stat.${key}`)));
  const exportCsv = async () => {
    try {
      const n = await api.eventSummaryCsv(id, csvLabels());
      if (n !== null) toast(t('event.exported', { n }));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  const kiosk = async () => {
    try { await applySession(await api.kioskStart(ev.name, ev.id)); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  replace(main, h('div', { class: 'page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/events' }, t('events.title')), ' / '),
    h('header', { class: 'page-head' },
      h('h1', { id: 'event-title' }, ev.name),
      h('span', { class: 'badge mono' }, ev.number),
      h('div', { class: 'actions' },
        can('partner_write') && h('a', { class: 'button primary', id: 'event-capture', href: `#/events/${encodeURIComponent(id)}/capture` }, t('lead.capture')),
        can('kiosk_start') && h('button', { type: 'button', id: 'event-kiosk', onClick: kiosk }, t('kiosk.start')),
        h('button', { type: 'button', id: 'event-csv', onClick: exportCsv }, t('event.export_csv')),
        can('partner_write') && h('button', { type: 'button', id: 'event-edit', onClick: async () => { if (await eventDialog(ev)) navigate(`#/events/${encodeURIComponent(id)}`); } }, t('action.edit')))),
    h('p', { class: 'muted' }, [ev.city, ev.venue, ev.booth && t('event.booth_n', { booth: ev.booth }),
      ev.starts_on === ev.ends_on ? ev.starts_on : `${ev.starts_on} – ${ev.ends_on}`,
      ev.staff.length && t('event.staff_list', { names: ev.staff.map((x) => x.name).join('、') })].filter(Boolean).join(' · ')),
    h('div', { class: 'stats', id: 'event-stats' },
      stat('leads', String(s.leads)), stat('scored', String(s.scored)), stat('passed', String(s.passed)),
      stat('avg_score', points(s.avg_score_x100)), stat('rejected', String(s.rejected)), stat('signed', String(s.signed)),
      stat('conversion', s.conversion_pct === null ? '—' : `${s.conversion_pct}%`)),
    h('section', { class: 'card' },
      h('h2', null, t('event.funnel')),
      h('div', { class: 'funnel', id: 'event-funnel' }, ...s.stages.map((x) => h('div', { class: 'funnel-row', dataset: { stage: x.stage } },
        h('span', { class: 'funnel-label' }, t(`stage.${x.stage}`)),
        h('span', { class: 'funnel-bar' }, bar(x.reached / max)),
        h('span', { class: 'funnel-n' }, t('event.reached', { n: x.reached, now: x.now_at })))))),
    h('section', { class: 'card' },
      h('h2', null, t('event.leads', { n: s.leads })),
      s.rows.length
        ? h('table', { class: 'grid compact', id: 'event-leads' },
            h('thead', null, h('tr', null, ...['company', 'contact', 'mobile', 'email', 'stage', 'score', 'captured_by'].map((k) => h('th', { scope: 'col' }, t(`csv.${k}`))))),
            h('tbody', null, ...s.rows.map((r) => h('tr', null,
              h('td', null, h('a', { class: 'partner-link', href: `#/partners/${encodeURIComponent(r.partner_id)}` }, r.name)),
              h('td', null, r.contact || ''), h('td', { class: 'mono' }, r.mobile || ''), h('td', null, r.email || ''),
              h('td', null, t(`stage.${r.stage}`), r.outcome === 'rejected' && h('span', { class: 'badge outcome-rejected' }, t('outcome.rejected'))),
              h('td', null, points(r.score_x100)),
              h('td', null, r.captured_by_name || '')))))
        : h('p', { class: 'muted' }, t('event.no_leads')))));
  return {};
}
