import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateFixpoint, EXTENSION_ID } from './helpers';

describe('Fixpoint in VS Code', () => {
  it('runs in VS Code 1.139 with the fixture workspace open', () => {
    // The runners pin VS Code 1.139 (code-server 4.139.1; test-electron's default version). A runner started
    // with another FIXPOINT_VSCODE_VERSION says which version to expect.
    const expected = process.env.FIXPOINT_EXPECT_VSCODE_VERSION ?? '1.139';
    if (expected) assert.ok(vscode.version.startsWith(`${expected}.`), `VS Code ${vscode.version}, expected ${expected}.x`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
  });

  it('activates and returns its API', async () => {
    const api = await activateFixpoint();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    for (const method of ['prompt', 'cancel', 'newTask', 'snapshot'] as const) assert.equal(typeof api[method], 'function', method);
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs = ${api.activationMs}`);
  });

  it('registers its four commands', async () => {
    await activateFixpoint();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['fixpoint.newTask', 'fixpoint.cancel', 'fixpoint.setApiKey', 'fixpoint.askToFix']) {
      assert.ok(commands.has(id), `${id} is registered`);
    }
  });
});
