// @ts-check
/** Home: what is due now (reminders from the core), and the quickest ways to start work. */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can } from '../app.js';
import { today } from '../components/form.js';
import { signText } from './risks.js';

/** Where a reminder's record is shown. @type {Record<string, string>} */
const ROUTES = { application: 'applications', partner: 'partners', agreement: 'agreements', evaluation: 'evaluations', risk: 'risks' };
/** How a group's "since" reads. @type {Record<string, string>} */
const SINCE = {
  application_waiting: 'reminder.submitted',
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
  legal_changed_after_approval: 'reminder.changed_since',
  legal_risk_partner: 'reminder.identified_since',
  risk_review_due: 'reminder.review_on',
  risk_measure_overdue: 'reminder.due_since',
};

/** @param {HTMLElement} main */
export async function homeView(main) {
  const [groups, counts, alerts] = await Promise.all([api.remindersDue(), api.partnersStatusCounts(), api.creditAlerts()]);
  const total = counts.reduce((n, c) => n + c.count, 0);
  /** Opens the list filtered by one status. @param {string} status */
  const byStatus = (status) => sessionStorage.setItem('partners-query', JSON.stringify({ status, q: '', offset: 0 }));
  const due = groups.length
    ? groups.map((g) => h('section', { class: 'card reminder', dataset: { kind: g.kind } },
        h('header', null,
          h('h2', null, t(`reminder.${g.kind}`)),
          h('span', { class: 'badge warn' }, String(g.count)),
          h('span', { class: 'muted small req' }, g.requirement)),
        h('p', { class: 'muted' }, t(`reminder.${g.kind}.hint`)),
        h('ul', { class: 'reminder-items' }, ...g.items.map((it) =>
          h('li', null,
            h('a', { href: `#/${ROUTES[it.entity] || 'partners'}/${encodeURIComponent(it.id)}` }, it.label),
            h('span', { class: 'muted small' }, it.due_on
              ? t('reminder.expires', { on: it.due_on, n: Math.round((Date.parse(it.due_on) - Date.parse(today())) / 86400000) })
              : t(SINCE[g.kind] || 'reminder.since', { time: formatTime(it.since) }))))),
        g.kind === 'partner_without_contact' && g.count > g.items.length && h('a', { href: '#/partners', class: 'small', onClick: () => sessionStorage.setItem('partners-filter-no-contact', '1') },
          t('reminder.show_all', { n: g.count }))))
    : [h('div', { class: 'empty card' }, h('p', null, t('home.nothing_due')))];
  replace(main,
    h('div', { class: 'page' },
      h('header', { class: 'page-head' },
        h('h1', null, t('home.title')),
        h('div', { class: 'actions' },
          can('partner_write') && h('a', { class: 'button primary', href: '#/partners/new', id: 'home-new-partner' }, t('partners.new'), h('kbd', null, 'Ctrl+N')))),
      h('p', { class: 'summary', id: 'home-summary' }, t('home.summary', { n: total }),
        ...counts.map((c) => h('a', { href: '#/partners', class: 'stat', dataset: { status: c.status }, onClick: () => byStatus(c.status) },
          h('span', { class: `badge status-${c.status}` }, t(`status.${c.status}`)), ' ', String(c.count)))),
      alerts.length > 0 && h('section', { class: 'card reminder credit-alerts', id: 'home-credit-alerts' },
        h('header', null, h('h2', null, t('home.credit_alerts')), h('span', { class: 'badge warn' }, String(alerts.length)), h('span', { class: 'muted small req' }, 'R6.2.2')),
        h('p', { class: 'muted' }, t('home.credit_alerts.hint')),
        h('ul', { class: 'reminder-items' }, ...alerts.slice(0, 10).map((a) => h('li', null,
          h('a', { href: `#/partners/${encodeURIComponent(a.partner_id)}` }, a.partner_name),
          h('span', { class: 'muted small' }, a.signs.map(signText).join('；'))))),
        h('a', { href: '#/risks/credit', class: 'small' }, t('home.credit_alerts.all'))),
      h('h2', { class: 'section-title' }, t('home.due')),
      ...due));
  return {};
}
