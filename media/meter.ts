import type { ViewState } from '../src/shared/protocol';

// The header's context meter: tokens in the context against the window, the task's cost, and the share the
// tool definitions take of every request (built-in and MCP tools, issue 15), so a few large MCP servers are
// seen crowding the context before they do, and the repo map's share (issue 16).

export function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k` : String(n);
}

/** What the meter reads of the view state. */
export type MeterState = Pick<
  ViewState,
  'contextWindow' | 'contextWindowSource' | 'contextUsed' | 'inputTokens' | 'outputTokens' | 'cost' | 'toolTokens'
>;

export function meterText(state: MeterState): { text: string; title: string } {
  if (!state.contextWindow) return { text: '', title: '' };
  const cost = state.cost !== undefined ? ` ≈ $${state.cost < 0.01 ? state.cost.toFixed(4) : state.cost.toFixed(2)}` : '';
  const tools = state.toolTokens;
  const toolTotal = tools ? tools.builtIn + tools.mcp : 0;
  const share =
    tools && state.contextUsed > 0 ? ` (${Math.min(100, Math.round((toolTotal / state.contextUsed) * 100))}% of the context used)` : '';
  const about = tools?.approximate ? '≈ ' : '';
  const toolLine = tools
    ? `\nTool definitions: ${about}${toolTotal} tokens with every request${share} — built-in ${tools.builtIn}` +
      (tools.mcpTools ? `, MCP ${tools.mcp} (${tools.mcpTools} tool${tools.mcpTools === 1 ? '' : 's'})` : ', no MCP tools')
    : '';
  const mapLine = tools?.repoMap ? `\nRepo map: ${tools.repoMap} tokens in the system prompt (fixpoint.context.repoMapTokens)` : '';
  const windowFrom = state.contextWindowSource ? ` (window: ${state.contextWindowSource})` : '';
  return {
    text: `${formatTokens(state.contextUsed)} / ${formatTokens(state.contextWindow)}${tools?.mcpTools ? ` · MCP ${about}${formatTokens(tools.mcp)}` : ''}${tools?.repoMap ? ` · map ${formatTokens(tools.repoMap)}` : ''}${cost}`,
    title: `Context: ${state.contextUsed} of ${state.contextWindow} tokens${windowFrom}.${toolLine}${mapLine}\nThis task so far: ${state.inputTokens} input + ${state.outputTokens} output tokens billed${cost ? `,${cost}` : ''}.`,
  };
}
