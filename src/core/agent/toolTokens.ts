import type { ToolSpec } from '../model/types';
import type { ToolTokens } from '../../shared/protocol';
import { countTokens, tokenizerLoaded } from './tokens';

// What the tool definitions sent with every request take of the context (issue 15: the meter shows their
// share, so a few MCP servers with large schemas are seen crowding it). Counted as the Chat Completions
// `tools` entry the model reads — name, description and the JSON schema — with the o200k tokenizer like the
// history; providers wrap them in a few more framing tokens of their own.
//
// The meter never loads the tokenizer itself: that takes ~175 ms of the extension host, and the first usage
// report comes as an answer ends, where it held up the end of the turn. Until something else has loaded it
// (the history growing past the cheap bound in tokens.ts), the share is estimated from the definitions' size
// and marked so.
const cache = new WeakMap<ToolSpec, number>();

/** Per-tool framing the chat format adds around a function definition (as per message in tokens.ts). */
const PER_TOOL_OVERHEAD = 8;
/** UTF-8 bytes per o200k token in JSON tool definitions (4.5 measured on the built-in tools' 8.3 kB). */
const BYTES_PER_TOKEN = 4.5;

const definition = (spec: ToolSpec) => JSON.stringify({ name: spec.name, description: spec.description, parameters: spec.parameters });

export function specTokens(spec: ToolSpec): number {
  let n = cache.get(spec);
  if (n === undefined) {
    n = PER_TOOL_OVERHEAD + countTokens(definition(spec));
    cache.set(spec, n);
  }
  return n;
}

function estimatedSpecTokens(spec: ToolSpec): number {
  return PER_TOOL_OVERHEAD + Math.ceil(Buffer.byteLength(definition(spec), 'utf8') / BYTES_PER_TOKEN);
}

/**
 * The built-in and the MCP servers' tools (`mcp__<server>__<tool>`) of one request, in tokens: counted when
 * `exact` (by default: once the tokenizer is loaded), else estimated and marked `approximate`.
 */
export function toolTokens(specs: readonly ToolSpec[], exact = tokenizerLoaded()): ToolTokens {
  const share: ToolTokens = { builtIn: 0, mcp: 0, mcpTools: 0, ...(exact ? {} : { approximate: true }) };
  for (const spec of specs) {
    const n = exact ? specTokens(spec) : estimatedSpecTokens(spec);
    if (spec.name.startsWith('mcp__')) {
      share.mcp += n;
      share.mcpTools++;
    } else share.builtIn += n;
  }
  return share;
}
