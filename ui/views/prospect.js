// @ts-check
/**
 * A prospect's recruitment on its partner page (R2.1.1–R2.1.4): where it stands, what the
 * next gate still needs, the record of each gate (scorecard, inspection, negotiation,
 * signing), rejection and reopening, the referral and its reward, attachments (business
 * cards, inspection photos), linked research notes, the stage history, and merging a second
 * entry of the same company into this one.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { confirmDialog } from '../components/dialog.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, today } from '../components/form.js';
import { ALL_STAGES, BOARD_STAGES, moveProspect, points } from './pipeline.js';
import { DIMENSIONS } from './scheme.js';
import { newAgreementDialog } from './agreements.js';

/** The record that opens each stage's gate, and how to add it. */
const RECORD_OF = /** @type {Record<string, 'scorecard' | 'inspection' | 'negotiation' | 'sign' | 'edit'>} */ ({
  application: 'edit', screening: 'scorecard', inspection: 'inspection', negotiation: 'negotiation', signing: 'sign',
});

/** @param {number} n */
const kb = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/**
 * @param {api.Partner} p
 * @param {api.ProspectFile} file
 * @param {api.UserSummary[]} users
 */
export function prospectSection(p, file, users) {
  const reload = () => navigate(`#/partners/${encodeURIComponent(p.id)}`);
  const write = can('partner_write') && !p.deleted_at;
  const open = file.outcome === 'open';
  const stageIdx = ALL_STAGES.indexOf(file.stage);
  const next = ALL_STAGES[stageIdx + 1];

  const run = async (/** @type {() => Promise<unknown>} */ fn, /** @type {string} */ done) => {
    try { await fn(); toast(done); reload(); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };

  /** Opens the form of the record the current stage needs. */
  const addRecord = (/** @type {string} */ kind) => {
    if (kind === 'scorecard') return scorecardDialog(p, reload);
    if (kind === 'inspection') return inspectionDialog(p, reload);
    if (kind === 'negotiation') return negotiationDialog(p, reload);
    // R2.1.4 ends where R3.1.3 begins: the partner signs through an agreement drafted,
    // reviewed and signed in 协议; it becomes 合作中 when that agreement is signed.
    if (kind === 'sign') { newAgreementDialog({ id: p.id, name: p.name }); return Promise.resolve(false); }
    navigate(`#/partners/${encodeURIComponent(p.id)}/edit`);
    return Promise.resolve(false);
  };

  // A signed prospect has completed every step, the last included.
  const doneUpTo = file.outcome === 'signed' ? stageIdx + 1 : stageIdx;
  const stepper = h('ol', { class: `stepper${file.outcome === 'rejected' ? ' rejected' : ''}`, id: 'prospect-stepper' }, ...ALL_STAGES.map((s, i) =>
    h('li', { class: i < doneUpTo ? 'done' : i === stageIdx ? 'current' : '', dataset: { stage: s }, 'aria-current': i === stageIdx ? 'step' : null },
      h('span', { class: 'dot' }, i < doneUpTo ? '✓' : String(i + 1)), t(`stage.${s}`))));

  const gate = open && write && file.stage !== 'signed' && h('div', { class: file.next_gate.length ? 'warn-box' : 'ok-box', id: 'prospect-gate' },
    file.next_gate.length
      ? [h('strong', null, t('prospect.gate_needs', { stage: t(`stage.${next}`) })),
          h('ul', null, ...file.next_gate.map((f) => h('li', { dataset: { field: f.field, rule: f.rule } }, t(`gate.${f.field}.${f.rule}`))))]
      : h('span', null, t('prospect.gate_open', { stage: t(`stage.${next}`) })),
    h('div', { class: 'gate-actions' },
      RECORD_OF[file.stage] && h('button', { type: 'button', id: 'prospect-record', onClick: () => addRecord(RECORD_OF[file.stage]) }, t(`prospect.add.${RECORD_OF[file.stage]}`)),
      file.stage !== 'signing' && h('button', { type: 'button', class: file.next_gate.length ? '' : 'primary', id: 'prospect-advance',
        onClick: async () => { if (await moveProspect(p.id, next, p.name)) reload(); } }, t('prospect.advance', { stage: t(`stage.${next}`) }))));

  const actions = write && h('div', { class: 'actions' },
    open && stageIdx > 0 && file.stage !== 'signed' && h('button', { type: 'button', id: 'prospect-back', onClick: () => formDialog({
      id: 'back-form', title: t('pipeline.back_title', { name: p.name, stage: t(`stage.${BOARD_STAGES[stageIdx - 1]}`) }),
      body: [formField({ name: 'reason', label: t('field.reason'), rows: 2 })], submitLabel: t('pipeline.back'),
      submit: async (v) => { await api.prospectMove(p.id, BOARD_STAGES[stageIdx - 1], v.reason); },
    }).then((ok) => ok && reload()) }, t('pipeline.back')),
    open && h('button', { type: 'button', class: 'danger', id: 'prospect-reject', onClick: () => formDialog({
      id: 'reject-form', title: t('prospect.reject_title', { name: p.name }),
      body: [formField({ name: 'reason', label: t('field.reason'), rows: 3, required: true })], submitLabel: t('prospect.reject'),
      submit: async (v) => { await api.prospectReject(p.id, v.reason); },
    }).then((ok) => ok && reload()) }, t('prospect.reject')),
    file.outcome === 'rejected' && h('button', { type: 'button', class: 'primary', id: 'prospect-reopen', onClick: () => formDialog({
      id: 'reopen-form', title: t('prospect.reopen_title', { name: p.name }),
      body: [formField({ name: 'reason', label: t('field.reason'), rows: 2 })], submitLabel: t('prospect.reopen'),
      submit: async (v) => { await api.prospectReopen(p.id, v.reason); },
    }).then((ok) => ok && reload()) }, t('prospect.reopen')),
    can('partner_delete') && h('button', { type: 'button', id: 'prospect-merge', onClick: () => mergeDialog(p) }, t('merge.button')));

  const facts = h('dl', { class: 'facts' },
    h('dt', null, t('prospect.stage')), h('dd', { id: 'prospect-stage' }, t(`stage.${file.stage}`), ' ',
      file.outcome === 'rejected' && h('span', { class: 'badge outcome-rejected' }, t('outcome.rejected'))),
    h('dt', null, t('prospect.since')), h('dd', null, formatTime(file.stage_since)),
    file.reject_reason && [h('dt', null, t('prospect.reject_reason')), h('dd', null, file.reject_reason)],
    file.event && [h('dt', null, t('field.event')), h('dd', null, h('a', { href: `#/events/${encodeURIComponent(file.event.id)}` }, `${file.event.name} · ${file.event.number}`))],
    file.captured_by_name && [h('dt', null, t('prospect.captured_by')), h('dd', null, file.captured_by_name)],
    file.interest && [h('dt', null, t('lead.interest')), h('dd', null, file.interest)],
    file.agreement_no && [h('dt', null, t('sign.agreement_no')), h('dd', null, `${file.agreement_no} · ${file.signed_on || ''}`)]);

  const scorecards = file.scorecards.length > 0 && h('div', { class: 'records', id: 'prospect-scorecards' },
    h('h3', null, t('prospect.scorecards')),
    ...file.scorecards.slice().reverse().map((s) => h('details', { class: 'record' },
      h('summary', null,
        h('strong', null, points(s.total_x100)), ' ',
        h('span', { class: `badge ${s.passed ? 'ok' : 'warn'}` }, t(s.passed ? 'score.passed' : 'score.failed', { n: s.pass_mark })),
        h('span', { class: 'muted small' }, ` v${s.scheme_version} · ${s.scorer_name} · ${formatTime(s.scored_at)}`)),
      h('table', { class: 'grid compact' },
        h('tbody', null, ...s.lines.map((l) => h('tr', null,
          h('td', { class: 'muted' }, t(`dimension.${l.dimension}`)), h('td', null, l.label),
          h('td', { class: 'num' }, `${l.weight}%`), h('td', { class: 'num' }, `${l.score} / 5`))))),
      s.comment && h('p', { class: 'notes' }, s.comment))));

  const inspections = file.inspections.length > 0 && h('div', { class: 'records', id: 'prospect-inspections' },
    h('h3', null, t('prospect.inspections')),
    ...file.inspections.slice().reverse().map((x) => h('details', { class: 'record' },
      h('summary', null, h('strong', null, x.inspected_on), ' ',
        h('span', { class: `badge ${x.passed ? 'ok' : 'warn'}` }, t(x.passed ? 'inspection.passed' : 'inspection.failed')),
        h('span', { class: 'muted small' }, ` ${x.inspectors}`)),
      h('dl', { class: 'facts' },
        ...['operations', 'team', 'capability', 'resources', 'conclusion'].flatMap((k) => {
          const v = /** @type {Record<string, any>} */ (x)[k];
          return v ? [h('dt', null, t(`inspection.${k}`)), h('dd', null, v)] : [];
        })),
      write && h('button', { type: 'button', class: 'small', onClick: () => pickFiles('inspection', x.id, reload) }, t('attach.add_photo')))));

  const negotiations = file.negotiations.length > 0 && h('div', { class: 'records', id: 'prospect-negotiations' },
    h('h3', null, t('prospect.negotiations')),
    ...file.negotiations.slice().reverse().map((n) => h('details', { class: 'record' },
      h('summary', null, h('strong', null, n.negotiated_on), ' ',
        h('span', { class: `badge ${n.intent_reached ? 'ok' : 'warn'}` }, t(n.intent_reached ? 'negotiation.intent' : 'negotiation.no_intent')),
        h('span', { class: 'muted small' }, ` ${n.cooperation_model}`)),
      h('dl', { class: 'facts' },
        ...['rights_obligations', 'profit_sharing', 'promotion_commitments', 'notes'].flatMap((k) => {
          const v = /** @type {Record<string, any>} */ (n)[k];
          return v ? [h('dt', null, t(`negotiation.${k}`)), h('dd', null, v)] : [];
        })))));

  const recordButtons = write && open && h('div', { class: 'inline-form' },
    h('button', { type: 'button', class: 'small', id: 'add-scorecard', onClick: () => scorecardDialog(p, reload) }, t('prospect.add.scorecard')),
    stageIdx >= 2 && h('button', { type: 'button', class: 'small', id: 'add-inspection', onClick: () => inspectionDialog(p, reload) }, t('prospect.add.inspection')),
    stageIdx >= 3 && h('button', { type: 'button', class: 'small', id: 'add-negotiation', onClick: () => negotiationDialog(p, reload) }, t('prospect.add.negotiation')));

  const history = h('ol', { class: 'history', id: 'prospect-history' }, ...file.history.slice().reverse().map((m) =>
    h('li', null,
      h('div', null, h('strong', null, t(`move.${m.action}`, { from: m.from_stage ? t(`stage.${m.from_stage}`) : '', to: t(`stage.${m.to_stage}`) })),
        ' · ', m.user_name, ' · ', h('span', { class: 'muted' }, formatTime(m.at))),
      m.reason && h('div', { class: 'muted small' }, m.reason))));

  return h('section', { class: 'card prospect', id: 'prospect' },
    h('header', { class: 'card-head' }, h('h2', null, t('prospect.title')), actions),
    stepper,
    gate || null,
    h('div', { class: 'columns' }, h('div', null, facts), referralBox(p, file, users, write)),
    recordButtons,
    scorecards, inspections, negotiations,
    attachmentsBox(p, file, write),
    file.research.length > 0 && h('div', { class: 'records' },
      h('h3', null, t('research.linked')),
      h('ul', null, ...file.research.map((n) => h('li', null, h('a', { href: `#/research/${encodeURIComponent(n.id)}` }, n.title), ' ',
        h('span', { class: 'muted small' }, `${n.noted_on} · ${t(`topic.${n.topic}`)}`))))),
    h('details', { class: 'records' }, h('summary', null, t('prospect.history', { n: file.history.length })), history));
}

/** @param {api.Partner} p @param {() => void} reload */
async function scorecardDialog(p, reload) {
  const scheme = await api.schemeCurrent();
  const total = h('strong', { id: 'scorecard-total' });
  const form = () => /** @type {HTMLFormElement | null} */ (document.getElementById('scorecard-form'));
  const recompute = () => {
    const f = form();
    if (!f) return;
    const sum = scheme.criteria.reduce((n, c) => n + c.weight * (Number(/** @type {HTMLSelectElement} */ (f.querySelector(`[name="scores.${c.key}"]`)).value) || 0) * 20, 0);
    replace(total, `${(sum / 100).toFixed(2)} / 100 · ${t(sum >= scheme.pass_mark * 100 ? 'score.passed' : 'score.failed', { n: scheme.pass_mark })}`);
  };
  const options = /** @type {Array<[string, string]>} */ ([['', '—'], ...[0, 1, 2, 3, 4, 5].map((n) => [String(n), `${n} · ${t(`score.level.${n}`)}`])]);
  const body = DIMENSIONS.flatMap((d) => {
    const list = scheme.criteria.filter((c) => c.dimension === d);
    return list.length ? [h('h3', { class: 'wide dim' }, t(`dimension.${d}`)),
      ...list.map((c) => formField({ name: `scores.${c.key}`, label: `${c.label} (${c.weight}%)`, options, attrs: { onChange: recompute } }))] : [];
  });
  const ok = await formDialog({
    id: 'scorecard-form', wide: true,
    title: t('scorecard.title', { name: p.name }),
    intro: t('scorecard.intro', { v: scheme.version, n: scheme.pass_mark }),
    body: [...body, formField({ name: 'comment', label: t('scorecard.comment'), rows: 2 }), h('p', { class: 'wide' }, total)],
    submitLabel: t('action.save'),
    submit: async (v) => {
      /** @type {Record<string, number>} */
      const scores = {};
      for (const c of scheme.criteria) { const s = v[`scores.${c.key}`]; if (s !== '') scores[c.key] = Number(s); }
      await api.scorecardRecord(p.id, { scheme_id: scheme.id, scores, comment: v.comment });
    },
  });
  if (ok) { toast(t('scorecard.saved')); reload(); }
}

/** @param {api.Partner} p @param {() => void} reload */
async function inspectionDialog(p, reload) {
  const ok = await formDialog({
    id: 'inspection-form', wide: true, title: t('inspection.title', { name: p.name }),
    body: [
      formField({ name: 'inspected_on', label: t('inspection.date'), type: 'date', value: today(), required: true }),
      formField({ name: 'inspectors', label: t('inspection.inspectors'), required: true }),
      ...['operations', 'team', 'capability', 'resources'].map((k) => formField({ name: k, label: t(`inspection.${k}`), rows: 2 })),
      formField({ name: 'conclusion', label: t('inspection.conclusion'), rows: 2, required: true }),
      formField({ name: 'passed', label: t('inspection.passed_check'), type: 'checkbox', wide: true }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      await api.inspectionRecord(p.id, /** @type {api.InspectionInput} */ (v));
    },
  });
  if (ok) { toast(t('inspection.saved')); reload(); }
}

/** @param {api.Partner} p @param {() => void} reload */
async function negotiationDialog(p, reload) {
  const ok = await formDialog({
    id: 'negotiation-form', wide: true, title: t('negotiation.title', { name: p.name }),
    body: [
      formField({ name: 'negotiated_on', label: t('negotiation.date'), type: 'date', value: today(), required: true }),
      formField({ name: 'cooperation_model', label: t('negotiation.cooperation_model'), required: true }),
      ...['rights_obligations', 'profit_sharing', 'promotion_commitments', 'notes'].map((k) => formField({ name: k, label: t(`negotiation.${k}`), rows: 2 })),
      formField({ name: 'intent_reached', label: t('negotiation.intent_check'), type: 'checkbox', wide: true }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => { await api.negotiationRecord(p.id, /** @type {api.NegotiationInput} */ (v)); },
  });
  if (ok) { toast(t('negotiation.saved')); reload(); }
}

/**
 * @param {api.Partner} p @param {api.ProspectFile} file @param {api.UserSummary[]} users @param {boolean | null} write
 */
function referralBox(p, file, users, write) {
  const r = file.referral;
  const money = (/** @type {api.Referral} */ x) => (x.reward_amount ? `${(x.reward_amount / 100).toLocaleString(undefined, { minimumFractionDigits: 2 })} ${x.reward_currency}` : '');
  // Partners suggested by name as the referrer is typed.
  const suggestions = h('datalist', { id: 'referral-partners' });
  const suggest = async (/** @type {Event} */ e) => {
    const page = await api.partnersList({ q: /** @type {HTMLInputElement} */ (e.target).value, limit: 8 }).catch(() => null);
    if (page) replace(suggestions, ...page.rows.filter((x) => x.id !== p.id).map((x) => h('option', { value: x.name })));
  };
  const edit = () => formDialog({
    id: 'referral-form', title: t('referral.title', { name: p.name }),
    body: [
      formField({ name: 'referrer_kind', label: t('referral.kind'), options: [['employee', t('referral.kind.employee')], ['partner', t('referral.kind.partner')]], value: r?.referrer_kind || 'employee' }),
      formField({ name: 'referrer_user_id', label: t('referral.employee'), options: [['', '—'], ...users.map((u) => /** @type {[string, string]} */ ([u.id, u.display_name]))], value: r?.referrer_user_id || '' }),
      formField({ name: 'referrer_partner', label: t('referral.partner'), attrs: { list: 'referral-partners', placeholder: t('referral.partner_hint'), onInput: suggest }, value: r?.referrer_kind === 'partner' ? r.referrer_name : '' }),
      suggestions,
      formField({ name: 'reward_rule', label: t('referral.rule'), required: true, value: r?.reward_rule || '' }),
      formField({ name: 'reward_amount', label: t('referral.amount'), type: 'number', value: r ? String(r.reward_amount / 100) : '', attrs: { min: '0', step: '0.01' } }),
      formField({ name: 'reward_currency', label: t('referral.currency'), value: r?.reward_currency || 'CNY' }),
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      let partnerId = null;
      if (v.referrer_kind === 'partner' && v.referrer_partner.trim()) {
        const page = await api.partnersList({ q: v.referrer_partner.trim(), limit: 5 });
        partnerId = page.rows.find((x) => x.name === v.referrer_partner.trim())?.id || page.rows[0]?.id || 'unknown';
      }
      await api.referralSet(p.id, {
        referrer_kind: v.referrer_kind, referrer_user_id: v.referrer_user_id || undefined, referrer_partner_id: partnerId || undefined,
        reward_rule: v.reward_rule, reward_amount: Math.round(Number(v.reward_amount || 0) * 100), reward_currency: v.reward_currency,
      });
    },
  }).then((ok) => ok && navigate(`#/partners/${encodeURIComponent(p.id)}`));
  return h('div', { class: 'referral', id: 'prospect-referral' },
    h('h3', null, t('referral.heading')),
    r ? h('dl', { class: 'facts' },
      h('dt', null, t('referral.by')), h('dd', null, `${r.referrer_name} (${t(`referral.kind.${r.referrer_kind}`)})`),
      h('dt', null, t('referral.rule')), h('dd', null, r.reward_rule, ' ', money(r)),
      h('dt', null, t('referral.status')), h('dd', { id: 'referral-status' }, h('span', { class: `badge reward-${r.reward_status}` }, t(`reward.${r.reward_status}`)),
        r.paid_on && ` ${r.paid_on}`))
      : h('p', { class: 'muted' }, t('referral.none')),
    h('div', { class: 'inline-form' },
      write && (!r || r.reward_status === 'pending' || r.reward_status === 'due') && h('button', { type: 'button', class: 'small', id: 'referral-edit', onClick: edit }, t(r ? 'referral.change' : 'referral.add')),
      r && r.reward_status === 'due' && can('reward_settle') && h('button', { type: 'button', class: 'small primary', id: 'referral-paid', onClick: async () => {
        try { await api.referralSettle(p.id, true, today()); toast(t('reward.paid')); navigate(`#/partners/${encodeURIComponent(p.id)}`); } catch (e) { toast(errorText(e), { kind: 'error' }); }
      } }, t('referral.mark_paid'))));
}

/**
 * Lets the user pick files and attaches each.
 * @param {'partner' | 'inspection'} kind @param {string} ownerId @param {() => void} reload
 */
function pickFiles(kind, ownerId, reload) {
  const input = h('input', { type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp,application/pdf', hidden: true });
  input.addEventListener('change', () => uploadAll(kind, ownerId, [...(input.files || [])], reload));
  document.body.appendChild(input);
  input.click();
  setTimeout(() => input.remove(), 60_000);
}

/**
 * @param {'partner' | 'inspection'} kind @param {string} ownerId @param {File[]} files @param {() => void} reload
 */
export async function uploadAll(kind, ownerId, files, reload) {
  let added = 0;
  for (const f of files) {
    try { await api.attachmentAdd(kind, ownerId, f); added++; } catch (e) { toast(`${f.name}: ${errorText(e)}`, { kind: 'error' }); }
  }
  if (added) { toast(t('attach.added', { n: added })); reload(); }
}

/** @param {api.Partner} p @param {api.ProspectFile} file @param {boolean | null} write */
function attachmentsBox(p, file, write) {
  const reload = () => navigate(`#/partners/${encodeURIComponent(p.id)}`);
  const thumbs = h('ul', { class: 'attachments', id: 'prospect-attachments' }, ...file.attachments.map((a) => {
    const img = a.media_type.startsWith('image/') ? h('img', { alt: a.name, class: 'thumb' }) : h('span', { class: 'thumb file' }, 'PDF');
    if (img instanceof HTMLImageElement) {
      // The blob's URL is given back once the picture is decoded (it held the photo's bytes
      // for as long as the page lived, one more copy at every visit).
      api.attachmentBytes(a.id).then((buf) => {
        const url = URL.createObjectURL(new Blob([buf], { type: a.media_type }));
        img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
        img.addEventListener('error', () => URL.revokeObjectURL(url), { once: true });
        img.src = url;
      }).catch(() => {});
    }
    return h('li', { dataset: { id: a.id } },
      img,
      h('div', null, h('div', { class: 'att-name' }, a.name),
        h('div', { class: 'muted small' }, `${kb(Number(a.size))} · ${t(`attach.on.${a.owner_kind}`)} · ${formatTime(a.created_at)}`),
        h('div', null,
          h('button', { type: 'button', class: 'link small', onClick: async () => { try { if (await api.attachmentSave(a.id)) toast(t('attach.saved')); } catch (e) { toast(errorText(e), { kind: 'error' }); } } }, t('attach.save_copy')),
          write && h('button', { type: 'button', class: 'link small danger', onClick: async () => {
            if (!(await confirmDialog({ title: t('attach.remove_title'), body: [a.name], confirm: t('action.remove'), danger: true }))) return;
            try { await api.attachmentRemove(a.id); reload(); } catch (e) { toast(errorText(e), { kind: 'error' }); }
          } }, t('action.remove')))));
  }));
  const drop = write && h('div', { class: 'dropzone', id: 'attach-drop', tabindex: '0', role: 'button',
    onClick: () => pickFiles('partner', p.id, reload),
    onKeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pickFiles('partner', p.id, reload); } },
    onDragover: (/** @type {DragEvent} */ e) => { e.preventDefault(); /** @type {HTMLElement} */ (e.currentTarget).classList.add('drop'); },
    onDragleave: (/** @type {DragEvent} */ e) => /** @type {HTMLElement} */ (e.currentTarget).classList.remove('drop'),
    onDrop: (/** @type {DragEvent} */ e) => { e.preventDefault(); uploadAll('partner', p.id, [...(e.dataTransfer?.files || [])], reload); },
  }, t('attach.drop'));
  return h('div', { class: 'records' }, h('h3', null, t('attach.heading')), file.attachments.length ? thumbs : h('p', { class: 'muted' }, t('attach.none')), drop);
}

/** Finds the other entry of the same company and merges it into this one. @param {api.Partner} p */
async function mergeDialog(p) {
  const results = h('ul', { class: 'pick-list', id: 'merge-results' });
  /** @type {api.PartnerRow | null} */
  let chosen = null;
  const search = h('input', { type: 'search', id: 'merge-search', class: 'search', placeholder: t('merge.search'), value: p.name.slice(0, 4), onInput: () => find() });
  const find = async () => {
    const page = await api.partnersList({ q: search.value, limit: 10 }).catch(() => null);
    replace(results, ...(page?.rows || []).filter((r) => r.id !== p.id).map((r) =>
      h('li', null, h('label', { class: 'check' }, h('input', { type: 'radio', name: 'other', value: r.id, onChange: () => { chosen = r; } }),
        r.name, ' ', h('span', { class: 'muted small' }, [r.primary_contact, r.primary_mobile, r.credit_code].filter(Boolean).join(' · '))))));
  };
  await find();
  const ok = await formDialog({
    id: 'merge-form', wide: true, title: t('merge.title', { name: p.name }), intro: t('merge.intro'),
    body: [h('div', { class: 'wide' }, search, results)],
    submitLabel: t('merge.submit'),
    submit: async () => {
      if (!chosen) throw new api.ApiError({ code: 'validation', message: '', fields: [{ field: 'other_id', rule: 'required' }], conflicts: [] });
      await api.prospectMerge(p.id, chosen.id);
    },
  });
  if (ok) { toast(t('merge.done', { name: chosen ? /** @type {api.PartnerRow} */ (chosen).name : '' })); navigate(`#/partners/${encodeURIComponent(p.id)}`); }
}
