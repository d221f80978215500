// @ts-check
/** Printed documents: says where the PDF went (opened in the viewer, or only written). */
import { t } from '../i18n.js';
import { toast } from './toast.js';
import { errorText } from './errors.js';

/** Tells where a printed file went. @param {import('../api.js').PrintedFile} f */
export function printedToast(f) {
  toast(f.opened ? t('agreement.printed_opened', { path: f.path }) : t('agreement.printed_at', { path: f.path }), { ms: f.opened ? 5000 : 15000 });
}

/** Prints with `fn` and tells where the file went, or the error. @param {() => Promise<import('../api.js').PrintedFile>} fn */
export async function print(fn) {
  try {
    printedToast(await fn());
  } catch (e) { toast(errorText(e), { kind: 'error' }); }
}
