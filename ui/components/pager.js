// @ts-check
/**
 * Page numbers under a long list: previous, the first and last page, the pages around the
 * current one, next, and which rows of how many are shown. Every row of a list is reachable
 * through it, however long the list (issue 23: lists stopped at 200).
 */
import { h } from './dom.js';
import { t } from '../i18n.js';

/**
 * @param {{ total: number, offset: number, size: number, shown: number, onGo: (offset: number) => void, id?: string }} p
 * @returns {HTMLElement}
 */
export function pager({ total, offset, size, shown, onGo, id }) {
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.floor(offset / size) + 1;
  const range = h('span', { class: 'muted small pager-range' },
    t('pager.range_of', { from: total ? offset + 1 : 0, to: offset + shown, n: total }));
  if (pages === 1) return h('nav', { class: 'pager', id, 'aria-label': t('pager.label') }, range);
  /** @type {Array<number | null>} */
  const numbers = [];
  for (let n = 1; n <= pages; n += 1) {
    if (n === 1 || n === pages || Math.abs(n - current) <= 2) numbers.push(n);
    else if (numbers[numbers.length - 1] !== null) numbers.push(null);
  }
  const go = (/** @type {number} */ n) => { onGo((n - 1) * size); document.getElementById('view')?.scrollTo(0, 0); };
  return h('nav', { class: 'pager', id, 'aria-label': t('pager.label') },
    h('button', { type: 'button', class: 'small', disabled: current === 1, onClick: () => go(current - 1) }, t('pager.prev')),
    ...numbers.map((n) => n === null
      ? h('span', { class: 'muted', 'aria-hidden': 'true' }, '…')
      : h('button', { type: 'button', class: n === current ? 'small primary' : 'small', 'aria-current': n === current ? 'page' : null,
          dataset: { page: String(n) }, onClick: () => go(n) }, String(n))),
    h('button', { type: 'button', class: 'small', disabled: current === pages, onClick: () => go(current + 1) }, t('pager.next')),
    range);
}
