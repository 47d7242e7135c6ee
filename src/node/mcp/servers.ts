import type { McpCallResult, McpServerEntry, McpServers, McpToolInfo } from '../../core/mcp/types';
import { McpConnection, type ConnectionOptions } from './connection';

/**
 * The configured MCP servers of a window or a CLI run: one connection each, started lazily when a task first
 * needs tools, all stopped on dispose (and per task when it is stopped, by aborting its calls).
 */
export class NodeMcpServers implements McpServers {
  private readonly connections = new Map<string, McpConnection>();

  constructor(entries: readonly McpServerEntry[], options: ConnectionOptions = {}) {
    for (const entry of entries) this.connections.set(entry.name, new McpConnection(entry.name, entry.config, options));
  }

  get names(): string[] {
    return [...this.connections.keys()];
  }

  connection(name: string): McpConnection | undefined {
    return this.connections.get(name);
  }

  async listTools(signal: AbortSignal): Promise<Array<{ server: string; tools: McpToolInfo[] } | { server: string; error: string }>> {
    return Promise.all(
      [...this.connections].map(async ([server, connection]) => {
        try {
          return { server, tools: await connection.listTools(signal) };
        } catch (err) {
          return { server, error: (err as Error).message };
        }
      }),
    );
  }

  callTool(server: string, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    const connection = this.connections.get(server);
    if (!connection) return Promise.reject(new Error(`no MCP server named "${server}" is configured`));
    return connection.callTool(tool, args, signal);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.dispose()));
  }
}
