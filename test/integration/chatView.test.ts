import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateFixpoint, waitFor } from './helpers';

describe('chat view', () => {
  it('resolves when focused and its webview reports ready', async () => {
    const api = await activateFixpoint();
    // Before the webview exists nothing has read the settings: the snapshot has no endpoint yet. The host
    // fills it in when the webview's `ready` message arrives (ChatViewProvider.handle('ready')).
    // Files run in name order: only activation.test runs before this one, and it changes no configuration.
    assert.equal(api.snapshot().endpoint, '', 'no webview has reported ready yet');
    await vscode.commands.executeCommand('fixpoint.chat.focus');
    const endpoint = await waitFor('the chat webview to report ready', () => api.snapshot().endpoint || undefined);
    assert.ok(endpoint.length > 0);
    assert.equal(api.snapshot().busy, false);
  });
});
