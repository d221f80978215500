// @ts-check
/**
 * Products and prices (R4.1.1): the catalogue with the prices in force on a day (list and
 * each class), a product's form and its dated price history, and the printed price list a
 * partner takes to customers.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { can, isTyping } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, today } from '../components/form.js';
import { money, parseMoney, CURRENCIES } from '../components/money.js';
import { print } from '../components/print.js';

const TIERS = ['list', 'A', 'B', 'C'];

/** The product form; resolves when saved. @param {api.ProductDetail | null} d @param {string[]} categories */
async function productDialog(d, categories) {
  const p = d?.product;
  const list = h('datalist', { id: 'product-categories' }, ...categories.map((c) => h('option', { value: c })));
  return formDialog({
    id: 'product-form', wide: true, title: p ? t('product.edit_title') : t('product.new_title'),
    body: [
      formField({ name: 'code', label: t('product.code'), required: true, value: p?.code, attrs: { class: 'mono' } }),
      formField({ name: 'name', label: t('product.name'), required: true, value: p?.name }),
      formField({ name: 'category', label: t('product.category'), required: true, value: p?.category, attrs: { list: 'product-categories' } }),
      list,
      formField({ name: 'kind', label: t('product.kind'), value: p?.kind || 'product', options: [['product', t('product.kind.product')], ['service', t('product.kind.service')]] }),
      formField({ name: 'unit', label: t('product.unit'), required: true, value: p?.unit || t('product.default_unit') }),
      formField({ name: 'currency', label: t('order.currency'), value: p?.currency || 'CNY', options: CURRENCIES.map((c) => [c, c]) }),
      formField({ name: 'description', label: t('product.description'), rows: 2, value: p?.description }),
      formField({ name: 'after_sales', label: t('product.after_sales'), rows: 2, value: p?.after_sales }),
      p ? formField({ name: 'active', label: t('product.active'), type: 'checkbox', value: p.active }) : null,
    ],
    submitLabel: t('action.save'),
    submit: async (v) => {
      /** @type {api.ProductInput} */
      const input = { code: v.code, name: v.name, category: v.category, kind: v.kind, unit: v.unit, currency: v.currency,
        description: v.description, after_sales: v.after_sales, active: p ? Boolean(v.active) : true };
      if (p) await api.productUpdate(p.id, p.hlc, input);
      else await api.productCreate(input);
    },
  });
}

/** A product's prices: the history and a new price from a day. @param {string} id @param {() => void} changed */
async function pricesDialog(id, changed) {
  let d = await api.product(id);
  const history = h('div', { id: 'price-history' });
  const show = () => replace(history, d.history.length
    ? h('table', { class: 'grid compact' },
        h('thead', null, h('tr', null, h('th', null, t('price.valid_from')), h('th', null, t('price.tier')), h('th', null, t('price.price')), h('th', null, ''))),
        h('tbody', null, ...d.history.map((r) => h('tr', null,
          h('td', { class: 'nowrap' }, r.valid_from),
          h('td', null, t(`price.tier.${r.tier}`)),
          h('td', { class: 'num' }, money(r.price_minor, d.product.currency)),
          h('td', null, can('catalogue_manage') && h('button', { type: 'button', class: 'small', onClick: async () => {
            try { d = await api.priceRemove(r.id); show(); changed(); } catch (e) { toast(errorText(e), { kind: 'error' }); }
          } }, t('action.remove')))))))
    : h('p', { class: 'muted' }, t('price.none')));
  show();
  await formDialog({
    id: 'price-form', wide: true, title: t('price.title', { name: `${d.product.code} ${d.product.name}` }), intro: t('price.intro'), keepOpen: true,
    body: [
      h('div', { class: 'wide' }, history),
      ...(can('catalogue_manage') ? [
        formField({ name: 'tier', label: t('price.tier'), options: TIERS.map((x) => [x, t(`price.tier.${x}`)]) }),
        formField({ name: 'price_minor', label: t('price.price_in', { currency: d.product.currency }), required: true, attrs: { inputmode: 'decimal' } }),
        formField({ name: 'valid_from', label: t('price.valid_from'), type: 'date', required: true, value: today() }),
      ] : []),
    ],
    submitLabel: t('price.set'),
    submit: async (v, form) => {
      d = await api.priceSet(id, { tier: v.tier, price_minor: parseMoney(v.price_minor), valid_from: v.valid_from });
      show();
      changed();
      const input = /** @type {HTMLInputElement | null} */ (form.querySelector('[name=price_minor]'));
      if (input) input.value = '';
      toast(t('price.saved'));
    },
  });
}

/** @param {HTMLElement} main */
export async function productsView(main) {
  /** @type {api.ProductQuery} */
  const q = { text: '', active_only: false, on: today() };
  const slot = h('div', { id: 'products-slot' });
  const load = async () => {
    try {
      const rows = await api.products(q);
      replace(slot, rows.length
        ? h('table', { class: 'grid', id: 'products-table' },
            h('thead', null, h('tr', null, ...['code', 'name', 'category', 'unit', 'list', 'A', 'B', 'C'].map((k) => h('th', { scope: 'col' }, t(`product.col.${k}`))), h('th', null, ''))),
            h('tbody', null, ...rows.map((p) => h('tr', { dataset: { id: p.id }, class: p.active ? '' : 'inactive' },
              h('td', { class: 'mono' }, p.code),
              h('td', null, p.name, p.active ? null : h('span', { class: 'badge' }, t('product.inactive'))),
              h('td', null, p.category),
              h('td', null, p.unit),
              ...TIERS.map((x) => h('td', { class: 'num nowrap' }, p.prices[x] === undefined ? '—' : money(p.prices[x], p.currency))),
              h('td', { class: 'nowrap' },
                h('button', { type: 'button', class: 'small product-prices', onClick: () => pricesDialog(p.id, load) }, t('product.prices')),
                can('catalogue_manage') && h('button', { type: 'button', class: 'small product-edit', onClick: async () => {
                  if (await productDialog(await api.product(p.id), await api.productCategories())) load();
                } }, t('action.edit')))))))
        : h('div', { class: 'empty card' }, h('p', null, t('products.none'))));
    } catch (e) { replace(slot, h('div', { class: 'error-box' }, errorText(e))); }
  };
  const printList = () => formDialog({
    id: 'price-list-form', title: t('price_list.title'), intro: t('price_list.intro'),
    body: [
      formField({ name: 'tier', label: t('price_list.for'), options: TIERS.map((x) => [x, t(`price_list.for.${x}`)]) }),
      formField({ name: 'on', label: t('price_list.on'), type: 'date', value: q.on || today() }),
    ],
    submitLabel: t('action.print'),
    submit: async (v) => { await print(() => api.priceListPrint({ tier: v.tier, on: v.on })); },
  });
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'products-search', placeholder: t('products.search'),
    onInput: () => { q.text = search.value; load(); } }));
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('products.title')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'price-list-print', onClick: printList }, t('price_list.print')),
        can('catalogue_manage') && h('button', { type: 'button', class: 'primary', id: 'product-new', onClick: async () => {
          if (await productDialog(null, await api.productCategories())) load();
        } }, t('product.new')))),
    h('div', { class: 'filters' }, search,
      h('label', null, t('products.prices_on'), ' ',
        h('input', { type: 'date', id: 'products-on', value: q.on, onChange: (/** @type {Event} */ e) => { q.on = /** @type {HTMLInputElement} */ (e.target).value; load(); } }))),
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
