/**
 * MCP server configuration from the places users already keep it (issue 15): `fixpoint.mcp.servers` (same
 * shape as VS Code's), VS Code's `mcp.json` — the user's and the workspace's `.vscode/mcp.json`: `servers` and
 * `inputs` — and the CLI's `--mcp-config FILE`. `${input:id}` values come from the front end (Secret Storage
 * or a prompt), never from the file; `${env:NAME}` and `${workspaceFolder}` are expanded here.
 */
import type { McpConfigSource, McpServerConfig, McpServerEntry } from './types';

/** Resolves `${input:id}` (the front end asks the user or its secret store); undefined leaves it unresolved. */
export type InputResolver = (id: string, description: string | undefined) => Promise<string | undefined>;

export interface ConfigContext {
  workspaceFolder: string;
  env: Readonly<Record<string, string | undefined>>;
  resolveInput?: InputResolver;
}

export class McpConfigError extends Error {}

/** The servers of one configuration document (`{ servers: {...}, inputs: [...] }`, or the bare servers map). */
export async function parseMcpServers(document: unknown, source: McpConfigSource, context: ConfigContext): Promise<McpServerEntry[]> {
  if (document === undefined || document === null) return [];
  if (typeof document !== 'object') throw new McpConfigError('the MCP configuration must be an object');
  const doc = document as { servers?: unknown; inputs?: unknown };
  const servers = (doc.servers ?? document) as Record<string, unknown>;
  const inputs = new Map(
    (Array.isArray(doc.inputs) ? doc.inputs : []).flatMap((i: { id?: unknown; description?: unknown }) =>
      typeof i?.id === 'string' ? [[i.id, typeof i.description === 'string' ? i.description : undefined] as const] : [],
    ),
  );
  const entries: McpServerEntry[] = [];
  for (const [name, raw] of Object.entries(servers)) {
    if (!/^[\w.-]{1,64}$/.test(name))
      throw new McpConfigError(`the MCP server name "${name}" may use letters, digits, "_", "-" and "." only`);
    entries.push({ name, source, config: await serverConfig(name, raw, { ...context, inputs }) });
  }
  return entries;
}

async function serverConfig(
  name: string,
  raw: unknown,
  context: ConfigContext & { inputs: ReadonlyMap<string, string | undefined> },
): Promise<McpServerConfig> {
  const r = (raw ?? {}) as Record<string, unknown>;
  const expand = (value: unknown): Promise<string> => substitute(String(value ?? ''), context);
  const record = async (value: unknown): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) out[k] = await expand(v);
    return out;
  };
  const type = r.type ?? (typeof r.url === 'string' ? 'http' : 'stdio');
  if (type === 'stdio') {
    if (typeof r.command !== 'string' || !r.command.trim()) throw new McpConfigError(`MCP server "${name}": "command" is missing`);
    const args = Array.isArray(r.args) ? await Promise.all(r.args.map(expand)) : [];
    return {
      type: 'stdio',
      command: await expand(r.command),
      args,
      env: await record(r.env),
      cwd: r.cwd === undefined ? undefined : await expand(r.cwd),
    };
  }
  if (type === 'http' || type === 'sse') {
    const url = await expand(r.url);
    if (!/^https?:\/\//i.test(url)) throw new McpConfigError(`MCP server "${name}": "url" must be an http(s) URL`);
    return { type, url, headers: await record(r.headers) };
  }
  throw new McpConfigError(`MCP server "${name}": unknown type "${String(type)}" (stdio, http or sse)`);
}

async function substitute(text: string, context: ConfigContext & { inputs: ReadonlyMap<string, string | undefined> }): Promise<string> {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\$\{(env:|input:)?([\w.-]+)\}/g)) {
    out += text.slice(last, match.index);
    last = match.index + match[0].length;
    const [, kind, key] = match;
    if (kind === 'env:') out += context.env[key] ?? '';
    else if (kind === 'input:') {
      const value = await context.resolveInput?.(key, context.inputs.get(key));
      if (value === undefined) throw new McpConfigError(`the input "${key}" was not given`);
      out += value;
    } else if (key === 'workspaceFolder') out += context.workspaceFolder;
    else out += match[0];
  }
  return out + text.slice(last);
}
