/**
 * MCP tools as the model sees them (issue 15): namespaced names, input schemas made acceptable to every
 * provider, a budget so a few large servers cannot crowd the context, and results mapped to what a tool
 * result can carry.
 */
import { decodedBytes } from '../model/images';
import type { ImageData, ToolSpec } from '../model/types';
import { capHeadTail } from '../tools/text';
import type { McpCallResult, McpToolInfo } from './types';

/** Providers accept `^[a-zA-Z0-9_-]{1,64}$` for function names (OpenAI, Gemini, Mistral…). */
const NAME_LIMIT = 64;
/** More than this many MCP tools, or this many characters of their schemas and descriptions, are not offered. */
export const MCP_TOOL_BUDGET = { tools: 64, characters: 40_000 } as const;
/** MCP results are capped like commands' output. */
export const MCP_OUTPUT_CAP = 16_000;

const clean = (part: string) => part.replace(/[^a-zA-Z0-9_-]/g, '_');

/** `mcp__<server>__<tool>`, shortened with a stable hash when it would be too long. */
export function mcpToolName(server: string, tool: string): string {
  const full = `mcp__${clean(server)}__${clean(tool)}`;
  if (full.length <= NAME_LIMIT) return full;
  let hash = 0;
  for (const c of full) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const suffix = `_${hash.toString(36)}`;
  return full.slice(0, NAME_LIMIT - suffix.length) + suffix;
}

/**
 * A server's JSON Schema as a tool's parameters: an object schema (providers reject anything else at the
 * top), without `$schema`/`$id` keys some providers refuse, with `additionalProperties` kept as given.
 */
export function sanitiseSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$schema' && k !== '$id') out[k] = strip(v);
    return out;
  };
  const cleaned = strip(schema ?? {}) as Record<string, unknown>;
  return cleaned.type === 'object' ? { properties: {}, ...cleaned } : { type: 'object', properties: {} };
}

export interface OfferedMcpTool {
  spec: ToolSpec;
  server: string;
  tool: McpToolInfo;
}

/**
 * The tools to offer, within the budget: servers in configuration order, tools in listed order; switched-off
 * tools (`server/tool` or `server/*` in `disabled`) left out. What did not fit is counted, for the user.
 */
export function offerMcpTools(
  servers: Array<{ server: string; tools: McpToolInfo[] }>,
  disabled: readonly string[] = [],
  budget: { tools: number; characters: number } = MCP_TOOL_BUDGET,
): { offered: OfferedMcpTool[]; leftOut: number; characters: number } {
  const offered: OfferedMcpTool[] = [];
  let characters = 0;
  let leftOut = 0;
  for (const { server, tools } of servers) {
    for (const tool of tools) {
      if (disabled.includes(`${server}/*`) || disabled.includes(`${server}/${tool.name}`)) continue;
      const spec: ToolSpec = {
        name: mcpToolName(server, tool.name),
        description: `[MCP server "${server}"] ${tool.description ?? tool.annotations?.title ?? tool.name}`.slice(0, 2_000),
        parameters: sanitiseSchema(tool.inputSchema),
      };
      const size = spec.description.length + JSON.stringify(spec.parameters).length;
      if (offered.length >= budget.tools || characters + size > budget.characters) {
        leftOut++;
        continue;
      }
      characters += size;
      offered.push({ spec, server, tool });
    }
  }
  return { offered, leftOut, characters };
}

/** The images of a result, in order (the wire format decides whether the model is sent them). */
export function mcpResultImages(result: McpCallResult): ImageData[] {
  return (result.content ?? []).flatMap((c) => (c.type === 'image' ? [{ mimeType: c.mimeType, data: c.data }] : []));
}

/**
 * A result as tool output text: text as is, structured content as JSON, images and audio described (images
 * also travel beside the text, see mcpResultImages), embedded resources by their text, links by their URI. Capped.
 */
export function mcpResultText(result: McpCallResult): string {
  const parts: string[] = [];
  for (const c of result.content ?? []) {
    switch (c.type) {
      case 'text':
        parts.push(c.text);
        break;
      case 'image':
      case 'audio':
        // Described always; the image itself goes with the result (mcpResultImages) to models that take images.
        parts.push(`[${c.type}: ${c.mimeType}, ${decodedBytes(c.data).toLocaleString('en-US')} bytes]`);
        break;
      case 'resource':
        parts.push(
          c.resource.text !== undefined
            ? `[resource ${c.resource.uri}]\n${c.resource.text}`
            : `[resource ${c.resource.uri}: ${c.resource.mimeType ?? 'binary'}]`,
        );
        break;
      case 'resource_link':
        parts.push(`[link: ${c.uri}${c.name ? ` (${c.name})` : ''}${c.description ? ` — ${c.description}` : ''}]`);
        break;
    }
  }
  if (result.structuredContent !== undefined && parts.length === 0) parts.push(JSON.stringify(result.structuredContent, null, 2));
  return capHeadTail(parts.join('\n') || '(no content)', MCP_OUTPUT_CAP);
}
