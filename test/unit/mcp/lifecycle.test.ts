import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { McpServerStates, rowDescription } from '../../../src/core/mcp/serverStatus';
import { mcpResultText } from '../../../src/core/mcp/toolMapping';
import type { McpServerConfig, McpServerEntry, McpServerEvent } from '../../../src/core/mcp/types';
import { McpConnection } from '../../../src/node/mcp/connection';

// Server lifecycle as the user sees it (issue 15): Stop reaches the server and stops a local one, requests
// Fixpoint does not serve (sampling, elicitation) are refused with a clear error, a crash is reported with the
// server's stderr, and the servers view's rows follow all of it. Real servers: the reference "everything"
// server, and a small SDK server (test/fixtures/mcp/askingServer.mjs) that does what the reference one won't.
const root = path.resolve(__dirname, '../../../..');
const everything = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const asking = (env: Record<string, string> = {}): McpServerConfig => ({
  type: 'stdio',
  command: process.execPath,
  args: [path.join(root, 'test/fixtures/mcp/askingServer.mjs')],
  env,
});
const signal = () => new AbortController().signal;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('MCP server lifecycle: Stop, refused requests, crashes, the servers view', function () {
  this.timeout(60_000);
  const open: McpConnection[] = [];
  let events: McpServerEvent[];
  const connect = (name: string, config: McpServerConfig) => {
    const c = new McpConnection(name, config, { onEvent: (e) => events.push(e) });
    open.push(c);
    return c;
  };
  let tmp: string;
  beforeEach(() => {
    events = [];
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-mcp-life-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.dispose()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sampling and elicitation asked anyway are refused with a clear error, and reported', async () => {
    const c = connect('asking', asking());
    for (const [tool, what] of [
      ['ask-sampling', /Fixpoint does not support sampling \(a completion from Fixpoint's model\); the request was refused/],
      ['ask-elicitation', /Fixpoint does not support elicitation \(input from the user\); the request was refused/],
    ] as const) {
      const text = mcpResultText(await c.callTool(tool, {}, signal()));
      assert.match(text, /^refused by the client: /, text);
      assert.match(text, what);
    }
    assert.deepEqual(
      events.filter((e) => e.state === 'refused').map((e) => 'detail' in e && e.detail),
      [
        "asked for sampling (a completion from Fixpoint's model), which Fixpoint does not support",
        'asked for elicitation (input from the user), which Fixpoint does not support',
      ],
    );
  });

  it('the reference server does not offer its sampling/elicitation tools: Fixpoint declares neither capability', async () => {
    const names = (await connect('everything', { type: 'stdio', command: process.execPath, args: [everything], env: {} }).listTools()).map(
      (t) => t.name,
    );
    assert.ok(names.includes('echo'), names.join(', '));
    for (const tool of ['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list'])
      assert.ok(!names.includes(tool), `${tool} is offered only to clients that declare the capability`);
  });

  it('Stop: the cancellation reaches the server, the local server is then stopped, and the next call starts a new one', async () => {
    const marker = path.join(tmp, 'marker.log');
    const c = connect('asking', asking({ MARKER_FILE: marker }));
    await c.listTools();
    const pid = c.pid!;
    const controller = new AbortController();
    const call = c.callTool('wait-for-cancel', { seconds: 60 }, controller.signal);
    await until('the call to start on the server', () => fs.existsSync(marker) && /started/.test(fs.readFileSync(marker, 'utf8')));
    controller.abort();
    await assert.rejects(call, /abort/i);
    await until('the server to hear of the cancellation', () => /cancelled \d+/.test(fs.readFileSync(marker, 'utf8')));
    await until('the server process to be stopped', () => !alive(pid));
    const stopped = events.find((e) => e.state === 'stopped');
    assert.match(
      stopped && 'detail' in stopped ? String(stopped.detail) : '',
      /stopped with the task \(its call of wait-for-cancel was cancelled\)/,
    );
    assert.ok(!events.some((e) => e.state === 'crashed'), 'a stop is not a crash (no backoff)');
    assert.match(mcpResultText(await c.callTool('ask-sampling', {}, signal())), /refused by the client/);
    assert.notEqual(c.pid, pid, 'started again on the next call');
  });

  it('a crash is reported with the server’s stderr, and the view’s row says so until it runs again', async () => {
    const states = new McpServerStates();
    const c = new McpConnection('asking', asking(), { onEvent: (e) => states.apply(e) });
    open.push(c);
    const entry: McpServerEntry = { name: 'asking', source: 'workspace', config: asking() };
    assert.equal(rowDescription(states.rows([{ entry, gate: 'usable' }])[0]), 'not started');
    await c.listTools();
    assert.equal(rowDescription(states.rows([{ entry, gate: 'usable' }])[0]), 'running · 4 tools');
    await assert.rejects(c.callTool('crash', {}, signal()));
    await until('the crash to be seen', () => states.rows([{ entry, gate: 'usable' }])[0].status === 'crashed');
    const row = states.rows([{ entry, gate: 'usable' }])[0];
    assert.match(rowDescription(row), /^crashed — the server exited/);
    assert.match(row.detail ?? '', /fatal: the asking server crashed on purpose/);
    // Restarted on next use (after the first backoff); the row shows it running again.
    let tools: unknown[] | undefined;
    for (let i = 0; i < 40 && !tools; i++) {
      tools = await c.listTools().catch(() => undefined);
      if (!tools) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(tools?.length, 4);
    assert.equal(rowDescription(states.rows([{ entry, gate: 'usable' }])[0]), 'running · 4 tools');
  });

  it('rows for servers that do not run: switched off, waiting for consent', () => {
    const states = new McpServerStates();
    const entry: McpServerEntry = { name: 'repo-tools', source: 'workspace', config: asking() };
    const [off] = states.rows([{ entry, gate: 'disabled' }]);
    assert.equal(rowDescription(off), 'disabled');
    assert.match(off.detail ?? '', /fixpoint\.mcp\.disabled: "repo-tools\/\*"/);
    const [consent] = states.rows([{ entry, gate: 'needsConsent' }]);
    assert.equal(rowDescription(consent), 'needs your consent');
    assert.match(consent.target, /askingServer\.mjs$/);
  });
});
