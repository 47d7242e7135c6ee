import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { meterText } from '../../../media/meter';
import { toolTokens } from '../../../src/core/agent/toolTokens';
import { countTokens } from '../../../src/core/agent/tokens';
import { mcpToolsForRun } from '../../../src/core/mcp/mcpTools';
import { ALL_TOOLS } from '../../../src/core/tools/registry';
import { NodeMcpServers } from '../../../src/node/mcp/servers';
import type { HostToWebview } from '../../../src/shared/protocol';
import { createAgentHarness, type AgentHarness } from '../agent/harness';

// The context meter shows what the tool definitions take of every request (issue 15), built-in and MCP apart,
// measured on the tools a run really offered — here with the real "everything" server's tools.
const everything = path.resolve(__dirname, '../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('the tool definitions’ share of the context', function () {
  this.timeout(60_000);
  let h: AgentHarness;
  let servers: NodeMcpServers;
  afterEach(async () => {
    await h?.dispose();
    await servers?.dispose();
  });

  it('counts each definition as sent (name, description, schema), MCP tools apart from the built-in ones', () => {
    const spec = ALL_TOOLS[0].spec;
    const one = toolTokens([spec], true);
    assert.equal(one.mcp, 0);
    assert.ok(one.builtIn > countTokens(JSON.stringify(spec.parameters)), 'the schema and more');
    const mcp = toolTokens([spec, { name: 'mcp__s__t', description: 'a tool', parameters: { type: 'object', properties: {} } }], true);
    assert.equal(mcp.builtIn, one.builtIn);
    assert.equal(mcp.mcpTools, 1);
    assert.ok(mcp.mcp > 0);
  });

  it('before the tokenizer is loaded, an estimate from the size, marked so, within 20% of the count', () => {
    const specs = ALL_TOOLS.map((t) => t.spec);
    const exact = toolTokens(specs, true);
    const estimate = toolTokens(specs, false);
    assert.equal(estimate.approximate, true);
    assert.equal(exact.approximate, undefined);
    assert.ok(Math.abs(estimate.builtIn - exact.builtIn) / exact.builtIn < 0.2, `${estimate.builtIn} vs ${exact.builtIn}`);
    assert.match(
      meterText({ contextWindow: 192_000, contextUsed: 5_000, inputTokens: 0, outputTokens: 0, toolTokens: estimate }).title,
      /Tool definitions: ≈ \d+ tokens/,
    );
  });

  it('a run with an MCP server: the usage message and the snapshot carry the share, and the meter shows it', async () => {
    servers = new NodeMcpServers([
      { name: 'everything', source: 'user', config: { type: 'stdio', command: process.execPath, args: [everything], env: {} } },
    ]);
    h = await createAgentHarness({}, {}, { extraTools: (signal) => mcpToolsForRun(servers, { signal }) });
    h.server.enqueue({ text: 'hello', usage: { input: 9_000, output: 20 } });
    await h.session.prompt('hi');
    const offered = (h.server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    const mcpOffered = offered.filter((n) => n.startsWith('mcp__'));
    const usage = h.posted.filter((m): m is Extract<HostToWebview, { type: 'usage' }> => m.type === 'usage').at(-1);
    assert.ok(usage?.tools, 'the usage message carries the tools’ share');
    assert.equal(usage.tools.mcpTools, mcpOffered.length);
    assert.ok(usage.tools.mcp > 500 && usage.tools.builtIn > 500, JSON.stringify(usage.tools));
    const state = h.session.snapshot();
    assert.deepEqual(state.toolTokens, usage.tools);
    const shown = meterText(state);
    assert.match(shown.text, /^9\.0k \/ 192k · MCP \d/);
    assert.match(
      shown.title.replace('≈ ', ''),
      new RegExp(`Tool definitions: ${usage.tools.builtIn + usage.tools.mcp} tokens with every request \\(\\d+% of the context used\\)`),
    );
    assert.match(shown.title, new RegExp(`MCP ${usage.tools.mcp} \\(${mcpOffered.length} tools\\)`));
  });

  it('without MCP servers the meter says so, and shows no MCP share in the header', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ text: 'hello', usage: { input: 3_000, output: 20 } });
    await h.session.prompt('hi');
    const shown = meterText(h.session.snapshot());
    assert.doesNotMatch(shown.text, /MCP/);
    assert.match(shown.title, /built-in \d+, no MCP tools/);
  });
});
