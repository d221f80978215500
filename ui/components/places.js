// @ts-check
/**
 * Places by GB/T 2260 division (issue 23): a province, then one of its prefecture-level cities
 * (a municipality: one of its districts), then one of that city's districts or counties. The
 * lists come from the core (`reference_divisions`); codes are 2, 4 or 6 digits as the core's
 * territories and orders hold them. Used by the agreement's territory, the trade terms and the
 * order's customer.
 */
import { h, replace } from './dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { session } from '../app.js';

/** @type {Map<string, Promise<api.Division[]>>} */
const lists = new Map();

/** The divisions under `code`, asked once per code. @param {string} code */
function under(code) {
  let list = lists.get(code);
  if (!list) {
    list = api.referenceDivisions(code).catch(() => []);
    lists.set(code, list);
  }
  return list;
}

/** The name of a province code in the page's language (the code itself when unknown). @param {string} code */
export function provinceName(code) {
  const p = session.ref?.provinces.find((x) => x.code === code);
  return p ? (document.documentElement.lang === 'en' ? p.en : p.zh) : code;
}

/** The name of a place code: the province in the page's language, the rest as the standard writes it. @param {string} code */
export async function placeName(code) {
  if (code.length <= 2) return provinceName(code);
  const province = code.slice(0, 2);
  const cities = await under(province);
  const direct = cities.find((d) => d.code === code);
  const sep = document.documentElement.lang === 'en' ? ' ' : '';
  if (direct) return `${provinceName(province)}${sep}${direct.name}`;
  const city = cities.find((d) => d.code === code.slice(0, 4));
  const district = (await under(code.slice(0, 4))).find((d) => d.code === code);
  return district ? `${provinceName(province)}${sep}${city ? city.name : ''}${district.name}` : code;
}

/**
 * Three selects for one place. `value()` is the most exact code chosen ('' when no province).
 * `provinceField`/`areaField` name the fields the core's errors use (and the province select's
 * form name).
 * @param {{ id: string, province?: string, area?: string, provinceId?: string, provinceField?: string, areaField?: string, onChange?: () => void }} o
 */
export function placeSelects(o) {
  const province = /** @type {HTMLSelectElement} */ (h('select', { id: o.provinceId || `${o.id}-province`, name: o.provinceField, 'aria-label': t('place.province'), dataset: { field: o.provinceField || `${o.id}.province` } },
    h('option', { value: '' }, t('place.choose_province')),
    ...(session.ref?.provinces || []).map((p) => h('option', { value: p.code }, provinceName(p.code)))));
  const city = /** @type {HTMLSelectElement} */ (h('select', { id: `${o.id}-city`, 'aria-label': t('place.city'), disabled: true, dataset: o.areaField ? { field: o.areaField } : {} }));
  const district = /** @type {HTMLSelectElement} */ (h('select', { id: `${o.id}-district`, 'aria-label': t('place.district'), disabled: true }));
  /** Fills `select` with the divisions under `code`, choosing `chosen`. @param {HTMLSelectElement} select @param {string} code @param {string} empty @param {string} chosen */
  const fill = async (select, code, empty, chosen) => {
    const list = code ? await under(code) : [];
    replace(select, h('option', { value: '' }, empty), ...list.map((d) => h('option', { value: d.code, selected: d.code === chosen }, d.name)));
    select.disabled = list.length === 0;
  };
  province.addEventListener('change', async () => {
    await fill(city, province.value, t('place.any_city'), '');
    await fill(district, '', t('place.any_district'), '');
    o.onChange?.();
  });
  city.addEventListener('change', async () => {
    await fill(district, city.value.length === 4 ? city.value : '', t('place.any_district'), '');
    o.onChange?.();
  });
  district.addEventListener('change', () => o.onChange?.());
  const ready = (async () => {
    const area = o.area || '';
    province.value = o.province || area.slice(0, 2);
    await fill(city, province.value, t('place.any_city'), area.length >= 4 ? (area.length === 6 && !(await under(province.value)).some((d) => d.code === area) ? area.slice(0, 4) : area) : '');
    await fill(district, city.value.length === 4 ? city.value : '', t('place.any_district'), area.length === 6 ? area : '');
  })();
  return {
    /** @type {HTMLElement[]} */
    selects: [province, city, district],
    ready,
    province: () => province.value,
    /** The city or district chosen ('' when only the province). */
    area: () => district.value || city.value,
    /** The city or district chosen, as the lists name it ('' when only the province). */
    areaName: () => [city, district].filter((x) => x.value).map((x) => x.selectedOptions[0]?.textContent || '').join(''),
    value: () => district.value || city.value || province.value,
    reset: () => { province.value = ''; province.dispatchEvent(new Event('change')); },
  };
}

/**
 * A territory: places added one by one (a province, a city, a district), or the whole
 * country. `codes()` is `null` for the whole country.
 * @param {{ id: string, label: string, hint?: string, field: string, codes: string[] | null, emptyIsWhole?: boolean, onChange?: () => void }} o
 */
export function territoryPicker(o) {
  /** @type {string[]} */
  let codes = [...(o.codes || [])];
  const whole = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: `${o.id}-whole`, checked: o.codes === null }));
  const chips = h('ul', { class: 'chips', id: `${o.id}-chosen` });
  const picker = placeSelects({ id: `${o.id}-place` });
  const add = h('button', { type: 'button', id: `${o.id}-add`, class: 'small' }, t('place.add'));
  const row = h('div', { class: 'place-row' }, ...picker.selects, add);
  const draw = async () => {
    const names = await Promise.all(codes.map(placeName));
    replace(chips, ...codes.map((c, i) => h('li', { dataset: { code: c } }, names[i], ' ',
      h('button', { type: 'button', class: 'small link', 'aria-label': t('place.remove', { name: names[i] }), onClick: () => {
        codes.splice(i, 1);
        // Where no place means the whole country (the trade terms), removing the last says so.
        if (o.emptyIsWhole && !codes.length) whole.checked = true;
        changed();
      } }, '✕'))));
    chips.hidden = whole.checked;
    row.hidden = whole.checked;
  };
  const changed = () => { draw(); o.onChange?.(); };
  add.addEventListener('click', () => {
    const code = picker.value();
    if (!code) return;
    // A place inside one already chosen adds nothing; a wider one replaces those inside it.
    if (codes.some((c) => code.startsWith(c))) return;
    codes = [...codes.filter((c) => !c.startsWith(code)), code].sort();
    changed();
    picker.reset();
  });
  whole.addEventListener('change', changed);
  draw();
  const field = h('fieldset', { class: 'wide territory', id: o.id, dataset: { field: o.field } },
    h('legend', null, o.label, o.hint && h('span', { class: 'muted small' }, ' ', o.hint)),
    h('label', { class: 'check' }, whole, t('place.whole_country')),
    chips, row,
    h('div', { class: 'field-error', dataset: { for: o.field } }));
  return { field, codes: () => (whole.checked || (o.emptyIsWhole && !codes.length) ? null : [...codes]) };
}
