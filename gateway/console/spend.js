// Spend: charts by day and by model or provider (GET /admin/spend), and the recent
// requests (GET /admin/spend/logs).

import { api } from './api.js';
import { h, replace, notice, loadFailure, money, count, when } from './dom.js';
import { columnChart, barChart } from './chart.js';

/** Days shown on the chart by day, per period. */
const PERIOD_DAYS = { '24h': 2, '7d': 7, '30d': 30 };

const METRICS = {
  cost: { label: 'Cost', value: (row) => Number(row.cost) },
  requests: { label: 'Requests', value: (row) => row.requests },
  tokens: { label: 'Tokens', value: (row) => row.prompt_tokens + row.completion_tokens },
};

export async function render(page) {
  const since = select('spend-since', 'Period', { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' }, '7d');
  const by = select('spend-by', 'Group by', { model: 'Model', provider: 'Provider', key: 'Key' }, 'model');
  const metric = select('spend-metric', 'Measure', Object.fromEntries(
    Object.entries(METRICS).map(([name, m]) => [name, m.label])), 'cost');
  const body = h('div', { id: 'spend-body' }, notice('info', 'Loading spend…'));
  const draw = () => load(body, since.control.value, by.control.value, metric.control.value);
  for (const s of [since, by, metric]) s.control.addEventListener('change', draw);
  replace(page,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Spend'),
      h('div', { class: 'controls' }, since.row, by.row, metric.row,
        h('button', { type: 'button', class: 'ghost', id: 'spend-refresh', onclick: draw }, 'Refresh'))),
    body);
  await draw();
}

function select(id, label, options, chosen) {
  const control = h('select', { id }, Object.entries(options).map(([value, text]) =>
    h('option', { value, selected: value === chosen }, text)));
  return { control, row: h('label', { class: 'control' }, h('span', {}, label), control) };
}

async function load(body, since, by, metricName) {
  let byDay;
  let byGroup;
  let logs;
  try {
    [byDay, byGroup, logs] = await Promise.all([
      api('GET', `/admin/spend?by=day&since=${since}`),
      api('GET', `/admin/spend?by=${by}&since=${since}`),
      api('GET', '/admin/spend/logs?limit=50'),
    ]);
  } catch (error) {
    replace(body, loadFailure(error, 'spend'));
    return;
  }
  const currency = byDay.currency ?? 'USD';
  const metric = METRICS[metricName];
  const format = metricName === 'cost' ? (v) => money(trimZeros(v), currency) : (v) => count(Math.round(v));
  const totals = byDay.data.reduce((sum, row) => ({
    requests: sum.requests + row.requests,
    tokens: sum.tokens + row.prompt_tokens + row.completion_tokens,
    cost: addDecimals(sum.cost, row.cost),
  }), { requests: 0, tokens: 0, cost: '0' });
  const days = everyDay(byDay.data, PERIOD_DAYS[since]);
  replace(body,
    h('div', { class: 'stats' },
      stat('Requests', count(totals.requests)),
      stat('Tokens', count(totals.tokens)),
      stat('Cost', money(totals.cost, currency))),
    h('div', { class: 'charts' },
      h('section', { class: 'card', id: 'chart-by-day' },
        h('h2', {}, `${metric.label} by day`),
        columnChart(days.map((row) => ({ label: row.group.slice(5), value: metric.value(row) })),
          { format, title: `${metric.label} by day`, integer: metricName !== 'cost' })),
      h('section', { class: 'card', id: 'chart-by-group' },
        h('h2', {}, `${metric.label} by ${by}`),
        barChart(byGroup.data.map((row) => ({ label: row.group, value: metric.value(row) })),
          { format, title: `${metric.label} by ${by}` }))),
    h('section', { class: 'card table-card', id: 'recent-requests' },
      h('h2', {}, 'Recent requests'),
      logs.data.length === 0
        ? h('p', { class: 'muted' }, 'No requests yet.')
        : h('table', {},
          h('thead', {}, h('tr', {}, ['Time', 'Key', 'Model', 'Tokens in / out', 'Cost', 'Latency', 'Status']
            .map((t) => h('th', {}, t)))),
          h('tbody', {}, logs.data.map((row) => logRow(row, currency))))));
}

function logRow(row, currency) {
  const failed = row.status !== 'ok' && row.status !== 'success' && !(row.status >= 200 && row.status < 300);
  return h('tr', {},
    h('td', {}, when(row.time)),
    h('td', {}, row.key_name ?? h('span', { class: 'muted' }, '—')),
    h('td', {}, h('code', {}, `${row.provider}/${row.model}`),
      row.alias && row.alias !== `${row.provider}/${row.model}` && h('span', { class: 'muted' }, ` via ${row.alias}`)),
    h('td', { class: 'num' }, `${count(row.prompt_tokens)} / ${count(row.completion_tokens)}`),
    h('td', { class: 'num' }, money(row.cost, currency)),
    h('td', { class: 'num' }, row.latency_ms != null ? `${count(row.latency_ms)} ms` : '—'),
    h('td', {}, h('span', { class: failed ? 'badge bad' : 'badge ok' },
      failed && row.error_kind ? `${row.status} ${row.error_kind}` : String(row.status))));
}

/** The rows by day (`YYYY-MM-DD`, UTC) for each of the last `count` days, zero where none. */
function everyDay(rows, count) {
  const byDate = new Map(rows.map((row) => [row.group, row]));
  const days = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    const date = new Date(Date.now() - back * 86400000).toISOString().slice(0, 10);
    days.push(byDate.get(date) ?? {
      group: date, requests: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cost: '0',
    });
  }
  return days;
}

function stat(label, value) {
  return h('div', { class: 'card stat' }, h('span', { class: 'muted' }, label), h('strong', {}, value));
}

/** Adds two decimal strings exactly (money is never a float here). */
function addDecimals(a, b) {
  const [ai, af = ''] = String(a).split('.');
  const [bi, bf = ''] = String(b).split('.');
  const scale = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A chart axis value, without float noise. */
function trimZeros(value) {
  return Number(value.toPrecision(6)).toString();
}
