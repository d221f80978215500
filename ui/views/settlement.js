// @ts-check
/**
 * Settlement and finance (R4.3.1, R4.3.2): statements (issue one for a partner and a period
 * of its agreement's cycle; its figures and lines; PDF and .xlsx; the partner's confirmation
 * or disputed lines), money received and payments to partners with the finance approval, and
 * credit notes.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker, today } from '../components/form.js';
import { money, parseMoney, percent, CURRENCIES } from '../components/money.js';
import { print } from '../components/print.js';
import { pager } from '../components/pager.js';

const TABS = ['statements', 'payments', 'credits'];
const PAYOUT_KINDS = ['commission', 'rebate', 'reward', 'refund'];

/** @param {string} id */
export const statementHref = (id) => `#/settlement/${encodeURIComponent(id)}`;

/** Issue a statement: a partner, then one of its agreement's periods. */
async function issueDialog() {
  const picker = partnerPicker({ label: t('statement.partner') });
  const periods = h('select', { name: 'period', id: 'f-period', dataset: { field: 'period_from' } }, h('option', { value: '' }, t('statement.choose_partner_first')));
  // Why there is nothing to choose, said under the field rather than only inside the list.
  const none = h('p', { class: 'warn-box', id: 'statement-no-periods', hidden: true }, t('statement.no_periods'));
  const refresh = async () => {
    const id = picker.id();
    if (!id) return;
    try {
      const { periods: list, starts_later: later } = await api.statementPeriods(id);
      none.hidden = list.length > 0;
      // A signed agreement not yet in effect: say which, and from when statements can be issued.
      none.textContent = later
        ? t('statement.starts_later', { number: later.number, date: later.effective_on })
        : t('statement.no_periods');
      replace(periods, ...(list.length
        ? list.map((p) => h('option', { value: `${p.from}|${p.to}` }, `${p.from} – ${p.to}${p.statement_number ? ` · ${p.statement_number} (${t(`statement.status.${p.status}`)})` : ''}`))
        : [h('option', { value: '' }, none.textContent)]));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  picker.field.querySelector('input')?.addEventListener('change', refresh);
  /** @type {api.Statement | null} */
  let made = null;
  await formDialog({
    id: 'statement-form', wide: true, title: t('statement.issue_title'), intro: t('statement.issue_intro'),
    body: [
      picker.field,
      h('div', { class: 'field wide' }, h('label', { for: 'f-period' }, t('statement.period')), periods, none,
        h('div', { class: 'field-error', dataset: { for: 'period_from' } })),
      formField({ name: 'currency', label: t('order.currency'), value: '', options: [['', t('statement.agreement_currency')], ...CURRENCIES.map((c) => /** @type {[string, string]} */ ([c, c]))] }),
    ],
    submitLabel: t('statement.issue'),
    submit: async (v) => {
      if (!picker.id()) await refresh();
      const [from, to] = String(v.period || '|').split('|');
      made = await api.statementIssue({ partner_id: picker.id(), currency: v.currency, period_from: from, period_to: to });
    },
  });
  if (made) navigate(statementHref(/** @type {api.Statement} */ (made).id));
}

/** A payment to a partner proposed. */
async function payoutDialog() {
  const picker = partnerPicker({ label: t('payment.partner') });
  return formDialog({
    id: 'payout-form', title: t('payout.title'), intro: t('payout.intro'),
    body: [
      picker.field,
      formField({ name: 'kind', label: t('payout.kind'), options: PAYOUT_KINDS.map((k) => [k, t(`payout.kind.${k}`)]) }),
      formField({ name: 'currency', label: t('order.currency'), value: 'CNY', options: CURRENCIES.map((c) => [c, c]) }),
      formField({ name: 'amount_minor', label: t('payment.amount_plain'), required: true, attrs: { inputmode: 'decimal' } }),
      formField({ name: 'note', label: t('payout.note'), rows: 2, required: true }),
    ],
    submitLabel: t('payout.propose'),
    submit: async (v) => {
      await api.payoutPropose({ partner_id: picker.id(), kind: v.kind, amount_minor: parseMoney(v.amount_minor), currency: v.currency, note: v.note });
    },
  });
}

/** Money received from a partner, not tied to one order. */
async function receiptDialog() {
  const picker = partnerPicker({ label: t('payment.partner') });
  return formDialog({
    id: 'receipt-form', title: t('payment.receive_title'),
    body: [
      picker.field,
      formField({ name: 'currency', label: t('order.currency'), value: 'CNY', options: CURRENCIES.map((c) => [c, c]) }),
      formField({ name: 'amount_minor', label: t('payment.amount_plain'), required: true, attrs: { inputmode: 'decimal' } }),
      formField({ name: 'paid_on', label: t('payment.paid_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'reference', label: t('payment.reference') }),
      formField({ name: 'note', label: t('field.notes'), rows: 2 }),
    ],
    submitLabel: t('payment.receive'),
    submit: async (v) => {
      await api.paymentReceive({ partner_id: picker.id(), order_id: '', amount_minor: parseMoney(v.amount_minor), currency: v.currency, paid_on: v.paid_on, reference: v.reference, note: v.note });
    },
  });
}

/** A credit note. */
async function creditDialog() {
  const picker = partnerPicker({ label: t('payment.partner') });
  return formDialog({
    id: 'credit-form', title: t('credit.title'), intro: t('credit.intro'),
    body: [
      picker.field,
      formField({ name: 'currency', label: t('order.currency'), value: 'CNY', options: CURRENCIES.map((c) => [c, c]) }),
      formField({ name: 'amount_minor', label: t('payment.amount_plain'), required: true, attrs: { inputmode: 'decimal' } }),
      formField({ name: 'issued_on', label: t('credit.issued_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'reason', label: t('credit.reason'), rows: 2, required: true }),
    ],
    submitLabel: t('credit.issue'),
    submit: async (v) => {
      await api.creditNoteIssue({ partner_id: picker.id(), order_id: '', amount_minor: parseMoney(v.amount_minor), currency: v.currency, issued_on: v.issued_on, reason: v.reason });
    },
  });
}

/** @param {HTMLElement} main @param {string | undefined} id */
export async function settlementView(main, id) {
  if (id && !TABS.includes(id)) return statementView(main, id);
  const tab = id || sessionStorage.getItem('settlement-tab') || 'statements';
  sessionStorage.setItem('settlement-tab', tab);
  const body = h('div', { id: 'settlement-body' });
  const reload = () => settlementView(main, tab);
  const guard = (/** @type {() => Promise<unknown>} */ fn) => async () => { try { await fn(); await reload(); } catch (e) { toast(errorText(e), { kind: 'error' }); } };
  // Where each tab's list was left (page numbers under long lists, issue 23).
  const offsets = JSON.parse(sessionStorage.getItem('settlement-offsets') || '{}');
  const go = (/** @type {number} */ offset) => { sessionStorage.setItem('settlement-offsets', JSON.stringify({ ...offsets, [tab]: offset })); reload(); };
  if (tab === 'statements') {
    const page = await api.statements('', offsets.statements || 0);
    const rows = page.rows;
    replace(body, rows.length
      ? h('div', null, h('table', { class: 'grid', id: 'statements-table' },
          h('thead', null, h('tr', null, ...['number', 'partner', 'period', 'closing', 'status'].map((k) => h('th', null, t(`statement.col.${k}`))))),
          h('tbody', null, ...rows.map((s) => h('tr', { tabindex: '0', dataset: { id: s.id }, onClick: () => navigate(statementHref(s.id)),
            onKeydown: (/** @type {KeyboardEvent} */ k) => { if (k.key === 'Enter') navigate(statementHref(s.id)); } },
            h('td', { class: 'mono' }, h('a', { href: statementHref(s.id) }, s.number)),
            h('td', null, s.partner_name),
            h('td', { class: 'nowrap' }, `${s.period_from} – ${s.period_to}`),
            h('td', { class: 'num' }, money(s.closing_minor, s.currency)),
            h('td', null, h('span', { class: `badge statement-${s.status}` }, t(`statement.status.${s.status}`))))))),
        pager({ total: page.total, offset: offsets.statements || 0, size: page.size, shown: rows.length, id: 'statements-pager', onGo: go }))
      : h('div', { class: 'empty card' }, h('p', null, t('statement.none'))));
  } else if (tab === 'payments') {
    const page = await api.payments({ partner_id: '', direction: '', status: '', offset: offsets.payments || 0, limit: 0 });
    const rows = page.rows;
    const decide = (/** @type {api.Payment} */ p, /** @type {boolean} */ approve) => async () => {
      if (await formDialog({ id: 'decide-form', title: t(approve ? 'payout.approve_title' : 'payout.reject_title'),
        intro: `${p.partner_name} · ${t(`payout.kind.${p.kind}`)} · ${money(p.amount_minor, p.currency)}`,
        body: [formField({ name: 'decision_note', label: t('payout.decision_note'), rows: 2, required: !approve })],
        submitLabel: t(approve ? 'payout.approve' : 'payout.reject'),
        submit: async (v) => { await api.payoutDecide(p.id, approve, v.decision_note); } })) await reload();
    };
    const paid = (/** @type {api.Payment} */ p) => async () => {
      if (await formDialog({ id: 'paid-form', title: t('payout.paid_title'),
        body: [formField({ name: 'paid_on', label: t('payment.paid_on'), type: 'date', required: true, value: today() }),
          formField({ name: 'reference', label: t('payment.reference'), required: true })],
        submitLabel: t('action.save'),
        submit: async (v) => { await api.payoutPaid(p.id, v.paid_on, v.reference); } })) await reload();
    };
    replace(body, rows.length
      ? h('div', null, h('table', { class: 'grid', id: 'payments-table' },
          h('thead', null, h('tr', null, ...['created', 'partner', 'direction', 'amount', 'status', 'who', 'reference'].map((k) => h('th', null, t(`payment.col.${k}`))), h('th', null, ''))),
          h('tbody', null, ...rows.map((p) => h('tr', { dataset: { id: p.id, status: p.status } },
            h('td', { class: 'nowrap' }, formatTime(p.created_at)),
            h('td', null, p.partner_name, p.order_number && h('div', { class: 'muted small' }, p.order_number)),
            h('td', null, t(p.direction === 'in' ? 'payment.in' : `payout.kind.${p.kind}`)),
            h('td', { class: 'num nowrap' }, money(p.amount_minor, p.currency)),
            h('td', null, h('span', { class: `badge payment-${p.status}` }, t(`payment.status.${p.status}`)), p.decision_note && h('div', { class: 'muted small' }, p.decision_note)),
            h('td', null, [p.proposed_by_name && t('payout.proposed_by', { who: p.proposed_by_name }), p.decided_by_name && t('payout.decided_by', { who: p.decided_by_name })].filter(Boolean).join(' · ')),
            h('td', null, [p.paid_on, p.reference].filter(Boolean).join(' · '), p.note && h('div', { class: 'muted small' }, p.note)),
            h('td', { class: 'nowrap' },
              p.actions.includes('approve') && [
                h('button', { type: 'button', class: 'small primary payout-approve', onClick: decide(p, true) }, t('payout.approve')),
                h('button', { type: 'button', class: 'small payout-reject', onClick: decide(p, false) }, t('payout.reject'))],
              p.actions.includes('pay') && h('button', { type: 'button', class: 'small payout-paid', onClick: paid(p) }, t('payout.mark_paid'))))))),
        pager({ total: page.total, offset: offsets.payments || 0, size: page.size, shown: rows.length, id: 'payments-pager', onGo: go }))
      : h('div', { class: 'empty card' }, h('p', null, t('payment.none'))));
  } else {
    const rows = await api.creditNotes('');
    replace(body, rows.length
      ? h('table', { class: 'grid', id: 'credits-table' },
          h('thead', null, h('tr', null, ...['issued_on', 'partner', 'amount', 'reason'].map((k) => h('th', null, t(`credit.col.${k}`))))),
          h('tbody', null, ...rows.map((c) => h('tr', null,
            h('td', { class: 'nowrap' }, c.issued_on),
            h('td', null, c.partner_name, c.order_number && h('div', { class: 'muted small' }, c.order_number)),
            h('td', { class: 'num' }, money(c.amount_minor, c.currency)),
            h('td', null, c.reason)))))
      : h('div', { class: 'empty card' }, h('p', null, t('credit.none'))));
  }
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('settlement.title')),
      h('div', { class: 'actions' },
        tab === 'statements' && can('settlement_manage') && h('button', { type: 'button', class: 'primary', id: 'statement-new', onClick: () => issueDialog() }, t('statement.issue')),
        tab === 'payments' && can('finance_record') && h('button', { type: 'button', id: 'receipt-new', onClick: guard(receiptDialog) }, t('payment.receive')),
        tab === 'payments' && can('settlement_manage') && h('button', { type: 'button', class: 'primary', id: 'payout-new', onClick: guard(payoutDialog) }, t('payout.propose')),
        tab === 'credits' && can('finance_record') && h('button', { type: 'button', class: 'primary', id: 'credit-new', onClick: guard(creditDialog) }, t('credit.issue')))),
    h('div', { class: 'tabs', role: 'tablist' }, ...TABS.map((x) => h('a', { role: 'tab', href: `#/settlement/${x}`, id: `settlement-tab-${x}`, class: x === tab ? 'active' : '', 'aria-selected': String(x === tab) }, t(`settlement.tab.${x}`)))),
    body));
  return {};
}

const KINDS_SHOWN = /** @type {Record<string, string>} */ ({ shipment: 'statement.kind.shipment', credit: 'statement.kind.credit', received: 'statement.kind.received', paid_out: 'statement.kind.paid_out' });

/** @param {HTMLElement} main @param {string} id */
async function statementView(main, id) {
  const render = async () => {
    const s = await api.statement(id);
    const cur = s.currency;
    const f = s.figures;
    const act = (/** @type {() => Promise<unknown>} */ fn) => async () => { try { await fn(); await render(); } catch (e) { toast(errorText(e), { kind: 'error' }); } };
    const confirmDialog = async () => {
      if (await formDialog({ id: 'statement-confirm-form', title: t('statement.confirm_title'), intro: t('statement.confirm_intro'),
        body: [formField({ name: 'confirmed_by', label: t('statement.confirmed_by'), required: true }),
          formField({ name: 'confirmed_on', label: t('statement.confirmed_on'), type: 'date', required: true, value: today() })],
        submitLabel: t('statement.confirm'),
        submit: async (v) => { await api.statementConfirm(id, v.confirmed_on, v.confirmed_by); } })) await render();
    };
    const disputeDialog = async () => {
      if (await formDialog({ id: 'dispute-form', wide: true, title: t('statement.dispute_title'),
        body: [formField({ name: 'line_ref', label: t('statement.dispute_line'), wide: true,
          options: [['summary', t('statement.dispute_summary')], ...s.lines.map((l) => /** @type {[string, string]} */ ([l.key, `${l.on} · ${t(KINDS_SHOWN[l.kind] || l.kind)} · ${l.reference} · ${money(l.amount_minor, cur)}`]))] }),
          formField({ name: 'reason', label: t('statement.dispute_reason'), rows: 3, required: true })],
        submitLabel: t('statement.dispute'),
        submit: async (v) => { await api.statementDispute(id, v.line_ref, v.reason); } })) await render();
    };
    const resolveDialog = (/** @type {api.Statement['disputes'][number]} */ d) => async () => {
      if (await formDialog({ id: 'resolve-form', title: t('statement.resolve_title'), intro: d.reason,
        body: [formField({ name: 'resolution', label: t('statement.resolution'), rows: 3, required: true })],
        submitLabel: t('statement.resolve'),
        submit: async (v) => { await api.statementResolve(d.id, v.resolution); } })) await render();
    };
    const payoutDue = f.closing < 0 && can('settlement_manage');
    const proposePayout = async () => {
      await api.payoutPropose({ partner_id: s.partner_id, kind: s.settle_method === 'commission' ? 'commission' : 'rebate', amount_minor: -f.closing, currency: cur,
        note: t('payout.from_statement', { number: s.number }) });
      toast(t('payout.proposed'));
    };
    const lineLabel = (/** @type {string} */ key) => {
      const l = s.lines.find((x) => x.key === key);
      return l ? `${l.on} · ${t(KINDS_SHOWN[l.kind] || l.kind)} · ${l.reference}` : t('statement.dispute_summary');
    };
    const rows = /** @type {Array<[string, number]>} */ ([
      ['opening', f.opening], ['sales', f.sales], ['due', f.due], ['commission', f.commission], ['rebate', f.rebate],
      ['credit', f.credit], ['received', f.received], ['paid_out', f.paid_out], ['closing', f.closing]]);
    replace(main, h('div', { class: 'page', id: 'statement-page', dataset: { status: s.status } },
      h('nav', { class: 'crumbs' }, h('a', { href: '#/settlement/statements' }, t('settlement.title')), ' / '),
      h('header', { class: 'page-head' },
        h('div', null,
          h('h1', null, `${t('statement.title')} ${s.number} `, h('span', { class: `badge statement-${s.status}`, id: 'statement-status' }, t(`statement.status.${s.status}`))),
          h('p', { class: 'muted' }, h('a', { href: `#/partners/${encodeURIComponent(s.partner_id)}` }, s.partner_name), ' · ',
            `${s.period_from} – ${s.period_to}`, ' · ', h('a', { href: `#/agreements/${encodeURIComponent(s.agreement_id)}` }, s.agreement_number))),
        h('div', { class: 'actions' },
          !s.changed && h('button', { type: 'button', id: 'statement-print', onClick: () => print(() => api.statementPrint(id)) }, t('statement.print')),
          !s.changed && h('button', { type: 'button', id: 'statement-xlsx', onClick: async () => {
            try {
              const f = await api.statementXlsx(id);
              toast(t(f.opened ? 'statement.xlsx_opened' : 'statement.xlsx_at', { path: f.path }), { ms: f.opened ? 5000 : 15000 });
            } catch (e) { toast(errorText(e), { kind: 'error' }); }
          } }, t('statement.xlsx')),
          s.actions.includes('confirm') && !s.changed && h('button', { type: 'button', class: 'primary', id: 'statement-confirm', onClick: confirmDialog }, t('statement.confirm')),
          s.actions.includes('dispute') && h('button', { type: 'button', id: 'statement-dispute', onClick: disputeDialog }, t('statement.dispute')),
          payoutDue && h('button', { type: 'button', id: 'statement-payout', onClick: act(proposePayout) }, t('payout.propose_amount', { amount: money(-f.closing, cur) })))),
      s.changed && h('div', { class: 'warn-box', id: 'statement-changed' }, t('statement.changed'), ' ',
        can('settlement_manage') && h('button', { type: 'button', class: 'primary', id: 'statement-reissue',
          onClick: act(() => api.statementIssue({ partner_id: s.partner_id, currency: cur, period_from: s.period_from, period_to: s.period_to })) }, t('statement.reissue'))),
      h('div', { class: 'columns' },
        h('section', { class: 'card' },
          h('h2', null, t('statement.summary')),
          h('table', { class: 'grid compact', id: 'statement-figures' },
            h('tbody', null, ...rows.map(([k, v]) => h('tr', { dataset: { figure: k }, class: k === 'closing' ? 'total' : '' },
              h('th', { scope: 'row' }, t(`statement.figure.${k}`, { rate: percent(k === 'commission' ? s.commission_bp : s.rebate_bp) })),
              h('td', { class: 'num nowrap' }, money(v, cur)))))),
          h('p', { id: 'statement-balance', class: 'strong' }, f.closing > 0
            ? t('statement.partner_owes', { amount: money(f.closing, cur) })
            : f.closing < 0 ? t('statement.company_owes', { amount: money(-f.closing, cur) }) : t('statement.settled'))),
        h('section', { class: 'card' },
          h('h2', null, t('statement.terms')),
          h('dl', { class: 'facts' },
            h('dt', null, t('terms.settle_method')), h('dd', null, t(`terms.method.${s.settle_method}`)),
            h('dt', null, t('terms.settle_cycle')), h('dd', null, t(`terms.cycle.${s.settle_cycle}`)),
            h('dt', null, t('order.currency')), h('dd', null, cur),
            h('dt', null, t('statement.issued')), h('dd', null, `${s.issued_by || ''} · ${formatTime(s.issued_at)}`),
            s.confirmed_on && h('dt', null, t('statement.confirmed_by')), s.confirmed_on && h('dd', { id: 'statement-confirmed' }, `${s.confirmed_by} · ${s.confirmed_on}`))),
      ),
      s.disputes.length > 0 && h('section', { class: 'card', id: 'statement-disputes' },
        h('h2', null, t('statement.disputes')),
        h('table', { class: 'grid' },
          h('thead', null, h('tr', null, ...['line', 'reason', 'status', 'resolution'].map((k) => h('th', null, t(`statement.dispute_col.${k}`))), h('th', null, ''))),
          h('tbody', null, ...s.disputes.map((d) => h('tr', { dataset: { status: d.status } },
            h('td', null, lineLabel(d.line_ref)),
            h('td', null, d.reason),
            h('td', null, t(`statement.dispute_status.${d.status}`)),
            h('td', null, d.resolution),
            h('td', null, d.actions.includes('resolve') && h('button', { type: 'button', class: 'small dispute-resolve', onClick: resolveDialog(d) }, t('statement.resolve')))))))),
      h('section', { class: 'card' },
        h('h2', null, t('statement.lines', { n: s.lines.length })),
        s.lines.length
          ? h('table', { class: 'grid', id: 'statement-lines' },
              h('thead', null, h('tr', null, ...['on', 'kind', 'reference', 'description', 'quantity', 'amount', 'commission_rebate', 'effect'].map((k) => h('th', null, t(`statement.line.${k}`))))),
              h('tbody', null, ...s.lines.slice(0, 500).map((l) => h('tr', { dataset: { kind: l.kind } },
                h('td', { class: 'nowrap' }, l.on),
                h('td', null, t(KINDS_SHOWN[l.kind] || l.kind)),
                h('td', { class: 'mono small' }, l.reference),
                h('td', null, l.kind === 'paid_out' ? t(`payout.kind.${l.description}`) : l.description),
                h('td', { class: 'num' }, l.quantity === null ? '' : String(l.quantity)),
                h('td', { class: 'num nowrap' }, money(l.amount_minor, cur)),
                h('td', { class: 'num nowrap' }, l.kind === 'shipment' ? money(l.commission_minor + l.rebate_minor, cur) : ''),
                h('td', { class: 'num nowrap' }, money(l.effect_minor, cur))))))
          : h('p', { class: 'muted' }, t('statement.no_lines')),
        s.lines.length > 500 && h('p', { class: 'muted' }, t('statement.more_lines', { n: s.lines.length - 500 })))));
  };
  await render();
  return {};
}
