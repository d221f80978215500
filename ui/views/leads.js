// @ts-check
/**
 * Lead capture at the booth (R2.1.3): a queue of visitors, no network, keyboard only. Three
 * things are required (company, contact, a mobile or an e-mail); the event and the staff
 * member are filled in. Enter saves and the form is empty again for the next visitor.
 *
 * Duplicates are checked on the spot against everything on this laptop: a registered credit
 * code is refused with the way to the existing record; a similar name, phone or e-mail asks
 * whether to add the visitor to that record or save a new lead. A business card comes in as
 * the vCard/MECARD text a QR scanner types (F2), a .vcf file, or a photo kept with the lead.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { navigate, session, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, readForm, showFormError } from '../components/form.js';
import { uploadAll } from './prospect.js';

/**
 * Asks what to do with a look-alike; resolves to the id to merge into, `new`, or null (back
 * to the form).
 * @param {api.ConflictRef[]} similar
 * @returns {Promise<string | null>}
 */
function similarDialog(similar) {
  return new Promise((resolve) => {
    let choice = /** @type {string | null} */ (null);
    const pick = (/** @type {string} */ c) => { choice = c; dlg.close(); };
    const dlg = h('dialog', { class: 'dialog', id: 'lead-similar', 'aria-labelledby': 'lead-similar-title' },
      h('h2', { id: 'lead-similar-title' }, t('lead.similar_title')),
      h('p', { class: 'muted' }, t('lead.similar_body')),
      h('div', { class: 'choice-list' },
        ...similar.map((c, i) => h('button', { type: 'button', class: i === 0 ? 'primary' : '', dataset: { merge: c.id }, onClick: () => pick(c.id) },
          h('kbd', null, String(i + 1)), t('lead.merge_into', { name: c.label }), h('span', { class: 'reason small' }, ` · ${t(`dup.${c.reason}`).replace(/[:：]\s*$/, '')}`))),
        h('button', { type: 'button', id: 'lead-save-new', onClick: () => pick('new') }, h('kbd', null, 'N'), t('lead.save_new'))),
      h('div', { class: 'actions' }, h('button', { type: 'button', onClick: () => dlg.close() }, t('lead.back_to_form'), h('kbd', null, 'Esc'))));
    dlg.addEventListener('keydown', (e) => {
      const n = Number(e.key);
      if (n >= 1 && n <= similar.length) { e.preventDefault(); pick(similar[n - 1].id); }
      if (e.key.toLowerCase() === 'n') { e.preventDefault(); pick('new'); }
    });
    dlg.addEventListener('close', () => { dlg.remove(); resolve(choice); });
    document.body.appendChild(dlg);
    dlg.showModal();
    /** @type {HTMLElement} */ (dlg.querySelector('button')).focus();
  });
}

/** A registered credit code: open the existing record or go back. @param {api.ConflictRef} hit @returns {Promise<boolean>} */
function duplicateDialog(hit) {
  return new Promise((resolve) => {
    let openIt = false;
    const dlg = h('dialog', { class: 'dialog', id: 'lead-duplicate' },
      h('h2', null, t('lead.duplicate_title')),
      h('p', null, t('dup.credit_code_refused'), ' ', h('strong', null, hit.label)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onClick: () => dlg.close() }, t('lead.back_to_form')),
        h('button', { type: 'button', class: 'primary', id: 'lead-open-existing', onClick: () => { openIt = true; dlg.close(); } }, t('lead.open_existing'))));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(openIt); });
    document.body.appendChild(dlg);
    dlg.showModal();
    /** @type {HTMLElement} */ (dlg.querySelector('#lead-open-existing')).focus();
  });
}

/** @param {HTMLElement} main @param {string} eventId */
export async function leadsView(main, eventId) {
  const ev = await api.eventGet(eventId);
  const me = session.info?.user;
  let count = Number(ev.leads);
  /** @type {File[]} */
  let photos = [];
  /** @type {Array<{ id: string, name: string, merged: boolean }>} */
  const recent = [];

  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const dupHint = h('div', { class: 'warn-box', id: 'lead-dup-hint', hidden: true });
  const saved = h('p', { class: 'ok-box', id: 'lead-saved', role: 'status', hidden: true });
  const counter = h('span', { class: 'badge', id: 'lead-count' });
  const recentList = h('ol', { class: 'recent', id: 'lead-recent' });
  const photoLabel = h('span', { class: 'muted small', id: 'lead-photos' });
  const scan = h('textarea', { id: 'lead-scan', rows: '2', placeholder: t('lead.scan_hint'), 'aria-label': t('lead.scan') });

  const form = h('form', { id: 'lead-form', class: 'lead-form', novalidate: true, onSubmit: (/** @type {Event} */ e) => { e.preventDefault(); save(false, null); } },
    box,
    h('div', { class: 'field-grid' },
      formField({ name: 'company_name', label: t('field.company_name'), required: true, wide: true }),
      formField({ name: 'contact_name', label: t('field.contact.name'), required: true }),
      formField({ name: 'contact_title', label: t('field.contact.title') }),
      formField({ name: 'contact_mobile', label: t('field.contact.mobile'), type: 'tel', required: true }),
      formField({ name: 'contact_email', label: t('field.contact.email'), type: 'email' }),
      formField({ name: 'interest', label: t('lead.interest') }),
      formField({ name: 'credit_code', label: t('field.credit_code'), attrs: { class: 'mono' } }),
      formField({ name: 'contact_wechat', label: t('field.contact.wechat') })),
    h('p', { class: 'muted small' }, t('lead.required_note')),
    dupHint,
    h('div', { class: 'form-actions' },
      photoLabel,
      h('button', { type: 'button', id: 'lead-photo', onClick: () => photoInput.click() }, t('lead.card_photo')),
      h('button', { type: 'submit', class: 'primary big', id: 'lead-save' }, t('lead.save'), h('kbd', null, 'Enter'))));
  const photoInput = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true, hidden: true,
    onChange: () => { photos = [...(photoInput.files || [])]; showPhotos(); } });
  const vcfInput = h('input', { type: 'file', accept: '.vcf,text/vcard,text/x-vcard', hidden: true,
    onChange: async () => { const f = photoInput.ownerDocument && vcfInput.files?.[0]; if (f) await readCard(await f.text()); vcfInput.value = ''; } });

  const input = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name="${name}"]`));
  const showPhotos = () => replace(photoLabel, photos.length ? t('lead.photos', { n: photos.length }) : '');
  const showCount = () => replace(counter, t('lead.count', { n: count }));

  /** Fills the form from card text (vCard or MECARD); a file of several cards is offered as a batch. @param {string} text */
  async function readCard(text) {
    try {
      const cards = await api.cardParse(text);
      if (cards.length > 1) { await importCards(cards); return; }
      const [c] = cards;
      if (c.company) input('company_name').value = c.company;
      if (c.name) input('contact_name').value = c.name;
      if (c.title) input('contact_title').value = c.title;
      if (c.mobile) input('contact_mobile').value = c.mobile;
      if (c.email) input('contact_email').value = c.email;
      scan.value = '';
      toast(t('lead.card_read', { name: c.name || c.company }));
      const firstEmpty = ['company_name', 'contact_name', 'contact_mobile'].map(input).find((el) => !el.value.trim());
      (firstEmpty || input('interest')).focus();
      checkSoon();
    } catch (e) {
      toast(errorText(e), { kind: 'error' });
    }
  }
  /**
   * Several cards (an exported address book): each becomes a lead of the event, with the same
   * duplicate checks; look-alikes and refused ones are reported, not saved.
   * @param {api.CardContact[]} cards
   */
  async function importCards(cards) {
    /** @type {Array<{ name: string, outcome: string }>} */
    const report = [];
    const ok = await formDialog({
      id: 'cards-form', wide: true, title: t('lead.cards_title', { n: cards.length }), intro: t('lead.cards_intro'),
      body: [h('ol', { class: 'wide pick-list' }, ...cards.map((c) => h('li', null, c.company || '—', ' · ', c.name, ' ',
        h('span', { class: 'muted small' }, [c.mobile, c.email].filter(Boolean).join(' · ')))))],
      submitLabel: t('lead.cards_submit', { n: cards.length }),
      submit: async () => {
        for (const c of cards) {
          const name = c.company || c.name;
          try {
            const r = await api.leadCapture({ ...lead(), company_name: c.company, contact_name: c.name, contact_title: c.title,
              contact_mobile: c.mobile, contact_email: c.email, contact_wechat: '', credit_code: '', interest: '' }, false, null);
            count = Number(r.event_leads);
            recent.unshift({ id: r.partner_id, name: r.name, merged: false });
            report.push({ name, outcome: t('lead.cards_saved') });
          } catch (e) {
            report.push({ name, outcome: e instanceof api.ApiError && e.code === 'conflict' ? t(`conflict.${e.kind}`) : errorText(e) });
          }
        }
      },
    });
    if (!ok) return;
    scan.value = '';
    showCount();
    replace(recentList, ...recent.slice(0, 8).map((x) => h('li', null, h('a', { href: `#/partners/${encodeURIComponent(x.id)}` }, x.name))));
    replace(saved, h('strong', null, t('lead.cards_done', { n: report.filter((r) => r.outcome === t('lead.cards_saved')).length, total: cards.length })),
      h('ul', { id: 'cards-report' }, ...report.map((r) => h('li', null, `${r.name}: ${r.outcome}`))));
    saved.hidden = false;
    input('company_name').focus();
  }

  // A scanner types the card and ends it; read it as soon as it is complete.
  scan.addEventListener('input', () => {
    const v = scan.value.trim();
    if (/END:VCARD$/i.test(v) || (/^MECARD:/i.test(v) && v.endsWith(';;'))) readCard(v);
  });
  scan.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); readCard(scan.value); }
  });

  const lead = () => /** @type {api.LeadInput} */ ({ ...readForm(form), event_id: eventId });

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const checkSoon = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
  async function check() {
    const l = lead();
    if (!l.company_name.trim() && !l.contact_mobile.trim() && !l.contact_email.trim()) { dupHint.hidden = true; return; }
    try {
      const r = await api.leadCheck(l);
      const items = [...(r.same_credit_code ? [r.same_credit_code] : []), ...r.similar];
      dupHint.hidden = items.length === 0;
      replace(dupHint, h('strong', null, t('dup.title')), h('ul', null, ...items.map((c) =>
        h('li', null, t(`dup.${c.reason}`), ' ', h('a', { href: `#/partners/${encodeURIComponent(c.id)}`, tabindex: '-1' }, c.label)))));
    } catch { dupHint.hidden = true; }
  }
  for (const name of ['company_name', 'contact_mobile', 'contact_email', 'credit_code']) input(name).addEventListener('input', checkSoon);

  /** @param {boolean} confirm @param {string | null} mergeInto */
  async function save(confirm, mergeInto) {
    box.hidden = true;
    const started = performance.now();
    try {
      const r = await api.leadCapture(lead(), confirm, mergeInto);
      const ms = Math.round(performance.now() - started);
      document.body.dataset.leadSaveMs = String(ms);
      if (photos.length) await uploadAll('partner', r.partner_id, photos, () => {});
      count = Number(r.event_leads);
      recent.unshift({ id: r.partner_id, name: r.name, merged: r.merged });
      replace(saved, t(r.merged ? 'lead.merged' : 'lead.saved', { name: r.name }));
      saved.hidden = false;
      for (const el of form.querySelectorAll('input')) /** @type {HTMLInputElement} */ (el).value = '';
      photos = [];
      showPhotos();
      showCount();
      dupHint.hidden = true;
      replace(recentList, ...recent.slice(0, 8).map((x) => h('li', null, h('a', { href: `#/partners/${encodeURIComponent(x.id)}` }, x.name), x.merged && h('span', { class: 'badge' }, t('lead.merged_badge')))));
      input('company_name').focus();
    } catch (e) {
      if (e instanceof api.ApiError && e.code === 'conflict' && e.kind === 'duplicate') {
        if (await duplicateDialog(e.conflicts[0])) navigate(`#/partners/${encodeURIComponent(e.conflicts[0].id)}`);
        else input('credit_code').focus();
        return;
      }
      if (e instanceof api.ApiError && e.code === 'conflict' && e.kind === 'similar') {
        const choice = await similarDialog(e.conflicts);
        if (choice === 'new') return save(true, null);
        if (choice) return save(false, choice);
        input('company_name').focus();
        return;
      }
      showFormError(form, box, e);
    }
  }

  // The form first, with its duplicate warning and save button, on a laptop's first screen;
  // the card reader, what was just saved and the last leads beside it (below it when narrow).
  replace(main, h('div', { class: 'page capture' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/events' }, t('events.title')), ' / ',
      h('a', { href: `#/events/${encodeURIComponent(eventId)}` }, ev.name), ' / '),
    h('header', { class: 'page-head' },
      h('h1', null, t('lead.capture')),
      counter,
      h('span', { class: 'muted' }, t('lead.context', { event: ev.name, staff: me?.name || '' }))),
    h('div', { class: 'capture-grid' },
      h('section', { class: 'card', id: 'lead-drop',
        onDragover: (/** @type {DragEvent} */ e) => { e.preventDefault(); },
        onDrop: async (/** @type {DragEvent} */ e) => {
          e.preventDefault();
          const files = [...(e.dataTransfer?.files || [])];
          const vcf = files.find((f) => /\.vcf$/i.test(f.name));
          if (vcf) await readCard(await vcf.text());
          photos = [...photos, ...files.filter((f) => f.type.startsWith('image/'))];
          showPhotos();
        } }, form),
      h('aside', { class: 'capture-side' },
        saved,
        h('section', { class: 'card scan-card' },
          h('label', { for: 'lead-scan' }, t('lead.scan'), h('kbd', null, 'F2')),
          scan,
          h('div', { class: 'inline-form' }, h('button', { type: 'button', class: 'small', id: 'lead-vcf', onClick: () => vcfInput.click() }, t('lead.open_vcf')))),
        h('section', { class: 'card' }, h('h2', null, t('lead.recent')), recentList))),
    photoInput, vcfInput));
  showCount();
  input('company_name').focus();

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'F2') { scan.focus(); return true; }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') { form.requestSubmit(); return true; }
      if (e.key === 'Escape' && !isTyping(e)) { navigate(`#/events/${encodeURIComponent(eventId)}`); return true; }
      return false;
    },
    unmount: () => clearTimeout(timer),
  };
}
