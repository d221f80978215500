// @ts-check
/** Settings: language, and the facts of this copy (device code, data folder, version). */
import { h, replace } from '../components/dom.js';
import { t } from '../i18n.js';
import { session } from '../app.js';

/** @param {HTMLElement} main */
export async function settingsView(main) {
  const info = session.info;
  const row = (/** @type {string} */ k, /** @type {string} */ v) => [h('dt', null, t(k)), h('dd', null, v)];
  replace(main,
    h('div', { class: 'page narrow' },
      h('header', { class: 'page-head' }, h('h1', null, t('nav.settings'))),
      h('section', { class: 'card' },
        h('h2', null, t('settings.language')),
        h('p', { class: 'muted' }, t('settings.language_hint'))),
      info && h('section', { class: 'card' },
        h('h2', null, t('settings.about')),
        h('dl', { class: 'facts' },
          ...row('settings.user', info.user.name),
          ...row('settings.device_code', info.device.short_code),
          ...row('settings.device_id', info.device.id),
          ...row('settings.data_dir', info.data_dir),
          ...row('settings.version', info.version)))));
  return {};
}
