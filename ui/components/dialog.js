// @ts-check
/** Modal confirmation built on `<dialog>`: Esc cancels, Enter confirms. */
import { h } from './dom.js';
import { t } from '../i18n.js';

/**
 * Asks a question; resolves true when confirmed.
 * @param {{ title: string, body?: (Node | string)[], confirm: string, danger?: boolean }} opts
 * @returns {Promise<boolean>}
 */
export function confirmDialog(opts) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'submit', class: opts.danger ? 'danger' : 'primary', value: 'ok' }, opts.confirm);
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dialog-title' }, opts.title),
        h('div', { class: 'dialog-body' }, ...(opts.body || [])),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel' }, t('action.cancel')),
          ok,
        ),
      ),
    );
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      dlg.remove();
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    ok.focus();
  });
}
