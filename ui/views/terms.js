// @ts-check
/**
 * The trade terms of an agreement (R4.1.2, R4.3.1) on its page: territory, product lines,
 * price basis, settlement method and cycle, payment days, currency, credit limit, commission
 * and rebate — what orders are reviewed and statements made by — and their form.
 */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { can } from '../app.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField } from '../components/form.js';
import { money, moneyInput, parseMoney, percent, parsePercent, CURRENCIES } from '../components/money.js';
import { provinceName } from './orders.js';
import { territoryPicker } from '../components/places.js';

const BASES = ['class', 'A', 'B', 'C', 'discount'];
const METHODS = ['purchase', 'commission'];
const CYCLES = ['monthly', 'quarterly', 'half_yearly', 'yearly'];

/** The territory in words: provinces in the page's language, places below them as the standard writes them. @param {api.TradeTerms} x */
function territoryText(x) {
  if (!x.territory.length) return t('order.territory_all');
  return x.territory.every((c) => c.length === 2) ? x.territory.map(provinceName).join('、') : x.territory_text;
}

/** The terms card, filled in `slot`. @param {HTMLElement} slot @param {string} agreementId */
export async function termsCard(slot, agreementId) {
  let tt;
  try { tt = await api.tradeTerms(agreementId); } catch (e) { replace(slot, h('div', { class: 'error-box' }, errorText(e))); return; }
  const x = tt;
  const stated = (/** @type {string} */ f) => x.from_agreement.includes(f);
  const edit = async () => {
    const categories = await api.productCategories();
    // What the signed text states is shown, not typed again (issue 23).
    const statedField = (/** @type {string} */ f, /** @type {string} */ label, /** @type {string} */ value) => h('div', { class: `field${f === 'territory' ? ' wide' : ''}`, id: `terms-${f}-stated` },
      h('span', { class: 'label' }, label), h('p', { class: 'stated' }, value, ' ', h('span', { class: 'muted small' }, t('terms.from_agreement'))),
      h('div', { class: 'field-error', dataset: { for: f } }));
    const territory = territoryPicker({ id: 'terms-territory', label: t('terms.territory'), hint: t('terms.territory_hint'), field: 'territory', codes: x.territory.length ? x.territory : null, emptyIsWhole: true });
    const ok = await formDialog({
      id: 'terms-form', wide: true, title: t('terms.edit_title', { number: x.number }), intro: t('terms.intro'),
      body: [
        stated('territory') ? statedField('territory', t('terms.territory'), territoryText(x)) : territory.field,
        h('fieldset', { class: 'roles wide', id: 'terms-categories' },
          h('legend', null, t('terms.categories'), ' ', h('span', { class: 'muted small' }, t('terms.categories_hint'))),
          ...[...new Set([...categories, ...x.categories])].map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `cat.${c}`, checked: x.categories.includes(c) }), c))),
        formField({ name: 'price_basis', label: t('terms.price_basis'), value: x.price_basis, options: BASES.map((b) => [b, t(`terms.basis.${b}`)]) }),
        formField({ name: 'discount_bp', label: t('terms.discount'), value: x.discount_bp ? percent(x.discount_bp) : '', attrs: { inputmode: 'decimal', placeholder: '25.00' } }),
        formField({ name: 'settle_method', label: t('terms.settle_method'), value: x.settle_method, options: METHODS.map((m) => [m, t(`terms.method.${m}`)]) }),
        stated('settle_cycle')
          ? statedField('settle_cycle', t('terms.settle_cycle'), t(`terms.cycle.${x.settle_cycle}`))
          : formField({ name: 'settle_cycle', label: t('terms.settle_cycle'), value: x.settle_cycle, options: CYCLES.map((c) => [c, t(`terms.cycle.${c}`)]) }),
        stated('payment_days')
          ? statedField('payment_days', t('terms.payment_days'), t('terms.days', { n: x.payment_days }))
          : formField({ name: 'payment_days', label: t('terms.payment_days'), value: String(x.payment_days), attrs: { inputmode: 'numeric' } }),
        formField({ name: 'currency', label: t('order.currency'), value: x.currency, options: CURRENCIES.map((c) => [c, c]) }),
        formField({ name: 'credit_limit_minor', label: t('terms.credit_limit'), value: moneyInput(x.credit_limit_minor), attrs: { inputmode: 'decimal' } }),
        formField({ name: 'commission_bp', label: t('terms.commission'), value: percent(x.commission_bp), attrs: { inputmode: 'decimal' } }),
        formField({ name: 'rebate_bp', label: t('terms.rebate'), value: percent(x.rebate_bp), attrs: { inputmode: 'decimal' } }),
      ],
      submitLabel: t('action.save'),
      submit: async (v) => {
        const days = stated('payment_days') ? String(x.payment_days) : String(v.payment_days).trim();
        await api.tradeTermsSet(agreementId, x.hlc, {
          territory: stated('territory') ? x.territory : territory.codes() || [],
          categories: Object.keys(v).filter((k) => k.startsWith('cat.') && v[k]).map((k) => k.slice(4)),
          price_basis: v.price_basis,
          discount_bp: v.price_basis === 'discount' ? parsePercent(v.discount_bp) : 0,
          settle_method: v.settle_method, settle_cycle: stated('settle_cycle') ? x.settle_cycle : v.settle_cycle,
          payment_days: /^\d+$/.test(days) ? Number(days) : -1,
          currency: v.currency,
          credit_limit_minor: parseMoney(v.credit_limit_minor),
          commission_bp: parsePercent(v.commission_bp || '0'), rebate_bp: parsePercent(v.rebate_bp || '0'),
        });
      },
    });
    if (ok) termsCard(slot, agreementId);
  };
  const basis = x.price_basis === 'discount' ? t('terms.basis.discount_n', { n: percent(x.discount_bp) }) : t(`terms.basis.${x.price_basis}`);
  replace(slot, h('section', { class: 'card', id: 'agreement-terms-card', dataset: { recorded: String(Boolean(x.terms_on)) } },
    h('header', { class: 'card-head' }, h('h2', null, t('terms.heading')),
      can('order_write') && h('button', { type: 'button', id: 'terms-edit', onClick: edit }, t('terms.edit'))),
    !x.terms_on && h('p', { class: 'warn-box' }, t('terms.not_recorded')),
    h('dl', { class: 'facts' },
      h('dt', null, t('terms.territory')), h('dd', { id: 'terms-territory-value' }, territoryText(x), stated('territory') && h('span', { class: 'muted small' }, ' ', t('terms.from_agreement'))),
      h('dt', null, t('terms.categories')), h('dd', null, x.categories.length ? x.categories.join('、') : t('terms.all_categories')),
      h('dt', null, t('terms.price_basis')), h('dd', null, basis),
      h('dt', null, t('terms.settle_method')), h('dd', null, t(`terms.method.${x.settle_method}`)),
      h('dt', null, t('terms.settle_cycle')), h('dd', null, t(`terms.cycle.${x.settle_cycle}`), stated('settle_cycle') && h('span', { class: 'muted small' }, ' ', t('terms.from_agreement'))),
      h('dt', null, t('terms.payment_days')), h('dd', null, t('terms.days', { n: x.payment_days }), stated('payment_days') && h('span', { class: 'muted small' }, ' ', t('terms.from_agreement'))),
      h('dt', null, t('terms.credit_limit')), h('dd', { id: 'terms-limit' }, x.credit_limit_minor === null ? t('order.no_limit') : money(x.credit_limit_minor, x.currency)),
      h('dt', null, t('terms.commission')), h('dd', null, `${percent(x.commission_bp)}%`),
      h('dt', null, t('terms.rebate')), h('dd', null, `${percent(x.rebate_bp)}%`))));
}
