// Keys: virtual keys with their limits and budget use (GET/POST /admin/keys,
// DELETE /admin/keys/{id} revokes).

import { api } from './api.js';
import { h, replace, notice, loadFailure, money, count, when } from './dom.js';

export async function render(page) {
  const table = h('div', { id: 'keys-table' }, notice('info', 'Loading keys…'));
  const created = h('div', { id: 'key-created' });
  replace(page,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Keys'),
      h('p', { class: 'muted' }, 'Virtual keys for clients of /v1. The gateway stores only a hash: '
        + 'a new key is shown once.')),
    h('div', { class: 'keys' }, createForm(created, () => load(table)), h('div', {}, created, table)));
  await load(table);
}

async function load(table) {
  let keys;
  try {
    keys = (await api('GET', '/admin/keys')).data;
  } catch (error) {
    replace(table, loadFailure(error, 'the keys list'));
    return;
  }
  if (keys.length === 0) {
    replace(table, h('div', { class: 'card empty' }, 'No keys yet.'));
    return;
  }
  replace(table, h('div', { class: 'card table-card' }, h('table', {},
    h('thead', {}, h('tr', {},
      ['Name', 'Models', 'Limits', 'Budget use', 'Expires', 'Created', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, keys.map((key) => keyRow(key, () => load(table)))))));
}

function keyRow(key, reload) {
  const revoke = h('button', {
    type: 'button',
    class: 'danger small',
    'data-revoke': key.id,
    onclick: async () => {
      if (!confirm(`Revoke the key "${key.name}"? Clients using it are refused at once.`)) return;
      revoke.disabled = true;
      try {
        await api('DELETE', `/admin/keys/${encodeURIComponent(key.id)}`);
        await reload();
      } catch (error) {
        revoke.replaceWith(notice('error', error.message));
      }
    },
  }, 'Revoke');
  const limits = [
    key.rpm != null && `${count(key.rpm)} req/min`,
    key.tpm != null && `${count(key.tpm)} tok/min`,
  ].filter(Boolean);
  return h('tr', { class: key.revoked ? 'revoked' : '', 'data-key': key.id },
    h('td', {}, h('strong', {}, key.name), h('br'), h('code', { class: 'muted' }, key.id)),
    h('td', {}, key.models?.length ? key.models.join(', ') : h('span', { class: 'muted' }, 'all')),
    h('td', { class: 'nowrap' }, limits.length ? limits.join(' · ') : h('span', { class: 'muted' }, 'none')),
    h('td', {}, budgetUse(key)),
    h('td', { class: 'nowrap' }, key.expires_at ? when(key.expires_at) : h('span', { class: 'muted' }, 'never')),
    h('td', {}, when(key.created_at)),
    h('td', {}, key.revoked ? h('span', { class: 'badge' }, 'revoked') : revoke));
}

/** Spent against the budget of the current period, as a bar. */
function budgetUse(key) {
  const spent = money(key.spent ?? '0', key.currency);
  if (!key.budget) return h('span', {}, spent, h('span', { class: 'muted' }, ' (no budget)'));
  const share = Math.min(1, Number(key.spent ?? 0) / Number(key.budget.limit || 1));
  const bar = h('div', { class: share >= 0.9 ? 'meter hot' : 'meter' }, h('div', { class: 'meter-fill' }));
  bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
  return h('div', {},
    h('span', {}, `${spent} of ${money(key.budget.limit, key.currency)} ${key.budget.period}`),
    bar);
}

/** The form creating a key; the plaintext key is shown once, in `created`. */
function createForm(created, reload) {
  const input = (id, label, attributes = {}) => {
    const element = h('input', { id, name: id, ...attributes });
    return { element, row: h('div', { class: 'field' }, h('label', { for: id }, label), element) };
  };
  const name = input('key-name', 'Name', { required: true, placeholder: 'e.g. team-search' });
  const models = input('key-models', 'Models (comma-separated; empty: all)', { placeholder: 'alias or provider/model*' });
  const rpm = input('key-rpm', 'Requests / minute', { type: 'number', min: 1 });
  const tpm = input('key-tpm', 'Tokens / minute', { type: 'number', min: 1 });
  const budget = input('key-budget', 'Budget', { inputmode: 'decimal', placeholder: 'e.g. 12.50' });
  const period = h('select', { id: 'key-period', 'aria-label': 'Budget period' },
    ['daily', 'weekly', 'monthly'].map((p) => h('option', { value: p, selected: p === 'monthly' }, p)));
  const expires = input('key-expires', 'Expires', { type: 'datetime-local' });
  const status = h('div', { class: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'create-key' }, 'Create key');

  return h('form', {
    class: 'card',
    onsubmit: async (event) => {
      event.preventDefault();
      const body = { name: name.element.value.trim() };
      const list = models.element.value.split(',').map((m) => m.trim()).filter(Boolean);
      if (list.length) body.models = list;
      if (rpm.element.value) body.rpm = Number(rpm.element.value);
      if (tpm.element.value) body.tpm = Number(tpm.element.value);
      if (budget.element.value.trim()) body.budget = { limit: budget.element.value.trim(), period: period.value };
      if (expires.element.value) body.expires_at = new Date(expires.element.value).toISOString();
      submit.disabled = true;
      replace(status);
      try {
        const answer = await api('POST', '/admin/keys', body);
        event.target.reset();
        showKey(created, answer);
        await reload();
      } catch (error) {
        replace(status, notice('error', `Not created: ${error.message}`));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h2', {}, 'New key'),
  name.row, models.row,
  h('div', { class: 'two' }, rpm.row, tpm.row),
  h('div', { class: 'two' }, budget.row, h('div', { class: 'field' }, h('label', { for: 'key-period' }, 'Period'), period)),
  expires.row,
  h('div', { class: 'actions' }, submit),
  status);
}

function showKey(created, answer) {
  const value = h('code', { id: 'new-key', class: 'secret-value' }, answer.key);
  const copy = h('button', {
    type: 'button',
    class: 'ghost small',
    onclick: async () => {
      await navigator.clipboard?.writeText(answer.key);
      copy.textContent = 'Copied';
    },
  }, 'Copy');
  replace(created, h('div', { class: 'card callout' },
    h('strong', {}, `Key "${answer.name}" created.`),
    h('p', {}, 'Copy it now: it is not shown again.'),
    h('div', { class: 'secret-row' }, value, copy)));
}
