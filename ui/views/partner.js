// @ts-check
/**
 * One partner: its details, contacts, tags and notes, its recruitment while it is (or was) a
 * prospect (R2.1.4), its whole picture (issue 25: agreement and terms, credit and money, orders,
 * open items), its agreements (R3.1), and its history from the audit trail (R1.1). Edit (E or Ctrl/Cmd+E), delete with undo (Delete), back to the list (Esc).
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { navigate, isTyping, can } from '../app.js';
import { toast } from '../components/toast.js';
import { confirmDialog } from '../components/dialog.js';
import { errorText, fieldLabel } from '../components/errors.js';
import { provinceName, statusBadge, classBadge } from './partners.js';
import { toInput } from './partner_form.js';
import { formDialog, formField } from '../components/form.js';
import { prospectSection } from './prospect.js';
import { stateBadge, agreementHref, newAgreementDialog } from './agreements.js';
import { standingSection } from './evaluations.js';
import { relationshipSection } from './relationship.js';
import { pictureSection } from './picture.js';

/**
 * Brings a deleted partner back (Undo, or Restore on its page) and shows it.
 * @param {api.Partner} p
 */
async function restorePartner(p) {
  try {
    await api.partnersRestore(p.id);
    toast(t('partner.restored', { name: p.name }));
    navigate(`#/partners/${encodeURIComponent(p.id)}`);
  } catch (e) {
    toast(errorText(e), { kind: 'error' });
  }
}

/**
 * Deletes a partner and offers to undo it.
 * @param {api.Partner} p
 */
async function deletePartner(p) {
  const ok = await confirmDialog({ title: t('partner.delete_title'), body: [t('partner.delete_body', { name: p.name })], confirm: t('action.delete'), danger: true });
  if (!ok) return;
  try {
    await api.partnersDelete(p.id);
  } catch (e) {
    toast(errorText(e), { kind: 'error' });
    return;
  }
  navigate('#/partners');
  toast(t('partner.deleted', { name: p.name }), {
    action: { label: t('action.undo'), run: () => restorePartner(p) },
  });
}

/**
 * The R2.3.1 warning with a way to name the channel contact on the spot.
 * @param {api.Partner} p
 * @param {api.UserSummary[]} users
 */
function assignBox(p, users) {
  const select = h('select', { id: 'assign-contact', 'aria-label': t('field.channel_contact') },
    ...users.map((u) => h('option', { value: u.id }, u.display_name)));
  return h('div', { class: 'warn-box assign' },
    h('span', null, t('partner.no_contact_warning')),
    h('span', { class: 'assign-controls' }, select,
      h('button', { type: 'button', class: 'primary', id: 'assign-save', onClick: async () => {
        try {
          await api.partnersUpdate(p.id, p.hlc, { ...toInput(p), channel_contact_id: select.value }, false);
          toast(t('partner.saved', { name: p.name }));
          navigate(`#/partners/${encodeURIComponent(p.id)}`);
        } catch (e) {
          toast(errorText(e), { kind: 'error' });
        }
      } }, t('partner.assign'))));
}

/**
 * A translated description of one audit entry's changes.
 * @param {api.AuditEntry} e
 * @param {Map<string, string>} userNames  user id → name
 */
function changeList(e, userNames) {
  /** @type {Record<string, [unknown, unknown]>} */
  let changes = {};
  try { changes = JSON.parse(e.changes); } catch { /* shown empty */ }
  const fmt = (/** @type {string} */ field, /** @type {unknown} */ v) => {
    if (v === null || v === undefined || v === '') return '—';
    if (field === 'status') return t(`status.${v}`);
    if (field === 'source_kind') return t(`source.${v}`);
    if (field === 'province') return provinceName(String(v)) || String(v);
    if (field === 'channel_contact_id') return userNames.get(String(v)) || String(v);
    if (Array.isArray(v)) return v.join('；') || '—';
    if (field === 'tags' && typeof v === 'string') { try { return JSON.parse(v).join('、') || '—'; } catch { return v; } }
    const s = String(v);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  };
  return h('ul', { class: 'changes' }, ...Object.entries(changes).map(([field, [before, after]]) =>
    h('li', null, h('strong', null, fieldLabel(field)), ': ',
      e.operation === 'create' ? fmt(field, after) : [h('span', { class: 'before' }, fmt(field, before)), ' → ', h('span', null, fmt(field, after))])));
}

/**
 * @param {HTMLElement} main
 * @param {string} id
 */
export async function partnerView(main, id) {
  const [p, history, users, file, agreementPage] = await Promise.all([api.partnersGet(id), api.partnersHistory(id), api.usersList(), api.prospectFile(id).catch(() => null),
    api.agreementList({ partner_id: id, limit: 500 })]);
  const agreements = agreementPage.rows;
  const [standing, picture] = await Promise.all([api.partnerStanding(id), p.deleted_at ? null : api.partnerPicture(id)]);
  const userNames = new Map(users.map((u) => [u.id, u.display_name]));
  const field = (/** @type {string} */ key, /** @type {import('../components/dom.js').Child | import('../components/dom.js').Child[]} */ value) =>
    [h('dt', null, fieldLabel(key)), h('dd', { dataset: { field: key } }, value || h('span', { class: 'muted' }, '—'))];
  const region = [provinceName(p.province), p.city].filter(Boolean).join(' · ');

  const deleted = Boolean(p.deleted_at);
  replace(main,
    h('div', { class: 'page' },
      h('nav', { class: 'crumbs' }, h('a', { href: '#/partners' }, t('nav.partners')), ' / '),
      h('header', { class: 'page-head' },
        h('h1', { id: 'partner-title' }, p.name),
        statusBadge(p.status), classBadge(p.class),
        h('div', { class: 'actions' },
          deleted
            ? can('partner_delete') && h('button', { type: 'button', class: 'primary', onClick: () => restorePartner(p) }, t('action.restore'))
            : [
                can('partner_write') && h('a', { class: 'button primary', id: 'partner-edit', href: `#/partners/${encodeURIComponent(p.id)}/edit` }, t('action.edit'), h('kbd', null, 'E')),
                ...p.actions.map((action) => h('button', { type: 'button', class: action === 'suspend' ? 'danger' : '', id: `partner-${action}`,
                  onClick: () => cooperationDialog(p, /** @type {'suspend' | 'resume'} */ (action)) }, t(`partner.cooperation.${action}`))),
                can('partner_delete') && h('button', { type: 'button', class: 'danger', id: 'partner-delete', onClick: () => deletePartner(p) }, t('action.delete')),
              ])),
      deleted && h('div', { class: 'error-box' }, t('partner.is_deleted', { time: formatTime(p.deleted_at || '') })),
      !p.channel_contact_id && !deleted && can('partner_write') && assignBox(p, users),
      picture && p.status !== 'prospect' && pictureSection(picture),
      file && !deleted && prospectSection(p, file, users),
      !deleted && (standing.history.length > 0 || standing.evaluations.length > 0 || p.status === 'active') && standingSection({ id: p.id, name: p.name }, standing),
      !deleted && relationshipSection(p, users),
      (agreements.length > 0 || (!deleted && can('agreement_draft'))) && h('section', { class: 'card', id: 'partner-agreements' },
        h('header', { class: 'card-head' },
          h('h2', null, t('partner.agreements', { n: agreementPage.total })),
          !deleted && can('agreement_draft') && h('button', { type: 'button', class: 'small', id: 'partner-new-agreement',
            onClick: () => newAgreementDialog({ id: p.id, name: p.name }) }, t('agreement.new'))),
        agreements.length
          ? h('ul', { class: 'plain' }, ...agreements.map((a) => h('li', null,
              h('a', { href: agreementHref(a.id), class: 'mono' }, a.number), ' ', a.title, ' ', stateBadge(a.state),
              a.effective_on && h('span', { class: 'muted small' }, ` ${a.effective_on} – ${a.expires_on || ''}`))))
          : h('p', { class: 'muted' }, t('partner.no_agreements'))),
      h('div', { class: 'columns' },
        h('section', { class: 'card' },
          h('h2', null, t('form.section.company')),
          h('dl', { class: 'facts' },
            ...field('short_name', p.short_name),
            ...field('credit_code', p.credit_code && h('span', { class: 'mono' }, p.credit_code)),
            ...field('legal_rep', p.legal_rep),
            ...field('industry', p.industry),
            ...field('business_scope', p.business_scope),
            ...field('region', region),
            ...field('address', p.address),
            ...field('website', p.website))),
        h('section', { class: 'card' },
          h('h2', null, t('form.section.relationship')),
          h('dl', { class: 'facts' },
            ...field('source_kind', t(`source.${p.source_kind}`)),
            ...field('source_detail', p.source_detail),
            ...field('channel_contact', p.channel_contact_name),
            ...field('tags', p.tags.length ? p.tags.map((x) => h('span', { class: 'tag' }, x)) : ''),
            ...field('created_at', formatTime(p.created_at)),
            ...field('updated_at', `${formatTime(p.updated_at)} · ${p.updated_by_name}`)))),
      h('section', { class: 'card' },
        h('h2', null, t('form.section.contacts')),
        p.contacts.length
          ? h('table', { class: 'grid compact', id: 'contact-table' },
              h('thead', null, h('tr', null, ...['name', 'title', 'mobile', 'email', 'wechat'].map((k) => h('th', { scope: 'col' }, t(`field.contact.${k}`))))),
              h('tbody', null, ...p.contacts.map((c) => h('tr', null,
                h('td', null, c.name, c.is_primary && h('span', { class: 'badge' }, t('field.contact.primary'))),
                h('td', null, c.title), h('td', { class: 'mono' }, c.mobile), h('td', null, c.email), h('td', null, c.wechat)))))
          : h('p', { class: 'muted' }, t('partner.no_contacts'))),
      p.notes && h('section', { class: 'card' }, h('h2', null, t('field.notes')), h('p', { class: 'notes' }, p.notes)),
      h('section', { class: 'card' },
        h('h2', null, t('partner.history')),
        h('ol', { class: 'history', id: 'partner-history' }, ...history.slice().reverse().map((e) =>
          h('li', null,
            h('div', null, h('strong', null, t(`op.${e.operation}`)), ' · ', e.user_name, ' · ', h('span', { class: 'muted' }, formatTime(e.at))),
            changeList(e, userNames)))))));

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if (isTyping(e) || deleted) return false;
      if (e.key === 'Escape') { navigate('#/partners'); return true; }
      if (can('partner_write') && (e.key === 'e' || ((e.ctrlKey || e.metaKey) && e.key === 'e'))) { navigate(`#/partners/${encodeURIComponent(p.id)}/edit`); return true; }
      if (e.key === 'Delete' && can('partner_delete')) { deletePartner(p); return true; }
      return false;
    },
  };
}

/**
 * A manager suspends or resumes the partner's cooperation with a reason (R6.2.2): the core's
 * partner machine offers the step (`p.actions`); suspended partners' orders are held.
 * @param {api.Partner} p @param {'suspend' | 'resume'} action
 */
async function cooperationDialog(p, action) {
  const ok = await formDialog({
    id: 'cooperation-form', title: t(`partner.cooperation.${action}_title`, { name: p.name }), intro: t(`partner.cooperation.${action}_intro`),
    body: [formField({ name: 'reason', label: t('partner.cooperation.reason'), required: true, rows: 3, wide: true })],
    submitLabel: t(`partner.cooperation.${action}`),
    submit: async (v) => { await api.partnerCooperation(p.id, action, v.reason); },
  });
  if (ok) {
    toast(t(`partner.cooperation.${action}_done`, { name: p.name }));
    navigate(`#/partners/${encodeURIComponent(p.id)}`);
  }
}
