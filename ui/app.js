// @ts-check
/**
 * The window. Which screen shows follows the core's session: the recovery-key screen when
 * the data cannot be opened, the owner's set-up at first start, sign-in, the kiosk's
 * application form, or the program (with a lock over it when locked). Inside the program: a
 * hash router for the areas the user may use, the language switch and the keyboard
 * shortcuts. Views live in `views/`; each returns an object with an optional `onKey(e)`
 * (true when it handled the key) and `unmount()`.
 *
 * The core is the guard (every command checks the session); this file only decides what to
 * show, and hides what the user may not do.
 */
import { h, replace } from './components/dom.js';
import { t, setLanguage, language, onLanguageChange } from './i18n.js';
import * as api from './api.js';
import { runToastAction, toast, dismiss } from './components/toast.js';
import { errorText } from './components/errors.js';
import { openFind, closeFind } from './components/find.js';
import { homeView } from './views/home.js';
import { dashboardView } from './views/dashboard.js';
import { dataView } from './views/data.js';
import { partnersView } from './views/partners.js';
import { partnerView } from './views/partner.js';
import { partnerFormView } from './views/partner_form.js';
import { settingsView } from './views/settings.js';
import { auditView } from './views/audit.js';
import { usersView } from './views/users.js';
import { gateView, lockOverlay } from './views/gate.js';
import { kioskView, askKioskEvent } from './views/kiosk.js';
import { pipelineView } from './views/pipeline.js';
import { schemeView } from './views/scheme.js';
import { eventsView, eventView } from './views/events.js';
import { leadsView } from './views/leads.js';
import { researchView, noteView } from './views/research.js';
import { agreementsView, clausesView } from './views/agreements.js';
import { agreementView } from './views/agreement.js';
import { evaluationsView, evaluationView, evaluationSchemeView } from './views/evaluations.js';
import { awardsView } from './views/relationship.js';
import { ordersView } from './views/orders.js';
import { productsView } from './views/products.js';
import { settlementView } from './views/settlement.js';
import { promotionView } from './views/promotion.js';
import { risksView } from './views/risks.js';

/** @typedef {{ onKey?: (e: KeyboardEvent) => boolean, unmount?: () => void }} View */

/** Shared state: reference lists, the start-up status and the session. */
export const session = {
  /** @type {api.ReferenceData | null} */
  ref: null,
  /** @type {api.AppStatus | null} */
  status: null,
  /** @type {api.SessionInfo | null} */
  info: null,
};

/** Whether the signed-in user may do `action` (the core decides; this only hides controls). @param {api.Action} action */
export function can(action) {
  return session.info?.state === 'active' && session.info.permissions.includes(action);
}

/** @type {Array<{ route: string, key: string, icon: string, action: api.Action | null }>} */
const NAV = [
  { route: 'home', key: 'nav.home', icon: '⌂', action: 'partner_read' },
  { route: 'dashboard', key: 'nav.dashboard', icon: '◔', action: 'partner_read' },
  { route: 'partners', key: 'nav.partners', icon: '◧', action: 'partner_read' },
  { route: 'pipeline', key: 'nav.pipeline', icon: '▤', action: 'partner_read' },
  { route: 'agreements', key: 'nav.agreements', icon: '✍', action: 'partner_read' },
  { route: 'orders', key: 'nav.orders', icon: '▦', action: 'partner_read' },
  { route: 'products', key: 'nav.products', icon: '◫', action: 'partner_read' },
  { route: 'settlement', key: 'nav.settlement', icon: '¥', action: 'partner_read' },
  { route: 'promotion', key: 'nav.promotion', icon: '✦', action: 'partner_read' },
  { route: 'risks', key: 'nav.risks', icon: '⚠', action: 'partner_read' },
  { route: 'evaluations', key: 'nav.evaluations', icon: '★', action: 'partner_read' },
  { route: 'awards', key: 'nav.awards', icon: '♛', action: 'partner_read' },
  { route: 'events', key: 'nav.events', icon: '⚑', action: 'partner_read' },
  { route: 'research', key: 'nav.research', icon: '✎', action: 'partner_read' },
  { route: 'data', key: 'nav.data', icon: '⇄', action: 'data_exchange' },
  { route: 'audit', key: 'nav.audit', icon: '☰', action: 'audit_read' },
  { route: 'users', key: 'nav.users', icon: '☺', action: 'user_manage' },
  { route: 'settings', key: 'nav.settings', icon: '⚙', action: null },
];

/** @type {'gate' | 'kiosk' | 'app'} */
let mode = 'gate';
/** The gate or kiosk screen on display, so that a repeated session answer keeps what is typed. */
let shown = '';
/** @type {View | null} */
let currentView = null;
let renderSeq = 0;
/** The area of the view on display, to say so again when the lock is lifted. */
let shownArea = '';

/** @param {string} hash */
export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? parts : ['home'];
}

const el = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

function renderChrome() {
  const [area] = parseRoute();
  replace(el('nav'), ...NAV.filter((n) => !n.action || can(n.action)).map((n) =>
    h('li', null, h('a', {
      href: `#/${n.route}`,
      class: area === n.route ? 'active' : '',
      'aria-current': area === n.route ? 'page' : null,
      title: t(n.key),
      dataset: { nav: n.route },
    }, h('span', { class: 'icon', 'aria-hidden': 'true' }, n.icon), h('span', { class: 'label' }, t(n.key))))));
  // In a short window the list scrolls: the current area stays in sight.
  el('nav').querySelector('a.active')?.scrollIntoView({ block: 'nearest' });
  replace(el('find-slot'), h('button', { type: 'button', id: 'find-open', class: 'find-open', title: `${t('find.title')} (Ctrl+K)`,
    onClick: () => openFind(navigate) },
  h('span', { class: 'icon', 'aria-hidden': 'true' }, '⌕'), h('span', { class: 'label' }, t('find.button')), h('kbd', { class: 'label' }, 'Ctrl K')));
  replace(el('brand-name'), t('app.name'));
  replace(el('lang-label'), t('settings.language'));
  const u = session.info?.user;
  const device = session.status?.device?.short_code || '';
  replace(el('whoami'), u ? t('app.signed_in_as', { name: u.name, device }) : '');
  /** A session button: its icon shows when the sidebar is narrow, its name otherwise. @param {string} id @param {string} icon @param {string} label @param {() => void} onClick @param {string} [keys] */
  const sessionButton = (id, icon, label, onClick, keys) =>
    h('button', { type: 'button', id, class: id === 'sign-out' ? 'small link' : 'small', onClick, title: keys ? `${label} (${keys})` : label },
      h('span', { class: 'icon', 'aria-hidden': 'true' }, icon), h('span', { class: 'label' }, label));
  replace(el('session-actions'),
    can('kiosk_start') && sessionButton('kiosk-start', '⌨', t('kiosk.start'), startKiosk),
    sessionButton('lock-now', '⚷', t('session.lock'), lockNow, 'Ctrl+L'),
    sessionButton('sign-out', '⎋', t('session.sign_out'), signOut));
  document.title = `${t('app.name')} ChannelDesk`;
}

/** The program's view for the current route. */
async function render() {
  if (mode !== 'app') return;
  const seq = ++renderSeq;
  currentView?.unmount?.();
  currentView = null;
  renderChrome();
  // Each render draws into a <main> of its own, swapped in at once (keeping what is on screen
  // until the view replaces it): an older, slower render still running draws into the one it
  // was given, which has left the window, instead of over the newer screen.
  const shown = el('view');
  const main = /** @type {HTMLElement} */ (shown.cloneNode(false));
  main.append(...shown.childNodes);
  shown.replaceWith(main);
  const [area, id, sub] = parseRoute();
  /** @type {View} */
  let view;
  const allowed = NAV.find((n) => n.route === area)?.action;
  try {
    if (allowed && !can(allowed) && area !== 'applications') view = notAllowed(main);
    else if (area === 'partners' && id === 'new') view = await partnerFormView(main, null);
    else if (area === 'partners' && id && sub === 'edit') view = await partnerFormView(main, id);
    else if (area === 'partners' && id) view = await partnerView(main, id);
    else if (area === 'partners') view = await partnersView(main);
    else if (area === 'applications' && id) view = await partnerFormView(main, null, { applicationId: id });
    else if (area === 'pipeline' && id === 'scheme') view = await schemeView(main);
    else if (area === 'pipeline') view = await pipelineView(main, id);
    else if (area === 'events' && id && sub === 'capture') view = await leadsView(main, id);
    else if (area === 'events' && id) view = await eventView(main, id);
    else if (area === 'events') view = await eventsView(main);
    else if (area === 'awards') view = await awardsView(main, id);
    else if (area === 'evaluations' && id === 'scheme') view = await evaluationSchemeView(main);
    else if (area === 'evaluations' && id) view = await evaluationView(main, id);
    else if (area === 'evaluations') view = await evaluationsView(main);
    else if (area === 'agreements' && id === 'clauses') view = await clausesView(main);
    else if (area === 'agreements' && id) view = await agreementView(main, id);
    else if (area === 'agreements') view = await agreementsView(main);
    else if (area === 'orders') view = await ordersView(main, id);
    else if (area === 'products') view = await productsView(main);
    else if (area === 'settlement') view = await settlementView(main, id);
    else if (area === 'promotion') view = await promotionView(main, id);
    else if (area === 'risks') view = await risksView(main, id);
    else if (area === 'market' && id) view = await noteView(main, id === 'new' ? null : id, true);
    else if (area === 'market') view = await researchView(main, true);
    else if (area === 'research' && id) view = await noteView(main, id === 'new' ? null : id);
    else if (area === 'research') view = await researchView(main);
    else if (area === 'data') view = await dataView(main, id);
    else if (area === 'audit') view = await auditView(main, id);
    else if (area === 'users') view = await usersView(main);
    else if (area === 'settings') view = await settingsView(main);
    else if (area === 'dashboard') view = await dashboardView(main);
    else view = await homeView(main);
  } catch (e) {
    replace(main, h('div', { class: 'empty' }, h('p', null, errorText(e)), h('a', { href: '#/home' }, t('nav.home'))));
    view = {};
  }
  if (seq !== renderSeq) { view.unmount?.(); return; }
  currentView = view;
  shownArea = area;
  markRendered(area);
}

/** @param {HTMLElement} main */
function notAllowed(main) {
  replace(main, h('div', { class: 'empty' }, h('p', null, t('error.forbidden')), h('a', { href: '#/home' }, t('nav.home'))));
  return {};
}

/** Which screen is on display, in which language, once complete (read by end-to-end tests). @param {string} what */
function markRendered(what) {
  document.body.dataset.rendered = `${what}|${language()}|${++renderSeq}`;
}

/**
 * Shows what the session calls for. Called at start and after every session change.
 * @param {api.SessionInfo | null} info
 * @param {boolean} [force] re-render the gate or kiosk screen even if it is already shown
 */
export async function applySession(info, force = false) {
  session.info = info;
  const state = session.status?.failure ? 'failure' : session.status?.recovery ? 'recovery' : info?.state || 'recovery';
  if (!force && mode !== 'app' && shown === state) return;
  // Locked already: the lock screen stays as it is (an answer that arrives after the lock,
  // a view's call refused as locked, must not draw it again under the person typing).
  if (!force && state === 'locked' && mode === 'app' && el('lock-layer').childElementCount > 0) return;
  shown = state === 'active' || state === 'locked' ? '' : state;
  const app = el('app');
  const gate = el('gate');
  el('lock-layer').replaceChildren();
  app.inert = false;
  if (state === 'active' || state === 'locked') {
    const entering = mode !== 'app';
    mode = 'app';
    document.body.dataset.mode = 'app';
    gate.replaceChildren();
    app.hidden = false;
    if (state === 'locked') {
      closeFind();
      app.inert = true;
      lockOverlay(el('lock-layer'), /** @type {api.SessionInfo} */ (info));
      markRendered('lock');
    } else if (entering) {
      // A sign-in starts at home (the last route may belong to someone else's session), or at
      // the import preview of a bundle opened from the file manager.
      history.replaceState(null, '', session.status?.opened_bundle && can('data_exchange') ? '#/data/import' : '#/home');
      await render();
    } else {
      renderChrome();
      // Unlocked: the page under the lock is on display again, as it was left (not drawn
      // again, so nothing half-typed is lost).
      if (document.body.dataset.rendered?.startsWith('lock|') && shownArea) markRendered(shownArea);
    }
    return;
  }
  currentView?.unmount?.();
  currentView = null;
  app.hidden = true;
  // Nothing of the program stays in the page while signed out or in the kiosk.
  el('view').replaceChildren();
  el('nav').replaceChildren();
  el('whoami').replaceChildren();
  el('session-actions').replaceChildren();
  el('find-slot').replaceChildren();
  if (state === 'kiosk') {
    mode = 'kiosk';
    document.body.dataset.mode = 'kiosk';
    currentView = await kioskView(gate, /** @type {api.SessionInfo} */ (info));
    markRendered('kiosk');
    return;
  }
  mode = 'gate';
  document.body.dataset.mode = 'gate';
  currentView = await gateView(gate, state, session.status);
  markRendered(state);
}

/** Reads the session from the core again and shows what it calls for. */
export async function refreshSession() {
  try {
    session.status = await api.appStatus();
    await applySession(session.status.session);
  } catch (e) {
    toast(errorText(e), { kind: 'error' });
  }
}

async function lockNow() {
  try { await applySession(await api.sessionLock()); } catch (e) { toast(errorText(e), { kind: 'error' }); }
}

async function signOut() {
  try { await applySession(await api.sessionSignOut()); } catch (e) { toast(errorText(e), { kind: 'error' }); }
}

async function startKiosk() {
  const chosen = await askKioskEvent();
  if (chosen === null) return;
  try { await applySession(await api.kioskStart(chosen.event, chosen.eventId)); } catch (e) { toast(errorText(e), { kind: 'error' }); }
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  const mod = e.ctrlKey || e.metaKey;
  if (mode !== 'app' || session.info?.state !== 'active') {
    // Gate, kiosk and lock screens: their own form keys only, no program shortcuts.
    if (currentView?.onKey?.(e)) e.preventDefault();
    else if (mod && !['a', 'c', 'v', 'x', 'z'].includes(e.key.toLowerCase())) e.preventDefault();
    return;
  }
  if (mod && e.key.toLowerCase() === 'l') { e.preventDefault(); lockNow(); return; }
  // Search everything: Ctrl+K or "/" from any page; while it is open, its own keys only.
  if ((mod && e.key.toLowerCase() === 'k') || (e.key === '/' && !isTyping(e))) { e.preventDefault(); openFind(navigate); return; }
  if (document.getElementById('find')) return;
  if (mod && e.key.toLowerCase() === 'z' && !isTyping(e)) {
    if (runToastAction()) { e.preventDefault(); return; }
  }
  if (currentView?.onKey?.(e)) { e.preventDefault(); return; }
  if (mod && e.key.toLowerCase() === 'n' && can('partner_write')) { e.preventDefault(); navigate('#/partners/new'); return; }
  // Ctrl+F: the page's own search field where it has one, otherwise search everything.
  if (mod && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    const own = /** @type {HTMLInputElement | null} */ (el('view').querySelector('input[type=search]'));
    if (own) { own.focus(); own.select(); } else openFind(navigate);
  }
}

/** @param {KeyboardEvent} e */
export function isTyping(e) {
  const target = /** @type {HTMLElement} */ (e.target);
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}

// Idle lock: the core locks a session that makes no call for the idle time; while someone
// types a long form without calls, activity is reported every 30 s so it stays open, and
// with no activity at all the window locks itself at the same time.
let lastActivity = Date.now();
let lastTouch = Date.now();
function watchIdle() {
  for (const ev of ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart']) {
    window.addEventListener(ev, () => { lastActivity = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(async () => {
    const info = session.info;
    if (mode !== 'app' || info?.state !== 'active') return;
    if (Date.now() - lastActivity >= info.idle_minutes * 60_000) { await lockNow(); return; }
    if (lastActivity > lastTouch && Date.now() - lastTouch > 30_000) {
      lastTouch = Date.now();
      try { await applySession(await api.sessionTouch()); } catch { /* onLocked handles it */ }
    }
  }, 5_000);
}

async function start() {
  const [status, ref] = await Promise.all([api.appStatus(), api.referenceData()]);
  session.status = status;
  session.ref = ref;
  await setLanguage(status.settings?.language || 'zh-CN');
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('lang-select'));
  select.value = language();
  select.addEventListener('change', () => chooseLanguage(select.value));
  onLanguageChange(() => {
    select.value = language();
    // A message in the language just left would stay up in it.
    dismiss();
    if (mode === 'app' && session.info?.state === 'active') render();
    else applySession(session.info, true);
  });
  api.onLocked(() => { if (mode === 'app') refreshSession(); });
  api.onBundleOpened(async () => {
    try { session.status = await api.appStatus(); } catch { return; }
    if (mode !== 'app' || session.info?.state !== 'active' || !can('data_exchange')) return;
    if (location.hash === '#/data/import') render(); else location.hash = '#/data/import';
  });
  window.addEventListener('hashchange', () => { if (mode === 'app') render(); });
  document.addEventListener('keydown', onKey);
  watchIdle();
  await applySession(status.session);
}

/** Switches the language (stored in the database when it is open). @param {string} lang */
export async function chooseLanguage(lang) {
  try {
    const s = session.status?.recovery || session.status?.failure ? { language: lang } : await api.settingsSetLanguage(lang);
    await setLanguage(s.language);
  } catch (e) {
    toast(errorText(e), { kind: 'error' });
  }
}

start().catch((e) => {
  const gate = document.getElementById('gate');
  if (gate) replace(gate, h('div', { class: 'empty' }, h('p', null, `ChannelDesk: ${String(e?.message || e)}`)));
});
