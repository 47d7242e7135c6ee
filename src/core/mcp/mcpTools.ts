/**
 * MCP tools as agent tools (issue 15): each offered tool becomes a ToolDefinition whose call asks the
 * approval engine first (with sticky scopes through the same grants as commands), is recorded in the task's
 * audit log, and maps the result to text. Errors a tool reports (`isError`) go back to the model as failures.
 */
import { settleDecision } from '../tools/settleDecision';
import { ToolError, type ToolDefinition } from '../tools/types';
import { mcpResultImages, mcpResultText, offerMcpTools, type OfferedMcpTool } from './toolMapping';
import type { McpServers } from './types';

export function mcpToolDefinitions(offered: readonly OfferedMcpTool[], servers: McpServers): ToolDefinition<Record<string, unknown>>[] {
  return offered.map(({ spec, server, tool }) => ({
    spec,
    // Read-only hints are the server's claim; every call is treated as one that may change things.
    mutating: true,
    summarize: (args) => `${server}/${tool.name} ${JSON.stringify(args).slice(0, 120)}`,
    async run(args, context) {
      const what = `mcp: ${server}/${tool.name}`;
      const decision = context.policy.decideMcpTool(server, tool.name, tool.annotations);
      const refused = `The user's policy denies this MCP tool (${decision.why.join('; ')}).`;
      await settleDecision(
        decision,
        {
          kind: 'mcp',
          what,
          args: `${what}\0${JSON.stringify(args)}`,
          card: { command: `${what} ${JSON.stringify(args, null, 1)}`, prefix: what, reasons: decision.why, dangerous: false },
          refused: {
            byRule: refused,
            byPolicy: refused,
            byUser: 'The user denied this MCP tool call. Do not retry it; ask or choose another approach.',
          },
        },
        context,
      );
      let result;
      try {
        // A server's tool may write the workspace (a filesystem server, a generator): checkpointed like a command.
        const call = () => servers.callTool(server, tool.name, args, context.signal);
        result = context.recordChange ? await context.recordChange(call) : await call();
      } catch (err) {
        if (context.signal.aborted) throw err;
        throw new ToolError(`The MCP server "${server}" failed: ${(err as Error).message}`);
      }
      const text = mcpResultText(result);
      const images = mcpResultImages(result);
      return {
        ok: !result.isError,
        output: result.isError ? `The tool reported an error:\n${text}` : text,
        ...(images.length ? { images } : {}),
      };
    },
  }));
}

/**
 * The servers' tools for one run: listed (starting servers on first use), switched-off ones dropped, within
 * the budget. A server that fails is reported through `onProblem` (the UI says so) and simply offers nothing.
 */
export async function mcpToolsForRun(
  servers: McpServers,
  options: { disabled?: readonly string[]; signal: AbortSignal; onProblem?(server: string, message: string): void },
): Promise<ToolDefinition<Record<string, unknown>>[]> {
  const listed = await servers.listTools(options.signal);
  const ok = listed.flatMap((l) => ('tools' in l ? [l] : []));
  for (const l of listed) if ('error' in l) options.onProblem?.(l.server, l.error);
  const { offered, leftOut } = offerMcpTools(ok, options.disabled);
  if (leftOut > 0)
    options.onProblem?.(
      '*',
      `${leftOut} MCP tool(s) were left out to stay within the tool budget; switch some off with fixpoint.mcp.disabled`,
    );
  return mcpToolDefinitions(offered, servers);
}
