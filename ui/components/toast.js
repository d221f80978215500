// @ts-check
/** Short messages at the bottom of the window, optionally with one action (Undo). */
import { h } from './dom.js';

/** @type {{ el: HTMLElement, action?: () => void, timer: number } | null} */
let current = null;

/**
 * Shows a message; a second toast replaces the first.
 * @param {string} message
 * @param {{ kind?: 'info' | 'error', action?: { label: string, run: () => void }, ms?: number }} [opts]
 */
export function toast(message, opts = {}) {
  dismiss();
  const root = /** @type {HTMLElement} */ (document.getElementById('toasts'));
  const action = opts.action;
  const el = h('div', { class: `toast ${opts.kind || 'info'}`, role: opts.kind === 'error' ? 'alert' : 'status' },
    h('span', null, message),
    action && h('button', { type: 'button', class: 'link', onClick: () => { dismiss(); action.run(); } }, action.label),
  );
  root.appendChild(el);
  const timer = window.setTimeout(dismiss, opts.ms || (action ? 8000 : 4000));
  current = { el, action: action?.run, timer };
}

/** Removes the current toast. */
export function dismiss() {
  if (!current) return;
  window.clearTimeout(current.timer);
  current.el.remove();
  current = null;
}

/** Runs the current toast's action (Ctrl/Cmd+Z); returns whether there was one. */
export function runToastAction() {
  const run = current?.action;
  if (!run) return false;
  dismiss();
  run();
  return true;
}
