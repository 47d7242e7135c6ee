import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { mcpToolsForRun } from '../../../src/core/mcp/mcpTools';
import { NodeMcpServers } from '../../../src/node/mcp/servers';
import { createAgentHarness, toolResults, type AgentHarness } from '../agent/harness';

// MCP tools through the whole agent (issue 15): the real "everything" server, the approval engine, sticky
// scopes, the audit log, and Stop reaching a long-running tool.
const everything = path.resolve(__dirname, '../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const call = (id: string, name: string, args: object) => ({ id, name, arguments: JSON.stringify(args) });

describe('MCP tools in the agent (issue 15)', function () {
  this.timeout(60_000);
  let h: AgentHarness;
  let servers: NodeMcpServers;
  const problems: string[] = [];
  beforeEach(async () => {
    servers = new NodeMcpServers([
      { name: 'everything', source: 'user', config: { type: 'stdio', command: process.execPath, args: [everything], env: {} } },
    ]);
    h = await createAgentHarness(
      {},
      {},
      {
        extraTools: (signal) =>
          mcpToolsForRun(servers, {
            signal,
            disabled: ['everything/toggle-simulated-logging'],
            onProblem: (s, m) => problems.push(`${s}: ${m}`),
          }),
      },
    );
  });
  afterEach(async () => {
    await h?.dispose();
    await servers.dispose();
  });

  it('SAFETY §36: offered namespaced (switched-off ones not); asked first; "for this task" sticks; the result reaches the model; audited', async () => {
    const asked: string[] = [];
    h.onApproval = (entry) => {
      asked.push(entry.command.split(' ')[0] + ' ' + entry.command.split(' ')[1]);
      h.session.approve(entry.id, 'task');
    };
    h.server.enqueue(
      { toolCalls: [call('one', 'mcp__everything__echo', { message: 'first' })] },
      { toolCalls: [call('two', 'mcp__everything__echo', { message: 'second' })] },
      { text: 'done' },
    );
    await h.session.prompt('echo twice');
    const offered = (h.server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    assert.ok(offered.includes('mcp__everything__echo'));
    assert.ok(!offered.includes('mcp__everything__toggle-simulated-logging'), 'switched off');
    assert.deepEqual(asked, ['mcp: everything/echo'], 'asked once; the task grant covered the second call');
    assert.equal(toolResults(h.server, 1).one, 'Echo: first');
    assert.equal(toolResults(h.server, 2).two, 'Echo: second');
    assert.deepEqual(
      h.session.policy.audit.entries().map((e) => [e.kind, e.what, e.outcome, e.by]),
      [
        ['mcp', 'mcp: everything/echo', 'allowed', 'user'],
        ['mcp', 'mcp: everything/echo', 'allowed', 'rule'],
      ],
    );
    assert.deepEqual(problems, []);
  });

  it('a denied call is refused, and Stop ends a task waiting on a long-running tool (the server stays usable)', async () => {
    h.onApproval = (entry) => h.session.approve(entry.id, entry.command.includes('echo') ? 'deny' : 'once');
    h.server.enqueue({ toolCalls: [call('no', 'mcp__everything__echo', { message: 'x' })] }, { text: 'ok' });
    await h.session.prompt('try');
    assert.match(toolResults(h.server, 1).no, /denied/);
    h.server.enqueue({ toolCalls: [call('long', 'mcp__everything__trigger-long-running-operation', { duration: 30, steps: 30 })] });
    const run = h.session.prompt('run it');
    setTimeout(() => h.session.cancel(), 500);
    assert.equal(await run, 'stopped', 'the 30 s operation did not have to finish');
    const after = await servers.callTool('everything', 'echo', { message: 'still here' }, new AbortController().signal);
    assert.deepEqual(after.content, [{ type: 'text', text: 'Echo: still here' }]);
  });
});
