// @ts-check
/** The two diagnostics buttons: open the log folder, save the diagnostics bundle for IT support. */
import { h } from './dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { toast } from './toast.js';
import { errorText } from './errors.js';
/** Open the log folder, save the diagnostics bundle (also on the screen that says why the data cannot be opened). */
export function diagnosticsButtons() {
  return [
    h('button', { type: 'button', id: 'diagnostics-logs', onClick: async () => {
      try {
        const f = await api.diagnosticsOpenLogs();
        if (!f.opened) toast(t('diagnostics.logs_at', { path: f.path }), { ms: 15000 });
      } catch (e) { toast(errorText(e), { kind: 'error' }); }
    } }, t('diagnostics.open_logs')),
    h('button', { type: 'button', id: 'diagnostics-save', onClick: async () => {
      try {
        const path = await api.diagnosticsSave();
        if (path) toast(t('diagnostics.saved', { path }), { ms: 10000 });
      } catch (e) { toast(errorText(e), { kind: 'error' }); }
    } }, t('diagnostics.save')),
  ];
}
