// Providers: each provider's credential form, validated with a real call through
// PUT /admin/providers/{id}/credentials, and the models it makes callable.

import { api } from './api.js';
import { h, replace, notice, loadFailure } from './dom.js';
import { credentialForm } from './form.js';

export async function render(page) {
  replace(page, h('h1', {}, 'Providers'), notice('info', 'Loading providers…'));
  let providers;
  try {
    providers = (await api('GET', '/admin/providers')).data;
  } catch (error) {
    replace(page, h('h1', {}, 'Providers'), loadFailure(error, 'the providers list'));
    return;
  }
  const detail = h('section', { class: 'card provider-detail', id: 'provider-detail' });
  const list = h('ul', { class: 'provider-list', id: 'provider-list' });
  const filter = h('input', {
    type: 'search', placeholder: 'Filter providers', class: 'filter', 'aria-label': 'Filter providers',
  });
  const configuredCount = providers.filter((p) => p.configured).length;
  const named = location.hash.split('/')[2];
  let selected = providers.some((p) => p.id === named)
    ? named
    : (providers.find((p) => p.configured) ?? providers[0])?.id;

  const drawList = () => {
    const needle = filter.value.trim().toLowerCase();
    replace(list, providers
      .filter((p) => !needle || p.id.includes(needle) || p.label.toLowerCase().includes(needle))
      .map((p) => h('li', {},
        h('button', {
          type: 'button',
          class: p.id === selected ? 'provider-item active' : 'provider-item',
          'data-provider': p.id,
          onclick: () => { selected = p.id; drawList(); drawDetail(); },
        },
        h('span', { class: 'provider-name' }, p.label),
        h('span', { class: p.configured ? 'badge ok' : 'badge' },
          p.configured ? plural(p.callable_models.length, 'model') : 'not set')))));
  };
  const drawDetail = () => {
    const provider = providers.find((p) => p.id === selected);
    if (provider) providerDetail(detail, provider, (answer) => {
      provider.configured = answer.configured;
      provider.callable_models = answer.callable_models;
      drawList();
    });
  };
  filter.addEventListener('input', drawList);
  drawList();
  drawDetail();
  replace(page,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Providers'),
      h('p', { class: 'muted' }, `${providers.length} providers, ${configuredCount} configured. `
        + 'Credentials set here are checked with a real call and kept in the gateway\'s memory.')),
    h('div', { class: 'providers' }, h('aside', { class: 'card' }, filter, list), detail));
}

/** The form of one provider, its status and its callable models. */
function providerDetail(container, provider, onSaved) {
  const schema = provider.schema;
  const form = credentialForm(schema, 'cred');
  const status = h('div', { class: 'status', id: 'provider-status' });
  const models = h('div', { id: 'callable-models' });
  const drawModels = (ids) => replace(models,
    h('h3', {}, `Callable models (${ids.length})`),
    ids.length
      ? h('ul', { class: 'chips' }, ids.map((id) => h('li', { class: 'chip' }, id)))
      : h('p', { class: 'muted' }, 'None yet: fill in the credentials and validate them.'));
  drawModels(provider.callable_models);

  // A provider whose models are all customizable may need one named to be checked.
  const modelTypes = Object.keys(schema.$defs ?? {}).map((name) => name.replace('model_credentials_', ''));
  const probeModel = h('input', {
    id: 'probe-model', type: 'text', placeholder: 'optional: a model to check with', spellcheck: 'false',
  });
  const probeType = h('select', { id: 'probe-type', 'aria-label': 'Model type' },
    modelTypes.map((type) => h('option', { value: type }, type)));
  const probe = modelTypes.length > 0 && h('details', { class: 'probe' },
    h('summary', {}, 'Check with a specific model'),
    h('div', { class: 'field inline' }, probeModel, probeType));

  const badge = h('span', { class: provider.configured ? 'badge ok' : 'badge', id: 'provider-badge' },
    provider.configured ? 'configured' : 'not configured');
  const submit = h('button', { type: 'submit', class: 'primary', id: 'validate' }, 'Validate and save');
  const element = h('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      replace(status, notice('info', 'Asking the provider…'));
      const body = { credentials: form.values() };
      if (probeModel.value.trim()) {
        body.model = probeModel.value.trim();
        body.model_type = probeType.value;
      }
      try {
        const answer = await api('PUT', `/admin/providers/${encodeURIComponent(provider.id)}/credentials`, body);
        replace(status, notice('ok',
          `Accepted by ${provider.label}: ${plural(answer.callable_models.length, 'model')} callable.`));
        drawModels(answer.callable_models);
        badge.className = 'badge ok';
        badge.textContent = 'configured';
        onSaved(answer);
      } catch (error) {
        replace(status, notice('error', `Not saved: ${error.message}`));
      } finally {
        submit.disabled = false;
      }
    },
  }, form.element, probe, h('div', { class: 'actions' }, submit), status);

  replace(container,
    h('div', { class: 'detail-head' },
      h('div', {},
        h('h2', {}, provider.label),
        h('code', { class: 'muted' }, provider.id)),
      badge),
    schema.description && h('p', { class: 'muted' }, schema.description),
    element,
    models);
}

/** `1 model`, `2 models`. */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
