import * as vscode from 'vscode';
import { checkSettings, describeModelError } from '../core/model/errors';
import { listModels } from '../core/model/openaiClient';
import type { ProviderId, SetupState, WebviewToHost } from '../shared/protocol';
import { API_KEY_SECRET, readModelSettings } from './settings';

/** Where each provider's OpenAI-compatible API usually lives. */
export const PROVIDER_PRESETS: Record<ProviderId, { baseUrl: string; needsKey: boolean }> = {
  openai: { baseUrl: '', needsKey: true },
  azure: { baseUrl: 'https://YOUR-RESOURCE.openai.azure.com/openai/v1', needsKey: true },
  ollama: { baseUrl: 'http://localhost:11434/v1', needsKey: false },
  lmstudio: { baseUrl: 'http://localhost:1234/v1', needsKey: false },
  vllm: { baseUrl: 'http://localhost:8000/v1', needsKey: false },
  custom: { baseUrl: '', needsKey: false },
};

const DISMISSED_KEY = 'fixpoint.setupDone';

function providerOf(baseUrl: string | undefined): ProviderId {
  if (!baseUrl) return 'openai';
  const match = (Object.entries(PROVIDER_PRESETS) as Array<[ProviderId, { baseUrl: string }]>).find(([, p]) => p.baseUrl && baseUrl.startsWith(p.baseUrl));
  if (match) return match[0];
  return baseUrl.includes('.openai.azure.com') ? 'azure' : 'custom';
}

/**
 * The onboarding card: pick a provider, store the key in Secret Storage, test the connection (which lists the
 * endpoint's models) and pick a model. Shown until a connection test succeeds or the user dismisses it.
 */
export class SetupController {
  private test: SetupState['test'];

  constructor(private readonly context: vscode.ExtensionContext, private readonly post: (state: SetupState) => void) {}

  async state(): Promise<SetupState> {
    const settings = await readModelSettings(this.context.secrets);
    const configured = !checkSettings(settings);
    return {
      visible: !this.context.globalState.get<boolean>(DISMISSED_KEY) && !(configured && this.test?.state === 'ok'),
      provider: providerOf(settings.baseURL),
      baseUrl: settings.baseURL ?? '',
      model: settings.model,
      hasKey: !!settings.apiKey,
      test: this.test,
    };
  }

  async handle(msg: Extract<WebviewToHost, { type: 'setup' }>): Promise<void> {
    const config = vscode.workspace.getConfiguration('fixpoint');
    switch (msg.action) {
      case 'saveKey':
        if (msg.key.trim()) await this.context.secrets.store(API_KEY_SECRET, msg.key.trim());
        else await this.context.secrets.delete(API_KEY_SECRET);
        break;
      case 'configure':
        await config.update('baseUrl', msg.provider === 'openai' ? '' : msg.baseUrl.trim(), vscode.ConfigurationTarget.Global);
        if (msg.model?.trim()) await config.update('model', msg.model.trim(), vscode.ConfigurationTarget.Global);
        break;
      case 'testConnection':
        await this.testConnection();
        break;
      case 'dismiss':
        await this.context.globalState.update(DISMISSED_KEY, true);
        break;
    }
    this.post(await this.state());
  }

  private async testConnection(): Promise<void> {
    this.test = { state: 'testing' };
    this.post(await this.state());
    const settings = await readModelSettings(this.context.secrets);
    const problem = checkSettings({ ...settings, model: settings.model || 'unset' });
    if (problem) {
      this.test = { state: 'error', message: problem.message, fix: problem.fix };
      return;
    }
    try {
      const models = await listModels(settings);
      this.test = { state: 'ok', models };
      if (settings.model && models.length && !models.includes(settings.model)) {
        this.test = { state: 'error', message: `Connected, but the model "${settings.model}" is not among the ${models.length} models the endpoint lists.`, fix: 'Pick one of the listed models.', models };
      }
    } catch (err) {
      const described = describeModelError(err, settings);
      this.test = { state: 'error', message: described.message, fix: described.fix };
    }
  }
}
