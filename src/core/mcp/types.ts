// Model Context Protocol servers as the agent sees them (issue 15): configuration, the tools they offer, and
// the port through which core calls them. The Node side (src/node/mcp) runs the official SDK client.

/** One server as configured (Fixpoint's settings or VS Code's mcp.json). */
export type McpServerConfig =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { type: 'http' | 'sse'; url: string; headers: Record<string, string> };

/** Where a server's configuration came from: a workspace-defined server runs only after the user allowed it. */
export type McpConfigSource = 'user' | 'workspace' | 'cli';

export interface McpServerEntry {
  name: string;
  config: McpServerConfig;
  source: McpConfigSource;
}

/** A tool as the server lists it (`tools/list`). */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  /** The server's hints; they inform the approval card, never decide alone. */
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; title?: string };
}

/** One piece of a tool result (`content`), as the MCP spec defines the kinds. */
export type McpContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'audio'; data: string; mimeType: string }
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; blob?: string } }
  | { type: 'resource_link'; uri: string; name?: string; mimeType?: string; description?: string };

export interface McpCallResult {
  content: McpContent[];
  structuredContent?: unknown;
  isError?: boolean;
}

/**
 * What a server's connection reports: its lifecycle (`crashed` restarts on next use after `retryInMs`,
 * `stopped` after a cancelled call or the user's restart starts on next use at once) and the requests from the
 * server that Fixpoint refused (`refused`: sampling, elicitation…).
 */
export type McpServerEvent =
  | { server: string; state: 'starting' }
  | { server: string; state: 'running'; tools?: number }
  | { server: string; state: 'crashed'; detail: string; retryInMs: number }
  | { server: string; state: 'stopped'; detail?: string }
  | { server: string; state: 'refused'; detail: string };

/** What core needs of the running servers. */
export interface McpServers {
  /** Every enabled server's tools, starting servers that are not running yet. Failures are per server. */
  listTools(signal: AbortSignal): Promise<Array<{ server: string; tools: McpToolInfo[] } | { server: string; error: string }>>;
  /** Calls a tool; aborting the signal sends `notifications/cancelled` to the server. */
  callTool(server: string, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult>;
}
