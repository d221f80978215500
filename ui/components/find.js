// @ts-check
/**
 * Search everything (issue 25): a dialog opened by Ctrl+K, "/" or the sidebar's search button
 * from any page. Results come from the core grouped by kind (it decides what the person may
 * see); ↑/↓ move through them, Enter opens one, Esc closes. Answers that arrive after a newer
 * keystroke are dropped.
 */
import { h, replace } from './dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { errorText } from './errors.js';

/** Typing pause before a search is sent (the core answers in milliseconds). */
const DEBOUNCE_MS = 60;

/** @type {HTMLDialogElement | null} */
let open = null;

/** The route of record `id` in window area `area` (as the core names them). @param {string} area @param {string} id */
export function recordHref(area, id) {
  return `#/${area}/${encodeURIComponent(id)}`;
}

/** The route that opens `hit`. @param {api.Hit} hit */
export function hitHref(hit) {
  return recordHref(hit.area, hit.open);
}

/**
 * Opens the search dialog (or focuses it when open), with `initial` typed in.
 * @param {(hash: string) => void} go
 * @param {string} [initial]
 */
export function openFind(go, initial = '') {
  if (open) {
    /** @type {HTMLInputElement | null} */ (open.querySelector('#find-input'))?.focus();
    return;
  }
  const input = h('input', {
    type: 'search', id: 'find-input', value: initial, autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-expanded': 'true', 'aria-controls': 'find-results', 'aria-autocomplete': 'list',
    'aria-label': t('find.title'), placeholder: t('find.placeholder'),
  });
  const list = h('div', { id: 'find-results', role: 'listbox', 'aria-label': t('find.results') });
  const status = h('p', { class: 'muted small', id: 'find-status', 'aria-live': 'polite' });
  const dlg = h('dialog', { class: 'dialog find', id: 'find', 'aria-label': t('find.title') },
    h('div', { class: 'find-box' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '⌕'), input),
    status, list,
    h('p', { class: 'muted small find-keys' }, t('find.keys')));
  /** @type {HTMLElement[]} */
  let options = [];
  let active = -1;
  let seq = 0;
  /** @type {number | undefined} */
  let timer;

  /** @param {number} i */
  const activate = (i) => {
    options[active]?.classList.remove('active');
    options[active]?.setAttribute('aria-selected', 'false');
    active = options.length ? (i + options.length) % options.length : -1;
    const o = options[active];
    if (!o) { input.removeAttribute('aria-activedescendant'); return; }
    o.classList.add('active');
    o.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', o.id);
    o.scrollIntoView({ block: 'nearest' });
  };
  /** @param {string} href */
  const choose = (href) => { dlg.close(); go(href); };

  /** @param {api.Found} found */
  const show = (found) => {
    options = [];
    active = -1;
    let n = 0;
    const groups = found.groups.map((g) => h('div', { class: 'find-group', role: 'group', 'aria-labelledby': `find-group-${g.kind}`, dataset: { kind: g.kind } },
      h('div', { class: 'find-group-head', id: `find-group-${g.kind}` }, t(`find.kind.${g.kind}`),
        h('span', { class: 'muted' }, g.total > g.hits.length
          ? t('find.shown_of', { shown: g.hits.length, total: g.capped ? `${(g.total - 1).toLocaleString()}+` : g.total.toLocaleString() })
          : '')),
      h('ul', { role: 'none' }, ...g.hits.map((hit) => {
        const href = hitHref(hit);
        const li = h('li', { role: 'option', id: `find-hit-${n++}`, 'aria-selected': 'false', dataset: { href, kind: hit.kind },
          onMousedown: (/** @type {MouseEvent} */ e) => { e.preventDefault(); choose(href); } },
          h('span', { class: 'find-title' }, hit.title,
            hit.status && h('span', { class: `badge status-${hit.status}` }, t(`status.${hit.status}`))),
          hit.detail && h('span', { class: 'muted small find-detail' }, hit.detail),
          hit.excerpt && h('span', { class: 'small find-excerpt' }, hit.excerpt));
        options.push(li);
        return li;
      }))));
    replace(list, ...groups);
    const text = input.value.trim();
    replace(status, !text ? t('find.empty')
      : !found.groups.length ? t('find.none', { q: text })
        : found.partners_only ? t('find.partners_only') : '');
    activate(0);
  };

  const search = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { show({ groups: [], partners_only: false }); return; }
    try {
      const found = await api.findEverything(q);
      if (mine === seq && open === dlg) show(found);
    } catch (e) {
      if (mine === seq) { replace(list); replace(status, errorText(e)); }
    }
  };

  input.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(search, DEBOUNCE_MS); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); activate(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); activate(active - 1); }
    else if (e.key === 'Escape') { e.preventDefault(); dlg.close(); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      const href = options[active]?.dataset.href;
      if (href) choose(href);
    }
  });
  dlg.addEventListener('close', () => { clearTimeout(timer); seq++; open = null; dlg.remove(); });
  // A click on the backdrop (outside the box) closes it.
  dlg.addEventListener('mousedown', (e) => { if (e.target === dlg) dlg.close(); });
  document.body.appendChild(dlg);
  open = dlg;
  dlg.showModal();
  input.focus();
  void search();
}

/** Closes the search dialog if it is open (a lock or sign-out). */
export function closeFind() {
  open?.close();
}
