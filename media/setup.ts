import type { SetupState, WebviewToHost } from '../src/shared/protocol';

/** The onboarding card: provider presets, API key, "Test connection" (lists models) and a model picker. */
export class SetupCard {
  readonly element: HTMLElement;

  constructor(private readonly send: (msg: WebviewToHost) => void) {
    this.element = document.createElement('section');
    this.element.className = 'setup';
    this.element.setAttribute('aria-label', 'Set up Fixpoint');
    this.element.hidden = true;
  }

  render(state: SetupState): void {
    this.element.hidden = !state.visible;
    if (!state.visible) return;
    const providers = state.providers;
    const preset = providers.find((p) => p.id === state.provider) ?? providers[0];
    const models = state.test && 'models' in state.test ? (state.test.models ?? []) : [];
    this.element.innerHTML = `
      <div class="title">Set up Fixpoint</div>
      <label>Provider <select class="provider">${providers.map((p) => `<option value="${p.id}">${p.label}</option>`).join('')}</select></label>
      <label>Base URL <input class="base-url" type="url" placeholder="https://api.openai.com/v1"></label>
      <label>API key <input class="api-key" type="password" autocomplete="off"></label>
      <label>Model <input class="model" list="setup-models"><datalist id="setup-models"></datalist></label>
      <div class="row-actions">
        <button class="test">Save and test connection</button>
        <button class="secondary dismiss">Hide</button>
      </div>
      <div class="local"></div>
      <div class="result" role="status" aria-live="polite"></div>
      <div class="sandbox"></div>`;
    const q = <T extends HTMLElement>(sel: string) => this.element.querySelector<T>(sel)!;
    const provider = q<HTMLSelectElement>('.provider');
    const baseUrl = q<HTMLInputElement>('.base-url');
    const key = q<HTMLInputElement>('.api-key');
    const model = q<HTMLInputElement>('.model');
    provider.value = preset.id;
    baseUrl.value = state.baseUrl || preset.baseUrl;
    baseUrl.disabled = preset.id === 'openai';
    key.placeholder = state.hasKey
      ? 'stored in Secret Storage (leave empty to keep)'
      : preset.needsKey
        ? 'required'
        : 'not needed for local servers';
    model.value = state.model;
    q('#setup-models').replaceChildren(...models.map((m) => Object.assign(document.createElement('option'), { value: m })));
    provider.addEventListener('change', () => {
      const next = providers.find((p) => p.id === provider.value)!;
      baseUrl.value = next.baseUrl;
      baseUrl.disabled = next.id === 'openai';
    });
    q('.test').addEventListener('click', () => {
      if (key.value) this.send({ type: 'setup', action: 'saveKey', key: key.value });
      this.send({ type: 'setup', action: 'configure', provider: provider.value, baseUrl: baseUrl.value, model: model.value });
      this.send({ type: 'setup', action: 'testConnection' });
    });
    q('.dismiss').addEventListener('click', () => this.send({ type: 'setup', action: 'dismiss' }));
    const local = q('.local');
    for (const server of state.localServers ?? []) {
      const row = document.createElement('div');
      row.className = 'local-server';
      const model = server.models[0] ?? '';
      row.textContent = `Found ${server.label} at ${server.baseUrl} (${server.models.length} model${server.models.length === 1 ? '' : 's'}) `;
      const use = document.createElement('button');
      use.textContent = model ? `Use ${model}` : 'Use it';
      use.addEventListener('click', () => {
        this.send({ type: 'setup', action: 'configure', provider: server.provider, baseUrl: server.baseUrl, model });
        this.send({ type: 'setup', action: 'testConnection' });
      });
      row.append(use);
      local.append(row);
    }
    const sandbox = q('.sandbox');
    if (state.sandbox) {
      sandbox.className = state.sandbox.ok ? 'sandbox' : 'sandbox warning';
      sandbox.textContent = `Sandbox: ${state.sandbox.summary}`;
      for (const problem of state.sandbox.problems) {
        const line = document.createElement('div');
        line.textContent = `✗ ${problem.name}: ${problem.detail}${problem.fix ? ` — fix: ${problem.fix}` : ''}`;
        sandbox.append(line);
      }
    }
    const result = q('.result');
    const test = state.test;
    if (test?.state === 'testing') result.textContent = 'Testing…';
    else if (test?.state === 'ok') result.textContent = `Connected: ${test.models.length} model(s) available. Pick one above if needed.`;
    else if (test?.state === 'error') {
      result.className = 'result error';
      result.textContent = `${test.message}${test.fix ? ` ${test.fix}` : ''}`;
    }
    const checks = test && 'checks' in test ? (test.checks ?? []) : [];
    if (checks.length) {
      const list = document.createElement('ul');
      list.className = 'checks';
      for (const check of checks) {
        const item = document.createElement('li');
        item.className = check.ok === true ? 'ok' : check.ok === false ? 'failed' : 'info';
        item.textContent = `${check.ok === true ? '✓' : check.ok === false ? '✗' : '–'} ${check.name}: ${check.detail}${check.fix ? ` — ${check.fix}` : ''}`;
        list.append(item);
      }
      result.append(list);
    }
  }
}
