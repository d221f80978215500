// @ts-check
/**
 * Relationship maintenance (R2.3.1–R2.3.3) on a partner's page: communication and quarterly
 * reviews (with follow-ups and printable minutes), training, support requests, rewards and
 * the partner's timeline, as tabs of one card; and the annual awards page with suggested
 * candidates, the decision and the honour certificate.
 */
import { h, replace } from '../components/dom.js';
import { t, tOr, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can, navigate } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText } from '../components/errors.js';
import { formDialog, formField, partnerPicker, today } from '../components/form.js';
import { print } from '../components/print.js';
import { points } from './evaluations.js';
import { recordHref } from '../components/find.js';

const LOG_KINDS = ['meeting', 'visit', 'call', 'email', 'message'];
const TRAINING_KINDS = ['product', 'sales', 'marketing', 'service'];
const OUTCOMES = ['attended', 'completed', 'certified'];
const SUPPORT_KINDS = ['technical', 'marketing', 'presales', 'aftersales'];
const REWARD_KINDS = ['cash', 'goods', 'certificate', 'commission', 'marketing_support', 'priority_supply'];
const TIMELINE_KINDS = ['record', 'pipeline', 'contact', 'training', 'support', 'reward', 'award', 'evaluation', 'agreement', 'order', 'payment', 'risk'];

/** `5000000` fen → `50,000.00`. @param {number | null} minor */
const money = (minor) => (minor === null ? '' : (minor / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }));

/**
 * The relationship card of a partner's page.
 * @param {api.Partner} p @param {api.UserSummary[]} users
 */
export function relationshipSection(p, users) {
  const body = h('div', { id: 'relationship-body' });
  const tabs = ['contact', 'training', 'support', 'reward', 'timeline'];
  let current = sessionStorage.getItem('relationship-tab') || 'contact';
  const tabBar = h('div', { class: 'tabs', role: 'tablist' });
  const userOptions = /** @type {Array<[string, string]>} */ (users.map((u) => [u.id, u.display_name]));
  const reload = () => show(current);
  const guard = async (/** @type {() => Promise<unknown>} */ fn) => { try { await fn(); reload(); } catch (e) { toast(errorText(e), { kind: 'error' }); } };

  const logDialog = async (/** @type {boolean} */ quarterly) => {
    const ok = await formDialog({
      id: 'log-form', wide: true, title: t(quarterly ? 'log.review_title' : 'log.title', { name: p.name }), intro: quarterly ? t('log.review_intro') : undefined,
      body: [
        formField({ name: 'kind', label: t('log.kind'), value: quarterly ? 'meeting' : 'call', options: LOG_KINDS.map((k) => [k, t(`log.kind.${k}`)]) }),
        formField({ name: 'held_on', label: t('log.held_on'), type: 'date', required: true, value: today() }),
        formField({ name: 'our_people', label: t('log.our_people'), required: quarterly }),
        formField({ name: 'their_people', label: t('log.their_people'), required: quarterly }),
        formField({ name: 'summary', label: t('log.summary'), rows: 2, required: true }),
        quarterly && formField({ name: 'progress', label: t('log.progress'), rows: 2, required: true }),
        quarterly && formField({ name: 'market', label: t('log.market'), rows: 2, required: true }),
        formField({ name: 'problems', label: t('log.problems'), rows: 2 }),
        formField({ name: 'solutions', label: t('log.solutions'), rows: 2 }),
        formField({ name: 'follow_ups.0.action', label: t('log.follow_up'), wide: true }),
        formField({ name: 'follow_ups.0.owner_id', label: t('log.follow_up_owner'), value: p.channel_contact_id || users[0]?.id || '', options: userOptions }),
        formField({ name: 'follow_ups.0.due_on', label: t('log.follow_up_due'), type: 'date' }),
      ],
      submitLabel: t('action.save'),
      submit: async (v) => {
        const follow = String(v['follow_ups.0.action'] || '').trim();
        await api.relationshipLog(p.id, {
          kind: v.kind, quarterly_review: quarterly, held_on: v.held_on, our_people: v.our_people, their_people: v.their_people,
          summary: v.summary, progress: v.progress || '', market: v.market || '', problems: v.problems, solutions: v.solutions,
          follow_ups: follow ? [{ action: follow, owner_id: v['follow_ups.0.owner_id'], due_on: v['follow_ups.0.due_on'] }] : [],
        });
      },
    });
    if (ok) { toast(t('log.saved')); reload(); }
  };

  const contactTab = async () => {
    const logs = await api.relationshipLogs(p.id);
    return [
      can('partner_write') && h('div', { class: 'actions-row' },
        h('button', { type: 'button', class: 'primary', id: 'log-review', onClick: () => logDialog(true) }, t('log.add_review')),
        h('button', { type: 'button', id: 'log-add', onClick: () => logDialog(false) }, t('log.add'))),
      logs.length
        ? h('ol', { class: 'history compact', id: 'log-list' }, ...logs.map((l) => h('li', { dataset: { review: String(l.quarterly_review) } },
            h('div', null, h('strong', null, l.quarterly_review ? t('log.review') : t(`log.kind.${l.kind}`)), ' · ', l.held_on, ' · ', l.recorded_by || '',
              l.quarterly_review && h('button', { type: 'button', class: 'small link', onClick: () => print(() => api.minutesPrint(l.id)) }, t('log.print_minutes'))),
            h('p', { class: 'notes' }, l.summary),
            l.quarterly_review && h('p', { class: 'muted small' }, `${t('log.progress')}：${l.progress} · ${t('log.market')}：${l.market}`),
            l.problems && h('p', { class: 'muted small' }, `${t('log.problems')}：${l.problems} → ${l.solutions}`),
            ...l.follow_ups.map((f) => h('label', { class: 'check small', dataset: { followUp: f.id } },
              h('input', { type: 'checkbox', checked: Boolean(f.done_on), disabled: !f.actions.includes(f.done_on ? 'reopen' : 'done'),
                onChange: (/** @type {Event} */ e) => guard(() => api.followUpDone(f.id, /** @type {HTMLInputElement} */ (e.target).checked ? today() : '')) }),
              `${f.action} · ${f.owner_name || ''} · ${t('log.follow_up_due')} ${f.due_on}${f.done_on ? ` ✓ ${f.done_on}` : ''}`)))))
        : h('p', { class: 'muted' }, t('log.none')),
    ];
  };

  const trainingTab = async () => {
    const list = await api.trainings(p.id);
    const add = async () => {
      const ok = await formDialog({
        id: 'training-form', wide: true, title: t('training.title', { name: p.name }),
        body: [
          formField({ name: 'kind', label: t('training.kind'), value: 'product', options: TRAINING_KINDS.map((k) => [k, t(`training.kind.${k}`)]) }),
          formField({ name: 'held_on', label: t('training.held_on'), type: 'date', required: true, value: today() }),
          formField({ name: 'trainer', label: t('training.trainer'), required: true }),
          formField({ name: 'outcome', label: t('training.outcome'), value: 'completed', options: OUTCOMES.map((k) => [k, t(`training.outcome.${k}`)]) }),
          formField({ name: 'materials', label: t('training.materials'), rows: 2 }),
          formField({ name: 'attendees', label: t('training.attendees'), rows: 3, required: true }),
        ],
        submitLabel: t('action.save'),
        submit: async (v) => { await api.trainingRecord(p.id, /** @type {api.TrainingInput} */ (/** @type {unknown} */ (v))); },
      });
      if (ok) { toast(t('training.saved')); reload(); }
    };
    return [
      can('partner_write') && h('div', { class: 'actions-row' }, h('button', { type: 'button', id: 'training-add', onClick: add }, t('training.add'))),
      list.length
        ? h('table', { class: 'grid compact', id: 'training-list' },
            h('thead', null, h('tr', null, ...['held_on', 'kind', 'trainer', 'attendees', 'outcome'].map((k) => h('th', { scope: 'col' }, t(`training.${k}`))))),
            h('tbody', null, ...list.map((x) => h('tr', null, h('td', null, x.held_on), h('td', null, t(`training.kind.${x.kind}`)), h('td', null, x.trainer),
              h('td', { class: 'small' }, x.attendees.split('\n').join('、')), h('td', null, t(`training.outcome.${x.outcome}`))))))
        : h('p', { class: 'muted' }, t('training.none')),
    ];
  };

  const supportTab = async () => {
    const list = await api.supportRequests(p.id);
    const add = async () => {
      const ok = await formDialog({
        id: 'support-form', title: t('support.title', { name: p.name }),
        body: [
          formField({ name: 'kind', label: t('support.kind'), value: 'technical', options: SUPPORT_KINDS.map((k) => [k, t(`support.kind.${k}`)]) }),
          formField({ name: 'owner_id', label: t('support.owner'), value: '', options: [['', '—'], ...userOptions] }),
          formField({ name: 'subject', label: t('support.subject'), required: true, wide: true }),
          formField({ name: 'detail', label: t('support.detail'), rows: 3 }),
        ],
        submitLabel: t('action.save'),
        submit: async (v) => { await api.supportOpen(p.id, /** @type {api.SupportInput} */ (/** @type {unknown} */ (v))); },
      });
      if (ok) reload();
    };
    const move = async (/** @type {api.SupportRequest} */ r, /** @type {string} */ to) => {
      if (to !== 'resolved') { guard(() => api.supportMove(r.id, to, '')); return; }
      const ok = await formDialog({
        id: 'resolve-form', title: t('support.resolve_title', { subject: r.subject }),
        body: [formField({ name: 'resolution', label: t('support.resolution'), rows: 3, required: true })],
        submitLabel: t('support.status.resolved'),
        submit: async (v) => { await api.supportMove(r.id, 'resolved', v.resolution); },
      });
      if (ok) reload();
    };
    return [
      can('partner_write') && h('div', { class: 'actions-row' }, h('button', { type: 'button', id: 'support-add', onClick: add }, t('support.add'))),
      list.length
        ? h('table', { class: 'grid compact', id: 'support-list' },
            h('thead', null, h('tr', null, ...['opened', 'kind', 'subject', 'owner', 'status', 'response', ''].map((k) => h('th', { scope: 'col' }, k && t(`support.col.${k}`))))),
            h('tbody', null, ...list.map((r) => h('tr', { dataset: { status: r.status, late: String(r.late) } },
              h('td', { class: 'when' }, formatTime(r.opened_at)), h('td', null, t(`support.kind.${r.kind}`)),
              h('td', null, r.subject, r.resolution && h('div', { class: 'muted small' }, r.resolution)),
              h('td', null, r.owner_name || '—'),
              h('td', null, h('span', { class: `badge support-${r.status}` }, t(`support.status.${r.status}`)), r.late && h('span', { class: 'badge warn' }, t('support.late'))),
              h('td', null, r.response_minutes === null ? '—' : t('support.minutes', { n: r.response_minutes })),
              h('td', null, r.next.map((to) => h('button', { type: 'button', class: 'small', onClick: () => move(r, to) }, t(`support.to.${to}`))))))))
        : h('p', { class: 'muted' }, t('support.none')),
    ];
  };

  const rewardTab = async () => {
    const list = await api.rewards(p.id);
    const add = async () => {
      const ok = await formDialog({
        id: 'reward-form', wide: true, title: t('reward.title', { name: p.name }), intro: t('reward.intro'),
        body: [
          formField({ name: 'kind', label: t('reward.kind'), value: 'certificate', options: REWARD_KINDS.map((k) => [k, t(`reward.kind.${k}`)]) }),
          formField({ name: 'amount', label: t('reward.amount'), type: 'number', attrs: { min: '0', step: '0.01', dataset: { field: 'amount_minor' } } }),
          formField({ name: 'currency', label: t('reward.currency'), value: 'CNY', options: [['CNY', 'CNY'], ['USD', 'USD'], ['EUR', 'EUR']] }),
          formField({ name: 'description', label: t('reward.description') }),
          formField({ name: 'reason', label: t('reward.reason'), rows: 2, required: true }),
        ],
        submitLabel: t('reward.propose'),
        submit: async (v) => {
          const isMoney = v.kind === 'cash' || v.kind === 'commission';
          const amount = String(v.amount || '').trim();
          await api.rewardPropose(p.id, {
            kind: v.kind, amount_minor: isMoney && amount ? Math.round(Number(amount) * 100) : null,
            currency: isMoney ? v.currency : '', description: v.description, reason: v.reason,
          });
        },
      });
      if (ok) { toast(t('reward.proposed')); reload(); }
    };
    const decide = async (/** @type {api.Reward} */ r, /** @type {boolean} */ approve) => {
      if (approve) { guard(() => api.rewardDecide(r.id, true, '')); return; }
      const ok = await formDialog({
        id: 'reject-form', title: t('reward.reject_title'),
        body: [formField({ name: 'note', label: t('reward.note'), rows: 2, required: true, attrs: { dataset: { field: 'decision_note' } } })],
        submitLabel: t('reward.reject'),
        submit: async (v) => { await api.rewardDecide(r.id, false, v.note); },
      });
      if (ok) reload();
    };
    return [
      can('partner_write') && h('div', { class: 'actions-row' }, h('button', { type: 'button', id: 'reward-add', onClick: add }, t('reward.add'))),
      list.length
        ? h('table', { class: 'grid compact', id: 'reward-list' },
            h('thead', null, h('tr', null, ...['created', 'kind', 'value', 'reason', 'status', ''].map((k) => h('th', { scope: 'col' }, k && t(`reward.col.${k}`))))),
            h('tbody', null, ...list.map((r) => h('tr', { dataset: { status: r.status } },
              h('td', { class: 'when' }, formatTime(r.created_at)), h('td', null, t(`reward.kind.${r.kind}`)),
              h('td', null, r.amount_minor !== null ? `${money(r.amount_minor)} ${r.currency || ''}` : r.description),
              h('td', null, r.reason, h('div', { class: 'muted small' }, [r.proposed_by, r.decided_by_name && `${t('reward.decided_by')} ${r.decided_by_name}`, r.decision_note].filter(Boolean).join(' · '))),
              h('td', null, h('span', { class: `badge reward-${r.status}` }, t(`reward.status.${r.status}`))),
              h('td', null, r.actions.includes('approve') && [
                h('button', { type: 'button', class: 'small primary', onClick: () => decide(r, true) }, t('reward.approve')),
                h('button', { type: 'button', class: 'small', onClick: () => decide(r, false) }, t('reward.reject'))])))))
        : h('p', { class: 'muted' }, t('reward.none')),
    ];
  };

  const timelineTab = async () => {
    const kinds = JSON.parse(sessionStorage.getItem('timeline-kinds') || '[]');
    const items = await api.partnerTimeline(p.id, kinds);
    const toggle = (/** @type {string} */ k) => {
      const next = kinds.includes(k) ? kinds.filter((/** @type {string} */ x) => x !== k) : [...kinds, k];
      sessionStorage.setItem('timeline-kinds', JSON.stringify(next));
      reload();
    };
    const href = (/** @type {string | null} */ link) => {
      if (!link) return null;
      const [kind, id] = link.split(':');
      const area = /** @type {Record<string, string>} */ ({ agreement: 'agreements', evaluation: 'evaluations', order: 'orders', risk: 'risks' })[kind];
      return area ? recordHref(area, id) : null;
    };
    return [
      h('div', { class: 'filters', id: 'timeline-kinds' }, ...TIMELINE_KINDS.map((k) => h('label', { class: 'check small' },
        h('input', { type: 'checkbox', checked: kinds.includes(k), onChange: () => toggle(k) }), t(`timeline.kind.${k}`)))),
      items.length
        ? h('ol', { class: 'history compact', id: 'timeline' }, ...items.map((i) => h('li', { dataset: { kind: i.kind } },
            h('div', null, h('span', { class: 'badge' }, t(`timeline.kind.${i.kind}`)), ' ', h('strong', null, tOr(`timeline.what.${i.what}`, i.what)), ' ',
              href(i.link) ? h('a', { href: href(i.link) }, i.text) : i.text,
              i.state && h('span', { class: 'badge' }, stateText(i.kind, i.state)),
              h('span', { class: 'muted small' }, ` · ${i.by_name || ''} · ${formatTime(i.at)}`)))))
        : h('p', { class: 'muted' }, t('timeline.none')),
    ];
  };

  const renderers = /** @type {Record<string, () => Promise<any[]>>} */ ({ contact: contactTab, training: trainingTab, support: supportTab, reward: rewardTab, timeline: timelineTab });
  const show = async (/** @type {string} */ tab) => {
    current = tab;
    sessionStorage.setItem('relationship-tab', tab);
    replace(tabBar, ...tabs.map((k) => h('button', { type: 'button', role: 'tab', class: `tab${k === tab ? ' active' : ''}`, 'aria-selected': String(k === tab), dataset: { tab: k }, onClick: () => show(k) }, t(`relationship.tab.${k}`))));
    try { replace(body, ...(await renderers[tab]())); } catch (e) { replace(body, h('div', { class: 'error-box' }, errorText(e))); }
  };
  show(current);
  return h('section', { class: 'card', id: 'partner-relationship' }, h('h2', null, t('relationship.heading')), tabBar, body);
}

/** Annual awards (R2.3.3): nominations with suggested candidates, the decision, the certificate. @param {HTMLElement} main @param {string | undefined} yearParam */
export async function awardsView(main, yearParam) {
  const year = Number(yearParam) || new Date().getFullYear();
  const y = await api.awards(year);
  const nominate = async (/** @type {string} */ category, /** @type {api.Candidate | null} */ cand) => {
    const picker = partnerPicker({ label: t('award.partner'), value: cand ? { id: cand.partner_id, name: cand.partner_name } : null });
    const ok = await formDialog({
      id: 'nominate-form', title: t('award.nominate_title', { award: awardName(category), year }),
      body: [
        picker.field,
        formField({ name: 'reason', label: t('award.reason'), rows: 3, required: true, value: cand ? t('award.suggested_reason', { score: points(cand.score_x100), c: cand.class || '—' }) : '' }),
      ],
      submitLabel: t('award.nominate'),
      submit: async (v) => { await api.awardNominate({ year, category, partner_id: picker.id(), reason: v.reason }); },
    });
    if (ok) navigate(`#/awards/${year}`);
  };
  const certificate = async (/** @type {api.Nomination} */ n) => {
    await formDialog({
      id: 'certificate-form', title: t('award.certificate_title'),
      body: [formField({ name: 'company', label: t('award.company'), required: true, wide: true, value: localStorage.getItem('certificate-company') || '' })],
      submitLabel: t('award.print_certificate'),
      submit: async (v) => {
        localStorage.setItem('certificate-company', v.company);
        await print(() => api.awardCertificate(n.id, v.company));
      },
    });
  };
  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('award.heading', { year })),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/awards/${year - 1}`, id: 'award-prev' }, `← ${year - 1}`),
        year < new Date().getFullYear() && h('a', { class: 'button', href: `#/awards/${year + 1}` }, `${year + 1} →`))),
    h('p', { class: 'muted' }, t('award.intro')),
    ...y.categories.map((cat) => {
      const noms = y.nominations.filter((n) => n.category === cat);
      const decided = noms.some((n) => n.status === 'awarded');
      const cands = y.candidates[cat] || [];
      return h('section', { class: 'card', dataset: { award: cat } },
        h('header', { class: 'card-head' }, h('h2', null, awardName(cat)),
          h('div', { class: 'actions' }, !decided && can('partner_write') && h('button', { type: 'button', class: 'small', onClick: () => nominate(cat, null) }, t('award.nominate')))),
        noms.length
          ? h('ul', { class: 'plain award-list' }, ...noms.map((n) => h('li', { dataset: { status: n.status } },
              h('a', { href: `#/partners/${encodeURIComponent(n.partner_id)}` }, n.partner_name), ' ',
              h('span', { class: `badge award-${n.status}` }, t(`award.status.${n.status}`)), ' ', h('span', { class: 'muted small' }, n.reason), ' ',
              n.actions.includes('confer') && !decided && h('button', { type: 'button', class: 'small primary', onClick: async () => {
                try { await api.awardConfer(n.id); toast(t('award.conferred')); navigate(`#/awards/${year}`); } catch (e) { toast(errorText(e), { kind: 'error' }); }
              } }, t('award.confer')),
              n.status === 'awarded' && h('button', { type: 'button', class: 'small', onClick: () => certificate(n) }, t('award.print_certificate')))))
          : h('p', { class: 'muted' }, t('award.no_nominations')),
        !decided && cands.length > 0 && h('div', { class: 'muted small' }, t('award.candidates'), ' ',
          ...cands.map((c) => h('button', { type: 'button', class: 'small link', onClick: () => nominate(cat, c) }, `${c.partner_name} ${points(c.score_x100)}`))));
    })));
  return {};
}

/** A timeline item's state in words. @param {string} kind @param {string} state */
function stateText(kind, state) {
  const table = /** @type {Record<string, string>} */ ({ reward: 'reward.status', training: 'training.outcome', support: 'support.status', award: 'award.status', evaluation: 'evaluation.status', pipeline: 'stage',
    order: 'order.status', payment: 'payment.status', risk: 'risk.status' });
  return table[kind] ? tOr(`${table[kind]}.${state}`, state) : state;
}

/** The printed name of an award (the policy's three translated, others as configured). @param {string} cat */
function awardName(cat) {
  return ['best_partner', 'outstanding_marketing', 'service_excellence'].includes(cat) ? t(`award.name.${cat}`) : cat;
}
