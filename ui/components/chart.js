// @ts-check
/**
 * The dashboard's charts (issue 25), drawn from the core's figures with no library: columns
 * as SVG (months against their targets, classes per evaluation round) and horizontal bars as
 * HTML (regions, products, stages, ageing, activities). Every mark carries its figures in a
 * hover title, and every bar its figure in words beside it. Series differ by pattern (solid,
 * hatched, dotted) and targets are black marks, so a greyscale printout still reads. Elements
 * are built node by node: data never goes in as markup.
 */
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
let uid = 0;

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(Node | string | null | false | undefined)} children
 * @returns {SVGElement}
 */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c);
  return el;
}

/**
 * A scale for values up to `max`: its top and step, five or fewer steps of 1, 2 or 5 × 10ⁿ
 * (the same rule as the printed cards).
 * @param {number} max
 */
export function niceScale(max) {
  const m = Math.max(1, Math.ceil(max));
  for (let unit = 1; ; unit *= 10) {
    for (const k of [1, 2, 5]) {
      const step = k * unit;
      if (step * 5 >= m) return { top: step * Math.ceil(m / step), step };
    }
  }
}

/** The pattern of series `i` (0 solid, 1 hatched, 2 dotted), defined in `defs`. @param {SVGElement} defs @param {number} i */
function pattern(defs, i) {
  const id = `chart-p${++uid}`;
  const ink = '#2f4d6c';
  if (i === 0) return ink;
  const p = s('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: i === 1 ? 'rotate(45)' : '' });
  p.append(s('rect', { width: 6, height: 6, fill: '#ffffff' }));
  if (i === 1) p.append(s('rect', { width: 3, height: 6, fill: ink }));
  else p.append(s('circle', { cx: 3, cy: 3, r: 1.6, fill: ink }));
  defs.append(p);
  return `url(#${id})`;
}

/**
 * Vertical columns: one group per category, one column per series, an optional target per
 * category drawn as a black line across its group.
 * @param {{
 *   categories: string[], titles?: string[],
 *   series: Array<{ name: string, values: number[] }>,
 *   targets?: number[] | null, targetName?: string,
 *   tick: (n: number) => string, format: (n: number) => string,
 *   label: string, id?: string,
 * }} o
 */
export function columns(o) {
  const W = 520, H = 190, ml = 52, mr = 8, mt = 10, mb = 24;
  const plotW = W - ml - mr, plotH = H - mt - mb;
  const max = Math.max(0, ...o.series.flatMap((x) => x.values), ...(o.targets || []));
  const { top, step } = niceScale(max);
  const y = (/** @type {number} */ v) => mt + plotH - (v / top) * plotH;
  const defs = s('defs');
  const fills = o.series.map((_, i) => pattern(defs, i));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': o.label }, defs);
  if (o.id) svg.setAttribute('id', o.id);
  for (let v = 0; v <= top; v += step) {
    svg.append(s('line', { x1: ml, x2: W - mr, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
    svg.append(s('text', { x: ml - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, o.tick(v)));
  }
  const n = Math.max(1, o.categories.length);
  const band = plotW / n;
  const k = o.series.length;
  const colW = Math.min(28, (band * 0.72) / k);
  const every = Math.ceil(n / 12);
  o.categories.forEach((cat, i) => {
    const x0 = ml + band * i + (band - colW * k) / 2;
    const g = s('g', { class: 'chart-col', tabindex: 0 });
    const lines = [o.titles?.[i] || cat];
    o.series.forEach((ser, j) => {
      const v = ser.values[i] || 0;
      g.append(s('rect', { x: x0 + colW * j, y: y(v), width: Math.max(1, colW - 2), height: Math.max(0, y(0) - y(v)), fill: fills[j], stroke: '#2f4d6c', 'stroke-width': 0.6 }));
      lines.push(`${ser.name}: ${o.format(v)}`);
    });
    const target = o.targets?.[i] || 0;
    if (target > 0) {
      g.append(s('line', { x1: x0 - 3, x2: x0 + colW * k + 1, y1: y(target), y2: y(target), class: 'target' }));
      lines.push(`${o.targetName || ''}: ${o.format(target)}`);
    }
    // A transparent band over the whole group, so the title shows anywhere above it.
    g.append(s('rect', { x: ml + band * i, y: mt, width: band, height: plotH, fill: 'transparent' }));
    g.prepend(s('title', {}, lines.join('\n')));
    svg.append(g);
    if (i % every === 0) svg.append(s('text', { x: ml + band * i + band / 2, y: H - 8, 'text-anchor': 'middle', class: 'tick' }, cat));
  });
  const legend = h('div', { class: 'chart-legend' },
    ...o.series.map((ser, i) => h('span', { class: `key key-${i}` }, ser.name)),
    o.targets && o.targets.some((v) => v > 0) && h('span', { class: 'key key-target' }, o.targetName || ''));
  return h('figure', { class: 'chart' }, svg, legend);
}

/**
 * Sets a length in percent through the style object (the page's policy allows no style
 * attributes).
 * @template {HTMLElement} E @param {E} el @param {'width' | 'left'} prop @param {number} share
 */
function sized(el, prop, share) {
  el.style[prop] = `${(100 * Math.min(1, Math.max(0, share))).toFixed(2)}%`;
  return el;
}

/**
 * Horizontal bars as rows of label, track and figure; a row may carry a target (a black mark
 * on its track) and a link.
 * @param {{
 *   rows: Array<{ label: string, value: number, target?: number | null, text: string, title?: string, href?: string, key?: string }>,
 *   id?: string, empty?: string,
 * }} o
 */
export function bars(o) {
  const max = Math.max(1, ...o.rows.map((r) => Math.max(r.value, r.target || 0)));
  if (!o.rows.length) return h('p', { class: 'muted', id: o.id }, o.empty || '');
  return h('div', { class: 'hbars', id: o.id },
    ...o.rows.map((r) => h('div', { class: 'hbar', title: r.title || `${r.label}: ${r.text}`, dataset: { key: r.key || r.label } },
      r.href ? h('a', { class: 'hbar-label', href: r.href }, r.label) : h('span', { class: 'hbar-label' }, r.label),
      h('span', { class: 'hbar-track' },
        sized(h('span', { class: 'hbar-fill' }), 'width', Math.max(0, r.value) / max),
        r.target ? sized(h('span', { class: 'hbar-target' }), 'left', r.target / max) : null),
      h('span', { class: 'hbar-text' }, r.text))));
}
