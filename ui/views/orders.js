// @ts-check
/**
 * Orders (R4.1.2–R4.2.2): the list with its filters, a new order with its lines, and an
 * order's page — the review rule by rule with what each found, a manager's override with its
 * reason, confirmation with the contract reference, shipments (partial ones allowed) and
 * their arrival, money received, after-sales cases — each step with who and when; and the
 * list of after-sales cases across orders.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate, session, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker, today } from '../components/form.js';
import { money, moneyInput, parseMoney, CURRENCIES } from '../components/money.js';
import { placeSelects, provinceName } from '../components/places.js';
import { pager } from '../components/pager.js';

export const STATUSES = ['entered', 'held', 'approved', 'confirmed', 'cancelled'];
const CASE_KINDS = ['installation', 'training', 'maintenance', 'troubleshooting'];

/** @param {string} id */
export const orderHref = (id) => `#/orders/${encodeURIComponent(id)}`;

export { provinceName };

/** The Chinese name of a province code. @param {string} code */
const provinceZh = (code) => session.ref?.provinces.find((x) => x.code === code)?.zh || code;

/** @param {string} status */
export const statusBadge = (status) => h('span', { class: `badge order-${status}`, dataset: { status } }, t(`order.status.${status}`));

/** One review rule as a line: mark, name, what it found. @param {api.RuleResult} r @param {string} currency */
export function ruleLine(r, currency) {
  const p = r.params;
  /** @type {Record<string, string>} */
  const params = { ...p };
  if (p.province) params.province = provinceName(p.province);
  if (r.rule === 'territory') {
    const codes = p.territory ? p.territory.split(',') : [];
    // Provinces in the page's language; cities and districts as the standard writes them.
    params.territory = !codes.length ? t('order.territory_all')
      : codes.every((c) => c.length === 2) ? codes.map(provinceName).join('、') : p.territory_text || p.territory;
    // Reviews from before places below a province only name the province.
    params.place = !p.place || p.place === provinceZh(p.province || '') ? provinceName(p.province || '') : p.place;
  }
  for (const k of ['limit', 'exposure', 'total', 'overdue']) if (p[k]) params[k] = money(Number(p[k]), p.currency || currency);
  if (r.rule === 'credit_limit' && !p.limit) params.limit = t('order.no_limit');
  if (r.rule === 'credit_standing') {
    params.status = t(`status.${p.status}`);
    params.class = p.class || t('order.no_class');
  }
  const mark = r.outcome === 'passed' ? '✓' : r.outcome === 'failed' ? '✗' : '–';
  const detail = r.outcome === 'not_checked'
    ? t('order.rule.not_checked')
    : r.rule === 'credit_standing' && p.suspended_on
      ? t('order.rule.credit_standing.suspended', { on: p.suspended_on })
      : r.rule === 'credit_standing' && r.outcome === 'failed' && p.failing
        // Only the parts that failed, each saying what it should be.
        ? p.failing.split(',').map((part) => t(`order.rule.credit_standing.failed.${part}`, params)).join('；')
        : r.rule === 'territory' && p.needs_area
          ? t('order.rule.territory.needs_area', params)
          : t(`order.rule.${r.rule}.${r.outcome}`, params);
  return h('li', { class: `rule rule-${r.outcome}`, dataset: { rule: r.rule, outcome: r.outcome } },
    h('span', { class: 'rule-mark', 'aria-hidden': 'true' }, mark),
    h('strong', null, t(`order.rule.${r.rule}`)),
    h('span', { class: 'rule-detail' }, detail));
}

/**
 * The lines editor of the order form: product, quantity, price (empty: the partner's price,
 * shown in the empty field once a product is chosen).
 * @param {api.Product[]} products @param {(productId: string) => Promise<string>} partnerPrice
 */
function linesEditor(products, partnerPrice) {
  const body = h('tbody', { id: 'order-lines' });
  const add = () => {
    const i = body.children.length;
    const row = h('tr', { dataset: { line: String(i) } },
      h('td', null, h('select', { name: `lines.${i}.product_id`, dataset: { field: `lines.${i}.product_id` }, class: 'line-product',
        onChange: async (/** @type {Event} */ e) => {
          const price = /** @type {HTMLInputElement} */ (row.querySelector('.line-price'));
          price.placeholder = (await partnerPrice(/** @type {HTMLSelectElement} */ (e.target).value)) || t('order.price_from_terms');
        } },
        h('option', { value: '' }, t('order.choose_product')),
        ...products.map((p) => h('option', { value: p.id }, `${p.code} · ${p.name} (${p.currency})`))),
        h('div', { class: 'field-error', dataset: { for: `lines.${i}.product_id` } })),
      h('td', null, h('input', { name: `lines.${i}.quantity`, dataset: { field: `lines.${i}.quantity` }, class: 'num line-qty', inputmode: 'numeric', value: '1', size: '6' }),
        h('div', { class: 'field-error', dataset: { for: `lines.${i}.quantity` } })),
      h('td', null, h('input', { name: `lines.${i}.unit_price`, dataset: { field: `lines.${i}.unit_price_minor` }, class: 'num line-price', inputmode: 'decimal', placeholder: t('order.price_from_terms'), size: '12' }),
        h('div', { class: 'field-error', dataset: { for: `lines.${i}.unit_price_minor` } })));
    body.appendChild(row);
  };
  add();
  const field = h('div', { class: 'field wide' },
    h('label', null, t('order.lines')),
    h('table', { class: 'grid compact lines-editor' },
      h('thead', null, h('tr', null, h('th', null, t('order.product')), h('th', null, t('order.quantity')), h('th', null, t('order.unit_price')))),
      body),
    h('button', { type: 'button', id: 'order-line-add', onClick: add }, t('order.add_line')),
    h('div', { class: 'field-error', dataset: { for: 'lines' } }));
  /** @param {Record<string, any>} v @returns {api.OrderInput['lines']} */
  const read = (v) => [...body.children].map((_, i) => ({
    product_id: v[`lines.${i}.product_id`] || '',
    quantity: /^\d+$/.test(String(v[`lines.${i}.quantity`]).trim()) ? Number(v[`lines.${i}.quantity`]) : 0,
    unit_price_minor: parseMoney(v[`lines.${i}.unit_price`]),
  })).filter((l, i) => l.product_id || i === 0);
  return { field, read };
}

/** A new order; opens it once saved. @param {{ id: string, name: string } | null} partner */
export async function newOrderDialog(partner) {
  const products = await api.products({ text: '', active_only: true, on: '' });
  const picker = partnerPicker({ label: t('order.partner'), value: partner, disabled: Boolean(partner) });
  const lines = linesEditor(products, async (productId) => {
    const form = /** @type {HTMLFormElement | null} */ (document.querySelector('#order-form'));
    const on = /** @type {HTMLInputElement | undefined} */ (form?.elements.namedItem('ordered_on'))?.value || today();
    const product = products.find((p) => p.id === productId);
    if (!picker.id() || !product) return '';
    try {
      const [price] = await api.orderPrices(picker.id(), on, [productId]);
      return price === null ? t('order.no_price') : money(price, product.currency);
    } catch { return ''; }
  });
  const place = placeSelects({ id: 'order-place', provinceId: 'f-customer_province', provinceField: 'customer_province', areaField: 'customer_area' });
  /** @type {api.Order | null} */
  let made = null;
  await formDialog({
    id: 'order-form', wide: true, title: t('order.new_title'), intro: t('order.new_intro'),
    body: [
      picker.field,
      formField({ name: 'customer_name', label: t('order.customer_name'), required: true, wide: true }),
      // Province, then city and district as GB/T 2260 names them: territories may name either.
      h('div', { class: 'field wide' },
        h('label', { for: 'f-customer_province' }, t('order.customer_place'), h('span', { class: 'req' }, ' *')),
        h('div', { class: 'place-row' }, ...place.selects),
        h('div', { class: 'field-error', dataset: { for: 'customer_province' }, 'aria-live': 'polite' }),
        h('div', { class: 'field-error', dataset: { for: 'customer_area' }, 'aria-live': 'polite' })),
      formField({ name: 'customer_contact', label: t('order.customer_contact'), wide: true }),
      formField({ name: 'currency', label: t('order.currency'), value: 'CNY', options: CURRENCIES.map((c) => [c, c]) }),
      formField({ name: 'ordered_on', label: t('order.ordered_on'), type: 'date', required: true, value: today() }),
      formField({ name: 'requested_on', label: t('order.requested_on'), type: 'date', required: true }),
      lines.field,
      formField({ name: 'note', label: t('field.notes'), rows: 2 }),
    ],
    submitLabel: t('order.create'),
    submit: async (v) => {
      made = await api.orderCreate({
        partner_id: picker.id(), customer_name: v.customer_name, customer_province: place.province(), customer_area: place.area(), customer_city: place.areaName(),
        customer_contact: v.customer_contact, currency: v.currency, ordered_on: v.ordered_on, requested_on: v.requested_on, note: v.note,
        lines: lines.read(v),
      });
    },
  });
  if (made) navigate(orderHref(/** @type {api.Order} */ (made).id));
}

/** @param {HTMLElement} main @param {string | undefined} id */
export async function ordersView(main, id) {
  if (id === 'cases') return casesView(main);
  if (id) return orderView(main, id);
  const saved = JSON.parse(sessionStorage.getItem('orders-query') || '{}');
  /** @type {api.OrderQuery} */
  const q = { text: saved.text || '', status: saved.status || '', partner_id: '', limit: 0, offset: saved.offset || 0 };
  const slot = h('div', { id: 'orders-slot' });
  const load = async () => {
    sessionStorage.setItem('orders-query', JSON.stringify(q));
    try {
      const page = await api.orders(q);
      // A page left behind that no longer exists (orders deleted since): back to the first.
      if (!page.rows.length && q.offset > 0) { q.offset = 0; return load(); }
      const rows = page.rows;
      replace(slot, rows.length
        ? h('div', null, h('table', { class: 'grid', id: 'orders-table' },
            h('thead', null, h('tr', null, ...['number', 'partner', 'customer', 'total', 'status', 'delivery', 'received', 'ordered_on'].map((k) => h('th', { scope: 'col' }, t(`order.col.${k}`))))),
            h('tbody', null, ...rows.map((o) => h('tr', { tabindex: '0', dataset: { id: o.id }, onClick: () => navigate(orderHref(o.id)),
              onKeydown: (/** @type {KeyboardEvent} */ k) => { if (k.key === 'Enter') navigate(orderHref(o.id)); } },
              h('td', { class: 'mono nowrap' }, h('a', { href: orderHref(o.id) }, o.number)),
              h('td', null, o.partner_name),
              h('td', null, o.customer_name),
              h('td', { class: 'num nowrap' }, money(o.total_minor, o.currency)),
              h('td', null, statusBadge(o.status), o.overridden ? h('span', { class: 'badge override', title: t('order.overridden') }, t('order.overridden_short')) : null),
              h('td', null, t(`order.delivery.${o.delivery}`)),
              h('td', { class: 'num nowrap' }, money(o.received_minor, o.currency)),
              h('td', { class: 'nowrap' }, o.ordered_on))))),
          pager({ total: page.total, offset: q.offset, size: page.size, shown: rows.length, id: 'orders-pager',
            onGo: (offset) => { q.offset = offset; load(); } }))
        : h('div', { class: 'empty card' }, h('p', null, t('orders.none'))));
    } catch (e) { replace(slot, h('div', { class: 'error-box' }, errorText(e))); }
  };
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'orders-search', value: q.text, placeholder: t('orders.search'),
    onInput: () => { q.text = search.value; q.offset = 0; load(); } }));
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('orders.title')),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/orders/cases', id: 'orders-cases' }, t('cases.title')),
        can('order_write') && h('button', { type: 'button', class: 'primary', id: 'order-new', onClick: () => newOrderDialog(null) }, t('order.new')))),
    h('div', { class: 'filters' }, search,
      h('select', { id: 'orders-status', 'aria-label': t('field.status'), onChange: (/** @type {Event} */ e) => { q.status = /** @type {HTMLSelectElement} */ (e.target).value; q.offset = 0; load(); } },
        h('option', { value: '' }, t('orders.all_statuses')),
        ...STATUSES.map((s) => h('option', { value: s, selected: q.status === s }, t(`order.status.${s}`))))),
    slot));
  await load();
  return {
    /** @param {KeyboardEvent} e */
    onKey: (e) => {
      if (e.key === '/' && !isTyping(e)) { e.preventDefault(); search.focus(); return true; }
      return false;
    },
  };
}

/** A step: who and when, or a dash. @param {api.Order['steps']['entered']} s */
const step = (s) => (s.at ? `${s.by || ''} · ${formatTime(s.at)}` : '—');

/** @param {HTMLElement} main @param {string} id */
async function orderView(main, id) {
  const users = await api.usersList();
  const render = async () => {
    const o = await api.order(id);
    const act = (/** @type {() => Promise<unknown>} */ fn) => async () => {
      try { await fn(); await render(); } catch (e) { toast(errorText(e), { kind: 'error' }); }
    };
    const overrideDialog = async () => {
      if (await formDialog({ id: 'override-form', title: t('order.override_title'), intro: t('order.override_intro'),
        body: [formField({ name: 'override_reason', label: t('order.override_reason'), rows: 3, required: true })],
        submitLabel: t('order.override'),
        submit: async (v) => { await api.orderOverride(id, v.override_reason); } })) await render();
    };
    const confirmDialog = async () => {
      if (await formDialog({ id: 'confirm-form', title: t('order.confirm_title'),
        body: [formField({ name: 'contract_ref', label: t('order.contract_ref'), required: true, wide: true })],
        submitLabel: t('order.confirm'),
        submit: async (v) => { await api.orderConfirm(id, v.contract_ref); } })) await render();
    };
    const cancelDialog = async () => {
      if (await formDialog({ id: 'cancel-form', title: t('order.cancel_title'),
        body: [formField({ name: 'cancel_reason', label: t('order.cancel_reason'), rows: 2, required: true })],
        submitLabel: t('order.cancel'),
        submit: async (v) => { await api.orderCancel(id, v.cancel_reason); } })) await render();
    };
    const shipDialog = async () => {
      const left = o.lines.filter((l) => l.quantity > l.shipped);
      if (await formDialog({ id: 'ship-form', wide: true, title: t('ship.title'), intro: t('ship.intro'),
        body: [
          formField({ name: 'shipped_on', label: t('ship.shipped_on'), type: 'date', required: true, value: today() }),
          formField({ name: 'expected_on', label: t('ship.expected_on'), type: 'date', required: true }),
          formField({ name: 'carrier', label: t('ship.carrier') }),
          formField({ name: 'tracking_no', label: t('ship.tracking_no') }),
          h('div', { class: 'field wide' }, h('label', null, t('ship.quantities')),
            h('table', { class: 'grid compact' },
              h('thead', null, h('tr', null, h('th', null, t('order.product')), h('th', null, t('ship.left')), h('th', null, t('ship.now')))),
              h('tbody', null, ...left.map((l, i) => h('tr', null,
                h('td', null, `${l.line_no}. ${l.product_name}`),
                h('td', { class: 'num' }, String(l.quantity - l.shipped)),
                h('td', null, h('input', { name: `q.${l.id}`, class: 'num ship-qty', dataset: { field: `lines.${i}.quantity`, line: String(l.line_no) }, value: String(l.quantity - l.shipped), size: '6', inputmode: 'numeric' }),
                  h('div', { class: 'field-error', dataset: { for: `lines.${i}.quantity` } })))))),
            h('div', { class: 'field-error', dataset: { for: 'lines' } })),
          formField({ name: 'note', label: t('field.notes'), rows: 2 }),
        ],
        submitLabel: t('ship.record'),
        submit: async (v) => {
          await api.shipmentRecord(id, {
            shipped_on: v.shipped_on, expected_on: v.expected_on, carrier: v.carrier, tracking_no: v.tracking_no, note: v.note,
            lines: left.map((l) => ({ order_line_id: l.id, quantity: /^\d+$/.test(String(v[`q.${l.id}`]).trim()) ? Number(v[`q.${l.id}`]) : -1 })),
          });
        } })) await render();
    };
    const deliveredDialog = async (/** @type {string} */ shipmentId) => {
      if (await formDialog({ id: 'delivered-form', title: t('ship.delivered_title'),
        body: [formField({ name: 'delivered_on', label: t('ship.delivered_on'), type: 'date', required: true, value: today() })],
        submitLabel: t('action.save'),
        submit: async (v) => { await api.shipmentDelivered(shipmentId, v.delivered_on); } })) await render();
    };
    const receiveDialog = async () => {
      if (await formDialog({ id: 'receive-form', title: t('payment.receive_title'),
        body: [
          formField({ name: 'amount_minor', label: t('payment.amount', { currency: o.currency }), required: true, value: moneyInput(o.outstanding_minor), attrs: { inputmode: 'decimal' } }),
          formField({ name: 'paid_on', label: t('payment.paid_on'), type: 'date', required: true, value: today() }),
          formField({ name: 'reference', label: t('payment.reference') }),
          formField({ name: 'note', label: t('field.notes'), rows: 2 }),
        ],
        submitLabel: t('payment.receive'),
        submit: async (v) => {
          await api.paymentReceive({ partner_id: o.partner_id, order_id: id, amount_minor: parseMoney(v.amount_minor), currency: o.currency, paid_on: v.paid_on, reference: v.reference, note: v.note });
        } })) await render();
    };
    const userOptions = /** @type {Array<[string, string]>} */ ([['', t('case.no_owner')], ...users.map((u) => [u.id, u.display_name])]);
    const caseDialog = async (/** @type {api.Case | null} */ c) => {
      if (await formDialog({ id: 'case-form', wide: true, title: c ? t('case.edit_title') : t('case.new_title'),
        body: c
          ? [
              formField({ name: 'status', label: t('case.status'), value: c.status, options: c.next.map((s) => [s, t(`case.status.${s}`)]) }),
              formField({ name: 'owner_id', label: t('case.owner'), value: c.owner_id || '', options: userOptions }),
              formField({ name: 'resolved_on', label: t('case.resolved_on'), type: 'date', value: c.resolved_on || today() }),
              formField({ name: 'resolution', label: t('case.resolution'), rows: 2, value: c.resolution }),
              formField({ name: 'feedback', label: t('case.feedback'), rows: 2, value: c.feedback }),
              formField({ name: 'satisfaction', label: t('case.satisfaction'), value: c.satisfaction ? String(c.satisfaction) : '',
                options: [['', '—'], ...[5, 4, 3, 2, 1].map((n) => /** @type {[string, string]} */ ([String(n), t(`case.satisfaction.${n}`)]))] }),
            ]
          : [
              formField({ name: 'kind', label: t('case.kind'), options: CASE_KINDS.map((k) => [k, t(`case.kind.${k}`)]) }),
              formField({ name: 'opened_on', label: t('case.opened_on'), type: 'date', required: true, value: today() }),
              formField({ name: 'subject', label: t('case.subject'), required: true, wide: true }),
              formField({ name: 'detail', label: t('case.detail'), rows: 3 }),
              formField({ name: 'owner_id', label: t('case.owner'), options: userOptions }),
            ],
        submitLabel: t('action.save'),
        submit: async (v) => {
          if (c) {
            await api.aftersalesUpdate(c.id, c.hlc, { status: v.status, owner_id: v.owner_id, resolution: v.resolution, resolved_on: v.resolved_on,
              feedback: v.feedback, satisfaction: v.satisfaction ? Number(v.satisfaction) : null });
          } else {
            await api.aftersalesOpen(id, { kind: v.kind, subject: v.subject, detail: v.detail, owner_id: v.owner_id, opened_on: v.opened_on });
          }
        } })) await render();
    };
    const cur = o.currency;
    const s = o.status;
    const failed = o.review.filter((r) => r.outcome !== 'passed');
    const refused = failed.filter((r) => r.outcome === 'failed').length;
    replace(main, h('div', { class: 'page', id: 'order-page', dataset: { status: s } },
      h('header', { class: 'page-head' },
        h('div', null,
          h('h1', null, `${t('order.title')} ${o.number} `, statusBadge(s)),
          h('p', { class: 'muted' }, h('a', { href: `#/partners/${encodeURIComponent(o.partner_id)}` }, o.partner_name), ' · ', o.customer_name)),
        h('div', { class: 'actions' },
          // What the order's life cycle offers this person now (the core's table, not a list here).
          o.actions.includes('pass') && h('button', { type: 'button', class: s === 'entered' ? 'primary' : '', id: 'order-review', onClick: act(() => api.orderReview(id)) }, t(s === 'held' ? 'order.review_again' : 'order.review')),
          o.actions.includes('override') && h('button', { type: 'button', class: 'primary', id: 'order-override', onClick: overrideDialog }, t('order.override')),
          o.actions.includes('confirm') && h('button', { type: 'button', class: 'primary', id: 'order-confirm', onClick: confirmDialog }, t('order.confirm')),
          can('order_write') && s === 'confirmed' && o.lines.some((l) => l.quantity > l.shipped) && h('button', { type: 'button', class: 'primary', id: 'order-ship', onClick: shipDialog }, t('ship.record')),
          can('finance_record') && s === 'confirmed' && h('button', { type: 'button', id: 'order-receive', onClick: receiveDialog }, t('payment.receive')),
          o.actions.includes('cancel') && o.shipments.length === 0 && h('button', { type: 'button', class: 'danger', id: 'order-cancel', onClick: cancelDialog }, t('order.cancel')))),
      h('div', { class: 'columns' },
        h('section', { class: 'card' },
          h('h2', null, t('order.facts')),
          h('dl', { class: 'facts' },
            h('dt', null, t('order.customer_name')), h('dd', null, o.customer_name),
            h('dt', null, t('order.customer_province')), h('dd', null, [provinceName(o.customer_province), o.customer_city].filter(Boolean).join(' · ')),
            h('dt', null, t('order.customer_contact')), h('dd', null, o.customer_contact || '—'),
            h('dt', null, t('order.ordered_on')), h('dd', null, o.ordered_on),
            h('dt', null, t('order.requested_on')), h('dd', null, o.requested_on),
            h('dt', null, t('order.agreement')), h('dd', null, o.agreement_id ? h('a', { href: `#/agreements/${encodeURIComponent(o.agreement_id)}` }, o.agreement_number || '') : '—'),
            h('dt', null, t('order.contract_ref')), h('dd', { id: 'order-contract' }, o.contract_ref || '—'),
            h('dt', null, t('order.col.total')), h('dd', { class: 'num-strong', id: 'order-total' }, money(o.total_minor, cur)),
            h('dt', null, t('order.col.received')), h('dd', null, money(o.received_minor, cur)),
            o.note && h('dt', null, t('field.notes')), o.note && h('dd', null, o.note))),
        h('section', { class: 'card', id: 'order-review-card' },
          h('h2', null, t('order.review_title')),
          o.review.length
            ? [
                h('p', { class: !failed.length || o.override_reason ? 'ok-box' : 'warn-box', id: 'order-review-summary' },
                  !failed.length ? t('order.review_passed')
                    : o.override_reason ? t('order.review_released', { n: refused, who: o.steps.overridden.by || '' })
                      : t('order.review_failed', { n: refused })),
                h('ul', { class: 'rules', id: 'order-rules' }, ...o.review.map((r) => ruleLine(r, cur))),
              ]
            : h('p', { class: 'muted' }, t('order.not_reviewed')),
          o.override_reason && h('div', { class: 'note-box', id: 'order-override-note' },
            h('strong', null, t('order.overridden_by', { who: o.steps.overridden.by || '', when: o.steps.overridden.at ? formatTime(o.steps.overridden.at) : '' })),
            h('p', null, o.override_reason)),
          o.cancel_reason && h('div', { class: 'warn-box' }, t('order.cancelled_because', { reason: o.cancel_reason })))),
      h('section', { class: 'card' },
        h('h2', null, t('order.lines')),
        h('table', { class: 'grid', id: 'order-lines-table' },
          h('thead', null, h('tr', null, ...['no', 'product', 'quantity', 'unit_price', 'amount', 'shipped'].map((k) => h('th', null, t(`order.line.${k}`))))),
          h('tbody', null, ...o.lines.map((l) => h('tr', { dataset: { line: String(l.line_no) } },
            h('td', { class: 'num' }, String(l.line_no)),
            h('td', null, `${l.product_code} · ${l.product_name}`),
            h('td', { class: 'num' }, `${l.quantity} ${l.unit}`),
            h('td', { class: 'num' }, money(l.unit_price_minor, cur)),
            h('td', { class: 'num' }, money(l.amount_minor, cur)),
            h('td', { class: 'num' }, `${l.shipped} / ${l.quantity}`)))))),
      h('section', { class: 'card', id: 'order-shipments' },
        h('h2', null, t('ship.heading'), ' ', h('span', { class: 'muted small' }, t(`order.delivery.${o.delivery}`))),
        o.shipments.length
          ? h('table', { class: 'grid' },
              h('thead', null, h('tr', null, ...['shipped_on', 'lines', 'carrier', 'expected_on', 'delivered_on', 'by'].map((k) => h('th', null, t(`ship.col.${k}`))))),
              h('tbody', null, ...o.shipments.map((x) => h('tr', { dataset: { id: x.id } },
                h('td', { class: 'nowrap' }, x.shipped_on),
                h('td', null, x.lines.map((l) => `${l.line_no}. ${l.product_name} × ${l.quantity}`).join('；')),
                h('td', null, [x.carrier, x.tracking_no].filter(Boolean).join(' ')),
                h('td', { class: 'nowrap' }, x.expected_on),
                h('td', { class: 'nowrap' }, x.delivered_on || (x.actions.includes('deliver')
                  ? h('button', { type: 'button', class: 'small ship-delivered', onClick: () => deliveredDialog(x.id) }, t('ship.delivered'))
                  : t('ship.in_transit'))),
                h('td', null, x.recorded_by || '')))))
          : h('p', { class: 'muted' }, t('ship.none'))),
      h('section', { class: 'card', id: 'order-payments' },
        h('h2', null, t('payment.heading')),
        o.payments.length
          ? h('table', { class: 'grid' },
              h('thead', null, h('tr', null, ...['paid_on', 'amount', 'reference', 'by'].map((k) => h('th', null, t(`payment.col.${k}`))))),
              h('tbody', null, ...o.payments.map((p) => h('tr', null,
                h('td', { class: 'nowrap' }, p.paid_on || ''),
                h('td', { class: 'num' }, money(p.amount_minor, p.currency)),
                h('td', null, p.reference),
                h('td', null, formatTime(p.created_at))))))
          : h('p', { class: 'muted' }, t('payment.none_on_order')),
        h('p', null, t('payment.outstanding', { amount: money(o.outstanding_minor, cur) }))),
      h('section', { class: 'card', id: 'order-cases' },
        h('header', { class: 'card-head' }, h('h2', null, t('cases.title')),
          can('order_write') && s === 'confirmed' && h('button', { type: 'button', id: 'case-new', onClick: () => caseDialog(null) }, t('case.new'))),
        o.cases.length ? casesTable(o.cases, caseDialog) : h('p', { class: 'muted' }, t('case.none'))),
      h('section', { class: 'card' },
        h('h2', null, t('order.steps')),
        h('dl', { class: 'facts', id: 'order-steps' },
          h('dt', null, t('order.step.entered')), h('dd', null, step(o.steps.entered)),
          h('dt', null, t('order.step.reviewed')), h('dd', null, step(o.steps.reviewed)),
          h('dt', null, t('order.step.overridden')), h('dd', null, step(o.steps.overridden)),
          h('dt', null, t('order.step.confirmed')), h('dd', null, step(o.steps.confirmed))))));
  };
  await render();
  return {};
}

/** @param {api.Case[]} cases @param {((c: api.Case) => void) | null} edit */
function casesTable(cases, edit) {
  return h('table', { class: 'grid', id: 'cases-table' },
    h('thead', null, h('tr', null, ...['order', 'kind', 'subject', 'status', 'owner', 'opened_on', 'satisfaction'].map((k) => h('th', null, t(`case.col.${k}`))), h('th', null, ''))),
    h('tbody', null, ...cases.map((c) => h('tr', { dataset: { id: c.id, status: c.status } },
      h('td', { class: 'nowrap' }, h('a', { href: orderHref(c.order_id) }, c.order_number), h('div', { class: 'muted small' }, c.customer_name)),
      h('td', null, t(`case.kind.${c.kind}`)),
      h('td', null, c.subject, c.feedback && h('div', { class: 'muted small' }, `${t('case.feedback')}: ${c.feedback}`)),
      h('td', null, h('span', { class: `badge case-${c.status}` }, t(`case.status.${c.status}`))),
      h('td', null, c.owner_name || '—'),
      h('td', { class: 'nowrap' }, c.opened_on),
      h('td', null, c.satisfaction ? '★'.repeat(c.satisfaction) : ''),
      h('td', null, edit && can('order_write') && h('button', { type: 'button', class: 'small case-edit', onClick: () => edit(c) }, t('action.edit')))))));
}

/** After-sales cases across orders (R4.2.2). @param {HTMLElement} main */
async function casesView(main) {
  let openOnly = sessionStorage.getItem('cases-open') !== 'all';
  let offset = 0;
  const slot = h('div', { id: 'cases-slot' });
  const load = async () => {
    const page = await api.aftersalesCases(openOnly, offset);
    replace(slot, page.rows.length
      ? h('div', null, casesTable(page.rows, null),
          pager({ total: page.total, offset, size: page.size, shown: page.rows.length, id: 'cases-pager', onGo: (o) => { offset = o; load(); } }))
      : h('div', { class: 'empty card' }, h('p', null, t('case.none'))));
  };
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('cases.title')),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/orders' }, t('orders.title')))),
    h('div', { class: 'filters' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'cases-open', checked: openOnly,
        onChange: (/** @type {Event} */ e) => { openOnly = /** @type {HTMLInputElement} */ (e.target).checked; sessionStorage.setItem('cases-open', openOnly ? 'open' : 'all'); offset = 0; load(); } }),
      t('cases.open_only'))),
    slot));
  await load();
  return {};
}
