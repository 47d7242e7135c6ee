import * as assert from 'node:assert/strict';
import { McpConfigError, parseMcpServers } from '../../../src/core/mcp/config';
import { mcpResultText, mcpToolName, offerMcpTools, sanitiseSchema, MCP_OUTPUT_CAP } from '../../../src/core/mcp/toolMapping';
import type { McpToolInfo } from '../../../src/core/mcp/types';

describe('MCP configuration and tool mapping (issue 15)', () => {
  const context = { workspaceFolder: '/ws', env: { GITHUB_TOKEN: 'ghp_x', HOME: '/home/u' } };

  it("reads VS Code's mcp.json shape: servers, inputs from the resolver, ${env:…} and ${workspaceFolder}", async () => {
    const asked: string[] = [];
    const entries = await parseMcpServers(
      {
        inputs: [{ id: 'api-key', type: 'promptString', description: 'The service key', password: true }],
        servers: {
          github: { type: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer ${input:api-key}' } },
          files: { command: 'npx', args: ['-y', 'server-filesystem', '${workspaceFolder}'], env: { TOKEN: '${env:GITHUB_TOKEN}' } },
        },
      },
      'workspace',
      { ...context, resolveInput: async (id, description) => (asked.push(`${id}: ${description}`), 'secret-value') },
    );
    assert.deepEqual(asked, ['api-key: The service key']);
    assert.deepEqual(entries, [
      {
        name: 'github',
        source: 'workspace',
        config: { type: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer secret-value' } },
      },
      {
        name: 'files',
        source: 'workspace',
        config: { type: 'stdio', command: 'npx', args: ['-y', 'server-filesystem', '/ws'], env: { TOKEN: 'ghp_x' }, cwd: undefined },
      },
    ]);
  });

  it('bad configuration is a clear error naming the server', async () => {
    await assert.rejects(parseMcpServers({ servers: { x: { type: 'stdio' } } }, 'user', context), McpConfigError);
    await assert.rejects(parseMcpServers({ servers: { x: { url: 'ftp://host' } } }, 'user', context), /"url" must be an http\(s\) URL/);
    await assert.rejects(parseMcpServers({ servers: { 'bad name!': { command: 'x' } } }, 'user', context), /may use letters/);
    await assert.rejects(
      parseMcpServers({ servers: { x: { command: '${input:missing}' } } }, 'user', context),
      /input "missing" was not given/,
    );
  });

  it('tool names are namespaced, provider-safe and at most 64 characters', () => {
    assert.equal(mcpToolName('github', 'create_issue'), 'mcp__github__create_issue');
    assert.equal(mcpToolName('my.server', 'get-tiny image'), 'mcp__my_server__get-tiny_image');
    const long = mcpToolName('a-very-long-server-name-indeed', 'and-an-even-longer-tool-name-that-goes-on');
    assert.ok(long.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(long), long);
    assert.notEqual(long, mcpToolName('a-very-long-server-name-indeed', 'and-an-even-longer-tool-name-that-goes-on-2'));
  });

  it('schemas become object schemas without $schema/$id', () => {
    assert.deepEqual(
      sanitiseSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { a: { type: 'string', $id: 'x' } },
      }),
      {
        properties: { a: { type: 'string' } },
        type: 'object',
      },
    );
    assert.deepEqual(sanitiseSchema(undefined), { type: 'object', properties: {} });
    assert.deepEqual(sanitiseSchema({ type: 'string' }), { type: 'object', properties: {} });
  });

  it('the budget keeps 200 tools from crowding the context, and switched-off tools are not offered', () => {
    const tool = (i: number): McpToolInfo => ({
      name: `tool${i}`,
      description: 'x'.repeat(100),
      inputSchema: { type: 'object', properties: {} },
    });
    const servers = [
      { server: 'a', tools: Array.from({ length: 150 }, (_, i) => tool(i)) },
      { server: 'b', tools: Array.from({ length: 50 }, (_, i) => tool(i)) },
    ];
    const { offered, leftOut } = offerMcpTools(servers, ['a/tool0', 'b/*']);
    assert.equal(offered.length, 64);
    assert.equal(offered[0].spec.name, 'mcp__a__tool1');
    assert.equal(leftOut, 149 - 64);
    assert.ok(offered.every((o) => o.server === 'a'));
  });

  it('results: text kept, structured content as JSON when there is no text, output capped', () => {
    assert.equal(mcpResultText({ content: [], structuredContent: { ok: true } }), '{\n  "ok": true\n}');
    assert.ok(mcpResultText({ content: [{ type: 'text', text: 'y'.repeat(100_000) }] }).length <= MCP_OUTPUT_CAP + 200);
  });
});
