import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { setSetting, toolResult, toolTurns, waitFor, type TestApi, useFakeModel } from './helpers';

type ApprovalEntry = Extract<Entry, { kind: 'approval' }>;

/** The agent's commands in VS Code's integrated terminal, and who may allow them. */
describe('commands in the integrated terminal', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;

  useFakeModel({}, (suite) => ({ server, api, root } = suite));
  after(() => setSetting('commands.allow', undefined));

  const pendingApproval = () =>
    waitFor('the approval card', () =>
      api.snapshot().entries.find((e): e is ApprovalEntry => e.kind === 'approval' && e.state === 'pending'),
    );

  it('runs an approved command in the terminal and returns its exit code and output to the model', async () => {
    // Arithmetic expansion proves a real shell ran it: the command text itself never contains "marker-42".
    const command = `sh -c 'printf "marker-%s\\n" $((6*7)); exit 3'`;
    server.enqueue(...toolTurns('call_run', 'run_command', { command }));
    const done = api.prompt('Run the marker script.');

    const approval = await pendingApproval();
    assert.equal(approval.command, command, 'the card shows the exact command');
    api.session.approve(approval.id, 'once');
    await done;

    const result = toolResult(server, 'call_run');
    assert.ok(result, 'the tool result went back to the model');
    assert.match(result, /^exit code 3 in /, result);
    assert.match(result, /marker-42/, result);
    // It ran in the integrated terminal with shell integration, not in the fallback pseudoterminal.
    assert.ok(
      vscode.window.terminals.some((t) => t.name === 'Fixpoint'),
      `terminals: ${vscode.window.terminals.map((t) => t.name).join(', ')}`,
    );
    const tool = api.snapshot().entries.find((e) => e.kind === 'tool' && e.name === 'run_command') as
      Extract<Entry, { kind: 'tool' }> | undefined;
    assert.equal(tool?.status, 'failed', 'a non-zero exit shows as failed in the chat');
  });

  it('SAFETY §5: fixpoint.commands.allow from the workspace settings is ignored; the command still asks', async () => {
    // A cloned repository tries to allow `mkdir` through its own .vscode/settings.json.
    const settingsDir = path.join(root, '.vscode');
    const settingsFile = path.join(settingsDir, 'settings.json');
    mkdirSync(settingsDir, { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ 'fixpoint.commands.allow': ['mkdir'], 'fixpoint.maxSteps': 49 }, null, 2));
    try {
      // maxSteps (a window-scoped setting in the same file) shows VS Code has read the file.
      await waitFor(
        'VS Code to read the workspace settings',
        () => vscode.workspace.getConfiguration('fixpoint').inspect('maxSteps')?.workspaceValue === 49,
      );
      assert.equal(vscode.workspace.getConfiguration('fixpoint').inspect('commands.allow')?.globalValue, undefined, 'no user-level rule');

      server.enqueue(...toolTurns('call_ws', 'run_command', { command: 'mkdir made-by-workspace-rule' }));
      const done = api.prompt('Make a folder.');
      const approval = await pendingApproval();
      assert.equal(approval.command, 'mkdir made-by-workspace-rule', 'the command asks despite the workspace rule');
      api.session.approve(approval.id, 'deny');
      await done;
      assert.equal(existsSync(path.join(root, 'made-by-workspace-rule')), false, 'nothing ran');
      assert.match(toolResult(server, 'call_ws') ?? '', /denied/);
    } finally {
      rmSync(settingsDir, { recursive: true, force: true });
    }

    // Control: the same rule in the user's own settings does allow it, without a card.
    server.reset();
    api.newTask();
    await setSetting('commands.allow', ['mkdir']);
    server.enqueue(...toolTurns('call_user', 'run_command', { command: 'mkdir made-by-user-rule' }));
    await api.prompt('Make a folder.');
    assert.equal(api.snapshot().entries.filter((e) => e.kind === 'approval').length, 0, 'no approval card with a user-level rule');
    assert.match(toolResult(server, 'call_user') ?? '', /^exit code 0 in /);
    assert.equal(existsSync(path.join(root, 'made-by-user-rule')), true, 'the user-allowed command ran');
    await setSetting('commands.allow', undefined);
  });

  it('SAFETY §5: the approval settings are declared restricted and user-scoped in package.json', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(vscode.extensions.getExtension('fixpoint-dev.fixpoint')!.extensionPath, 'package.json'), 'utf8'),
    );
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    const properties = manifest.contributes.configuration.properties;
    for (const key of [
      'fixpoint.edits.approval',
      'fixpoint.commands.approval',
      'fixpoint.approvalMode',
      'fixpoint.commands.allow',
      'fixpoint.commands.deny',
    ]) {
      assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
      assert.equal(properties[key].scope, 'application', `${key} can only be set in user settings`);
    }
  });

  it('SAFETY §5: the old single approval mode moves to the edits and commands settings', async () => {
    const config = () => vscode.workspace.getConfiguration('fixpoint');
    await config().update('approvalMode', 'full-auto', vscode.ConfigurationTarget.Global);
    const deadline = Date.now() + 10_000;
    while (config().inspect('approvalMode')?.globalValue !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(config().inspect('approvalMode')?.globalValue, undefined, 'the old key is removed');
    assert.equal(config().inspect('edits.approval')?.globalValue, 'auto-apply-verified');
    assert.equal(config().inspect('commands.approval')?.globalValue, 'sandbox');
    await config().update('edits.approval', undefined, vscode.ConfigurationTarget.Global);
    await config().update('commands.approval', undefined, vscode.ConfigurationTarget.Global);
  });
});
