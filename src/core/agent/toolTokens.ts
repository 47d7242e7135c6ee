import type { ToolSpec } from '../model/types';
import type { ToolTokens } from '../../shared/protocol';
import { countTokens } from './tokens';

// What the tool definitions sent with every request take of the context (issue 15: the meter shows their
// share, so a few MCP servers with large schemas are seen crowding it). Counted as the Chat Completions
// `tools` entry the model reads — name, description and the JSON schema — with the o200k tokenizer like the
// history; providers wrap them in a few more framing tokens of their own.
const cache = new WeakMap<ToolSpec, number>();

/** Per-tool framing the chat format adds around a function definition (as per message in tokens.ts). */
const PER_TOOL_OVERHEAD = 8;

export function specTokens(spec: ToolSpec): number {
  let n = cache.get(spec);
  if (n === undefined) {
    n = PER_TOOL_OVERHEAD + countTokens(JSON.stringify({ name: spec.name, description: spec.description, parameters: spec.parameters }));
    cache.set(spec, n);
  }
  return n;
}

/** The built-in and the MCP servers' tools (`mcp__<server>__<tool>`) of one request, in tokens. */
export function toolTokens(specs: readonly ToolSpec[]): ToolTokens {
  const share: ToolTokens = { builtIn: 0, mcp: 0, mcpTools: 0 };
  for (const spec of specs) {
    if (spec.name.startsWith('mcp__')) {
      share.mcp += specTokens(spec);
      share.mcpTools++;
    } else share.builtIn += specTokens(spec);
  }
  return share;
}
