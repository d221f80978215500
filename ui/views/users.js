// @ts-check
/**
 * Accounts (administrators): who may sign in, with which roles. The core keeps at least one
 * enabled administrator and refuses the rest of the rules field by field.
 */
import { h, replace } from '../components/dom.js';
import { t, formatTime } from '../i18n.js';
import * as api from '../api.js';
import { toast } from '../components/toast.js';
import { clearFieldErrors, errorText } from '../components/errors.js';
import { field, showError } from './gate.js';

/** @type {api.Role[]} */
const ROLES = ['channel', 'legal', 'business', 'finance', 'manager', 'admin'];

/** @param {HTMLElement} main */
export async function usersView(main) {
  const panel = h('section', { class: 'card', id: 'user-panel', hidden: true });
  const listBox = h('div', null);

  /** @param {api.Role[]} roles */
  const roleBoxes = (roles) => h('fieldset', { class: 'roles', dataset: { field: 'roles' } },
    h('legend', null, t('field.roles')),
    ...ROLES.map((r) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'role', value: r, checked: roles.includes(r) }), t(`role.${r}`), ' ',
      h('span', { class: 'muted small' }, t(`role.${r}.hint`)))),
    h('div', { class: 'field-error', dataset: { for: 'roles' } }));

  /** @param {HTMLElement} form */
  const checkedRoles = (form) => /** @type {api.Role[]} */ ([...form.querySelectorAll('input[name=role]:checked')].map((x) => /** @type {HTMLInputElement} */ (x).value));
  /** @param {HTMLElement} form @param {string} name */
  const val = (form, name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name="${name}"]`)).value;

  /** @param {api.UserAccount | null} user */
  function edit(user) {
    const error = h('div', { class: 'error-box', role: 'alert', hidden: true });
    const form = h('form', { id: 'user-form', novalidate: true, onSubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      clearFieldErrors(form);
      try {
        if (user) {
          const disabled = /** @type {HTMLInputElement} */ (form.querySelector('[name=disabled]')).checked;
          await api.usersUpdate(user.id, { display_name: val(form, 'display_name'), roles: checkedRoles(form), disabled, password: val(form, 'password') });
          toast(t('users.saved', { name: val(form, 'display_name') }));
        } else {
          await api.usersCreate({ login: val(form, 'login'), display_name: val(form, 'display_name'), password: val(form, 'password'), roles: checkedRoles(form) });
          toast(t('users.created', { name: val(form, 'display_name') }));
        }
        panel.hidden = true;
        await load();
      } catch (err) { showError(form, error, err); }
    } },
      h('h2', null, user ? t('users.edit', { name: user.display_name }) : t('users.add')),
      error,
      h('div', { class: 'field-grid' },
        user ? h('div', { class: 'field' }, h('label', null, t('field.login')), h('div', { class: 'mono' }, user.login))
          : field('login', t('field.login'), { autocapitalize: 'off' }),
        field('display_name', t('field.display_name'), { value: user?.display_name || '' }),
        field('password', user ? t('users.new_password') : t('field.password'), { type: 'password', autocomplete: 'new-password' })),
      roleBoxes(user?.roles || ['channel']),
      user && h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'disabled', checked: user.disabled, dataset: { field: 'disabled' } }), t('users.disabled')),
      user && h('div', { class: 'field-error', dataset: { for: 'disabled' } }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', onClick: () => { panel.hidden = true; } }, t('action.cancel')),
        h('button', { type: 'submit', class: 'primary', id: 'user-save' }, t('action.save'))));
    panel.hidden = false;
    replace(panel, form);
    /** @type {HTMLInputElement} */ (form.querySelector('input:not([type=checkbox])')).focus();
  }

  async function load() {
    try {
      const accounts = await api.usersAccounts();
      replace(listBox, h('table', { class: 'grid', id: 'users-table' },
        h('thead', null, h('tr', null, ...['display_name', 'login', 'roles', 'state', 'updated_at'].map((k) => h('th', { scope: 'col' }, t(`users.col.${k}`))))),
        h('tbody', null, ...accounts.map((u) => h('tr', { dataset: { login: u.login }, onClick: () => edit(u) },
          h('td', null, u.display_name),
          h('td', { class: 'mono' }, u.login),
          h('td', null, ...u.roles.map((r) => h('span', { class: 'tag' }, t(`role.${r}`)))),
          h('td', null, u.disabled ? h('span', { class: 'badge status-terminated' }, t('users.state.disabled'))
            : u.has_password ? h('span', { class: 'badge status-active' }, t('users.state.active'))
              : h('span', { class: 'badge' }, t('users.state.no_password'))),
          h('td', { class: 'muted small' }, formatTime(u.updated_at)))))));
    } catch (e) { replace(listBox, h('div', { class: 'error-box' }, errorText(e))); }
  }

  replace(main, h('div', { class: 'page' },
    h('header', { class: 'page-head' },
      h('h1', null, t('nav.users')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'user-add', onClick: () => edit(null) }, t('users.add')))),
    h('p', { class: 'muted' }, t('users.hint')),
    panel, h('section', { class: 'card' }, listBox)));
  await load();
  return {};
}
