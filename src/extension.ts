import * as vscode from 'vscode';
import { ChatSession } from './core/agent/session';
import { systemPrompt } from './core/agent/prompts';
import { OpenAIModelClient } from './core/model/openaiClient';
import type { ViewState } from './shared/protocol';
import { ChatViewProvider, CHAT_VIEW_ID } from './host/chatViewProvider';
import { contextWindow, promptForApiKey, readModelSettings } from './host/settings';
import { askToFixPrompt } from './host/askToFix';

/** What the extension exports: a small API for other extensions and for the integration tests. */
export interface FixpointApi {
  prompt(text: string): Promise<void>;
  cancel(): void;
  newTask(): void;
  snapshot(): ViewState;
  /** How long activate() took, in ms (what VS Code's "Running Extensions" view reports). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): FixpointApi {
  const started = performance.now();
  const secrets = context.secrets;
  const setApiKey = async (): Promise<void> => {
    if (await promptForApiKey(secrets)) await session.refreshSettings();
  };
  const view = new ChatViewProvider(context.extensionUri, () => session, { setApiKey });
  const session = new ChatSession({
    resolveSettings: () => readModelSettings(secrets),
    createClient: (settings) => new OpenAIModelClient(settings),
    post: (msg) => view.post(msg),
    systemPrompt: async () => systemPrompt({ workspaceName: vscode.workspace.name }),
    contextWindow,
  });

  context.subscriptions.push(
    view,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('fixpoint.newTask', async () => {
      session.newTask();
      await view.reveal();
    }),
    vscode.commands.registerCommand('fixpoint.cancel', () => session.cancel()),
    vscode.commands.registerCommand('fixpoint.setApiKey', setApiKey),
    vscode.commands.registerCommand('fixpoint.askToFix', async () => {
      const prompt = askToFixPrompt(vscode.window.activeTextEditor);
      if (!prompt) {
        void vscode.window.showInformationMessage('Fixpoint: put the cursor on an error or warning to ask the agent to fix it.');
        return;
      }
      await view.reveal();
      await session.prompt(prompt);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fixpoint')) void session.refreshSettings();
    }),
  );

  const activationMs = performance.now() - started;
  return {
    prompt: (text) => session.prompt(text),
    cancel: () => session.cancel(),
    newTask: () => session.newTask(),
    snapshot: () => session.snapshot(),
    activationMs,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
