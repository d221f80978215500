// @ts-check
/**
 * Translations: `i18n/<lang>.json` (zh-CN is the default; en has the same keys). `t(key,
 * params)` replaces `{name}` placeholders; a missing key shows the key itself so it is noticed.
 */

/** @type {Record<string, string>} */
let table = {};
let current = 'zh-CN';
/** @type {Array<() => void>} */
const listeners = [];

export const LANGUAGES = /** @type {const} */ (['zh-CN', 'en']);

/**
 * Loads a language and notifies listeners.
 * @param {string} lang
 */
export async function setLanguage(lang) {
  const res = await fetch(`i18n/${lang}.json`);
  table = await res.json();
  current = lang;
  document.documentElement.lang = lang;
  for (const fn of listeners) fn();
}

/** @returns {string} */
export function language() {
  return current;
}

/** @param {() => void} fn */
export function onLanguageChange(fn) {
  listeners.push(fn);
}

/**
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(key, params) {
  let s = table[key];
  if (s === undefined) return key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/**
 * Translation if the key exists, otherwise `fallback`.
 * @param {string} key
 * @param {string} fallback
 */
export function tOr(key, fallback) {
  return key in table ? table[key] : fallback;
}

/** Formats an RFC 3339 time for people, in local time, as `YYYY-MM-DD HH:mm` in both languages (a bare date stays as it is). @param {string} iso */
export function formatTime(iso) {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** 1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (clause numbers as printed). @param {number} n @returns {string} */
export function chineseNumber(n) {
  const d = '零一二三四五六七八九';
  if (n < 10) return d[n];
  if (n < 20) return `十${n % 10 ? d[n % 10] : ''}`;
  if (n < 100) return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
  const rest = n % 100;
  const tail = rest === 0 ? '' : rest < 10 ? `零${d[rest]}` : rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest);
  return `${d[Math.floor(n / 100) % 10]}百${tail}`;
}
