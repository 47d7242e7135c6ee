import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FakeOpenAIServer } from '../fakes/openaiServer';
import { toolResult, useFakeModel, waitFor, type TestApi } from './helpers';

// MCP in VS Code (issue 15): a server defined in the workspace's .vscode/mcp.json (VS Code's format) runs only
// after the user allowed it; its tools then reach the agent, ask first, and an approval sticks for the task.
describe('MCP servers from .vscode/mcp.json', function () {
  this.timeout(90_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;
  useFakeModel({}, (suite) => ({ server, api, root } = suite));
  const everything = path.resolve(__dirname, '../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  const echo = (id: string, message: string) => ({ id, name: 'mcp__everything__echo', arguments: JSON.stringify({ message }) });

  // A small SDK server (test/fixtures/mcp) whose tools wait for a cancellation (noting it in a file) or crash.
  const asking = path.resolve(__dirname, '../../../test/fixtures/mcp/askingServer.mjs');
  let marker: string;
  const call = (id: string, name: string, args: object = {}) => ({ id, name, arguments: JSON.stringify(args) });
  const rows = async () => (await vscode.commands.executeCommand<McpRow[]>('fixpoint.mcp.servers')) ?? [];
  const row = async (name: string) => (await rows()).find((r) => r.name === name);
  const approveEach = async (done: Promise<unknown>) => {
    let over = false;
    void done.then(
      () => (over = true),
      () => (over = true),
    );
    await waitFor('the run to end, each MCP call allowed once', () => {
      for (const e of api.snapshot().entries) if (e.kind === 'approval' && e.state === 'pending') api.session.approve(e.id, 'once');
      return over;
    });
    return done;
  };

  before(() => {
    marker = path.join(os.tmpdir(), `fixpoint-mcp-marker-${process.pid}.log`);
    mkdirSync(path.join(root, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(root, '.vscode', 'mcp.json'),
      JSON.stringify({
        servers: {
          everything: { command: process.execPath, args: [everything] },
          asking: { command: process.execPath, args: [asking], env: { MARKER_FILE: marker } },
        },
      }),
    );
  });
  after(() => {
    rmSync(path.join(root, '.vscode', 'mcp.json'), { force: true });
    rmSync(marker, { force: true });
  });

  it('SAFETY §36: is not started before the user allows it (the servers view says it waits for consent)', async () => {
    server.enqueue({ text: 'nothing to call' });
    await api.prompt('hello');
    const offered = (server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    assert.ok(!offered.some((n) => n.startsWith('mcp__')), offered.join(', '));
    assert.deepEqual(
      (await rows()).map((r) => [r.name, r.status, r.description]),
      [
        ['everything', 'needsConsent', 'needs your consent'],
        ['asking', 'needsConsent', 'needs your consent'],
      ],
    );
  });

  it('SAFETY §36: once allowed, its tools are offered; a call asks first and "for this task" sticks', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('fixpoint.mcp.allowWorkspaceServers'), ['everything', 'asking']);
    server.enqueue({ toolCalls: [echo('first', 'one')] }, { toolCalls: [echo('second', 'two')] }, { text: 'done' });
    const done = api.prompt('echo twice');
    const approval = await waitFor('the approval card for the MCP tool', () =>
      api.snapshot().entries.find((e) => e.kind === 'approval' && e.state === 'pending'),
    );
    assert.ok(approval.kind === 'approval' && approval.command.startsWith('mcp: everything/echo'));
    api.session.approve(approval.id, 'task');
    await done;
    assert.equal(toolResult(server, 'first'), 'Echo: one');
    assert.equal(toolResult(server, 'second'), 'Echo: two');
    assert.equal(api.snapshot().entries.filter((e) => e.kind === 'approval').length, 1, 'the second call was not asked');
  });

  it('the servers view shows each server running with its tool count', async () => {
    const everythingRow = await waitFor('everything to run', async () => {
      const r = await row('everything');
      return r?.status === 'running' && r.tools !== undefined && r;
    });
    assert.match(everythingRow.description, /^running · \d+ tools$/);
    assert.equal((await row('asking'))?.description, 'running · 4 tools');
  });

  it('Stop cancels a long-running MCP tool: the server hears of it, the local server is stopped, the view says so', async () => {
    rmSync(marker, { force: true });
    server.enqueue({ toolCalls: [call('wait', 'mcp__asking__wait-for-cancel', { seconds: 120 })] });
    const done = api.prompt('wait for it');
    const approval = await waitFor('the approval card', () =>
      api.snapshot().entries.find((e) => e.kind === 'approval' && e.state === 'pending'),
    );
    api.session.approve(approval.id, 'once');
    await waitFor('the call to start on the server', () => existsSync(marker) && /started/.test(readFileSync(marker, 'utf8')));
    api.cancel();
    assert.equal(await done, 'stopped');
    await waitFor('the server to hear of the cancellation', () => /cancelled \d+/.test(readFileSync(marker, 'utf8')));
    const stopped = await waitFor('the view to show the server stopped', async () => {
      const r = await row('asking');
      return r?.status === 'stopped' && r;
    });
    assert.match(stopped.detail ?? '', /stopped with the task \(its call of wait-for-cancel was cancelled\)/);
  });

  it('a crashed server is shown in the servers view with its stderr, and runs again on the next task', async () => {
    server.enqueue({ toolCalls: [call('boom', 'mcp__asking__crash')] }, { text: 'it crashed' });
    await approveEach(api.prompt('crash it'));
    assert.match(toolResult(server, 'boom') ?? '', /The MCP server "asking" failed/);
    const crashed = await waitFor('the view to show the crash', async () => {
      const r = await row('asking');
      return r?.status === 'crashed' && r;
    });
    assert.match(crashed.description, /^crashed — the server exited/);
    assert.match(crashed.detail ?? '', /fatal: the asking server crashed on purpose/);
    await new Promise((r) => setTimeout(r, 300)); // The first restart backoff (250 ms).
    server.enqueue({ text: 'nothing' });
    await api.prompt('again');
    assert.equal((await row('asking'))?.description, 'running · 4 tools');
  });

  it('a server switched off for the workspace is not started and its tools are not offered; switched on again it is', async () => {
    await vscode.commands.executeCommand('fixpoint.mcp.disable', await row('asking'));
    assert.equal((await row('asking'))?.status, 'disabled');
    server.enqueue({ text: 'nothing' });
    await api.prompt('tools?');
    const offered = (server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    assert.ok(!offered.some((n) => n.startsWith('mcp__asking__')), offered.join(', '));
    assert.ok(offered.includes('mcp__everything__echo'));
    await vscode.commands.executeCommand('fixpoint.mcp.enable', await row('asking'));
    assert.notEqual((await row('asking'))?.status, 'disabled');
    // Nothing is left in the workspace's settings once the list is back to the user's own.
    assert.equal(vscode.workspace.getConfiguration('fixpoint.mcp').inspect('disabled')?.workspaceValue, undefined);
  });
});

interface McpRow {
  name: string;
  status: string;
  description: string;
  tools?: number;
  detail?: string;
}
