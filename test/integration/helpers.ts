// Shared helpers for the integration suites (they run inside the VS Code extension host).
import * as vscode from 'vscode';
import type { FixpointApi } from '../../src/extension';
import type { FakeOpenAIServer, ScriptedTurn } from '../fakes/openaiServer';
import { EXTENSION_ID } from '../harness/constants';

export { EXTENSION_ID };

export async function activateFixpoint(): Promise<FixpointApi> {
  const extension = vscode.extensions.getExtension<FixpointApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this window`);
  return extension.activate();
}

/** Polls `check` until it returns a value other than undefined/false (mocha's timeout is the safety net). */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
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

/** The workspace folder the window has open (a temp copy of test/fixtures/workspace). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** A model turn that calls one tool, then a closing answer once the tool result comes back. */
export function toolTurns(id: string, name: string, args: object, closing = 'Done.'): ScriptedTurn[] {
  return [{ toolCalls: [{ id, name, arguments: JSON.stringify(args) }] }, { text: closing }];
}

/** The result the extension sent back to the model for tool call `id` (from the fake server's request log). */
export function toolResult(server: FakeOpenAIServer, id: string): string | undefined {
  for (const request of server.modelRequests()) {
    const messages = (request.body?.messages ?? []) as Array<{ role: string; tool_call_id?: string; content?: unknown }>;
    const found = messages.find((m) => m.role === 'tool' && m.tool_call_id === id);
    if (found) return String(found.content);
  }
  return undefined;
}

/** Closes every editor without saving (review views are read-only; tests revert real files themselves). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
