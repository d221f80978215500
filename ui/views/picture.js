// @ts-check
/**
 * A partner's whole picture at the top of its page (issue 25): the agreement in effect and
 * its terms, credit and money per currency with the last statement, recent orders with what
 * has shipped, and what is open (support requests, after-sales cases, risks, the next
 * quarterly review, an evaluation under way). Figures come from the core (`partner_picture`),
 * which computes them as the order review and the reminders do.
 */
import { h } from '../components/dom.js';
import { t, tOr } from '../i18n.js';
import { money } from '../components/money.js';
import { recordHref as href } from '../components/find.js';

/** @param {string} label @param {import('../components/dom.js').Child | import('../components/dom.js').Child[]} value @param {string} [key] */
const fact = (label, value, key) => [h('dt', null, label), h('dd', key ? { dataset: { picture: key } } : null, value === '' || value === null || value === undefined ? h('span', { class: 'muted' }, '—') : value)];

/** @param {import('../api.js').Picture} p */
export function pictureSection(p) {
  const a = p.in_force;
  const agreement = h('section', { class: 'card', id: 'picture-agreement' },
    h('h2', null, t('picture.in_force')),
    a
      ? h('dl', { class: 'facts' },
          ...fact(t('picture.agreement'), h('a', { href: href('agreements', a.id), class: 'mono' }, a.number)),
          ...fact(t('picture.term'), `${a.effective_on || ''} – ${a.expires_on || ''}`),
          ...fact(t('terms.territory'), a.territory || t('picture.whole_country')),
          ...fact(t('terms.categories'), a.categories.join('、') || t('terms.all_categories')),
          ...fact(t('terms.settle_method'), `${tOr(`terms.method.${a.settle_method}`, a.settle_method)} · ${tOr(`terms.cycle.${a.settle_cycle}`, a.settle_cycle)} · ${t('terms.days', { n: a.payment_days })}`))
      : h('p', { class: 'muted' }, t('picture.no_agreement')));

  const credit = h('section', { class: 'card', id: 'picture-money' },
    h('h2', null, t('picture.money')),
    h('dl', { class: 'facts' },
      ...fact(t('picture.credit_level'), p.credit_level
        ? [h('span', { class: `badge level-${p.credit_level}` }, tOr(`credit.level.${p.credit_level}`, p.credit_level)), h('span', { class: 'muted small' }, ` ${p.rated_on || ''}`)]
        : t('picture.not_rated'), 'credit_level')),
    ...p.money.map((m) => h('dl', { class: 'facts money-facts', dataset: { currency: m.currency } },
      ...fact(t('picture.limit'), m.limit_minor === null ? '' : money(m.limit_minor, m.currency)),
      ...fact(t('picture.exposure'), money(m.exposure_minor, m.currency), 'exposure'),
      ...fact(t('picture.overdue'), h('span', { class: m.overdue_minor > 0 ? 'error-text' : '' }, money(m.overdue_minor, m.currency)), 'overdue'),
      ...fact(t('picture.receivable'), money(m.receivable_minor, m.currency), 'receivable'),
      ...fact(t('picture.last_statement'), m.last_statement
        ? [h('a', { href: href('settlement', m.last_statement.id), class: 'mono' }, m.last_statement.number), ' ',
            h('span', { class: 'muted small' }, `${m.last_statement.period_from} – ${m.last_statement.period_to} · ${money(m.last_statement.closing_minor, m.currency)} · ${tOr(`statement.status.${m.last_statement.status}`, m.last_statement.status)}`)]
        : ''))),
    !p.money.length && h('p', { class: 'muted' }, t('picture.no_money')));

  const orders = h('section', { class: 'card', id: 'picture-orders' },
    h('h2', null, t('picture.orders', { total: p.orders_total, open: p.orders_open })),
    p.orders.length
      ? h('div', { class: 'table-scroll' }, h('table', { class: 'grid compact' },
          h('thead', null, h('tr', null, ...['number', 'status', 'total', 'shipped'].map((k) =>
            h('th', { scope: 'col', class: ['total', 'shipped'].includes(k) ? 'num' : '' }, t(`picture.order.${k}`))))),
          h('tbody', null, ...p.orders.map((o) => h('tr', null,
            h('td', { class: 'mono nowrap' }, h('a', { href: href('orders', o.id) }, o.number), h('div', { class: 'muted small' }, o.ordered_on)),
            h('td', null, h('span', { class: `badge order-${o.status}` }, tOr(`order.status.${o.status}`, o.status))),
            h('td', { class: 'num nowrap' }, money(o.total_minor, o.currency)),
            h('td', { class: 'num nowrap' }, money(o.shipped_minor, o.currency), o.in_transit > 0 && h('div', { class: 'muted small' }, t('picture.in_transit', { n: o.in_transit }))))))))
      : h('p', { class: 'muted' }, t('picture.no_orders')));

  /** @param {string} key @param {import('../api.js').PictureOpen[]} items @param {string} area @param {string} states */
  const openList = (key, items, area, states) => items.length > 0 && h('li', { dataset: { open: key } },
    h('strong', null, t(`picture.open.${key}`, { n: items.length })),
    h('ul', { class: 'plain' }, ...items.slice(0, 5).map((i) => h('li', null,
      h('a', { href: href(area, i.open) }, i.title), ' ',
      h('span', { class: `badge ${key === 'risks' ? `grade-${i.state}` : ''}` }, tOr(`${states}.${i.state}`, i.state)),
      h('span', { class: 'muted small' }, ` ${i.since.slice(0, 10)}`)))));
  const r = p.review;
  const open = h('section', { class: 'card', id: 'picture-open' },
    h('h2', null, t('picture.open')),
    h('ul', { class: 'plain picture-open' },
      openList('requests', p.requests, 'partners', 'support.status'),
      openList('cases', p.cases, 'orders', 'case.status'),
      openList('risks', p.risks, 'risks', 'risk.grade'),
      r && h('li', { dataset: { open: 'review' } }, h('strong', null, t('picture.next_review')), ' ',
        h('span', { class: r.overdue ? 'error-text' : '' }, t(r.overdue ? 'picture.review_overdue' : 'picture.review_due', { date: r.due_by })),
        r.last_on && h('span', { class: 'muted small' }, ` · ${t('picture.review_last', { date: r.last_on.slice(0, 10) })}`)),
      p.evaluation && h('li', { dataset: { open: 'evaluation' } }, h('strong', null, t('picture.evaluation')), ' ',
        h('a', { href: href('evaluations', p.evaluation.id) }, `${p.evaluation.period} · ${tOr(`timeline.what.${p.evaluation.kind}`, p.evaluation.kind)}`))),
    !p.requests.length && !p.cases.length && !p.risks.length && !r && !p.evaluation && h('p', { class: 'muted' }, t('picture.nothing_open')));

  return h('div', { class: 'picture', id: 'partner-picture' }, agreement, credit, orders, open);
}
