// @ts-check
/**
 * The window: navigation for the areas that are built, a hash router, the language switch
 * and the global keyboard shortcuts. Views live in `views/`; each returns an object with an
 * optional `onKey(e)` (returns true when it handled the key) and `unmount()`.
 */
import { h, replace } from './components/dom.js';
import { t, setLanguage, language, onLanguageChange } from './i18n.js';
import * as api from './api.js';
import { runToastAction, toast } from './components/toast.js';
import { errorText } from './components/errors.js';
import { homeView } from './views/home.js';
import { partnersView } from './views/partners.js';
import { partnerView } from './views/partner.js';
import { partnerFormView } from './views/partner_form.js';
import { settingsView } from './views/settings.js';

/** @typedef {{ onKey?: (e: KeyboardEvent) => boolean, unmount?: () => void }} View */

/** Shared, loaded once: reference lists and who is signed in. */
export const session = {
  /** @type {import('./api.js').ReferenceData | null} */
  ref: null,
  /** @type {import('./api.js').AppInfo | null} */
  info: null,
};

const NAV = [
  { route: 'home', key: 'nav.home', icon: '⌂' },
  { route: 'partners', key: 'nav.partners', icon: '◧' },
  { route: 'settings', key: 'nav.settings', icon: '⚙' },
];

/** @type {View | null} */
let currentView = null;
let renderSeq = 0;

/** @param {string} hash */
export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? parts : ['home'];
}

function renderNav() {
  const [area] = parseRoute();
  replace(/** @type {HTMLElement} */ (document.getElementById('nav')), ...NAV.map((n) =>
    h('li', null, h('a', {
      href: `#/${n.route}`,
      class: area === n.route ? 'active' : '',
      'aria-current': area === n.route ? 'page' : null,
      dataset: { nav: n.route },
    }, h('span', { class: 'icon', 'aria-hidden': 'true' }, n.icon), t(n.key)))));
  replace(/** @type {HTMLElement} */ (document.getElementById('brand-name')), t('app.name'));
  replace(/** @type {HTMLElement} */ (document.getElementById('lang-label')), t('settings.language'));
  const who = session.info ? t('app.signed_in_as', { name: session.info.user.name, device: session.info.device.short_code }) : '';
  replace(/** @type {HTMLElement} */ (document.getElementById('whoami')), who);
  document.title = `${t('app.name')} ChannelDesk`;
}

async function render() {
  const seq = ++renderSeq;
  currentView?.unmount?.();
  currentView = null;
  renderNav();
  const main = /** @type {HTMLElement} */ (document.getElementById('view'));
  const [area, id, sub] = parseRoute();
  /** @type {View} */
  let view;
  try {
    if (area === 'partners' && id === 'new') view = await partnerFormView(main, null);
    else if (area === 'partners' && id && sub === 'edit') view = await partnerFormView(main, id);
    else if (area === 'partners' && id) view = await partnerView(main, id);
    else if (area === 'partners') view = await partnersView(main);
    else if (area === 'settings') view = await settingsView(main);
    else view = await homeView(main);
  } catch (e) {
    replace(main, h('div', { class: 'empty' }, h('p', null, errorText(e)), h('a', { href: '#/home' }, t('nav.home'))));
    view = {};
  }
  if (seq !== renderSeq) { view.unmount?.(); return; }
  currentView = view;
  // Which view is on screen, in which language, once it is complete (read by end-to-end tests).
  document.body.dataset.rendered = `${area}|${language()}|${seq}`;
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === 'z' && !isTyping(e)) {
    if (runToastAction()) { e.preventDefault(); return; }
  }
  if (currentView?.onKey?.(e)) { e.preventDefault(); return; }
  if (mod && e.key.toLowerCase() === 'n') { e.preventDefault(); navigate('#/partners/new'); return; }
  if ((mod && e.key.toLowerCase() === 'f') || (e.key === '/' && !isTyping(e))) {
    e.preventDefault();
    sessionStorage.setItem('focus-search', '1');
    if (parseRoute()[0] === 'partners' && parseRoute().length === 1) {
      /** @type {HTMLInputElement | null} */ (document.getElementById('partner-search'))?.focus();
    } else navigate('#/partners');
  }
}

/** @param {KeyboardEvent} e */
export function isTyping(e) {
  const el = /** @type {HTMLElement} */ (e.target);
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || el.isContentEditable;
}

async function start() {
  const [settings, ref, info] = await Promise.all([api.settingsGet(), api.referenceData(), api.appInfo()]);
  session.ref = ref;
  session.info = info;
  await setLanguage(settings.language);
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('lang-select'));
  select.value = language();
  select.addEventListener('change', async () => {
    try {
      const s = await api.settingsSetLanguage(select.value);
      await setLanguage(s.language);
    } catch (e) {
      toast(errorText(e), { kind: 'error' });
      select.value = language();
    }
  });
  onLanguageChange(() => { select.value = language(); render(); });
  window.addEventListener('hashchange', render);
  document.addEventListener('keydown', onKey);
  await render();
}

start().catch((e) => {
  const main = document.getElementById('view');
  if (main) replace(main, h('div', { class: 'empty' }, h('p', null, `ChannelDesk: ${String(e?.message || e)}`)));
});
