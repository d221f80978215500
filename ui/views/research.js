// @ts-check
/**
 * Market research notes (R2.1.1): industry trends, competitors' channel strategies and
 * potential partners. A list searchable as you type (any words, anywhere in title, text or
 * tags) with a topic filter, and one page per note with its linked prospects.
 */
import { h, replace, highlight } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { confirmDialog } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { formField, readForm, showFormError, today } from '../components/form.js';
import { pager } from '../components/pager.js';

const TOPICS = ['industry', 'competitor', 'potential_partner'];
/** Market analysis (R5.1.1): the same notes under their own topics, kept by promotion planners. */
const MARKET_TOPICS = ['market_trend', 'competitor_promotion', 'customer_needs'];

/** Research notes or market analysis notes. @param {boolean} market */
function mode(market) {
  return market
    ? { base: '#/market', topics: MARKET_TOPICS, write: can('promotion_manage'), title: t('market.title'), newLabel: t('market.new') }
    : { base: '#/research', topics: TOPICS, write: can('partner_write'), title: t('research.title'), newLabel: t('research.new') };
}

/** @param {HTMLElement} main @param {boolean} [market] the market analysis notes (R5.1.1) */
export async function researchView(main, market = false) {
  const m = mode(market);
  const search = h('input', { type: 'search', class: 'search', id: 'research-search', placeholder: t('research.search'), value: sessionStorage.getItem('research-q') || '' });
  const topic = h('select', { id: 'research-topic', 'aria-label': t('research.topic') },
    h('option', { value: '' }, t('research.all_topics')), ...m.topics.map((x) => h('option', { value: x }, t(`topic.${x}`))));
  const list = h('div', { id: 'research-list' });
  let seq = 0;
  let offset = 0;
  const load = async () => {
    const mine = ++seq;
    sessionStorage.setItem('research-q', search.value);
    try {
      const page = await api.notesList({ q: search.value, topic: topic.value, tag: '', market, offset });
      if (mine !== seq) return;
      const rows = page.rows;
      replace(list, rows.length
        ? [h('ul', { class: 'note-list' }, ...rows.map((r) => {
            /** @type {string[]} */
            const tags = JSON.parse(r.tags || '[]');
            return h('li', { tabindex: '0', dataset: { id: r.id }, onClick: () => navigate(`${m.base}/${encodeURIComponent(r.id)}`),
              onKeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter') navigate(`${m.base}/${encodeURIComponent(r.id)}`); } },
              h('div', null, h('strong', null, ...highlight(r.title, search.value)), ' ',
                h('span', { class: 'badge' }, t(`topic.${r.topic}`)), ' ', h('span', { class: 'muted small' }, r.noted_on)),
              h('div', { class: 'muted small excerpt' }, ...highlight(r.excerpt, search.value)),
              tags.length > 0 && h('div', null, ...tags.map((x) => h('span', { class: 'tag' }, x))));
          })),
          pager({ total: page.total, offset, size: page.size, shown: rows.length, id: 'research-pager', onGo: (o) => { offset = o; load(); } })]
        : h('div', { class: 'empty card' }, h('p', null, t(search.value ? 'research.no_match' : 'research.none'))));
    } catch (e) {
      replace(list, h('p', { class: 'error-box' }, errorText(e)));
    }
  };
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  search.addEventListener('input', () => { offset = 0; clearTimeout(timer); timer = setTimeout(load, 120); });
  topic.addEventListener('change', () => { offset = 0; load(); });
  replace(main, h('div', { class: 'page narrow' },
    h('header', { class: 'page-head' },
      h('h1', null, m.title),
      h('div', { class: 'actions' }, m.write && h('a', { class: 'button primary', href: `${m.base}/new`, id: 'research-new' }, m.newLabel))),
    h('div', { class: 'toolbar' }, search, h('div', { class: 'filters' }, topic)),
    list));
  await load();
  search.focus();
  return { unmount: () => clearTimeout(timer) };
}

/** @param {HTMLElement} main @param {string | null} id @param {boolean} [market] */
export async function noteView(main, id, market = false) {
  const m = mode(market);
  const note = id ? await api.noteGet(id) : null;
  const write = m.write;
  /** @type {api.PartnerRef[]} */
  let links = note ? [...note.partners] : [];
  const linkList = h('ul', { class: 'links', id: 'note-links' });
  const showLinks = () => replace(linkList, ...links.map((p) => h('li', null,
    h('a', { href: `#/partners/${encodeURIComponent(p.id)}` }, p.name),
    write && h('button', { type: 'button', class: 'link small danger', onClick: () => { links = links.filter((x) => x.id !== p.id); showLinks(); } }, t('action.remove')))));
  showLinks();
  const finder = h('input', { type: 'search', id: 'note-link-search', placeholder: t('research.link_hint'), list: 'note-link-options' });
  const options = h('datalist', { id: 'note-link-options' });
  /** @type {Map<string, string>} */
  const found = new Map();
  finder.addEventListener('input', async () => {
    const name = finder.value.trim();
    if (found.has(name)) {
      const pid = /** @type {string} */ (found.get(name));
      if (!links.some((x) => x.id === pid)) links.push({ id: pid, name });
      finder.value = '';
      showLinks();
      return;
    }
    const page = await api.partnersList({ q: name, limit: 8 }).catch(() => null);
    for (const r of page?.rows || []) found.set(r.name, r.id);
    replace(options, ...(page?.rows || []).map((r) => h('option', { value: r.name })));
  });

  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const form = h('form', { id: 'note-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
    e.preventDefault();
    const v = readForm(form);
    /** @type {api.NoteInput} */
    const input = {
      noted_on: v.noted_on, topic: v.topic, title: v.title, body: v.body,
      tags: String(v.tags || '').split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean),
      partner_ids: links.map((x) => x.id),
    };
    try {
      const saved = note ? await api.noteUpdate(note.id, note.hlc, input) : await api.noteCreate(input);
      toast(t('research.saved', { title: saved.title }));
      navigate(`${m.base}/${encodeURIComponent(saved.id)}`);
    } catch (err) { showFormError(form, box, err); }
  } },
    box,
    h('div', { class: 'field-grid' },
      formField({ name: 'title', label: t('research.note_title'), required: true, value: note?.title, wide: true }),
      formField({ name: 'noted_on', label: t('research.noted_on'), type: 'date', required: true, value: note?.noted_on || today() }),
      formField({ name: 'topic', label: t('research.topic'), options: m.topics.map((x) => /** @type {[string, string]} */ ([x, t(`topic.${x}`)])), value: note?.topic || m.topics[0] }),
      formField({ name: 'body', label: t('research.body'), rows: 10, value: note?.body }),
      formField({ name: 'tags', label: t('field.tags'), value: note?.tags.join('、'), wide: true, attrs: { placeholder: t('research.tags_hint') } })),
    h('div', { class: 'field wide' }, h('label', { for: 'note-link-search' }, t('research.links')), linkList, write && finder, options,
      h('div', { class: 'field-error', dataset: { for: 'partner_ids' } })),
    h('div', { class: 'form-actions' },
      note && write && h('button', { type: 'button', class: 'danger', id: 'note-delete', onClick: async () => {
        if (!(await confirmDialog({ title: t('research.delete_title'), body: [note.title], confirm: t('action.delete'), danger: true }))) return;
        try { await api.noteDelete(note.id); navigate(m.base); } catch (err) { toast(errorText(err), { kind: 'error' }); }
      } }, t('action.delete')),
      h('a', { class: 'button', href: m.base }, t('action.cancel')),
      write && h('button', { type: 'submit', class: 'primary', id: 'note-save' }, t('action.save'), h('kbd', null, 'Ctrl+S'))));
  if (!write) for (const el of form.querySelectorAll('input, select, textarea')) /** @type {HTMLInputElement} */ (el).disabled = true;

  replace(main, h('div', { class: 'page narrow' },
    h('nav', { class: 'crumbs' }, h('a', { href: m.base }, m.title), ' / '),
    h('header', { class: 'page-head' }, h('h1', null, note ? note.title : m.newLabel),
      note && h('span', { class: 'muted small' }, t('research.by', { name: note.updated_by_name }))),
    h('section', { class: 'card' }, form)));
  /** @type {HTMLElement} */ (form.querySelector('[name=title]')).focus();
  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && write) { form.requestSubmit(); return true; }
      if (e.key === 'Escape' && !isTyping(e)) { navigate(m.base); return true; }
      return false;
    },
  };
}
