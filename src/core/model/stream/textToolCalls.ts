import { parseModelJson } from '../modelJson';
import type { ToolCallRequest, ToolSpec } from '../types';

type Schema = { type?: string; properties?: Record<string, Schema> };

/**
 * Tool calls a server left in the answer text because it did not parse the model's tool-call format (a local
 * server without the model's tool parser, or a chat template it does not know). Only used when the request
 * offered tools.
 */
export class TextToolCalls {
  private readonly byName = new Map<string, ToolSpec>();
  private count = 0;

  constructor(tools: readonly ToolSpec[]) {
    for (const tool of tools) this.byName.set(tool.name, tool);
  }

  /**
   * A whole answer that is nothing but JSON tool calls — `{"name":…,"arguments":…}`, an array of them,
   * Mistral's `[TOOL_CALLS][…]`, optionally in a ```json fence — or undefined when it is not. Only calls to
   * offered tools count: any other JSON is an answer like any other.
   */
  fromAnswer(text: string): ToolCallRequest[] | undefined {
    const body = text
      .trim()
      .replace(/^\[TOOL_CALLS\]/, '')
      .replace(/^```[a-z_]*\s*\n?([\s\S]*?)\n?```$/i, '$1');
    const calls = callsIn(parseLoose(body));
    if (!calls?.length || !calls.every((c) => this.byName.has(c.name))) return undefined;
    return calls.map((c) => this.request(c.name, c.arguments));
  }

  /**
   * The calls in one `<tool_call>…</tool_call>` block: Hermes-style JSON, or Qwen3-Coder's
   * `<function=name><parameter=key>value</parameter></function>`. An unreadable block still becomes a call
   * (with its text as the arguments), so the model is told what went wrong instead of the user seeing markup.
   */
  fromBlock(block: string): ToolCallRequest[] {
    const text = block.trim();
    if (text.startsWith('<function=')) return this.fromXml(text);
    const calls = callsIn(parseLoose(text));
    if (calls?.length) return calls.map((c) => this.request(c.name, c.arguments));
    return [this.request(/"name"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? '', text)];
  }

  private fromXml(text: string): ToolCallRequest[] {
    const calls: ToolCallRequest[] = [];
    for (const fn of text.matchAll(/<function=([^>\s]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
      const name = fn[1];
      const properties = (this.byName.get(name)?.parameters as Schema | undefined)?.properties ?? {};
      const args: Record<string, unknown> = {};
      for (const param of fn[2].matchAll(/<parameter=([^>\s]+)>\n?([\s\S]*?)\n?<\/parameter>/g)) {
        const [, key, raw] = param;
        // Values are bare text; the tool's schema says whether one is a string or JSON (a number, a list…).
        args[key] = properties[key]?.type === 'string' ? raw : (parseStrict(raw) ?? raw);
      }
      calls.push(this.request(name, JSON.stringify(args)));
    }
    return calls;
  }

  private request(name: string, args: string): ToolCallRequest {
    return { id: `call_text_${++this.count}`, name, arguments: args };
  }
}

function parseStrict(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseLoose(text: string): unknown {
  return parseModelJson(text)?.value;
}

/** The calls in a parsed value, in the shapes models use: `{name, arguments|parameters}`, `{function: {…}}`, lists. */
function callsIn(value: unknown): Array<{ name: string; arguments: string }> | undefined {
  if (Array.isArray(value)) {
    const calls = value.map((v) => callsIn(v)?.[0]);
    return calls.every((c) => c !== undefined) ? (calls as Array<{ name: string; arguments: string }>) : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { name?: unknown; arguments?: unknown; parameters?: unknown; function?: unknown; tool_calls?: unknown };
  if (Array.isArray(v.tool_calls)) return callsIn(v.tool_calls);
  if (typeof v.function === 'object' && v.function !== null) return callsIn(v.function);
  if (typeof v.name !== 'string' || !v.name) return undefined;
  const args = v.arguments ?? v.parameters ?? {};
  return [{ name: v.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) }];
}
