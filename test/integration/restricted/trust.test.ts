import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeOpenAIServer } from '../../fakes/openaiServer';
import { activateFixpoint, EXTENSION_ID, setSetting, toolResult, toolTurns, waitFor, workspaceRoot, type TestApi } from '../helpers';

/**
 * SAFETY §18 in a real Restricted Mode window: the harness starts this code-server without
 * --disable-workspace-trust, and the smoke-test driver refuses the trust dialog (TESTING.md step 7).
 */
describe('Restricted Mode (untrusted workspace)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;

  before(async () => {
    root = workspaceRoot();
    server = await FakeOpenAIServer.start();
    await setSetting('baseUrl', server.url);
    await setSetting('model', 'fake-model');
  });
  beforeEach(() => {
    server.reset();
    api?.newTask();
  });
  after(async () => {
    api?.newTask();
    await setSetting('baseUrl', undefined);
    await setSetting('model', undefined);
    await server.close();
  });

  it('SAFETY §18: the workspace is untrusted and Fixpoint activates with limited support', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this window is in Restricted Mode');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      capabilities: { untrustedWorkspaces: { supported: unknown } };
    };
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    api = await activateFixpoint();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  it('SAFETY §18: the chat state says why commands cannot run', async () => {
    api ??= await activateFixpoint();
    assert.match(api.snapshot().restricted ?? '', /Restricted Mode/);
  });

  it('SAFETY §18: a run_command call is refused with a Restricted Mode message and nothing runs', async () => {
    api ??= await activateFixpoint();
    const marker = path.join(root, 'created-by-command.txt');
    server.enqueue(...toolTurns('call_cmd', 'run_command', { command: 'touch created-by-command.txt' }));
    await api.prompt('Create the marker file.');
    const result = toolResult(server, 'call_cmd') ?? '';
    assert.match(result, /Restricted Mode/, result);
    assert.equal(
      api.snapshot().entries.some((e) => e.kind === 'approval'),
      false,
      'the user is not even asked',
    );
    assert.equal(existsSync(marker), false, 'the command did not run');
    assert.equal(
      vscode.window.terminals.some((t) => t.name.startsWith('Fixpoint')),
      false,
      'no terminal was opened',
    );
  });

  it('SAFETY §18: a run_task call is refused with a Restricted Mode message and the task does not run', async () => {
    api ??= await activateFixpoint();
    mkdirSync(path.join(root, '.vscode'), { recursive: true });
    const tasks = { version: '2.0.0', tasks: [{ label: 'make-marker', type: 'shell', command: 'touch created-by-task.txt' }] };
    writeFileSync(path.join(root, '.vscode', 'tasks.json'), JSON.stringify(tasks, null, 2));
    server.enqueue(...toolTurns('call_task', 'run_task', { name: 'make-marker' }));
    await api.prompt('Run the make-marker task.');
    const result = toolResult(server, 'call_task') ?? '';
    assert.match(result, /Restricted Mode/, result);
    assert.equal(existsSync(path.join(root, 'created-by-task.txt')), false, 'the task did not run');
  });

  it('SAFETY §18: reading and proposing still work (the proposal waits for review; nothing is written)', async () => {
    api ??= await activateFixpoint();
    const file = path.join(root, 'src', 'calc.js');
    const before = readFileSync(file);
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/calc.js',
      '@@',
      "-'use strict';",
      "+'use strict'; // reviewed",
      '*** End Patch',
    ].join('\n');
    server.enqueue(...toolTurns('call_patch', 'apply_patch', { patch }));
    const done = api.prompt('Mark the file reviewed.');
    await waitFor('a pending proposal', () => api.session.reviewer.pending()[0]);
    assert.deepEqual(readFileSync(file), before);
    await vscode.commands.executeCommand('fixpoint.rejectAll');
    await done;
    assert.deepEqual(readFileSync(file), before);
    assert.match(toolResult(server, 'call_patch') ?? '', /rejected by the user/);
  });

  it('SAFETY §36: MCP servers defined by the workspace are never started in Restricted Mode, even when "allowed"', async () => {
    api ??= await activateFixpoint();
    const everything = path.resolve(__dirname, '../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
    mkdirSync(path.join(root, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(root, '.vscode', 'mcp.json'),
      JSON.stringify({ servers: { everything: { command: process.execPath, args: [everything] } } }),
    );
    assert.deepEqual(
      await vscode.commands.executeCommand('fixpoint.mcp.allowWorkspaceServers'),
      [],
      'nothing to allow: the file is not read here',
    );
    server.enqueue({ text: 'ok' });
    await api.prompt('hello');
    const offered = (server.modelRequests()[0].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    assert.ok(!offered.some((n) => n.startsWith('mcp__')), offered.join(', '));
  });
});
