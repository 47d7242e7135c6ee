import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Proposal } from '../../src/core/review/proposal';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { closeAllEditors, finishAllowingCommands, setSetting, toolResult, toolTurns, waitFor, type TestApi, useFakeModel } from './helpers';

/** 30 lines `const vN = N;`, joined with `eol`, with a final newline. */
function numberedLines(eol: string, bom = ''): string {
  return bom + Array.from({ length: 30 }, (_, i) => `const v${i + 1} = ${i + 1};`).join(eol) + eol;
}

/** Two hunks far enough apart to stay two hunks: v5 → 50 and v25 → 250. */
function twoHunkPatch(file: string): string {
  return [
    '*** Begin Patch',
    `*** Update File: ${file}`,
    '@@',
    ' const v3 = 3;',
    ' const v4 = 4;',
    '-const v5 = 5;',
    '+const v5 = 50;',
    ' const v6 = 6;',
    ' const v7 = 7;',
    '@@',
    ' const v23 = 23;',
    ' const v24 = 24;',
    '-const v25 = 25;',
    '+const v25 = 250;',
    ' const v26 = 26;',
    ' const v27 = 27;',
    '*** End Patch',
  ].join('\n');
}

/**
 * Issue 4 in the real editor: an `apply_patch` call becomes a pending proposal shown in a read-only
 * `fixpoint-review:` editor with a CodeLens per hunk; only the user's decisions reach the file, through a
 * WorkspaceEdit that undo reverts.
 */
describe('inline review of a proposed patch', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;

  // These tests are about what reaches the file; checking accepted edits (npm test) is another feature.
  useFakeModel({ 'verify.when': 'off' }, (suite) => ({ server, api, root } = suite));
  afterEach(async () => {
    api.newTask(); // Rejects anything a failed test left pending.
    await closeAllEditors();
    // The dirty-buffer test turns the check after accepted edits back on; the next test starts without it.
    await setSetting('verify.when', 'off');
  });

  /** Writes `content` to a new workspace file and returns its absolute path. */
  function fixtureFile(name: string, content: string): string {
    const file = path.join(root, 'src', name);
    writeFileSync(file, content);
    return file;
  }

  /** Starts a turn that proposes `patch` and resolves once the proposal is pending (the turn waits on it). */
  async function propose(patch: string, callId: string): Promise<{ done: Promise<unknown>; proposal: Proposal }> {
    server.enqueue(...toolTurns(callId, 'apply_patch', { patch }));
    const done = api.prompt('Change the constants.');
    const proposal = await waitFor('a pending proposal', () => api.session.reviewer.pending()[0]);
    return { done, proposal };
  }

  function reviewEditor(): Promise<vscode.TextEditor> {
    return waitFor('the fixpoint-review editor to open', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fixpoint-review'),
    );
  }

  async function hunkLenses(uri: vscode.Uri, verb: 'Accept' | 'Reject'): Promise<vscode.CodeLens[]> {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const hunkCommand = verb === 'Accept' ? 'fixpoint.acceptHunk' : 'fixpoint.rejectHunk';
    return lenses.filter((l) => l.command?.command === hunkCommand).sort((a, b) => a.range.start.line - b.range.start.line);
  }

  it('proposes without writing, shows a review editor with a CodeLens per hunk, and writes exactly the accepted hunk', async () => {
    const original = numberedLines('\n');
    const file = fixtureFile('review-partial.js', original);
    const { done, proposal } = await propose(twoHunkPatch('src/review-partial.js'), 'call_partial');

    assert.deepEqual(
      proposal.files.map((f) => f.change.path),
      ['src/review-partial.js'],
    );
    assert.equal(readFileSync(file, 'utf8'), original, 'nothing is written while the proposal is pending');
    assert.equal(api.snapshot().entries.find((e) => e.kind === 'proposal')?.kind, 'proposal', 'the chat shows a proposal card');

    const editor = await reviewEditor();
    assert.equal(editor.document.uri.path, '/src/review-partial.js');
    // The review view shows the removed and the added line of each hunk.
    const text = editor.document.getText();
    for (const line of ['const v5 = 5;', 'const v5 = 50;', 'const v25 = 25;', 'const v25 = 250;'])
      assert.ok(text.split('\n').includes(line), `review view shows "${line}"`);

    const accepts = await hunkLenses(editor.document.uri, 'Accept');
    const rejects = await hunkLenses(editor.document.uri, 'Reject');
    assert.equal(accepts.length, 2, 'one Accept CodeLens per hunk');
    assert.equal(rejects.length, 2, 'one Reject CodeLens per hunk');
    assert.match(accepts[0].command!.title, /Accept \(1\/2\)/);
    assert.match(accepts[1].command!.title, /Accept \(2\/2\)/);
    // Each hunk's lenses sit on that hunk in the review view.
    assert.ok(
      editor.document.lineAt(accepts[0].range.start.line).text.includes('v') && accepts[0].range.start.line < accepts[1].range.start.line,
    );

    // What a click on "Accept (1/2)" and on the second "Reject" runs.
    await vscode.commands.executeCommand(accepts[0].command!.command, ...(accepts[0].command!.arguments ?? []));
    assert.equal(readFileSync(file, 'utf8'), original, 'one decided hunk of two writes nothing yet');
    await vscode.commands.executeCommand(rejects[1].command!.command, ...(rejects[1].command!.arguments ?? []));
    await done;

    assert.equal(readFileSync(file, 'utf8'), original.replace('const v5 = 5;', 'const v5 = 50;'), 'exactly hunk 1 is written');
    assert.equal(api.session.reviewer.pending().length, 0);
    assert.match(toolResult(server, 'call_partial') ?? '', /hunks 1 accepted; 2 rejected/, 'the model is told which hunks landed');
  });

  it('SAFETY §7: a CRLF file with a BOM stays byte-identical when everything is rejected', async () => {
    const original = numberedLines('\r\n', '\uFEFF');
    const file = fixtureFile('review-reject.js', original);
    const before = readFileSync(file);
    const { done } = await propose(twoHunkPatch('src/review-reject.js'), 'call_reject');
    await reviewEditor();
    await vscode.commands.executeCommand('fixpoint.rejectAll');
    await done;
    assert.deepEqual(readFileSync(file), before, 'the bytes on disk did not change');
    assert.match(toolResult(server, 'call_reject') ?? '', /rejected by the user; nothing written/);
  });

  it('SAFETY §7: accepting keeps CRLF and the BOM, and undo in the editor restores the file', async () => {
    const original = numberedLines('\r\n', '\uFEFF');
    const file = fixtureFile('review-undo.js', original);
    const { done } = await propose(twoHunkPatch('src/review-undo.js'), 'call_undo');
    await reviewEditor();
    await vscode.commands.executeCommand('fixpoint.acceptAll');
    await done;
    const accepted = original.replace('const v5 = 5;', 'const v5 = 50;').replace('const v25 = 25;', 'const v25 = 250;');
    assert.deepEqual(readFileSync(file), Buffer.from(accepted, 'utf8'), 'both hunks written, CRLF and BOM kept byte for byte');

    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    // As a user would: put the focus in that editor (a notification or the terminal may hold it), then Ctrl+Z.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to revert the accepted edit', () => document.getText() === original.replace(/^\uFEFF/, ''));
    await document.save();
    assert.deepEqual(readFileSync(file), Buffer.from(original, 'utf8'), 'after undo and save the file is as before, byte for byte');
  });

  it("SAFETY §8: a dirty buffer edited while the proposal is pending is neither lost nor saved behind the user's back", async () => {
    // With the default settings: accepted edits are then checked (the fixture's "npm: test" task), and VS Code
    // saves every dirty editor before it runs a task unless told not to.
    await setSetting('verify.when', undefined);
    const original = numberedLines('\n');
    const file = fixtureFile('review-dirty.js', original);
    const { done } = await propose(twoHunkPatch('src/review-dirty.js'), 'call_dirty');
    await reviewEditor();

    // The user types into the real file: a new first line (away from the hunks) and a change inside hunk 2.
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(document);
    const typed = await editor.edit((edit) => {
      edit.insert(new vscode.Position(0, 0), '// typed by the user\n');
      edit.replace(document.lineAt(24).range, 'const v25 = 25; // the user changed this');
    });
    assert.ok(typed && document.isDirty);
    const userText = document.getText();

    await vscode.commands.executeCommand('fixpoint.acceptAll');
    // The check after accepted edits asks first; the user allows it.
    await finishAllowingCommands(api, done);

    assert.equal(document.isDirty, true, 'the buffer is still dirty: nothing saved it');
    assert.equal(readFileSync(file, 'utf8'), original, 'the file on disk is untouched');
    const expected = userText.replace('const v5 = 5;', 'const v5 = 50;');
    assert.equal(document.getText(), expected, "the user's text is kept; hunk 1 is rebased onto it; hunk 2 (conflicting) is left out");
    assert.match(toolResult(server, 'call_dirty') ?? '', /hunks 1 accepted; .*2 not applied because the user changed that code/);

    // The check that follows accepted edits ran no task: VS Code would have saved the dirty buffer first.
    const verification = api.snapshot().entries.find((e) => e.kind === 'verification');
    assert.ok(verification, 'the accepted edit was followed by a verification entry');
    assert.match(JSON.stringify(verification), /was not run: VS Code would first save the unsaved editors/);

    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(existsSync(file), true);
  });

  async function topLensTitles(uri: vscode.Uri): Promise<string[]> {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    return lenses.filter((l) => l.range.start.line === 0 && l.command).map((l) => l.command!.title);
  }

  function proposalCard(): Extract<ReturnType<TestApi['snapshot']>['entries'][number], { kind: 'proposal' }> | undefined {
    const entry = api.snapshot().entries.find((e) => e.kind === 'proposal');
    return entry?.kind === 'proposal' ? entry : undefined;
  }

  it('issue 18: an Add File onto an existing file is marked as a replacement in the review and on the card', async () => {
    const original = numberedLines('\n');
    const file = fixtureFile('review-replaced.js', original);
    const patch = ['*** Begin Patch', '*** Add File: src/review-replaced.js', '+export const replaced = true;', '*** End Patch'].join('\n');
    const { done } = await propose(patch, 'call_replace');

    const editor = await reviewEditor();
    const titles = await waitFor('the replacement CodeLens', async () => {
      const found = await topLensTitles(editor.document.uri);
      return found.some((t) => t.includes('Replaces')) && found;
    });
    assert.ok(titles.includes('$(warning) Replaces the existing file — 30 lines removed'), titles.join(' | '));
    assert.deepEqual(proposalCard()?.files[0].replaces, { path: 'src/review-replaced.js', removedLines: 30 }, 'the card is marked too');
    assert.equal(readFileSync(file, 'utf8'), original, 'nothing is written while the proposal is pending');

    await vscode.commands.executeCommand('fixpoint.acceptFile', editor.document.uri);
    await done;
    assert.equal(readFileSync(file, 'utf8'), 'export const replaced = true;\n');
    assert.match(toolResult(server, 'call_replace') ?? '', /src\/review-replaced\.js already existed, so this patch replaced its content/);
  });

  it('issue 18: a move onto an existing file is marked in the review, and accepting replaces the target and removes the source', async () => {
    const source = fixtureFile('review-move-from.js', numberedLines('\n'));
    const target = fixtureFile('review-move-onto.js', 'const old = 1;\nconst older = 2;\n');
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/review-move-from.js',
      '*** Move to: src/review-move-onto.js',
      '@@',
      ' const v4 = 4;',
      '-const v5 = 5;',
      '+const v5 = 50;',
      '*** End Patch',
    ].join('\n');
    const { done } = await propose(patch, 'call_move_onto');

    const editor = await reviewEditor();
    const titles = await waitFor('the replacement CodeLens', async () => {
      const found = await topLensTitles(editor.document.uri);
      return found.some((t) => t.includes('Replaces')) && found;
    });
    assert.ok(titles.includes('$(warning) Replaces the existing file src/review-move-onto.js — 2 lines removed'), titles.join(' | '));

    await vscode.commands.executeCommand('fixpoint.acceptFile', editor.document.uri);
    await done;
    assert.equal(readFileSync(target, 'utf8'), numberedLines('\n').replace('const v5 = 5;', 'const v5 = 50;'));
    assert.equal(existsSync(source), false, 'the source is gone');
    assert.match(toolResult(server, 'call_move_onto') ?? '', /moving src\/review-move-from\.js onto it replaced its content/);
  });
});
