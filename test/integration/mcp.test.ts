import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

  before(() => {
    mkdirSync(path.join(root, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(root, '.vscode', 'mcp.json'),
      JSON.stringify({ servers: { everything: { command: process.execPath, args: [everything] } } }),
    );
  });
  after(() => rmSync(path.join(root, '.vscode', 'mcp.json'), { force: true }));

  it('SAFETY §36: is not started before the user allows it', async () => {
    server.enqueue({ text: 'nothing to call' });
    await api.prompt('hello');
    const offered = (server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    assert.ok(!offered.some((n) => n.startsWith('mcp__')), offered.join(', '));
  });

  it('SAFETY §36: once allowed, its tools are offered; a call asks first and "for this task" sticks', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('fixpoint.mcp.allowWorkspaceServers'), ['everything']);
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
});
