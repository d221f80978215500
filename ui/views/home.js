// @ts-check
/** Home: what is due now (reminders from the core), and the quickest ways to start work. */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can } from '../app.js';
import { today } from '../components/form.js';
import { signText } from './risks.js';

/** Where a reminder's record is shown. @type {Record<string, string>} */
const ROUTES = { application: 'applications', partner: 'partners', agreement: 'agreements', evaluation: 'evaluations', risk: 'risks', order: 'orders' };
/** How a group's "since" reads. @type {Record<string, string>} */
const SINCE = {
  application_waiting: 'reminder.submitted',
  lead_new: 'reminder.captured_since',
  agreement_review_legal: 'reminder.in_review_since',
  agreement_review_business: 'reminder.in_review_since',
  execution_report_overdue: 'reminder.overdue_since',
  agreement_handover: 'reminder.ended_since',
  evaluation_due: 'reminder.evaluated_since',
  measure_overdue: 'reminder.due_since',
  review_due: 'reminder.reviewed_since',
  review_overdue: 'reminder.reviewed_since',
  follow_up_overdue: 'reminder.due_since',
  support_late: 'reminder.opened_since',
  reward_waiting: 'reminder.in_review_since',
  order_release_waiting: 'reminder.held_since',
  payment_waiting: 'reminder.proposed_since',
  payment_to_pay: 'reminder.approved_since',
  legal_changed_after_approval: 'reminder.changed_since',
  legal_risk_partner: 'reminder.identified_since',
  risk_review_due: 'reminder.review_on',
  risk_measure_overdue: 'reminder.due_since',
};

/** Where one reminder item opens. @param {api.ReminderItem} it */
function itemHref(it) {
  if (it.entity === 'payment') return '#/settlement/payments';
  return `#/${ROUTES[it.entity] || 'partners'}/${encodeURIComponent(it.id)}`;
}

/** One reminder group as a card; its requirement shows on hovering its title. @param {api.ReminderGroup} g */
function groupCard(g) {
  return h('section', { class: 'card reminder', dataset: { kind: g.kind, mine: String(g.mine) } },
    h('header', null,
      h('h2', { title: g.requirement }, t(`reminder.${g.kind}`)),
      h('span', { class: 'badge warn' }, String(g.count))),
    h('p', { class: 'muted' }, t(`reminder.${g.kind}.hint`)),
    h('ul', { class: 'reminder-items' }, ...g.items.map((it) =>
      h('li', null,
        h('a', { href: itemHref(it) }, it.label),
        h('span', { class: 'muted small' }, it.due_on
          ? t('reminder.expires', { on: it.due_on, n: Math.round((Date.parse(it.due_on) - Date.parse(today())) / 86400000) })
          : t(SINCE[g.kind] || 'reminder.since', { time: formatTime(it.since) }))))),
    g.kind === 'partner_without_contact' && g.count > g.items.length && h('a', { href: '#/partners', class: 'small', onClick: () => sessionStorage.setItem('partners-filter-no-contact', '1') },
      t('reminder.show_all', { n: g.count })));
}

/** @param {HTMLElement} main */
export async function homeView(main) {
  const [groups, counts, alerts] = await Promise.all([api.remindersDue(), api.partnersStatusCounts(), api.creditAlerts()]);
  const total = counts.reduce((n, c) => n + c.count, 0);
  /** Opens the list filtered by one status. @param {string} status */
  const byStatus = (status) => sessionStorage.setItem('partners-query', JSON.stringify({ status, q: '', offset: 0 }));
  // Whose credit warnings are is the core's to say (R6.2.2); everyone else finds them under All.
  const creditMine = alerts.some((a) => a.mine);
  const credit = alerts.length > 0 && h('section', { class: 'card reminder credit-alerts', id: 'home-credit-alerts' },
    h('header', null, h('h2', { title: 'R6.2.2' }, t('home.credit_alerts')), h('span', { class: 'badge warn' }, String(alerts.length))),
    h('p', { class: 'muted' }, t('home.credit_alerts.hint')),
    h('ul', { class: 'reminder-items' }, ...alerts.slice(0, 10).map((a) => h('li', null,
      h('a', { href: `#/partners/${encodeURIComponent(a.partner_id)}` }, a.partner_name),
      h('span', { class: 'muted small' }, a.signs.map(signText).join('；'))))),
    h('a', { href: '#/risks/credit', class: 'small' }, t('home.credit_alerts.all')));
  const mine = groups.filter((g) => g.mine).map(groupCard);
  const rest = groups.filter((g) => !g.mine).map(groupCard);
  if (credit) (creditMine ? mine : rest).unshift(credit);
  const restCount = groups.filter((g) => !g.mine).reduce((n, g) => n + g.count, 0) + (credit && !creditMine ? alerts.length : 0);
  // Open when the person has nothing of their own (an owner who does everything), or as they left it.
  const opened = sessionStorage.getItem('home-all-open');
  const all = rest.length > 0 && h('details', {
    class: 'all-due', id: 'home-all', open: opened === null ? mine.length === 0 : opened === '1',
    onToggle: (/** @type {Event} */ e) => sessionStorage.setItem('home-all-open', /** @type {HTMLDetailsElement} */ (e.currentTarget).open ? '1' : '0'),
  },
  h('summary', null, h('span', { class: 'section-title' }, t('home.all')), ' ', h('span', { class: 'badge' }, String(restCount)),
    h('span', { class: 'muted small' }, t('home.all.hint'))),
  ...rest);
  replace(main,
    h('div', { class: 'page' },
      h('header', { class: 'page-head' },
        h('h1', null, t('home.title')),
        h('div', { class: 'actions' },
          can('partner_write') && h('a', { class: 'button primary', href: '#/partners/new', id: 'home-new-partner' }, t('partners.new'), h('kbd', null, 'Ctrl+N')))),
      h('p', { class: 'summary', id: 'home-summary' }, t('home.summary', { n: total }),
        ...counts.map((c) => h('a', { href: '#/partners', class: 'stat', dataset: { status: c.status }, onClick: () => byStatus(c.status) },
          h('span', { class: `badge status-${c.status}` }, t(`status.${c.status}`)), ' ', String(c.count)))),
      h('h2', { class: 'section-title', id: 'home-mine-title' }, t('home.mine')),
      h('div', { id: 'home-mine' }, ...(mine.length ? mine : [h('div', { class: 'empty card' }, h('p', null, t(rest.length ? 'home.nothing_mine' : 'home.nothing_due')))])),
      all));
  return {};
}
