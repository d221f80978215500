// @ts-check
/**
 * One agreement (R3.1.1–R3.3.2): where it stands, the text (edited as a draft, read with
 * clause comments otherwise), what keeps it from review, the legal and business reviews of
 * the current version, versions and their differences, signing, archive and numbered copies,
 * execution reports, amendments and the current terms, ending with its handover checklist,
 * and renewal. Ctrl/Cmd+S saves the draft as a new version; Esc goes back to the list.
 */
import { termsCard } from './terms.js';
import { h, replace } from '../components/dom.js';
import { t, formatTime, chineseNumber } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText, fieldLabel, showFieldErrors, clearFieldErrors, ruleMessage } from '../components/errors.js';
import { formDialog, formField, today } from '../components/form.js';
import { print as printDocument, preview } from '../components/print.js';
import { territoryPicker } from '../components/places.js';
import { stateBadge, agreementHref, CATEGORIES, VARIABLES, variableLabel, placeholders, filled, toLabels, fromLabels } from './agreements.js';

const DATE_VARIABLES = ['start_on', 'end_on'];
const CYCLES = ['none', 'monthly', 'quarterly', 'half_yearly'];
/** The settlement cycles the `settlement_cycle` variable holds (the core's CYCLE_CODES). */
const SETTLE_CYCLES = ['monthly', 'quarterly', 'half_yearly', 'yearly'];
/** The territory variable's value for the whole country (the core's WHOLE_COUNTRY). */
const WHOLE_COUNTRY = '全国';
const STEPS = ['drafting', 'in_review', 'approved', 'signed', 'active', 'closed'];


/** A short fingerprint as printed on the pages. @param {string} fp */
const shortFp = (fp) => (fp.slice(0, 16).match(/.{4}/g) || []).join(' ');

/** 第一条 … in Chinese, "Clause 1" in English (as the printed agreement numbers them). @param {number} n */
export function clauseNo(n) {
  return t('agreement.clause_no', { n, cn: chineseNumber(n) });
}

/** @param {HTMLElement} main @param {string} id */
export async function agreementView(main, id) {
  const [a, versions, history] = await Promise.all([api.agreementGet(id), api.agreementVersions(id), api.agreementHistory(id)]);
  const reload = () => navigate(agreementHref(id));
  const act = async (/** @type {() => Promise<unknown>} */ fn, /** @type {string} */ done) => {
    try {
      await fn();
      if (done) toast(done);
      reload();
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  const status = a.status;
  const editable = ['drafting', 'in_review', 'approved'].includes(status) && can('agreement_draft');
  const signedLike = ['signed', 'ended', 'closed'].includes(status);
  const isAmendment = a.kind === 'amendment';
  const canComment = can('agreement_draft') || can('agreement_review_legal') || can('agreement_review_business');
  const vars = a.current.variables;

  // ---- header and actions
  const print = async (/** @type {number | null} */ version) => {
    await printDocument(() => api.agreementPrint(id, version));
  };
  const savePdf = async () => {
    try { const p = await api.agreementSavePdf(id, null); if (p) toast(t('agreement.saved_pdf', { path: p })); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  // The originals for signing, as many as the agreement's counterparts clause states (R3.1.3).
  const originals = async () => {
    if (await printDocument(() => api.agreementOriginals(id))) reload();
  };
  const approvedOrSigned = status === 'approved' || signedLike;
  const actions = h('div', { class: 'actions' },
    h('button', { type: 'button', id: 'agreement-print', onClick: () => print(null) }, approvedOrSigned ? t('agreement.print') : t('agreement.print_draft'), h('kbd', null, 'Ctrl+P')),
    h('button', { type: 'button', id: 'agreement-save-pdf', onClick: savePdf }, t('agreement.save_pdf')),
    a.actions.includes('submit') && h('button', { type: 'button', class: 'primary', id: 'agreement-submit',
      onClick: () => act(() => api.agreementSubmit(id), t('agreement.submitted')) }, t('agreement.submit')),
    a.actions.includes('approve_paper') && h('button', { type: 'button', id: 'agreement-paper', onClick: () => paperDialog(a, act) }, t('paper.approve')),
    status === 'approved' && can('agreement_draft') && h('button', { type: 'button', id: 'agreement-originals', title: t('agreement.print_originals_hint'), onClick: originals }, t('agreement.print_originals')),
    a.actions.includes('sign') && h('button', { type: 'button', class: 'primary', id: 'agreement-sign', onClick: () => signDialog(a) }, t('agreement.sign')),
    signedLike && can('agreement_draft') && h('button', { type: 'button', class: 'primary', id: 'agreement-copies', onClick: () => copiesDialog(a) }, t('agreement.print_copies')));

  // ---- where it stands
  const stepIndex = status === 'signed' ? (a.state === 'signed' ? 3 : 4) : status === 'ended' ? 5 : STEPS.indexOf(status);
  const stepper = h('ol', { class: 'stepper', id: 'agreement-steps' }, ...STEPS.map((s, i) =>
    h('li', { class: i < stepIndex ? 'done' : i === stepIndex ? 'current' : '', dataset: { step: s } },
      h('span', { class: 'dot' }, i < stepIndex ? '✓' : String(i + 1)), t(`agreement.step.${s}`))));
  const facts = h('dl', { class: 'facts inline' },
    h('dt', null, t('agreement.partner')), h('dd', null, h('a', { href: `#/partners/${encodeURIComponent(a.partner_id)}` }, a.partner_name)),
    h('dt', null, t('agreement.kind_field')), h('dd', null, t(`agreement.kind.${a.kind}`)),
    a.master_id && [h('dt', null, t('agreement.master')), h('dd', null, h('a', { href: agreementHref(a.master_id) }, a.master_number || ''))],
    a.renewal_of && [h('dt', null, t('agreement.renewal_of')), h('dd', null, h('a', { href: agreementHref(a.renewal_of) }, a.renewal_of_number || ''))],
    a.renewed_by && [h('dt', null, t('agreement.renewed_by')), h('dd', null, h('a', { href: agreementHref(a.renewed_by.id) }, a.renewed_by.number), ' ', stateBadge(a.renewed_by.state))],
    a.effective_on && [h('dt', null, t('agreement.term')), h('dd', { id: 'agreement-term' }, `${a.effective_on} – ${a.expires_on || ''}`,
      a.days_to_expiry !== null && a.days_to_expiry >= 0 && h('span', { class: `badge ${a.days_to_expiry <= 90 ? 'warn' : ''}` }, t('agreement.days_left', { n: a.days_to_expiry })))],
    h('dt', null, t('agreement.fingerprint')), h('dd', { class: 'mono', id: 'agreement-fingerprint', title: a.current.fingerprint }, shortFp(a.current.fingerprint)));

  const missingBox = ['drafting', 'in_review'].includes(status) && a.missing.length > 0 && h('div', { class: 'warn-box', id: 'agreement-missing' },
    h('strong', null, t('agreement.missing_title')),
    h('ul', null, ...a.missing.map((f) => h('li', { dataset: { field: f.field } }, missingText(f)))));

  replace(main, h('div', { class: 'page agreement-page' },
    h('nav', { class: 'crumbs' }, h('a', { href: '#/agreements' }, t('agreements.title')), ' / ', h('a', { href: `#/partners/${encodeURIComponent(a.partner_id)}` }, a.partner_name), ' / '),
    h('header', { class: 'page-head' },
      h('h1', { id: 'agreement-title' }, a.title),
      h('span', { class: 'badge mono', id: 'agreement-number' }, a.number), stateBadge(a.state), h('span', { class: 'badge' }, t('agreement.version_n', { n: a.version_no })),
      actions),
    stepper,
    h('section', { class: 'card' }, facts),
    missingBox,
    reviewCard(a, act),
    status === 'approved' && a.copies.length > 0 && h('section', { class: 'card', id: 'agreement-originals-log' },
      h('h2', null, t('copies.originals_heading', { n: a.copies.length })), copiesTable(a)),
    editable ? editorCard(a) : textCard(a, canComment, act),
    versionsCard(a, versions, print),
    !isAmendment && status !== 'closed' && h('div', { id: 'terms-slot' }),
    signedLike && signingCard(a, act),
    signedLike && !isAmendment && h('div', { id: 'reports-slot' }),
    signedLike && !isAmendment && amendmentsCard(a),
    (signedLike) && endCard(a, act),
    status === 'signed' && !isAmendment && renewalCard(a, act),
    historyCard(history)));

  const termsSlot = /** @type {HTMLElement | null} */ (main.querySelector('#terms-slot'));
  if (termsSlot) termsCard(termsSlot, id);
  if (signedLike && !isAmendment) {
    const slot = /** @type {HTMLElement} */ (main.querySelector('#reports-slot'));
    api.agreementReports(id).then((periods) => replace(slot, reportsCard(a, periods))).catch((e) => replace(slot, h('div', { class: 'error-box' }, errorText(e))));
  }

  return {
    onKey: (/** @type {KeyboardEvent} */ e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && editable) {
        e.preventDefault();
        /** @type {HTMLFormElement | null} */ (main.querySelector('#agreement-editor'))?.requestSubmit();
        return true;
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'p') { e.preventDefault(); print(null); return true; }
      if (isTyping(e)) return false;
      if (e.key === 'Escape') { navigate('#/agreements'); return true; }
      return false;
    },
  };
}

/** One thing that keeps a draft from review, translated. @param {api.FieldError} f */
function missingText(f) {
  const v = f.field.match(/^variables\.(\w+)$/);
  if (v) return t('agreement.missing.variable', { name: variableLabel(v[1]) });
  const cat = f.field.match(/^clauses\.([a-z_]+)$/);
  if (cat && f.rule === 'missing') return t('agreement.missing.core', { name: t(`clause.category.${cat[1]}`) });
  return `${fieldLabel(f.field)}: ${ruleMessage(f)}`;
}

/**
 * The legal and business reviews of the current version (R3.1.2), with the buttons of the
 * side the user reviews for.
 * @param {api.Agreement} a @param {(fn: () => Promise<unknown>, done: string) => Promise<void>} act
 */
function reviewCard(a, act) {
  // Signed on paper: a manager's approval stands in for the two reviews (R3.1.2).
  if (a.paper) {
    return h('section', { class: 'card', id: 'agreement-paper-approval' },
      h('h2', null, t('paper.approved_title')),
      h('dl', { class: 'facts' },
        h('dt', null, t('paper.reason')), h('dd', null, a.paper.reason),
        h('dt', null, t('paper.scan')), h('dd', null, a.paper.scan_name)));
  }
  if (a.status === 'drafting' && !a.reviews.length) return null;
  const side = (/** @type {'legal' | 'business'} */ s, /** @type {boolean} */ ok) => {
    const latest = a.reviews.find((r) => r.side === s && r.fingerprint === a.current.fingerprint);
    const mine = can(s === 'legal' ? 'agreement_review_legal' : 'agreement_review_business') && a.actions.includes('review');
    const decide = async (/** @type {'approve' | 'changes'} */ decision) => {
      if (decision === 'approve') {
        await act(() => api.agreementReview(a.id, { side: s, decision, comment: '', fingerprint: a.current.fingerprint }), t('review.approved_toast'));
        return;
      }
      const done = await formDialog({
        id: 'review-changes', title: t('review.changes_title'), intro: t('review.changes_intro', { n: a.version_no }),
        body: [formField({ name: 'comment', label: t('review.comment'), rows: 4, required: true })],
        submitLabel: t('review.request_changes'),
        submit: async (v) => { await api.agreementReview(a.id, { side: s, decision, comment: v.comment, fingerprint: a.current.fingerprint }); },
      });
      if (done) { toast(t('review.changes_toast')); navigate(agreementHref(a.id)); }
    };
    return h('div', { class: 'review-side', dataset: { side: s, approved: String(ok) } },
      h('strong', null, t(`review.side.${s}`)),
      ok ? h('span', { class: 'badge status-active' }, `✓ ${t('review.state.approved')}`)
        : latest?.decision === 'changes' ? h('span', { class: 'badge status-suspended' }, t('review.state.changes'))
          : h('span', { class: 'badge' }, t('review.state.waiting')),
      latest && h('span', { class: 'muted small' }, `${latest.reviewer_name || ''} · ${formatTime(latest.created_at)}`),
      mine && h('span', { class: 'actions' },
        !ok && h('button', { type: 'button', class: 'primary small', id: `review-${s}-approve`, onClick: () => decide('approve') }, t('review.approve')),
        h('button', { type: 'button', class: 'small', id: `review-${s}-changes`, onClick: () => decide('changes') }, t('review.request_changes'))));
  };
  return h('section', { class: 'card', id: 'agreement-reviews' },
    h('h2', null, t('review.title', { n: a.version_no }), h('span', { class: 'muted small mono' }, ` ${shortFp(a.current.fingerprint)}`)),
    h('div', { class: 'review-sides' }, side('legal', a.legal_approved), side('business', a.business_approved)),
    a.reviews.length > 0 && h('ol', { class: 'history compact', id: 'review-log' }, ...a.reviews.map((r) => h('li', null,
      h('div', null, h('strong', null, t(`review.side.${r.side}`)), ' · ', t(`review.decision.${r.decision}`), ' · ', t('agreement.version_n', { n: r.version_no }), ' · ',
        r.reviewer_name || '', ' · ', h('span', { class: 'muted' }, formatTime(r.created_at))),
      r.comment && h('p', { class: 'notes' }, r.comment)))));
}

/** Comments on clause `key`. @param {api.Agreement} a @param {string} key */
function commentsOf(a, key) {
  const mine = a.comments.filter((c) => c.clause_key === key);
  return mine.length > 0 && h('ul', { class: 'clause-comments' }, ...mine.map((c) => h('li', null,
    h('span', { class: 'muted small' }, `${c.author_name || ''} · ${t('agreement.version_n', { n: c.version_no })} · ${formatTime(c.created_at)}`), ' ', c.text)));
}

/**
 * The text as it reads, each clause with its comments and a way to comment.
 * @param {api.Agreement} a @param {boolean} canComment
 * @param {(fn: () => Promise<unknown>, done: string) => Promise<void>} act
 */
function textCard(a, canComment, act) {
  const comment = async (/** @type {api.ClauseText} */ c) => {
    const ok = await formDialog({
      id: 'clause-comment', title: t('comment.title', { title: c.title }),
      body: [formField({ name: 'text', label: t('comment.text'), rows: 4, required: true })],
      submitLabel: t('comment.add'),
      submit: async (v) => { await api.agreementComment(a.id, { clause_key: c.key, text: v.text }); },
    });
    if (ok) act(async () => {}, t('comment.added'));
  };
  return h('section', { class: 'card', id: 'agreement-text' },
    h('h2', null, t('agreement.text'), a.signed_version_no && h('span', { class: 'muted small' }, ` ${t('agreement.signed_version', { n: a.signed_version_no })}`)),
    ...a.current.clauses.map((c, i) => h('article', { class: 'clause', dataset: { key: c.key } },
      h('h3', null, `${clauseNo(i + 1)} `, ...filled(c.title, a.current.shown),
        canComment && h('button', { type: 'button', class: 'small link', onClick: () => comment(c), dataset: { comment: c.key } }, t('comment.add'))),
      h('p', { class: 'notes' }, ...filled(c.body, a.current.shown)),
      commentsOf(a, c.key))));
}

/**
 * The draft editor: title, report cycle, the variables the clauses use, the clauses (add
 * from the library or the master, move, remove), and a note; saving writes the next version.
 * @param {api.Agreement} a
 */
function editorCard(a) {
  /** @type {api.ClauseText[]} */
  let clauses = a.current.clauses.map((c) => ({ ...c }));
  /** @type {Record<string, string>} */
  const vars = { ...a.current.variables };
  const form = /** @type {HTMLFormElement} */ (h('form', { id: 'agreement-editor', novalidate: true }));
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const varsSlot = h('div', { class: 'field-grid', id: 'agreement-vars' });
  const varsHead = h('h3', null, t('agreement.variables'));
  const clauseSlot = h('div', { class: 'clauses-edit', id: 'agreement-clauses' });
  /** Reads what is typed back into `clauses` and `vars`. */
  const collect = () => {
    for (const el of form.querySelectorAll('[data-var]')) vars[/** @type {HTMLElement} */ (el).dataset.var || ''] = /** @type {HTMLInputElement} */ (el).value;
    clauses.forEach((c, i) => {
      const get = (/** @type {string} */ k) => /** @type {HTMLInputElement | null} */ (form.querySelector(`[data-field="clauses.${i}.${k}"]`));
      // Staff read and type variables as 【label】; the clause keeps `{{key}}`.
      const title = get('title')?.value;
      const body = get('body')?.value;
      if (title != null) c.title = fromLabels(title);
      if (body != null) c.body = fromLabels(body);
      c.category = get('category')?.value ?? c.category;
    });
  };
  const used = () => {
    const keys = new Set(clauses.flatMap((c) => [...placeholders(c.body), ...placeholders(c.title)]));
    return [...VARIABLES.filter((k) => keys.has(k)), ...[...keys].filter((k) => !VARIABLES.includes(k))];
  };
  const drawVars = () => {
    varsHead.hidden = used().length === 0;
    drawVarFields();
  };
  const drawVarFields = () => replace(varsSlot, ...used().map((k) => k === 'territory' ? territoryVar() : h('div', { class: `field${['price_terms', 'products', 'partner_address'].includes(k) ? ' wide' : ''}` },
    h('label', { for: `var-${k}` }, variableLabel(k)),
    k === 'settlement_cycle'
      // The terms orders and statements follow are read from these (issue 23): chosen, not typed.
      ? h('select', { id: `var-${k}`, dataset: { var: k, field: `variables.${k}` }, onChange: () => { collect(); } },
        h('option', { value: '' }, t('agreement.choose_cycle')),
        ...SETTLE_CYCLES.map((c) => h('option', { value: c, selected: vars[k] === c }, t(`terms.cycle.${c}`))),
        vars[k] && !SETTLE_CYCLES.includes(vars[k]) && h('option', { value: vars[k], selected: true }, vars[k]))
      : h('input', { id: `var-${k}`, type: DATE_VARIABLES.includes(k) ? 'date' : 'text', value: vars[k] || '', autocomplete: 'off',
        ...(k === 'payment_days' ? { inputmode: 'numeric' } : {}),
        dataset: { var: k, field: `variables.${k}` }, onChange: () => { collect(); } }),
    h('div', { class: 'field-error', dataset: { for: `variables.${k}` } }))));
  /** The territory: places chosen from GB/T 2260, kept in a hidden variable input as codes (or 全国). */
  const territoryVar = () => {
    const value = vars.territory || '';
    const coded = /^\d+(,\d+)*$/.test(value);
    const hidden = /** @type {HTMLInputElement} */ (h('input', { type: 'hidden', id: 'var-territory', value, dataset: { var: 'territory' } }));
    const picker = territoryPicker({
      id: 'agreement-territory', label: variableLabel('territory'), field: 'variables.territory',
      codes: value === WHOLE_COUNTRY ? null : coded ? value.split(',') : [],
      onChange: () => {
        const codes = picker.codes();
        hidden.value = codes === null ? WHOLE_COUNTRY : codes.join(',');
        collect();
      },
    });
    return h('div', { class: 'field wide' }, picker.field, hidden,
      value && !coded && value !== WHOLE_COUNTRY && h('p', { class: 'muted small', id: 'territory-typed' }, t('agreement.territory_typed', { text: value })));
  };
  const drawClauses = () => replace(clauseSlot, ...clauses.map((c, i) => h('fieldset', { class: 'clause-edit', dataset: { key: c.key } },
    h('legend', null, clauseNo(i + 1), c.version > 0 && h('span', { class: 'muted small' }, ` · ${t('agreement.from_library', { n: c.version })}`)),
    h('div', { class: 'clause-row' },
      h('input', { type: 'text', value: toLabels(c.title), 'aria-label': t('clauses.field.title'), dataset: { field: `clauses.${i}.title` } }),
      h('select', { 'aria-label': t('clauses.field.category'), dataset: { field: `clauses.${i}.category` } },
        ...CATEGORIES.map((k) => h('option', { value: k, selected: c.category === k }, t(`clause.category.${k}`)))),
      h('span', { class: 'clause-tools' },
        h('button', { type: 'button', class: 'small', title: t('agreement.move_up'), disabled: i === 0, onClick: () => move(i, -1) }, '↑'),
        h('button', { type: 'button', class: 'small', title: t('agreement.move_down'), disabled: i === clauses.length - 1, onClick: () => move(i, 1) }, '↓'),
        h('button', { type: 'button', class: 'small danger', title: t('action.remove'), onClick: () => { collect(); clauses.splice(i, 1); redraw(); } }, '✕'))),
    h('div', { class: 'field-error', dataset: { for: `clauses.${i}.title` } }),
    h('textarea', { rows: String(Math.min(12, Math.max(3, Math.ceil(c.body.length / 60)))), 'aria-label': t('clauses.field.body'), dataset: { field: `clauses.${i}.body` },
      onChange: () => { collect(); drawVars(); } }, toLabels(c.body)),
    h('div', { class: 'field-error', dataset: { for: `clauses.${i}.body` } }),
    commentsOf(a, c.key))));
  const redraw = () => { drawVars(); drawClauses(); };
  const move = (/** @type {number} */ i, /** @type {number} */ by) => {
    collect();
    const [c] = clauses.splice(i, 1);
    clauses.splice(i + by, 0, c);
    redraw();
  };
  const addSlot = h('div', { class: 'add-clause' });
  const fillAdd = async () => {
    const library = await api.clauseLibrary().catch(() => []);
    const master = a.master_id ? await api.agreementTerms(a.master_id).catch(() => []) : [];
    const pick = /** @type {HTMLSelectElement} */ (h('select', { id: 'add-clause-pick', 'aria-label': t('agreement.add_clause') },
      h('option', { value: '' }, t('agreement.blank_clause')),
      master.length > 0 && h('optgroup', { label: t('agreement.amend_master_clause') }, ...master.map((c, i) => h('option', { value: `m:${i}` }, `${c.title}`))),
      h('optgroup', { label: t('agreement.from_library_group') }, ...library.map((c, i) => h('option', { value: `l:${i}` }, `${t(`clause.category.${c.category}`)} · ${c.title} (v${c.version})`)))));
    replace(addSlot, pick, h('button', { type: 'button', id: 'add-clause', onClick: () => {
      collect();
      const [src, n] = pick.value.split(':');
      if (src === 'm') {
        const c = master[Number(n)];
        clauses.push({ key: c.key, version: c.version, category: c.category, title: c.title, body: c.body });
      } else if (src === 'l') {
        const c = library[Number(n)];
        clauses.push({ key: clauses.some((x) => x.key === c.key) ? `${c.key}.${Date.now().toString(36)}` : c.key, version: c.version, category: c.category, title: c.title, body: c.body });
      } else {
        clauses.push({ key: `custom.${Date.now().toString(36)}`, version: 0, category: 'other', title: '', body: '' });
      }
      redraw();
      /** @type {HTMLElement | null} */ (clauseSlot.querySelector('fieldset:last-child input'))?.focus();
    } }, t('agreement.add_clause')));
  };
  fillAdd();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    collect();
    clearFieldErrors(form);
    box.hidden = true;
    const v = Object.fromEntries(new FormData(form));
    try {
      const saved = await api.agreementSave(a.id, a.version_no, {
        title: String(v.title || ''), report_cycle: String(v.report_cycle || ''), note: String(v.note || ''),
        variables: Object.fromEntries(used().map((k) => [k, vars[k] || ''])), clauses,
      });
      toast(saved.version_no > a.version_no ? t('agreement.saved_version', { n: saved.version_no }) : t('agreement.no_change'));
      navigate(agreementHref(a.id));
    } catch (err) {
      if (err instanceof api.ApiError && err.code === 'validation') {
        const rest = showFieldErrors(form, err.fields);
        if (rest.length) { box.hidden = false; replace(box, rest.map((f) => `${fieldLabel(f.field)}: ${ruleMessage(f)}`).join('；')); }
      } else { box.hidden = false; replace(box, errorText(err)); }
    }
  });
  redraw();
  replace(form,
    box,
    h('div', { class: 'field-grid' },
      formField({ name: 'title', label: t('agreement.title_field'), required: true, value: a.title }),
      !['amendment'].includes(a.kind) ? formField({ name: 'report_cycle', label: t('agreement.report_cycle'), value: a.report_cycle, options: CYCLES.map((c) => [c, t(`agreement.cycle.${c}`)]) }) : h('span')),
    varsHead,
    varsSlot,
    h('h3', null, t('agreement.clauses')),
    clauseSlot,
    addSlot,
    h('div', { class: 'field-grid' }, formField({ name: 'note', label: t('agreement.note'), wide: true, attrs: { placeholder: t('agreement.note_placeholder') } })),
    h('div', { class: 'form-actions' },
      a.status !== 'drafting' && h('span', { class: 'muted small' }, t('agreement.edit_voids')),
      h('button', { type: 'submit', class: 'primary', id: 'agreement-save' }, t('agreement.save_version', { n: a.version_no + 1 }), h('kbd', null, 'Ctrl+S'))));
  return h('section', { class: 'card', id: 'agreement-text' }, h('h2', null, t('agreement.edit_text', { n: a.version_no })), form);
}

/**
 * Versions, each printable, and the difference between two of them.
 * @param {api.Agreement} a @param {api.Version[]} versions @param {(n: number | null) => void} print
 */
function versionsCard(a, versions, print) {
  const out = h('div', { id: 'diff-slot' });
  const pick = (/** @type {string} */ id, /** @type {number} */ sel) => h('select', { id, 'aria-label': t('agreement.version') },
    ...versions.map((v) => h('option', { value: String(v.number), selected: v.number === sel }, t('agreement.version_n', { n: v.number }))));
  const from = /** @type {HTMLSelectElement} */ (pick('diff-from', Math.max(1, a.version_no - 1)));
  const to = /** @type {HTMLSelectElement} */ (pick('diff-to', a.version_no));
  const compare = async () => {
    try { replace(out, diffView(await api.agreementDiff(a.id, Number(from.value), Number(to.value)))); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  return h('section', { class: 'card', id: 'agreement-versions' },
    h('h2', null, t('agreement.versions', { n: versions.length })),
    h('table', { class: 'grid compact' },
      h('thead', null, h('tr', null, ...['version', 'note', 'by', 'at', 'fingerprint', ''].map((k) => h('th', { scope: 'col' }, k && t(`agreement.vcol.${k}`))))),
      h('tbody', null, ...versions.slice().reverse().map((v) => h('tr', { dataset: { version: String(v.number) } },
        h('td', null, t('agreement.version_n', { n: v.number }), v.number === a.signed_version_no && h('span', { class: 'badge status-active' }, t('agreement.signed_badge'))),
        h('td', null, v.note), h('td', null, v.created_by_name), h('td', { class: 'when' }, formatTime(v.created_at)),
        h('td', { class: 'mono small' }, shortFp(v.fingerprint)),
        h('td', null, h('button', { type: 'button', class: 'small link', onClick: () => print(v.number) }, t('agreement.print'))))))),
    versions.length > 1 && h('div', { class: 'filters diff-controls' }, t('agreement.compare'), from, '→', to,
      h('button', { type: 'button', id: 'diff-show', onClick: compare }, t('agreement.show_diff'))),
    out);
}

/** @param {api.Span[]} spans */
function spansView(spans) {
  return spans.map((s) => s.op === 'equal' ? s.text : h(s.op === 'insert' ? 'ins' : 'del', null, s.text));
}

/** Differences clause by clause, and within each changed clause. @param {api.VersionDiff} d */
function diffView(d) {
  const changed = d.clauses.filter((c) => c.change !== 'same');
  return h('div', { class: 'diff', id: 'agreement-diff' },
    h('p', { class: 'muted' }, t('agreement.diff_summary', { from: d.from, to: d.to, n: changed.length, v: d.variables.length })),
    d.variables.length > 0 && h('table', { class: 'grid compact' },
      h('tbody', null, ...d.variables.map((v) => h('tr', null, h('th', null, variableLabel(v.key)),
        h('td', null, h('del', null, v.before || '—')), h('td', null, h('ins', null, v.after || '—')))))),
    ...changed.map((c) => h('article', { class: `clause diff-${c.change}`, dataset: { key: c.key, change: c.change } },
      h('h3', null, h('span', { class: 'badge' }, t(`diff.${c.change}`)), ' ', ...spansView(c.title)),
      h('p', { class: 'notes' }, ...spansView(c.body)))),
    !changed.length && !d.variables.length && h('p', null, t('agreement.diff_none')));
}

/**
 * Signing details, the archive of the original and the numbered copies (R3.1.3).
 * @param {api.Agreement} a @param {(fn: () => Promise<unknown>, done: string) => Promise<void>} act
 */
function signingCard(a, act) {
  const s = a.signing;
  const who = (/** @type {string} */ name, /** @type {string} */ cap, /** @type {string} */ auth) =>
    `${name}（${t(`sign.capacity.${cap || 'legal_rep'}`)}${auth ? ` · ${auth}` : ''}）`;
  const ar = a.archive;
  const archive = async () => {
    const ok = await formDialog({
      id: 'archive-form', title: t('archive.title'), intro: t('archive.intro'),
      body: [
        formField({ name: 'archive_no', label: t('archive.no'), required: true, value: ar.archive_no }),
        formField({ name: 'custodian', label: t('archive.custodian'), required: true, value: ar.custodian }),
        formField({ name: 'archive_location', label: t('archive.location'), required: true, value: ar.archive_location, wide: true }),
        h('div', { class: 'field wide' }, h('label', { for: 'archive-scan' }, t('archive.scan')),
          h('input', { type: 'file', id: 'archive-scan', name: 'scan_file', accept: 'application/pdf,image/*' }),
          h('div', { class: 'field-error', dataset: { for: 'scan_id' } })),
      ],
      submitLabel: t('action.save'),
      submit: async (v, form) => {
        let scanId = ar.scan_id || '';
        const file = /** @type {HTMLInputElement} */ (form.querySelector('#archive-scan')).files?.[0];
        if (file) {
          const info = await api.attachmentAdd('partner', a.partner_id, new File([file], `${a.number} ${file.name}`, { type: file.type }));
          scanId = info.id;
        }
        await api.agreementArchive(a.id, { archive_no: v.archive_no, archive_location: v.archive_location, custodian: v.custodian, scan_id: scanId });
      },
    });
    if (ok) act(async () => {}, t('archive.saved'));
  };
  return h('section', { class: 'card', id: 'agreement-signing' },
    h('h2', null, t('sign.heading')),
    h('dl', { class: 'facts' },
      h('dt', null, t('sign.signed_on')), h('dd', null, `${s.signed_on || ''} · ${s.signed_place}`),
      h('dt', null, t('sign.ours')), h('dd', null, who(s.our_signatory, s.our_capacity, s.our_authorisation)),
      h('dt', null, t('sign.theirs')), h('dd', null, who(s.their_signatory, s.their_capacity, s.their_authorisation)),
      h('dt', null, t('archive.title')), h('dd', { id: 'archive-record' }, ar.archive_no
        ? [`${ar.archive_no} · ${ar.archive_location} · ${t('archive.custodian')} ${ar.custodian}`,
            ar.scan_sha256 && h('div', { class: 'muted small' }, `${ar.scan_name || ''} · SHA-256 `, h('span', { class: 'mono' }, ar.scan_sha256.slice(0, 16)))]
        : h('span', { class: 'muted' }, t('archive.none')),
        can('agreement_draft') && h('button', { type: 'button', class: 'small', id: 'archive-edit', onClick: archive }, ar.archive_no ? t('action.edit') : t('archive.record')))),
    h('h3', null, t('copies.heading', { n: a.copies.length })),
    a.copies.length ? copiesTable(a) : h('p', { class: 'muted' }, t('copies.none')));
}

/** The log of printed originals (正本) and copies (副本), each with where it went. @param {api.Agreement} a */
function copiesTable(a) {
  return h('table', { class: 'grid compact', id: 'copies-log' },
    h('thead', null, h('tr', null, ...['copy', 'recipient', 'version', 'how', 'by', 'at'].map((k) => h('th', { scope: 'col' }, t(`copies.col.${k}`))))),
    h('tbody', null, ...a.copies.map((c) => h('tr', { dataset: { kind: c.kind } },
      h('td', null, c.kind === 'original' ? t('copies.original') : t('copies.copy'), ' ', h('span', { class: 'mono' }, `${c.copy_no}/${c.copies}`)),
      h('td', null, c.recipient), h('td', null, t('agreement.version_n', { n: c.version_no })),
      h('td', null, c.disposition === 'saved' ? t('copies.saved') : c.printer ? t('copies.printed_on', { printer: c.printer }) : t('copies.printed')),
      h('td', null, c.printed_by_name || ''), h('td', { class: 'when' }, formatTime(c.created_at))))));
}

/** Numbered copies for recipients, one per line (R3.1.3). @param {api.Agreement} a */
async function copiesDialog(a) {
  /** @type {api.DocumentView | null} */
  let made = null;
  await formDialog({
    id: 'copies-form', title: t('copies.title'), intro: t('copies.intro'),
    body: [formField({ name: 'recipients', label: t('copies.recipients'), rows: 4, required: true, value: t('copies.default_recipients'), attrs: { dataset: { field: 'recipients' } } })],
    submitLabel: t('copies.print'),
    submit: async (v) => {
      const recipients = String(v.recipients).split('\n').map((x) => x.trim()).filter(Boolean);
      made = await api.agreementCopies(a.id, recipients);
    },
  });
  if (made && await preview(made)) navigate(agreementHref(a.id));
}

/** Recording the signing (R3.1.3). @param {api.Agreement} a */
async function signDialog(a) {
  const cap = (/** @type {string} */ name, /** @type {string} */ value) => formField({ name, label: t('sign.capacity'), value, options: [['legal_rep', t('sign.capacity.legal_rep')], ['authorised', t('sign.capacity.authorised')]] });
  const ok = await formDialog({
    id: 'sign-form', wide: true, title: t('sign.title', { number: a.number }), intro: t('sign.intro', { n: a.version_no }),
    body: [
      formField({ name: 'signed_on', label: t('sign.signed_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'signed_place', label: t('sign.place'), required: true }),
      formField({ name: 'effective_on', label: t('sign.effective_on'), type: 'date', value: a.current.variables.start_on || '' }),
      formField({ name: 'expires_on', label: t('sign.expires_on'), type: 'date', value: a.current.variables.end_on || '' }),
      h('h3', { class: 'wide' }, t('sign.ours')),
      formField({ name: 'our_signatory', label: t('sign.signatory'), required: true }),
      cap('our_capacity', 'legal_rep'),
      formField({ name: 'our_authorisation', label: t('sign.authorisation'), wide: true, attrs: { placeholder: t('sign.authorisation_hint') } }),
      h('h3', { class: 'wide' }, t('sign.theirs')),
      formField({ name: 'their_signatory', label: t('sign.signatory'), required: true }),
      cap('their_capacity', 'legal_rep'),
      formField({ name: 'their_authorisation', label: t('sign.authorisation'), wide: true, attrs: { placeholder: t('sign.authorisation_hint') } }),
    ],
    submitLabel: t('agreement.sign'),
    submit: async (v) => {
      await api.agreementSign(a.id, /** @type {api.SignInput} */ (/** @type {unknown} */ (v)));
    },
  });
  if (ok) { toast(t('sign.done', { number: a.number })); navigate(agreementHref(a.id)); }
}

/**
 * Execution reports by period (R3.2.1).
 * @param {api.Agreement} a @param {api.ReportPeriod[]} periods
 */
function reportsCard(a, periods) {
  const record = async (/** @type {api.ReportPeriod} */ p) => {
    const r = p.report;
    const ok = await formDialog({
      id: 'report-form', wide: true, title: t('report.title', { period: p.period }),
      body: [
        formField({ name: 'received_on', label: t('report.received_on'), type: 'date', required: true, value: r?.received_on || today() }),
        h('span'),
        formField({ name: 'progress', label: t('report.progress'), rows: 3, required: true, value: r?.progress }),
        formField({ name: 'marketing', label: t('report.marketing'), rows: 2, value: r?.marketing }),
        formField({ name: 'feedback', label: t('report.feedback'), rows: 2, value: r?.feedback }),
        formField({ name: 'issues', label: t('report.issues'), rows: 2, value: r?.issues }),
        formField({ name: 'resolution', label: t('report.resolution'), rows: 2, value: r?.resolution }),
        formField({ name: 'resolved_on', label: t('report.resolved_on'), type: 'date', value: r?.resolved_on || '' }),
      ],
      submitLabel: t('action.save'),
      submit: async (v) => { await api.agreementReportSave(a.id, /** @type {api.ReportInput} */ ({ ...v, period: p.period })); },
    });
    if (ok) { toast(t('report.saved')); navigate(agreementHref(a.id)); }
  };
  if (a.report_cycle === 'none') return h('section', { class: 'card', id: 'agreement-reports' }, h('h2', null, t('report.heading')), h('p', { class: 'muted' }, t('report.no_cycle')));
  return h('section', { class: 'card', id: 'agreement-reports' },
    h('h2', null, t('report.heading'), h('span', { class: 'muted small' }, ` ${t(`agreement.cycle.${a.report_cycle}`)}`)),
    h('table', { class: 'grid compact' },
      h('thead', null, h('tr', null, ...['period', 'due', 'status', 'summary', ''].map((k) => h('th', { scope: 'col' }, k && t(`report.col.${k}`))))),
      h('tbody', null, ...periods.map((p) => h('tr', { dataset: { period: p.period, status: p.status } },
        h('td', { class: 'mono' }, p.period), h('td', { class: 'when' }, p.due_on),
        h('td', null, h('span', { class: `badge report-${p.status}` }, t(`report.status.${p.status}`))),
        h('td', null, p.report ? [p.report.progress, p.report.issues && h('div', { class: 'muted small' }, `${t('report.issues')}: ${p.report.issues}${p.report.resolved_on ? ` ✓ ${p.report.resolved_on}` : ''}`)] : ''),
        h('td', null, can('agreement_draft') && p.status !== 'upcoming' && h('button', { type: 'button', class: 'small', onClick: () => record(p) }, p.report ? t('action.edit') : t('report.record'))))))));
}

/** Supplementary agreements and the consolidated current terms (R3.2.2). @param {api.Agreement} a */
function amendmentsCard(a) {
  const out = h('div', { id: 'terms-slot' });
  const amend = async () => {
    try { const s = await api.agreementAmend(a.id); navigate(agreementHref(s.id)); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  const terms = async () => {
    try {
      const clauses = await api.agreementTerms(a.id);
      replace(out, h('div', { id: 'current-terms' }, ...clauses.map((c, i) => h('article', { class: `clause${c.amended ? ' amended' : ''}`, dataset: { key: c.key } },
        h('h3', null, `${clauseNo(i + 1)} ${c.title}`, c.amended && h('span', { class: 'badge warn' }, t('terms.amended_by', { number: c.source_number }))),
        h('p', { class: 'notes' }, c.body)))));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  return h('section', { class: 'card', id: 'agreement-amendments' },
    h('h2', null, t('amend.heading', { n: a.amendments.length })),
    a.amendments.length > 0 && h('ul', { class: 'plain' }, ...a.amendments.map((m) => h('li', null, h('a', { href: agreementHref(m.id) }, m.number), ' ', m.title, ' ', stateBadge(m.state)))),
    h('div', { class: 'actions-row' },
      a.status === 'signed' && can('agreement_draft') && h('button', { type: 'button', id: 'amend-new', onClick: amend }, t('amend.new')),
      h('button', { type: 'button', id: 'terms-show', onClick: terms }, t('terms.show'))),
    out);
}

/**
 * Breach notice, early termination, the handover checklist and closing (R3.3.1).
 * @param {api.Agreement} a @param {(fn: () => Promise<unknown>, done: string) => Promise<void>} act
 */
function endCard(a, act) {
  const e = a.end;
  const ended = a.status === 'ended' || a.state === 'expired';
  const notice = async () => {
    const ok = await formDialog({
      id: 'notice-form', title: t('end.notice_title'), intro: t('end.notice_intro'),
      body: [
        formField({ name: 'notice_on', label: t('end.notice_on'), type: 'date', required: true, value: today() }),
        formField({ name: 'notice_ref', label: t('end.notice_ref'), required: true }),
        formField({ name: 'correct_by', label: t('end.correct_by'), type: 'date', required: true }),
      ],
      submitLabel: t('action.save'),
      submit: async (v) => { await api.agreementNotice(a.id, /** @type {api.NoticeInput} */ (/** @type {unknown} */ (v))); },
    });
    if (ok) act(async () => {}, t('end.notice_saved'));
  };
  const terminate = async () => {
    const ok = await formDialog({
      id: 'terminate-form', title: t('end.terminate_title'), intro: t('end.terminate_intro'),
      body: [
        formField({ name: 'cause', label: t('end.cause'), required: true, value: '', options: [['', '—'], ...['breach', 'deterioration', 'violation', 'force_majeure'].map((c) => /** @type {[string, string]} */ ([c, t(`end.cause.${c}`)]))] }),
        formField({ name: 'ended_on', label: t('end.ended_on'), type: 'date', required: true, value: today() }),
        formField({ name: 'note', label: t('end.note'), rows: 3, required: true }),
      ],
      submitLabel: t('end.terminate'),
      submit: async (v) => { await api.agreementTerminate(a.id, /** @type {api.TerminateInput} */ (/** @type {unknown} */ (v))); },
    });
    if (ok) act(async () => {}, t('end.terminated'));
  };
  const items = /** @type {const} */ (['customers_handed_on', 'materials_returned_on', 'payments_settled_on']);
  const checklist = ended && a.status !== 'closed' && h('ul', { class: 'checklist', id: 'handover' }, ...items.map((k) => {
    const done = e[k];
    const date = /** @type {HTMLInputElement} */ (h('input', { type: 'date', value: done || today(), 'aria-label': t(`end.item.${k}`), disabled: !can('agreement_draft') }));
    return h('li', { dataset: { item: k, done: String(Boolean(done)) } },
      h('label', { class: 'check' },
        h('input', { type: 'checkbox', checked: Boolean(done), disabled: !can('agreement_draft'),
          onChange: (/** @type {Event} */ ev) => act(() => api.agreementHandover(a.id, k, /** @type {HTMLInputElement} */ (ev.target).checked ? date.value : ''), '') }),
        t(`end.item.${k}`)),
      date);
  }));
  if (a.status === 'signed' && !ended && !can('agreement_terminate') && !e.notice_on) return null;
  return h('section', { class: 'card', id: 'agreement-end' },
    h('h2', null, t('end.heading')),
    e.notice_on && h('p', null, t('end.notice_line', { on: e.notice_on, ref: e.notice_ref, by: e.correct_by || '' })),
    e.ended_on && h('p', { id: 'end-line' }, t(e.end_kind === 'expiry' ? 'end.expired_line' : 'end.ended_line', { on: e.ended_on, cause: e.end_cause ? t(`end.cause.${e.end_cause}`) : '' }), e.end_note && ` · ${e.end_note}`),
    a.state === 'expired' && a.status === 'signed' && h('p', { class: 'warn-box' }, t('end.expired_hint', { on: a.expires_on || '' })),
    checklist,
    a.status === 'closed' && h('p', { class: 'ok-box' }, t('end.closed_line', { on: e.closed_on || '' })),
    h('div', { class: 'actions-row' },
      a.status === 'signed' && !ended && can('agreement_terminate') && h('button', { type: 'button', id: 'end-notice', onClick: notice }, t('end.notice')),
      a.status === 'signed' && !ended && can('agreement_terminate') && h('button', { type: 'button', class: 'danger', id: 'end-terminate', onClick: terminate }, t('end.terminate')),
      ended && a.status !== 'closed' && can('agreement_draft') && h('button', { type: 'button', class: 'primary', id: 'end-close',
        onClick: () => act(() => api.agreementClose(a.id), t('end.closed_toast')) }, t('end.close'))));
}

/**
 * The partner's intent and the renewal (R3.3.2).
 * @param {api.Agreement} a @param {(fn: () => Promise<unknown>, done: string) => Promise<void>} act
 */
function renewalCard(a, act) {
  const r = a.renewal;
  const intent = /** @type {HTMLSelectElement} */ (h('select', { id: 'renewal-intent', 'aria-label': t('renewal.intent'), disabled: !can('agreement_draft') },
    ...['unknown', 'renew', 'not_renew', 'undecided'].map((k) => h('option', { value: k, selected: r.intent === k }, t(`renewal.intent.${k}`)))));
  const note = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'renewal-note', value: r.intent_note, placeholder: t('renewal.note'), disabled: !can('agreement_draft') }));
  return h('section', { class: 'card', id: 'agreement-renewal' },
    h('h2', null, t('renewal.heading')),
    r.intent_on && h('p', { class: 'muted small' }, t('renewal.recorded', { on: r.intent_on })),
    can('agreement_draft') && h('div', { class: 'filters' }, intent, note,
      h('button', { type: 'button', id: 'renewal-save', onClick: () => act(() => api.agreementIntent(a.id, intent.value, note.value), t('renewal.saved')) }, t('action.save')),
      r.intent === 'renew' && !a.renewed_by && h('button', { type: 'button', class: 'primary', id: 'renewal-start',
        onClick: async () => { try { const n = await api.agreementRenew(a.id); navigate(agreementHref(n.id)); } catch (e) { toast(errorText(e), { kind: 'error' }); } } }, t('renewal.start'))),
    !can('agreement_draft') && h('p', null, t(`renewal.intent.${r.intent}`)));
}

/** @param {api.AuditEntry[]} history */
function historyCard(history) {
  return h('section', { class: 'card', id: 'agreement-history' },
    h('h2', null, t('partner.history')),
    h('ol', { class: 'history compact' }, ...history.slice().reverse().map((e) => h('li', null,
      h('div', null, h('strong', null, t(`op.${e.operation}`)), ' · ', e.user_name, ' · ', h('span', { class: 'muted' }, formatTime(e.at)))))));
}


/**
 * A manager approves a draft signed on paper outside the program: the scan of the original
 * and a reason, in place of the two reviews (R3.1.2).
 * @param {api.Agreement} a @param {(fn: () => Promise<unknown>, done: string) => void} act
 */
async function paperDialog(a, act) {
  const ok = await formDialog({
    id: 'paper-form', title: t('paper.title', { number: a.number }), intro: t('paper.intro'),
    body: [
      h('div', { class: 'field wide' }, h('label', { for: 'paper-scan' }, t('paper.scan')),
        h('input', { type: 'file', id: 'paper-scan', name: 'scan_file', accept: 'application/pdf,image/*', required: true }),
        h('div', { class: 'field-error', dataset: { for: 'scan_id' } })),
      formField({ name: 'reason', label: t('paper.reason'), required: true, rows: 3, wide: true }),
    ],
    submitLabel: t('paper.submit'),
    submit: async (v, form) => {
      const file = /** @type {HTMLInputElement} */ (form.querySelector('#paper-scan')).files?.[0];
      let scanId = '';
      if (file) {
        const info = await api.attachmentAdd('partner', a.partner_id, new File([file], `${a.number} ${file.name}`, { type: file.type }));
        scanId = info.id;
      }
      await api.agreementApprovePaper(a.id, { scan_id: scanId, reason: v.reason });
    },
  });
  if (ok) act(async () => {}, t('paper.done'));
}
