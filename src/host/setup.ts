import * as vscode from 'vscode';
import { checkSettings } from '../core/model/errors';
import { OpenAIModelClient } from '../core/model/openaiClient';
import { runSelfTest, type SelfTestReport } from '../core/model/selfTest';
import { discoverLocalServers, type LocalServer } from '../core/model/localServers';
import { isProviderId, PROVIDER_PRESETS, providerOf } from '../core/model/providers';
import type { SetupState, WebviewToHost } from '../shared/protocol';
import { sandboxReport } from './sandboxStatus';
import { API_KEY_SECRET, readModelSettings, type ApiKeyCache } from './settings';

const DISMISSED_KEY = 'fixpoint.setupDone';

/**
 * The onboarding card: pick a provider, store the key in Secret Storage, test the connection (which lists the
 * endpoint's models) and pick a model. Shown until a connection test succeeds or the user dismisses it.
 */
export class SetupController {
  private test: SetupState['test'];
  private localServers: Promise<LocalServer[]> | undefined;
  private configError = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly apiKeys: ApiKeyCache,
    private readonly post: (state: SetupState) => void,
  ) {}

  async state(): Promise<SetupState> {
    const [settings, sandbox] = await Promise.all([readModelSettings(this.apiKeys), sandboxReport()]);
    const configured = !checkSettings(settings);
    // Nothing set up yet (no endpoint, no key): look for local servers once, to offer them in one click.
    const unconfigured = !settings.baseURL && !settings.apiKey;
    if (unconfigured) this.localServers ??= discoverLocalServers().catch(() => []);
    return {
      // Shown while Fixpoint cannot work yet (no key for OpenAI, no model…), and once a test has started, until
      // the user hides it (so the result, and the model list, stay readable).
      visible: !this.context.globalState.get<boolean>(DISMISSED_KEY) && (!configured || this.test !== undefined),
      providers: PROVIDER_PRESETS.map((p) => ({ ...p })),
      provider: providerOf(settings.baseURL),
      baseUrl: settings.baseURL ?? '',
      model: settings.model,
      hasKey: !!settings.apiKey,
      test: this.test,
      localServers: unconfigured ? await this.localServers : undefined,
      sandbox: {
        ok: sandbox.ok,
        summary: sandbox.summary,
        problems: sandbox.checks.filter((c) => !c.ok).map(({ name, detail, fix }) => ({ name, detail, fix })),
      },
    };
  }

  async handle(msg: Extract<WebviewToHost, { type: 'setup' }>): Promise<void> {
    const config = vscode.workspace.getConfiguration('fixpoint');
    switch (msg.action) {
      case 'saveKey':
        if (msg.key.trim()) await this.context.secrets.store(API_KEY_SECRET, msg.key.trim());
        else await this.context.secrets.delete(API_KEY_SECRET);
        this.apiKeys.refresh();
        break;
      case 'configure':
        if (!isProviderId(msg.provider)) break; // Not one the card offered: a forged message.
        if (msg.provider !== 'openai' && !/^https?:\/\/[^\s]+$/i.test(msg.baseUrl.trim())) {
          this.test = {
            state: 'error',
            message: `"${msg.baseUrl}" is not an http(s) URL.`,
            fix: "Enter the server's API root, e.g. http://localhost:11434/v1.",
          };
          this.configError = true;
          break;
        }
        this.configError = false;
        await config.update('baseUrl', msg.provider === 'openai' ? '' : msg.baseUrl.trim(), vscode.ConfigurationTarget.Global);
        if (msg.model?.trim()) await config.update('model', msg.model.trim(), vscode.ConfigurationTarget.Global);
        break;
      case 'testConnection':
        // A configuration the card just refused is not tested (the old one would be, misleadingly).
        if (!this.configError) await this.testConnection();
        break;
      case 'dismiss':
        await this.context.globalState.update(DISMISSED_KEY, true);
        break;
    }
    this.post(await this.state());
  }

  /** The self-test (the card's "Save and test connection", and Fixpoint: Test Connection). */
  async testConnection(): Promise<SelfTestReport | undefined> {
    this.test = { state: 'testing' };
    this.post(await this.state());
    const settings = await readModelSettings(this.apiKeys);
    const problem = checkSettings({ ...settings, model: settings.model || 'unset' });
    if (problem) {
      this.test = { state: 'error', message: problem.message, fix: problem.fix };
      return undefined;
    }
    const configured = vscode.workspace.getConfiguration('fixpoint').get<number>('contextWindow');
    const report = await runSelfTest(settings, new OpenAIModelClient(settings), AbortSignal.timeout(120_000), configured);
    const failed = report.checks.find((c) => c.ok === false);
    this.test = failed
      ? { state: 'error', message: `${failed.name}: ${failed.detail}`, fix: failed.fix, models: report.models, checks: report.checks }
      : { state: 'ok', models: report.models, checks: report.checks };
    return report;
  }
}
