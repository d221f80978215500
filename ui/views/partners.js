// @ts-check
/**
 * The partner list: search as you type, filters, sortable columns, paging, keyboard
 * navigation (↑/↓ to move, Enter to open). The query state survives going to a partner and
 * back (sessionStorage).
 */
import { h, replace, highlight } from '../components/dom.js';
import { t, tOr, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { session, navigate, isTyping, can } from '../app.js';
import { errorText, fieldLabel } from '../components/errors.js';
import { pager } from '../components/pager.js';

const STATE_KEY = 'partners-query';
const PAGE = 50;

/** @returns {api.ListQuery} */
function initialQuery() {
  /** @type {api.ListQuery} */
  const q = { q: '', status: '', class: '', province: '', source_kind: '', tag: '', no_channel_contact: false, channel_contact_id: '', sort: 'updated_at', desc: true, offset: 0, limit: PAGE };
  try { Object.assign(q, JSON.parse(sessionStorage.getItem(STATE_KEY) || '{}')); } catch { /* keep defaults */ }
  if (sessionStorage.getItem('partners-filter-no-contact')) {
    sessionStorage.removeItem('partners-filter-no-contact');
    Object.assign(q, { no_channel_contact: true, offset: 0, q: '' });
  }
  return q;
}

/** @param {string} code */
export function provinceName(code) {
  const p = session.ref?.provinces.find((x) => x.code === code);
  if (!p) return '';
  return document.documentElement.lang === 'en' ? p.en : p.zh;
}

/** @param {string} status */
export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, t(`status.${status}`));
}

/** @param {string | null} cls */
export function classBadge(cls) {
  return cls ? h('span', { class: `badge class-${cls}` }, cls) : h('span', { class: 'muted small' }, t('class.none'));
}

/** @param {HTMLElement} main */
export async function partnersView(main) {
  const query = initialQuery();
  const tags = await api.partnersTags();
  let seq = 0;
  let selected = 0;
  /** @type {api.PartnerRow[]} */
  let rows = [];
  /** @type {number | undefined} */
  let debounce;

  const search = h('input', {
    id: 'partner-search', type: 'search', class: 'search', value: query.q,
    placeholder: t('partners.search_placeholder'), 'aria-label': t('partners.search_placeholder'), autocomplete: 'off',
    onInput: () => {
      // Measured by the end-to-end run: keystroke to updated list.
      document.body.dataset.inputAt = String(performance.now());
      window.clearTimeout(debounce);
      debounce = window.setTimeout(() => { query.q = search.value; query.offset = 0; load(); }, 120);
    },
    onKeydown: (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'Escape' && (search.value || query.q)) { e.stopPropagation(); search.value = ''; query.q = ''; query.offset = 0; load(); }
    },
  });

  /**
   * @param {keyof api.ListQuery} key @param {string} label
   * @param {Array<[string, string]>} options
   */
  const select = (key, label, options) => h('label', { class: 'filter' },
    h('span', { class: 'sr-only' }, label),
    h('select', {
      id: `filter-${key}`, 'aria-label': label,
      onChange: (/** @type {Event} */ e) => { /** @type {any} */ (query)[key] = /** @type {HTMLSelectElement} */ (e.target).value; query.offset = 0; load(); },
    },
    h('option', { value: '' }, label),
    ...options.map(([v, l]) => h('option', { value: v, selected: /** @type {any} */ (query)[key] === v }, l))));

  const ref = /** @type {api.ReferenceData} */ (session.ref);
  const noContact = h('input', { type: 'checkbox', id: 'filter-no-contact', checked: query.no_channel_contact,
    onChange: () => { query.no_channel_contact = noContact.checked; query.offset = 0; load(); } });
  // R2.3.1 "my partners": the signed-in user's as designated channel contact.
  const mine = h('input', { type: 'checkbox', id: 'filter-mine', checked: Boolean(query.channel_contact_id),
    onChange: () => { query.channel_contact_id = mine.checked ? session.info?.user?.id || '' : ''; query.offset = 0; load(); } });
  const filters = h('div', { class: 'filters' },
    select('status', t('field.status'), ref.statuses.map((s) => [s, t(`status.${s}`)])),
    select('class', t('field.class'), [...ref.classes.map((c) => /** @type {[string, string]} */ ([c, `${c} ${t(`class.${c}`)}`])), ['none', t('class.none')]]),
    select('province', t('field.province'), ref.provinces.map((p) => [p.code, provinceName(p.code)])),
    select('source_kind', t('field.source_kind'), ref.source_kinds.map((s) => [s, t(`source.${s}`)])),
    tags.length > 0 && select('tag', t('field.tags'), tags.map((x) => [x, x])),
    h('label', { class: 'check' }, mine, t('partners.filter_mine')),
    h('label', { class: 'check' }, noContact, t('partners.filter_no_contact')),
    h('button', { type: 'button', class: 'link', id: 'filters-clear', onClick: () => {
      Object.assign(query, { q: '', status: '', class: '', province: '', source_kind: '', tag: '', no_channel_contact: false, channel_contact_id: '', offset: 0 });
      sessionStorage.removeItem(STATE_KEY);
      navigate('#/partners');
    } }, t('partners.clear_filters')));

  const count = h('span', { class: 'muted', id: 'partner-count' });
  const tableBody = h('tbody');
  const pagerSlot = h('div');
  const errorBox = h('div', { class: 'error-box', role: 'alert', hidden: true });

  /** @type {Array<[string, string]>} */
  const columns = [
    ['name', 'field.name'], ['', 'field.credit_code'], ['province', 'field.region'], ['status', 'field.status'],
    ['class', 'field.class'], ['', 'field.channel_contact'], ['', 'field.primary_contact'], ['updated_at', 'field.updated_at'],
  ];
  const head = h('tr', null, ...columns.map(([key, label]) => {
    if (!key) return h('th', { scope: 'col' }, t(label));
    const active = query.sort === key;
    return h('th', { scope: 'col', 'aria-sort': active ? (query.desc ? 'descending' : 'ascending') : 'none' },
      h('button', { type: 'button', class: 'sort', dataset: { sort: key }, onClick: () => {
        if (query.sort === key) query.desc = !query.desc; else { query.sort = key; query.desc = key === 'updated_at'; }
        query.offset = 0;
        load();
        for (const th of head.querySelectorAll('th')) th.setAttribute('aria-sort', 'none');
        /** @type {HTMLElement} */ (head.querySelector(`[data-sort="${key}"]`)?.parentElement).setAttribute('aria-sort', query.desc ? 'descending' : 'ascending');
      } }, t(label), h('span', { class: 'sort-mark', 'aria-hidden': 'true' })));
  }));

  const listArea = h('div', { class: 'list-area' });

  function select_(/** @type {number} */ i) {
    const trs = tableBody.querySelectorAll('tr');
    if (!trs.length) return;
    selected = Math.max(0, Math.min(trs.length - 1, i));
    trs.forEach((tr, k) => tr.classList.toggle('selected', k === selected));
    trs[selected].scrollIntoView({ block: 'nearest' });
  }

  /** @param {api.PartnerRow} r */
  function rowEl(r) {
    const q = query.q;
    const region = [provinceName(r.province), r.city].filter(Boolean).join(' · ');
    return h('tr', { dataset: { id: r.id }, onClick: () => navigate(`#/partners/${encodeURIComponent(r.id)}`) },
      h('td', { class: 'name-cell' },
        h('a', { href: `#/partners/${encodeURIComponent(r.id)}`, class: 'partner-link' }, ...highlight(r.name, q)),
        r.short_name && h('div', { class: 'muted small' }, ...highlight(r.short_name, q)),
        r.hint && h('div', { class: 'hint small' }, h('span', { class: 'muted' }, `${fieldLabel(r.hint.field.replace('contacts.', 'contact.'))}: `), ...highlight(r.hint.excerpt, q))),
      h('td', { class: 'mono' }, ...highlight(r.credit_code || '', q)),
      h('td', null, ...highlight(region, q)),
      h('td', null, statusBadge(r.status)),
      h('td', null, classBadge(r.class)),
      h('td', null, r.channel_contact_name || h('span', { class: 'badge warn' }, t('partners.no_contact'))),
      h('td', null, r.primary_contact ? [h('div', null, ...highlight(r.primary_contact, q)), h('div', { class: 'muted small mono' }, ...highlight(r.primary_mobile || '', q))] : ''),
      h('td', { class: 'muted small when' }, formatTime(r.updated_at)));
  }

  async function load() {
    const my = ++seq;
    sessionStorage.setItem(STATE_KEY, JSON.stringify(query));
    let page;
    try {
      page = await api.partnersList(query);
    } catch (e) {
      if (my !== seq) return;
      errorBox.hidden = false;
      replace(errorBox, errorText(e));
      return;
    }
    if (my !== seq) return;
    errorBox.hidden = true;
    rows = page.rows;
    const filtered = Boolean(query.q || query.status || query.class || query.province || query.source_kind || query.tag || query.no_channel_contact || query.channel_contact_id);
    replace(count, page.total_capped ? t('partners.count_capped', { n: page.total - 1 }) : t('partners.count', { n: page.total }));
    if (rows.length === 0) {
      replace(listArea, h('div', { class: 'empty', id: 'partners-empty' },
        filtered
          ? [h('p', null, query.q ? t('partners.no_match_query', { q: query.q }) : t('partners.no_match')), h('button', { type: 'button', class: 'link', onClick: () => /** @type {HTMLElement} */ (filters.querySelector('#filters-clear')).click() }, t('partners.clear_filters'))]
          : [h('p', null, t('partners.empty')), can('partner_write') && h('a', { class: 'button primary', href: '#/partners/new' }, t('partners.new'))]));
    } else {
      replace(tableBody, ...rows.map(rowEl));
      replace(listArea, h('table', { class: 'grid', id: 'partner-table' }, h('thead', null, head), tableBody));
      select_(0);
    }
    // A capped search count ("1,000+") pages through what was counted.
    const total = page.total_capped ? page.total - 1 : page.total;
    replace(pagerSlot, pager({ total, offset: query.offset, size: PAGE, shown: rows.length, id: 'partners-pager',
      onGo: (offset) => { query.offset = offset; load(); } }));
    document.body.dataset.listSeq = String(my);
    document.body.dataset.listAt = String(performance.now());
  }

  replace(main,
    h('div', { class: 'page' },
      h('header', { class: 'page-head' },
        h('h1', null, t('nav.partners')), count,
        h('div', { class: 'actions' },
          can('partner_write') && h('a', { class: 'button primary', href: '#/partners/new', id: 'partner-new' }, t('partners.new'), h('kbd', null, 'Ctrl+N')))),
      h('div', { class: 'toolbar' }, search, filters),
      errorBox, listArea, pagerSlot));
  await load();
  if (query.q) search.focus();

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'ArrowDown' && (!isTyping(e) || e.target === search)) { select_(selected + 1); return true; }
      if (e.key === 'ArrowUp' && (!isTyping(e) || e.target === search)) { select_(selected - 1); return true; }
      if (e.key === 'Enter' && (!isTyping(e) || e.target === search) && rows[selected]) {
        navigate(`#/partners/${encodeURIComponent(rows[selected].id)}`);
        return true;
      }
      return false;
    },
    unmount: () => window.clearTimeout(debounce),
  };
}
