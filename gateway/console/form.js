// A credential form rendered from the JSON Schema that `modelrt schema PROVIDER` prints:
// `x-field-order` gives the order, `x-form-type` the widget, `x-show-on` when a field applies.

import { h } from './dom.js';

/** The variable naming the model type; the provider-wide form ignores conditions on it. */
const MODEL_TYPE_VARIABLE = '__model_type';

/**
 * Renders `schema` (an object schema) as form fields. Returns `{element, values}`, where
 * `values()` gives the filled-in fields that currently apply: strings, and booleans for
 * switches; empty fields are left out.
 */
export function credentialForm(schema, idPrefix) {
  const properties = schema.properties ?? {};
  const order = schema['x-field-order'] ?? Object.keys(properties);
  const required = new Set(schema.required ?? []);
  const fields = order
    .filter((name) => properties[name])
    .map((name) => field(name, properties[name], required.has(name), idPrefix));
  const element = h('div', { class: 'fields' }, fields.map((f) => f.row));

  const current = () => {
    const values = {};
    for (const f of fields) values[f.name] = f.read();
    return values;
  };
  const applies = (conditions, values) => (conditions ?? [])
    .filter((c) => c.variable !== MODEL_TYPE_VARIABLE)
    .every((c) => String(values[c.variable] ?? '') === c.value);
  const refresh = () => {
    const values = current();
    for (const f of fields) {
      f.row.hidden = !applies(f.schema['x-show-on'], values);
      f.filterOptions((conditions) => applies(conditions, values));
    }
  };
  element.addEventListener('change', refresh);
  element.addEventListener('input', refresh);
  refresh();

  return {
    element,
    values() {
      const values = {};
      for (const f of fields) {
        if (f.row.hidden) continue;
        const value = f.read();
        if (value !== '' && value !== undefined) values[f.name] = value;
      }
      return values;
    },
  };
}

/** One field: its row, how to read it, and how to hide options that do not apply. */
function field(name, schema, required, idPrefix) {
  const id = `${idPrefix}-${name}`;
  const formType = schema['x-form-type'] ?? (schema.type === 'boolean' ? 'switch' : 'text-input');
  const title = schema.title ?? name;
  const hint = schema.description;
  const mark = required ? h('span', { class: 'required', title: 'required' }, '*') : null;
  let input;
  let read;
  let filterOptions = () => {};

  if (formType === 'switch' || schema.type === 'boolean') {
    input = h('input', { id, name, type: 'checkbox', checked: schema.default === true });
    read = () => input.checked;
    const row = h('div', { class: 'field switch' },
      h('label', { for: id }, input, h('span', {}, title), mark),
      hint && h('small', { class: 'hint' }, hint));
    return { name, schema, row, read, filterOptions };
  }

  if (Array.isArray(schema.enum)) {
    const labels = schema['x-enum-labels'] ?? {};
    const optionConditions = schema['x-option-show-on'] ?? {};
    const options = schema.enum.map((value) => h('option', {
      value, selected: value === schema.default,
    }, labels[value] ?? value));
    if (!required && schema.default === undefined) {
      options.unshift(h('option', { value: '' }, '—'));
    }
    input = h('select', { id, name }, options);
    read = () => input.value;
    filterOptions = (applies) => {
      for (const option of input.options) {
        option.hidden = option.value !== '' && !applies(optionConditions[option.value]);
      }
    };
  } else {
    input = h('input', {
      id,
      name,
      type: isSecret(schema) ? 'password' : 'text',
      autocomplete: isSecret(schema) ? 'new-password' : 'off',
      spellcheck: 'false',
      placeholder: hint ?? '',
      maxlength: schema.maxLength,
      value: schema.default,
    });
    read = () => input.value.trim();
  }
  const row = h('div', { class: 'field' },
    h('label', { for: id }, title, mark),
    input,
    isSecret(schema) && h('small', { class: 'hint' }, 'Secret: never shown again once saved.'));
  return { name, schema, row, read, filterOptions };
}

function isSecret(schema) {
  return schema['x-form-type'] === 'secret-input' || schema.writeOnly === true;
}
