// @ts-check
/**
 * The print preview (issue 24): the pages of the very PDF, drawn by the core, with zoom and the
 * page count; printing to one of this computer's printers (copies, two-sided, pages), saving
 * as PDF (with the folder to open), or the system viewer. Numbered agreement copies are logged
 * by the core when they are printed or saved, and are never opened in a viewer.
 */
import * as api from '../api.js';
import { t } from '../i18n.js';
import { h, replace } from './dom.js';
import { toast } from './toast.js';
import { errorText } from './errors.js';
import { formField, readForm, showFormError } from './form.js';
import { clearFieldErrors } from './errors.js';

/** Pixels to the millimetre at 100 % (96 dpi). */
const PX_PER_MM = 96 / 25.4;
const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** Tells where a file went (spreadsheets and folders, which have no preview). @param {import('../api.js').PrintedFile} f */
export function printedToast(f) {
  toast(f.opened ? t('agreement.printed_opened', { path: f.path }) : t('agreement.printed_at', { path: f.path }), { ms: f.opened ? 5000 : 15000 });
}

/**
 * Makes a document with `fn` and shows it in the preview; resolves when the preview closes,
 * with how the document left (`printed`, `saved` or null).
 * @param {() => Promise<import('../api.js').DocumentView>} fn
 * @returns {Promise<'printed' | 'saved' | null>}
 */
export async function print(fn) {
  try {
    return await preview(await fn());
  } catch (e) {
    toast(errorText(e), { kind: 'error' });
    return null;
  }
}

/**
 * The preview of `doc`.
 * @param {import('../api.js').DocumentView} doc
 * @returns {Promise<'printed' | 'saved' | null>}
 */
export function preview(doc) {
  return new Promise((resolve) => {
    /** @type {'printed' | 'saved' | null} */
    let outcome = null;
    let zoom = 1;
    /** @type {string[]} */
    const urls = [];
    const count = doc.pages.length;
    const pages = doc.pages.map((p, i) => {
      const img = h('img', { class: 'preview-page', alt: t('preview.page_alt', { n: i + 1, total: count }), dataset: { page: String(i) } });
      return { size: p, img, drawn: 0 };
    });
    const sheet = h('div', { class: 'preview-pages', id: 'preview-pages', tabindex: '0', 'aria-label': t('preview.pages') },
      ...pages.map((p) => h('figure', { class: 'preview-sheet' }, p.img)));
    const zoomLabel = h('span', { class: 'preview-zoom', id: 'preview-zoom', 'aria-live': 'polite' });
    const draw = (/** @type {typeof pages[number]} */ p) => {
      const scale = zoom * PX_PER_MM * Math.min(window.devicePixelRatio || 1, 2);
      if (p.drawn === scale) return;
      p.drawn = scale;
      const index = Number(p.img.dataset.page);
      api.documentPage(doc.token, index, scale).then((buf) => {
        if (p.drawn !== scale) return;
        const url = URL.createObjectURL(new Blob([buf], { type: 'image/png' }));
        urls.push(url);
        p.img.src = url;
      }).catch((e) => { p.drawn = 0; toast(errorText(e), { kind: 'error' }); });
    };
    const seen = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) {
        const p = pages.find((x) => x.img === e.target);
        if (p) draw(p);
      }
    }, { root: sheet, rootMargin: '200px' });
    const applyZoom = () => {
      zoomLabel.textContent = `${Math.round(zoom * 100)}%`;
      for (const p of pages) {
        p.img.style.width = `${Math.round(p.size.width_mm * PX_PER_MM * zoom)}px`;
        p.img.style.height = `${Math.round(p.size.height_mm * PX_PER_MM * zoom)}px`;
      }
      // Redraw what shows at the new size; the rest when scrolled to.
      seen.disconnect();
      for (const p of pages) seen.observe(p.img);
    };
    const step = (/** @type {number} */ d) => {
      const i = ZOOMS.findIndex((z) => z >= zoom - 1e-6);
      zoom = ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, (i < 0 ? ZOOMS.length - 1 : i) + d))];
      applyZoom();
    };
    const fit = () => {
      const w = Math.max(...doc.pages.map((p) => p.width_mm)) * PX_PER_MM;
      zoom = Math.max(0.25, Math.min(2, (sheet.clientWidth - 40) / w));
      applyZoom();
    };

    const status = h('p', { class: 'muted small', id: 'preview-status', role: 'status' });
    const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
    const printSection = h('div', { class: 'preview-print', id: 'preview-print' }, h('p', { class: 'muted small' }, t('preview.finding_printers')));
    /** @type {HTMLButtonElement} */
    const printButton = h('button', { type: 'submit', class: 'primary', id: 'preview-print-button', disabled: true }, t('preview.print'), h('kbd', null, 'Ctrl+P'));
    const form = h('form', { id: 'preview-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      if (printButton.disabled) return;
      printButton.disabled = true;
      clearFieldErrors(form);
      box.hidden = true;
      try {
        const v = readForm(form);
        const job = await api.documentPrint(doc.token, {
          printer: String(v.printer || ''), copies: Number(v.copies || 1), sides: String(v.sides || 'one_sided'), pages: String(v.pages || ''),
        });
        outcome = 'printed';
        toast(t('preview.printed', { printer: job.printer, job: job.id }), { ms: 6000 });
        dlg.close();
      } catch (err) {
        showFormError(form, box, err);
        printButton.disabled = false;
      }
    } }, box, printSection);

    const save = async () => {
      try {
        const path = await api.documentSave(doc.token);
        if (path == null) return;
        outcome = 'saved';
        const token = doc.token;
        toast(t('preview.saved', { path }), { ms: 12000, action: { label: t('preview.open_folder'), run: () => { api.documentShowFolder(token).then((f) => { if (!f.opened) toast(t('agreement.printed_at', { path: f.path })); }).catch((e) => toast(errorText(e), { kind: 'error' })); } } });
        kept = true;
        dlg.close();
      } catch (e) { showFormError(form, box, e); }
    };
    const openViewer = async () => {
      try { printedToast(await api.documentOpen(doc.token)); } catch (e) { showFormError(form, box, e); }
    };
    let kept = false;
    const dlg = h('dialog', { class: 'dialog preview', id: 'preview', 'aria-labelledby': 'preview-title' },
      h('header', { class: 'preview-head' },
        h('h2', { id: 'preview-title' }, t('preview.title')),
        h('span', { class: 'mono small preview-file' }, doc.file_name),
        h('span', { class: 'muted', id: 'preview-count' }, t('preview.page_count', { n: count })),
        h('span', { class: 'preview-tools' },
          h('button', { type: 'button', class: 'small', id: 'preview-zoom-out', 'aria-label': t('preview.zoom_out'), onClick: () => step(-1) }, '−'),
          zoomLabel,
          h('button', { type: 'button', class: 'small', id: 'preview-zoom-in', 'aria-label': t('preview.zoom_in'), onClick: () => step(1) }, '+'),
          h('button', { type: 'button', class: 'small', id: 'preview-fit', onClick: fit }, t('preview.fit')))),
      h('div', { class: 'preview-body' },
        sheet,
        h('aside', { class: 'preview-side' },
          doc.numbered && h('p', { class: 'note small', id: 'preview-numbered' }, t('preview.numbered')),
          doc.can_print ? form : h('p', { class: 'muted small' }, t('preview.no_printing')),
          status,
          h('div', { class: 'actions column' },
            doc.can_print && printButton,
            h('button', { type: 'button', id: 'preview-save', class: doc.can_print ? '' : 'primary', onClick: save }, t('preview.save')),
            !doc.numbered && h('button', { type: 'button', id: 'preview-open', onClick: openViewer }, t('preview.open_viewer')),
            h('button', { type: 'button', id: 'preview-close', onClick: () => dlg.close() }, t('action.close'))))));
    printButton.setAttribute('form', 'preview-form');
    dlg.addEventListener('keydown', (e) => {
      const k = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && k === 'p') { e.preventDefault(); if (doc.can_print) form.requestSubmit(); }
      else if ((e.ctrlKey || e.metaKey) && k === 's') { e.preventDefault(); save(); }
      else if ((e.ctrlKey || e.metaKey) && (k === '+' || k === '=')) { e.preventDefault(); step(1); }
      else if ((e.ctrlKey || e.metaKey) && k === '-') { e.preventDefault(); step(-1); }
    });
    dlg.addEventListener('close', () => {
      seen.disconnect();
      for (const u of urls) URL.revokeObjectURL(u);
      dlg.remove();
      // A saved document stays for its folder to be opened from the toast (the shell keeps a few).
      if (!kept) api.documentClose(doc.token).catch(() => {});
      resolve(outcome);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    fit();
    sheet.focus();
    if (doc.can_print) {
      api.printersList().then((printers) => {
        if (!printers.length) {
          replace(printSection, h('p', { class: 'muted small', id: 'preview-no-printer' }, t('preview.no_printer')));
          return;
        }
        const duplex = printers.some((p) => p.duplex);
        replace(printSection,
          formField({ name: 'printer', label: t('preview.printer'), options: printers.map((p) => [p.name, p.ready ? p.description : t('preview.not_ready', { name: p.description })]), value: printers[0].name }),
          formField({ name: 'copies', label: t('preview.copies'), type: 'number', value: '1', attrs: { min: '1', max: '99', inputmode: 'numeric' } }),
          duplex && formField({ name: 'sides', label: t('preview.sides'), options: ['one_sided', 'long_edge', 'short_edge'].map((s) => [s, t(`preview.sides.${s}`)]), value: 'one_sided' }),
          formField({ name: 'pages', label: t('preview.range'), attrs: { placeholder: t('preview.range_hint', { n: count }) } }));
        printButton.disabled = false;
      }).catch((e) => replace(printSection, h('p', { class: 'muted small' }, errorText(e))));
    }
  });
}
