// @ts-check
/**
 * Data exchange and backups: export a bundle (everything, chosen partners, or one event's
 * leads; optionally sealed with a passphrase), import one with a dry run first, the conflicts
 * waiting for a person, the laptops exchanged with, and the backups with restore.
 */
import { h, replace } from '../components/dom.js';
import { t, tOr, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { can } from '../app.js';
import { toast } from '../components/toast.js';
import { errorText, fieldLabel, kindLabel } from '../components/errors.js';
import { confirmDialog } from '../components/dialog.js';
import { partnerPicker } from '../components/form.js';

const TABS = ['export', 'import', 'conflicts', 'sheets', 'backups'];

/** `1234567` → `1.2 MB`. @param {number} n */
export const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);

/**
 * A progress bar with a cancel button, for one long operation at a time.
 * @returns {{ el: HTMLElement, start: () => void, update: (m: api.ProgressMsg) => void, stop: () => void }}
 */
function progressBar() {
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { max: '1', value: '0' }));
  const label = h('span', { class: 'muted small' });
  const cancel = h('button', { type: 'button', class: 'small', id: 'share-cancel', onClick: () => api.shareCancel() }, t('action.cancel'));
  const el = h('div', { class: 'share-progress', id: 'share-progress', hidden: true }, bar, label, cancel);
  return {
    el,
    start: () => { bar.value = 0; replace(label, t('share.progress.start')); el.hidden = false; },
    update: (m) => {
      bar.max = Math.max(1, m.total);
      bar.value = m.done;
      replace(label, t(`share.progress.${m.phase}`));
    },
    stop: () => { el.hidden = true; },
  };
}

/** @param {HTMLElement} main @param {string | undefined} tab */
export async function dataView(main, tab) {
  let current = TABS.includes(tab || '') ? /** @type {string} */ (tab) : 'export';
  const body = h('div', { id: 'data-body' });
  const tabBar = h('div', { class: 'tabs', role: 'tablist' });
  let conflictCount = 0;
  try { conflictCount = (await api.shareConflicts()).length; } catch { /* shown on the tab */ }

  function renderTabs() {
    replace(tabBar, ...TABS.map((k) => h('button', {
      type: 'button', role: 'tab', class: k === current ? 'tab active' : 'tab', id: `data-tab-${k}`,
      'aria-selected': String(k === current),
      onClick: () => { current = k; history.replaceState(null, '', `#/data/${k}`); show(); },
    }, t(`share.tab.${k}`), k === 'conflicts' && conflictCount ? h('span', { class: 'badge' }, String(conflictCount)) : null)));
  }

  async function show() {
    renderTabs();
    // Each tab renders into a box of its own: a tab still loading when another is chosen
    // finishes into a detached box instead of over the tab now shown.
    const box = h('div');
    replace(body, box);
    try {
      if (current === 'export') await exportTab(box);
      else if (current === 'import') await importTab(box, (n) => { conflictCount = n; renderTabs(); });
      else if (current === 'conflicts') await conflictsTab(box, (n) => { conflictCount = n; renderTabs(); });
      else if (current === 'sheets') await sheetsTab(box);
      else await backupsTab(box);
    } catch (e) {
      replace(box, h('div', { class: 'error-box', role: 'alert' }, errorText(e)));
    }
  }

  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' }, h('h1', null, t('share.title'))),
    h('p', { class: 'muted' }, t('share.intro')),
    tabBar, body));
  await show();
  return {};
}

/** @param {HTMLElement} box */
async function exportTab(box) {
  const events = await api.eventsList();
  const picker = partnerPicker({ label: t('share.export.partner') });
  /** @type {Map<string, string>} id → name */
  const chosen = new Map();
  const chips = h('ul', { class: 'chips', id: 'share-chosen' });
  const renderChips = () => replace(chips, ...[...chosen].map(([id, name]) => h('li', null, name, ' ',
    h('button', { type: 'button', class: 'link small', 'aria-label': t('action.remove'), onClick: () => { chosen.delete(id); renderChips(); } }, '×'))));
  const addPartner = h('button', { type: 'button', class: 'small', id: 'share-add-partner', onClick: () => {
    const id = picker.id();
    const input = /** @type {HTMLInputElement} */ (picker.field.querySelector('input'));
    if (id) { chosen.set(id, input.value.trim()); input.value = ''; renderChips(); }
  } }, t('share.export.add'));
  // Enter in the partner field adds the partner (it does not export).
  /** @type {HTMLInputElement} */ (picker.field.querySelector('input')).addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); /** @type {HTMLButtonElement} */ (addPartner).click(); }
  });
  const eventSelect = h('select', { name: 'event', id: 'share-event' },
    ...events.map((e) => h('option', { value: e.id }, `${e.number} ${e.name}`)));
  const scopeRadio = (/** @type {string} */ v) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'scope', value: v, checked: v === 'all', onChange: sync }), t(`share.scope.${v}`));
  const partnerBox = h('div', { class: 'share-scope-detail', hidden: true }, picker.field, addPartner, chips);
  const eventBox = h('div', { class: 'share-scope-detail', hidden: true },
    events.length ? h('label', null, t('share.export.event'), eventSelect) : h('p', { class: 'muted' }, t('share.export.no_events')));
  const pass = h('input', { type: 'password', id: 'share-passphrase', name: 'passphrase', autocomplete: 'new-password' });
  const pass2 = h('input', { type: 'password', id: 'share-passphrase2', name: 'passphrase2', autocomplete: 'new-password' });
  // Sealed unless the person says plainly that anyone holding the file may read it.
  const unsealed = h('input', { type: 'checkbox', id: 'share-unsealed', name: 'unsealed' });
  const error = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const result = h('div', { id: 'share-export-result', role: 'status' });
  const progress = progressBar();
  const form = h('form', { class: 'card', id: 'share-export-form', onSubmit: (/** @type {Event} */ e) => { e.preventDefault(); run(); } },
    h('h2', null, t('share.export.title')),
    h('fieldset', { class: 'radios' }, h('legend', null, t('share.export.what')), scopeRadio('all'), scopeRadio('partners'), scopeRadio('event')),
    partnerBox, eventBox,
    h('div', { class: 'field-row' },
      h('label', null, t('share.export.passphrase'), pass),
      h('label', null, t('share.export.passphrase2'), pass2)),
    h('p', { class: 'muted small' }, t('share.export.passphrase_hint')),
    h('label', { class: 'check small' }, unsealed, t('share.export.unsealed')),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'share-export' }, t('share.export.run'))),
    progress.el, result);

  function scope() {
    return /** @type {HTMLInputElement} */ (form.querySelector('input[name=scope]:checked')).value;
  }
  function sync() {
    partnerBox.hidden = scope() !== 'partners';
    eventBox.hidden = scope() !== 'event';
  }

  async function run() {
    error.hidden = true;
    const p1 = /** @type {HTMLInputElement} */ (pass).value;
    if (p1 !== /** @type {HTMLInputElement} */ (pass2).value) {
      replace(error, t('share.export.mismatch'));
      error.hidden = false;
      return;
    }
    if (!p1 && !/** @type {HTMLInputElement} */ (unsealed).checked) {
      replace(error, t('share.export.passphrase_needed'));
      error.hidden = false;
      /** @type {HTMLInputElement} */ (pass).focus();
      return;
    }
    const s = scope();
    /** @type {api.ExportScope} */
    const target = s === 'partners' ? { kind: 'partners', ids: [...chosen.keys()] }
      : s === 'event' ? { kind: 'event', id: /** @type {HTMLSelectElement} */ (eventSelect).value || '' }
      : { kind: 'all' };
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('#share-export'));
    button.disabled = true;
    progress.start();
    try {
      const done = await api.shareExport(target, p1 || null, progress.update);
      replace(result, h('div', { class: 'notice' },
        h('p', null, t(done.sealed ? 'share.export.done_sealed' : 'share.export.done', { n: done.records, size: bytes(done.bytes) })),
        h('p', { class: 'mono small', id: 'share-export-path' }, done.path),
        h('button', { type: 'button', class: 'small', onClick: async () => {
          try {
            const to = await api.shareSaveCopy(done.file_name);
            if (to) toast(t('share.export.copied', { path: to }));
          } catch (e) { toast(errorText(e), { kind: 'error' }); }
        } }, t('share.export.save_copy'))));
      /** @type {HTMLInputElement} */ (pass).value = '';
      /** @type {HTMLInputElement} */ (pass2).value = '';
    } catch (e) {
      replace(error, errorText(e));
      error.hidden = false;
    } finally {
      progress.stop();
      button.disabled = false;
    }
  }

  const [peers, card] = await Promise.all([api.sharePeers(), api.sharePairing()]);
  replace(box, form, pairingCard(card),
    h('section', { class: 'card', id: 'share-peers' },
      h('h2', null, t('share.peers.title')),
      peers.length
        ? h('table', { class: 'grid' },
            h('thead', null, h('tr', null, ...['device', 'user', 'when'].map((k) => h('th', { scope: 'col' }, t(`share.peers.${k}`))))),
            h('tbody', null, ...peers.map((p) => h('tr', null, h('td', { class: 'mono' }, p.device_code), h('td', null, p.last_user), h('td', null, formatTime(p.last_import))))))
        : h('p', { class: 'muted' }, t('share.peers.none'))));
}

/**
 * This laptop's fingerprint (text and QR code) for a colleague's administrator to compare when
 * pairing, and the laptops this one trusts.
 * @param {import('../bindings/PairingCard').PairingCard} card
 */
function pairingCard(card) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${card.qr_size} ${card.qr_size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', card.fingerprint);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%'); bg.setAttribute('height', '100%'); bg.setAttribute('fill', '#fff');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', card.qr_path); path.setAttribute('fill', '#000');
  svg.append(bg, path);
  return h('section', { class: 'card', id: 'share-pairing-card' },
    h('h2', null, t('pair.title')),
    h('div', { class: 'pairing' },
      svg,
      h('div', null,
        h('p', null, t('pair.own', { code: card.device_code })),
        h('p', { class: 'fingerprint mono', id: 'own-fingerprint' }, card.fingerprint),
        h('p', { class: 'muted small' }, t('pair.hint')))),
    h('table', { class: 'grid', id: 'trusted-laptops' },
      h('thead', null, h('tr', null, ...['device', 'source', 'fingerprint', 'when'].map((k) => h('th', { scope: 'col' }, t(`pair.col.${k}`))))),
      h('tbody', null, ...card.keys.map((k) => h('tr', null,
        h('td', { class: 'mono' }, k.device_code),
        h('td', null, k.source === 'vouched' ? t('pair.source.vouched', { via: k.via_code }) : t(`pair.source.${k.source}`)),
        h('td', { class: 'mono small' }, k.fingerprint),
        h('td', null, k.added_by_name ? `${formatTime(k.added_at)} · ${k.added_by_name}` : formatTime(k.added_at)))))));
}

/** @param {HTMLElement} box @param {(n: number) => void} onConflicts */
async function importTab(box, onConflicts) {
  const list = h('div', { id: 'share-inbox' });
  const preview = h('div', { id: 'share-preview' });
  const progress = progressBar();

  async function loadInbox() {
    const files = await api.shareInbox();
    replace(list, files.length
      ? h('table', { class: 'grid' },
          h('thead', null, h('tr', null, ...['file', 'size', 'when', ''].map((k) => h('th', { scope: 'col' }, k ? t(`share.inbox.${k}`) : '')))),
          h('tbody', null, ...files.map((f) => h('tr', { dataset: { file: f.file_name } },
            h('td', { class: 'mono small' }, f.file_name, f.own ? h('span', { class: 'badge muted' }, t('share.inbox.own')) : null),
            h('td', null, bytes(f.bytes)),
            h('td', null, formatTime(f.modified)),
            h('td', null, h('button', { type: 'button', class: 'small', onClick: () => open(f.file_name, null) }, t('share.inbox.preview')))))))
      : h('p', { class: 'muted' }, t('share.inbox.empty')));
  }

  /** @param {string} fileName @param {string | null} passphrase */
  async function open(fileName, passphrase) {
    replace(preview);
    progress.start();
    try {
      const pv = await api.shareOpen(fileName, passphrase, progress.update);
      if (pv.pairing) showPairing(fileName, passphrase, pv.pairing);
      else showPreview(fileName, pv);
    } catch (e) {
      const err = /** @type {api.ApiError} */ (e);
      if (err.code === 'import' && (err.kind === 'passphrase_needed' || err.kind === 'passphrase_wrong')) askPassphrase(fileName, err);
      else replace(preview, h('div', { class: 'error-box', role: 'alert', id: 'share-import-error' }, errorText(e)));
    } finally {
      progress.stop();
    }
  }

  /** @param {string} fileName @param {api.ApiError} err */
  function askPassphrase(fileName, err) {
    const input = h('input', { type: 'password', id: 'share-open-passphrase', autocomplete: 'off' });
    const form = h('form', { class: 'card', onSubmit: (/** @type {Event} */ e) => { e.preventDefault(); open(fileName, /** @type {HTMLInputElement} */ (input).value); } },
      h('p', null, t(`import.${err.kind}`)),
      h('label', null, t('share.export.passphrase'), input),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('share.inbox.preview'))));
    replace(preview, form);
    /** @type {HTMLInputElement} */ (input).focus();
  }

  /**
   * A bundle from a laptop not paired with this one: nothing was compared. An administrator
   * compares the fingerprint with the one that laptop shows and pairs it; then the preview.
   * @param {string} fileName @param {string | null} passphrase
   * @param {import('../bindings/Pairing').Pairing} p
   */
  function showPairing(fileName, passphrase, p) {
    const checked = h('input', { type: 'checkbox', id: 'pair-compared' });
    const error = h('div', { class: 'error-box', role: 'alert', hidden: true });
    const pair = h('button', { type: 'button', class: 'primary', id: 'pair-accept', onClick: async () => {
      if (!/** @type {HTMLInputElement} */ (checked).checked) {
        replace(error, t('pair.compare_first'));
        error.hidden = false;
        return;
      }
      try {
        await api.sharePair({ device_id: p.device_id, device_code: p.device_code, public_key: p.public_key, fingerprint: p.fingerprint });
        toast(t('pair.done', { code: p.device_code }));
        await open(fileName, passphrase);
      } catch (e) {
        replace(error, errorText(e));
        error.hidden = false;
      }
    } }, t('pair.accept'));
    replace(preview, h('section', { class: 'card', id: 'share-pairing' },
      h('h2', null, t('pair.unpaired_title', { code: p.device_code })),
      p.key_changed ? h('div', { class: 'error-box', role: 'alert' }, t('pair.key_changed', { code: p.device_code })) : null,
      h('p', null, t('pair.unpaired', { code: p.device_code, user: p.user_name })),
      h('p', { class: 'fingerprint mono', id: 'pair-fingerprint' }, p.fingerprint),
      can('device_pair')
        ? h('div', null,
            h('label', { class: 'check' }, checked, t('pair.compared', { code: p.device_code })),
            error,
            h('div', { class: 'actions' }, pair))
        : h('p', { class: 'muted', id: 'pair-ask-admin' }, t('pair.ask_admin'))));
  }

  /** @param {string} fileName @param {api.SharePreview} pv */
  function showPreview(fileName, pv) {
    const m = pv.manifest;
    const scope = m.scope.kind === 'event' ? t('share.scope.event_named', { name: `${m.scope.number} ${m.scope.name}` })
      : m.scope.kind === 'partners' ? t('share.scope.partners_n', { n: m.scope.ids.length }) : t('share.scope.all');
    /** @type {Set<string>} */
    const merge = new Set();
    const dupRows = pv.duplicates.map((d) => {
      const forced = d.reason === 'credit_code';
      const box = h('input', { type: 'checkbox', checked: forced, disabled: forced, onChange: (/** @type {Event} */ e) => {
        if (/** @type {HTMLInputElement} */ (e.target).checked) merge.add(d.incoming_id); else merge.delete(d.incoming_id);
      } });
      return h('li', null, h('label', null, box, ' ', t(`share.dup.${d.reason}`, { incoming: d.incoming_name, local: d.local_name })));
    });
    const moved = (/** @type {api.KindCount} */ k) => k.new + k.updated + k.deleted + k.conflicts + k.merged > 0;
    const changed = pv.kinds.filter(moved);
    const same = pv.kinds.filter((k) => !moved(k));
    const cols = ['new', 'updated', 'unchanged', 'deleted', 'conflicts'];
    if (pv.kinds.some((k) => k.merged)) cols.splice(2, 0, 'merged');
    const outcome = h('div', { id: 'share-outcome', role: 'status' });
    const apply = h('button', { type: 'button', class: 'primary', id: 'share-apply', onClick: async () => {
      /** @type {HTMLButtonElement} */ (apply).disabled = true;
      progress.start();
      try {
        const out = await api.shareApply({ token: pv.token, merge: [...merge] }, progress.update);
        const n = out.kinds.reduce((s, k) => s + k.new + k.updated + k.deleted, 0);
        replace(outcome, h('div', { class: 'notice' }, h('p', null, t('share.import.done', { n, merged: out.merged, conflicts: out.conflicts }))));
        toast(t('share.import.done', { n, merged: out.merged, conflicts: out.conflicts }));
        onConflicts((await api.shareConflicts()).length);
      } catch (e) {
        /** @type {HTMLButtonElement} */ (apply).disabled = false;
        replace(outcome, h('div', { class: 'error-box', role: 'alert' }, errorText(e)));
      } finally {
        progress.stop();
      }
    } }, t('share.import.apply'));
    replace(preview, h('section', { class: 'card', id: 'share-preview-card' },
      h('h2', null, t('share.import.preview_title', { file: fileName })),
      pv.rewound ? h('div', { class: 'error-box', role: 'alert', id: 'share-rewound' }, t('share.import.rewound', { code: m.device_code, was: pv.rewound[0], now: pv.rewound[1] })) : null,
      h('dl', { class: 'facts' },
        h('dt', null, t('share.import.from')), h('dd', null, `${m.device_code} · ${m.user_name}`),
        h('dt', null, t('share.import.exported')), h('dd', null, formatTime(m.exported_at)),
        h('dt', null, t('share.import.scope')), h('dd', null, scope),
        h('dt', null, t('share.import.sealed')), h('dd', null, t(pv.sealed ? 'share.import.sealed_yes' : 'share.import.sealed_no'))),
      h('table', { class: 'grid', id: 'share-kinds' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('share.import.kind')), ...cols.map((c) => h('th', { scope: 'col', class: 'num' }, t(`share.count.${c}`))))),
        h('tbody', null, ...changed.map((k) => h('tr', { dataset: { kind: k.table } },
          h('td', null, kindLabel(k.table)),
          ...cols.map((c) => { const v = Number(/** @type {any} */ (k)[c]); return h('td', { class: v && c !== 'unchanged' ? `num strong ${c}` : 'num muted' }, String(v)); }))))),
      same.length ? h('p', { class: 'muted small', id: 'share-same' }, t('share.import.same', { n: same.reduce((s, k) => s + k.unchanged, 0), kinds: same.map((k) => kindLabel(k.table)).join('、') })) : null,
      pv.duplicates.length ? h('div', { id: 'share-duplicates' }, h('h3', null, t('share.import.duplicates')), h('ul', { class: 'plain' }, ...dupRows)) : null,
      pv.renamed_logins.length ? h('p', { class: 'muted small' }, t('share.import.renamed', { list: pv.renamed_logins.map(([a, b]) => `${a} → ${b}`).join('、') })) : null,
      h('p', { class: 'muted' }, pv.changes ? t('share.import.all_or_nothing') : t('share.import.nothing')),
      h('div', { class: 'actions' }, apply),
      outcome));
  }

  replace(box,
    h('section', { class: 'card' },
      h('h2', null, t('share.inbox.title')),
      h('p', { class: 'muted small' }, t('share.inbox.hint')),
      list,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'share-pick', onClick: async () => {
        try {
          const name = await api.sharePick();
          if (name) { await loadInbox(); await open(name, null); }
        } catch (e) { toast(errorText(e), { kind: 'error' }); }
      } }, t('share.inbox.pick')))),
    progress.el,
    preview);
  await loadInbox();
  // A bundle double-clicked in the file manager goes straight to its preview.
  const opened = await api.shareTakeOpened();
  if (opened) { await loadInbox(); await open(opened, null); }
}

/** A stored value as people read it. @param {unknown} v */
const shown = (v) => (v === null || v === undefined || v === '' ? t('share.conflict.empty') : String(v));

/** @param {HTMLElement} box @param {(n: number) => void} onCount */
async function conflictsTab(box, onCount) {
  const items = await api.shareConflicts();
  onCount(items.length);
  if (!items.length) {
    replace(box, h('div', { class: 'empty', id: 'share-conflicts-empty' }, h('p', null, t('share.conflict.none'))));
    return;
  }
  /** @param {api.ConflictItem} c @param {'kept' | 'other'} choice */
  const settle = async (c, choice) => {
    try {
      await api.shareResolve(c.id, choice);
      toast(t('share.conflict.settled'));
      await conflictsTab(box, onCount);
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };
  replace(box,
    h('p', { class: 'muted' }, t('share.conflict.intro')),
    h('table', { class: 'grid', id: 'share-conflicts' },
      h('thead', null, h('tr', null, ...['record', 'field', 'kept', 'other', ''].map((k) => h('th', { scope: 'col' }, k ? t(`share.conflict.${k}`) : '')))),
      h('tbody', null, ...items.map((c) => h('tr', { dataset: { conflict: c.id } },
        h('td', null, h('span', { class: 'muted small' }, kindLabel(c.table)), ' ',
          c.partner_id ? h('a', { href: `#/partners/${encodeURIComponent(c.partner_id)}` }, c.label || '…') : c.label),
        h('td', null, fieldLabel(c.field)),
        h('td', null, h('div', { class: 'strong' }, shown(c.kept)), h('div', { class: 'muted small' }, t('share.conflict.from', { device: c.kept_device || '?' }))),
        h('td', null, h('div', null, shown(c.other)), h('div', { class: 'muted small' }, t('share.conflict.from', { device: c.other_device || '?' }))),
        h('td', { class: 'actions-cell' },
          h('button', { type: 'button', class: 'small', onClick: () => settle(c, 'kept') }, t('share.conflict.keep')),
          h('button', { type: 'button', class: 'small primary', onClick: () => settle(c, 'other') }, t('share.conflict.take'))))))));
}

/** @param {HTMLElement} box */
async function backupsTab(box) {
  const page = await api.backupPage();
  const integrity = page.integrity
    ? h('p', { id: 'backup-integrity', class: page.integrity.ok ? 'ok' : 'error-box' },
        page.integrity.ok ? t('backup.integrity_ok', { when: formatTime(page.integrity.checked_at) })
          : t('backup.integrity_bad', { detail: page.integrity.detail.join('; ') }))
    : h('p', { id: 'backup-integrity', class: 'muted' }, t('backup.integrity_running'));
  const keepInput = h('input', { type: 'number', min: '1', max: '100', value: String(page.keep), id: 'backup-keep', class: 'narrow' });
  const admin = can('settings_manage');
  replace(box,
    h('section', { class: 'card' },
      h('h2', null, t('backup.title')),
      h('p', { class: 'muted small' }, t('backup.intro', { folder: page.folder })),
      integrity,
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'backup-now', class: 'primary', onClick: async () => {
          try {
            const b = await api.backupNow();
            toast(t('backup.made', { size: bytes(b.size) }));
            await backupsTab(box);
          } catch (e) { toast(errorText(e), { kind: 'error' }); }
        } }, t('backup.now')),
        h('button', { type: 'button', onClick: async () => {
          try { await api.backupCheck(); await backupsTab(box); } catch (e) { toast(errorText(e), { kind: 'error' }); }
        } }, t('backup.check'))),
      admin ? h('form', { class: 'inline', onSubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        try {
          await api.backupKeepSet(Number(/** @type {HTMLInputElement} */ (keepInput).value));
          toast(t('settings.saved'));
          await backupsTab(box);
        } catch (err) { toast(errorText(err), { kind: 'error' }); }
      } }, h('label', null, t('backup.keep'), keepInput), h('button', { type: 'submit', class: 'small' }, t('action.save'))) : null),
    h('section', { class: 'card' },
      page.backups.length
        ? h('table', { class: 'grid', id: 'backup-list' },
            h('thead', null, h('tr', null, ...['when', 'reason', 'size', ''].map((k) => h('th', { scope: 'col' }, k ? t(`backup.col.${k}`) : '')))),
            h('tbody', null, ...page.backups.map((b) => h('tr', { dataset: { backup: b.name } },
              h('td', null, formatTime(b.made_at)),
              h('td', null, t(`backup.reason.${b.reason}`)),
              h('td', null, bytes(b.size)),
              h('td', null, can('backup_restore') ? h('button', { type: 'button', class: 'small', onClick: () => restore(b) }, t('backup.restore')) : null)))))
        : h('p', { class: 'muted' }, t('backup.none'))));

  /** @param {api.BackupInfo} b */
  async function restore(b) {
    const ok = await confirmDialog({
      title: t('backup.restore_title', { when: formatTime(b.made_at) }),
      body: [h('p', null, t('backup.restore_body'))],
      confirm: t('backup.restore'),
      danger: true,
    });
    if (!ok) return;
    try { await api.backupRestore(b.name); } catch (e) { toast(errorText(e), { kind: 'error' }); }
  }
}

/** The sheet labels: column titles and value names for the list written. */
function sheetLabels() {
  /** @type {Record<string, string>} */
  const out = {};
  const cols = ['name', 'short_name', 'credit_code', 'status', 'class', 'province', 'city', 'industry', 'source_kind', 'contact_name',
    'contact_mobile', 'contact_email', 'channel_contact', 'created_at', 'stage', 'outcome', 'event', 'captured_by', 'stage_since',
    'interest', 'number', 'title', 'partner', 'agreement_kind', 'agreement_status', 'version', 'signed_on', 'effective_on',
    'expires_on', 'evaluation_kind', 'period', 'evaluation_status', 'total', 'finished_on', 'captured_on'];
  for (const c of cols) out[`col.${c}`] = t(`sheet.col.${c}`);
  for (const [key, prefix, values] of /** @type {Array<[string, string, string[]]>} */ ([
    ['status', 'status', ['prospect', 'active', 'suspended', 'terminated']],
    ['source_kind', 'source', ['online', 'offline_event', 'referral', 'other']],
    ['stage', 'stage', ['application', 'screening', 'inspection', 'negotiation', 'signing', 'signed']],
    ['outcome', 'outcome', ['open', 'rejected', 'signed']],
    ['agreement_kind', 'agreement.kind', ['distribution', 'agency', 'reseller', 'service']],
    ['agreement_status', 'agreement.state', ['drafting', 'in_review', 'approved', 'signed', 'ended', 'closed']],
    ['evaluation_kind', 'evaluation.kind', ['periodic', 'special']],
    ['evaluation_status', 'evaluation.status', ['open', 'finished']],
  ])) for (const v of values) out[`${key}.${v}`] = tOr(`${prefix}.${v}`, v);
  return out;
}

/** @param {HTMLElement} box */
async function sheetsTab(box) {
  const events = await api.eventsList();
  const lists = ['partners', 'pipeline', 'agreements', 'evaluations', 'event_leads'];
  const listSelect = h('select', { id: 'sheet-list' }, ...lists.map((l) => h('option', { value: l }, t(`sheet.list.${l}`))));
  const eventPick = (/** @type {string} */ id) => h('select', { id }, ...events.map((e) => h('option', { value: e.id }, `${e.number} ${e.name}`)));
  const exportEvent = eventPick('sheet-export-event');
  const exportEventLabel = h('label', { hidden: true }, t('share.export.event'), exportEvent);
  listSelect.addEventListener('change', () => { exportEventLabel.hidden = /** @type {HTMLSelectElement} */ (listSelect).value !== 'event_leads'; });
  const write = async (/** @type {'xlsx' | 'csv'} */ format) => {
    const l = /** @type {HTMLSelectElement} */ (listSelect).value;
    /** @type {api.ListKind} */
    const kind = l === 'event_leads' ? { kind: 'event_leads', event_id: /** @type {HTMLSelectElement} */ (exportEvent).value || '' } : /** @type {any} */ ({ kind: l });
    try {
      const n = await api.sheetExport(kind, format, { ...sheetLabels(), 'sheet.name': t(`sheet.list.${l}`) });
      if (n !== null) toast(t('sheet.exported', { n }));
    } catch (e) { toast(errorText(e), { kind: 'error' }); }
  };

  const importBox = h('div', { id: 'sheet-import' });
  const fileInput = /** @type {HTMLInputElement} */ (h('input', { type: 'file', id: 'sheet-file', class: 'sr-only', accept: '.xlsx,.xls,.ods,.csv', onChange: async () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    try { mappingForm(await api.sheetRead(f)); } catch (e) { replace(importBox, h('div', { class: 'error-box', role: 'alert' }, errorText(e))); }
  } }));

  /** @param {api.SheetOpened} opened */
  function mappingForm(opened) {
    const fields = opened.fields;
    const selects = opened.headers.map((head, i) => /** @type {HTMLSelectElement} */ (h('select', { dataset: { column: String(i) }, 'aria-label': t('sheet.column_for', { column: head }) },
      h('option', { value: '' }, t('sheet.skip')),
      ...fields.map((f) => h('option', { value: f, selected: opened.mapping[i] === f }, t(`sheet.field.${f}`))))));
    const targetSelect = h('select', { id: 'sheet-target' },
      h('option', { value: 'partners' }, t('sheet.target.partners')),
      can('partner_migrate') && h('option', { value: 'migration' }, t('sheet.target.migration')),
      ...events.map((e) => h('option', { value: e.id }, t('sheet.target.leads', { event: `${e.number} ${e.name}` }))));
    const report = h('div', { id: 'sheet-report' });
    const mapping = () => selects.map((s) => s.value || null);
    const target = () => {
      const v = /** @type {HTMLSelectElement} */ (targetSelect).value;
      if (v === 'partners' || v === 'migration') return /** @type {api.SheetTarget} */ ({ kind: v });
      return /** @type {api.SheetTarget} */ ({ kind: 'leads', event_id: v });
    };
    const run = async (/** @type {boolean} */ dryRun) => {
      try {
        const r = await api.sheetImport(mapping(), target(), dryRun);
        showReport(r, dryRun);
      } catch (e) { replace(report, h('div', { class: 'error-box', role: 'alert' }, errorText(e))); }
    };
    /** @param {api.SheetReport} r @param {boolean} dryRun */
    function showReport(r, dryRun) {
      const bad = r.rows.filter((x) => x.status !== 'ok');
      replace(report,
        h('p', { id: 'sheet-summary', class: dryRun ? '' : 'notice' }, dryRun
          ? t('sheet.checked', { valid: r.valid, bad: bad.length })
          : t('sheet.imported', { n: r.imported, bad: bad.length })),
        bad.length ? h('table', { class: 'grid', id: 'sheet-problems' },
          h('thead', null, h('tr', null, ...['row', 'name', 'problem'].map((k) => h('th', { scope: 'col' }, t(`sheet.report.${k}`))))),
          h('tbody', null, ...bad.map((x) => h('tr', null, h('td', null, String(x.row)), h('td', null, x.name),
            h('td', null, x.status === 'duplicate'
              ? t('sheet.report.duplicate', { of: x.duplicate_of.startsWith('row ') ? t('sheet.report.row_n', { n: x.duplicate_of.slice(4) }) : x.duplicate_of })
              : x.errors.map((f) => `${fieldLabel(f.field)}: ${t(`rule.${f.rule}`, { limit: f.limit ?? '' })}`).join('；')))))) : null,
        dryRun && r.valid ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'sheet-apply', onClick: () => run(false) },
          t('sheet.apply', { n: r.valid }))) : null);
    }
    replace(importBox, h('section', { class: 'card' },
      h('h3', null, t('sheet.mapping_title', { file: opened.file_name, n: opened.rows })),
      h('table', { class: 'grid', id: 'sheet-mapping' },
        h('thead', null, h('tr', null, ...['column', 'sample', 'field'].map((k) => h('th', { scope: 'col' }, t(`sheet.map.${k}`))))),
        h('tbody', null, ...opened.headers.map((head, i) => h('tr', null, h('td', null, head),
          h('td', { class: 'muted small' }, opened.sample.map((r) => r[i] || '').filter(Boolean).join(' / ')),
          h('td', null, selects[i]))))),
      h('label', null, t('sheet.target.label'), targetSelect),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'sheet-check', onClick: () => run(true) }, t('sheet.check'))),
      report));
  }

  replace(box,
    h('section', { class: 'card', id: 'sheet-export' },
      h('h2', null, t('sheet.export_title')),
      h('div', { class: 'field-row' }, h('label', null, t('sheet.list.label'), listSelect), exportEventLabel),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'sheet-xlsx', onClick: () => write('xlsx') }, t('sheet.as_xlsx')),
        h('button', { type: 'button', id: 'sheet-csv', onClick: () => write('csv') }, t('sheet.as_csv')))),
    h('section', { class: 'card' },
      h('h2', null, t('sheet.import_title')),
      h('p', { class: 'muted small' }, t('sheet.import_hint')),
      h('div', { class: 'actions' }, h('label', { class: 'button', for: 'sheet-file', tabindex: '0', onKeydown: (/** @type {KeyboardEvent} */ e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); }
      } }, t('sheet.choose')), fileInput),
      importBox));
}
