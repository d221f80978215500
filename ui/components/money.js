// @ts-check
/**
 * Money in the window: amounts arrive as integer minor units (分) with a currency and are
 * shown with their symbol; typed amounts are read back into minor units without floating
 * point (`1,234.5` → 123450). The core checks every amount again.
 */

const SYMBOLS = /** @type {Record<string, string>} */ ({ CNY: '¥', USD: 'US$', EUR: '€' });
export const CURRENCIES = ['CNY', 'USD', 'EUR'];

/** `123456, 'CNY'` → `¥1,234.56`. @param {number | null | undefined} minor @param {string} [currency] */
export function money(minor, currency = 'CNY') {
  if (minor === null || minor === undefined) return '';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${SYMBOLS[currency] ?? `${currency} `}${units}.${String(abs % 100).padStart(2, '0')}`;
}

/** A typed amount in minor units: null when empty, -1 when not an amount (the core names the field). @param {string} text */
export function parseMoney(text) {
  const s = String(text ?? '').replace(/[,\s¥$€，]/g, '').replace(/^US/, '');
  if (!s) return null;
  const m = s.match(/^(\d{1,13})(?:\.(\d{1,2}))?$/);
  if (!m) return -1;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** Minor units as typed text (`123450` → `1234.50`). @param {number | null | undefined} minor */
export function moneyInput(minor) {
  return minor === null || minor === undefined ? '' : `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** Basis points as a percentage (`333` → `3.33`). @param {number} bp */
export const percent = (bp) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;

/** A typed percentage in basis points (`3.33` → 333; -1 when not one). @param {string} text */
export function parsePercent(text) {
  const m = String(text ?? '').trim().replace(/%$/, '').match(/^(\d{1,3})(?:\.(\d{1,2}))?$/);
  return m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : -1;
}
