// Scripted model turns shared by the integration and e2e tiers (no 'vscode' import here).
import type { FakeOpenAIServer, ScriptedTurn } from './openaiServer';

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

/** An apply_patch envelope updating `file` with the given hunks (each a list of ' ', '-', '+' lines). */
export function updatePatch(file: string, hunks: string[][]): string {
  return ['*** Begin Patch', `*** Update File: ${file}`, ...hunks.flatMap((h) => ['@@', ...h]), '*** End Patch'].join('\n');
}
