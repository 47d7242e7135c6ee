// Shared helpers for the integration suites (they run inside the VS Code extension host).
import * as vscode from 'vscode';
import type { FixpointApi } from '../../src/extension';
import type { ChatSession } from '../../src/core/agent/session';
import { EXTENSION_ID } from '../harness/constants';
import { FakeOpenAIServer } from '../fakes/openaiServer';

export { toolResult, toolTurns } from '../fakes/turns';

export { EXTENSION_ID };

/** The API as the tests see it: in a test run the session is exposed (never to other extensions). */
export type TestApi = FixpointApi & { readonly session: ChatSession };

export async function activateFixpoint(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<FixpointApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this window`);
  const api = await extension.activate();
  if (!api.session) throw new Error('the session is not exposed: is this a test run?');
  return api as TestApi;
}

/** Polls `check` until it returns a value other than undefined/false (mocha's timeout is the safety net). */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets a `fixpoint.*` user setting and waits until the extension host sees the new value. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('fixpoint').update(key, value, vscode.ConfigurationTarget.Global);
  await waitFor(`fixpoint.${key} to be ${JSON.stringify(value)}`, () => {
    const inspected = vscode.workspace.getConfiguration('fixpoint').inspect(key);
    return JSON.stringify(inspected?.globalValue) === JSON.stringify(value);
  });
}

/**
 * Registers the hooks of a suite that talks to a model: Fixpoint activated and a fake model server the user
 * settings point at (plus `extra` settings), handed to `use`; a new task and an empty request log before each
 * test; the settings put back and the server stopped after the suite. Register it before the suite's own hooks.
 */
export function useFakeModel(
  extra: Record<string, unknown>,
  use: (suite: { server: FakeOpenAIServer; api: TestApi; root: string }) => void,
): void {
  let server: FakeOpenAIServer;
  let api: TestApi;
  const settings: Record<string, unknown> = { model: 'fake-model', ...extra };
  before(async () => {
    api = await activateFixpoint();
    server = await FakeOpenAIServer.start();
    for (const [key, value] of Object.entries({ baseUrl: server.url, ...settings })) await setSetting(key, value);
    use({ server, api, root: workspaceRoot() });
  });
  beforeEach(() => {
    server.reset();
    api.newTask();
  });
  after(async () => {
    api.newTask();
    for (const key of ['baseUrl', ...Object.keys(settings)]) await setSetting(key, undefined);
    await server.close();
  });
}

/** The workspace folder the window has open (a temp copy of test/fixtures/workspace). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** Closes every editor without saving (review views are read-only; tests revert real files themselves). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Waits for a running prompt to end, allowing once every command it asks for on the way (as a user clicking
 * "Allow once" would), e.g. the check Fixpoint runs after accepted edits. Returns the commands allowed.
 */
export async function finishAllowingCommands(api: TestApi, done: Promise<unknown>): Promise<string[]> {
  let settled = false;
  void done.finally(() => (settled = true));
  const allowed: string[] = [];
  await waitFor(
    'the turn to finish',
    () => {
      if (settled) return true;
      for (const entry of api.snapshot().entries) {
        if (entry.kind === 'approval' && entry.state === 'pending') {
          allowed.push(entry.command);
          api.session.approve(entry.id, 'once');
        }
      }
      return false;
    },
    50_000,
  );
  await done;
  return allowed;
}
