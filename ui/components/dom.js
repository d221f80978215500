// @ts-check
/**
 * The one element builder. Data always goes in as text (textContent / attributes), never as
 * markup, so a partner named `<img onerror=…>` shows as those characters.
 */

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Builds an element. Attributes: `class`, `for`, `on<Event>` handlers, `dataset` object,
 * boolean properties (`disabled`, `checked`, `selected`, `hidden`), anything else as an
 * attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value') {
      /** @type {any} */ (el).value = v;
    } else if (['disabled', 'checked', 'selected', 'hidden', 'required', 'autofocus', 'multiple'].includes(k)) {
      /** @type {any} */ (el)[k] = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/**
 * Appends children (nested arrays flattened; strings as text nodes).
 * @param {Node} el
 * @param {(Child | Child[])[]} children
 */
export function append(el, children) {
  for (const c of children.flat(3)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Replaces all children of `el`.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Folds text the way the core does for search (NFKC, lower case), keeping for each folded
 * character the index of the original character it came from.
 * @param {string} text
 * @returns {{ folded: string, owner: number[] }}
 */
function foldWithMap(text) {
  const chars = Array.from(text);
  let folded = '';
  /** @type {number[]} */
  const owner = [];
  chars.forEach((c, i) => {
    const f = c.normalize('NFKC').toLowerCase();
    for (const _ of Array.from(f)) owner.push(i);
    folded += f;
  });
  return { folded, owner };
}

/**
 * Text with every occurrence of the query terms wrapped in `<mark>` (as nodes, never markup).
 * @param {string} text
 * @param {string} query
 * @returns {Node[]}
 */
export function highlight(text, query) {
  const terms = query.split(/\s+/).map((t) => t.normalize('NFKC').toLowerCase()).filter(Boolean);
  if (!text || terms.length === 0) return [document.createTextNode(text || '')];
  const chars = Array.from(text);
  const { folded, owner } = foldWithMap(text);
  const fchars = Array.from(folded);
  const marked = new Array(chars.length).fill(false);
  for (const term of terms) {
    const tchars = Array.from(term);
    for (let i = 0; i + tchars.length <= fchars.length; i++) {
      let ok = true;
      for (let j = 0; j < tchars.length; j++) if (fchars[i + j] !== tchars[j]) { ok = false; break; }
      if (ok) for (let j = 0; j < tchars.length; j++) marked[owner[i + j]] = true;
    }
  }
  /** @type {Node[]} */
  const out = [];
  let i = 0;
  while (i < chars.length) {
    const m = marked[i];
    let j = i;
    while (j < chars.length && marked[j] === m) j++;
    const part = chars.slice(i, j).join('');
    out.push(m ? h('mark', null, part) : document.createTextNode(part));
    i = j;
  }
  return out;
}
