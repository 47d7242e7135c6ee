import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskSummary } from '../../src/core/tasks/task';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { closeAllEditors, waitFor, type TestApi, useFakeModel } from './helpers';

type Row = TaskSummary & { description: string };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const addFile = (file: string) =>
  JSON.stringify({ patch: `*** Begin Patch\n*** Add File: ${file}\n+made by a background task\n*** End Patch\n` });

/**
 * Background tasks in the real extension host: two run at once, each in its own git worktree, while the user
 * has an unsaved edit open; one comes back through Review & Apply as an ordinary proposal accepted in the
 * chat, one is kept as a branch with a message from its ledger, a third is discarded and leaves nothing.
 */
describe('background tasks in git worktrees', function () {
  this.timeout(120_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;

  // Each task's edits apply in its own worktree and are checked there, by a command the user allowed.
  const check = `node -e "process.exit(0)"`;
  useFakeModel(
    {
      'tasks.backgroundEdits': 'apply-in-worktree',
      'verify.when': 'after-accept',
      'verify.command': check,
      'commands.allow': ['node -e'],
      'tasks.maxParallel': 2,
    },
    (suite) => {
      ({ server, api, root } = suite);
    },
  );
  before(() => {
    git(root, 'init', '-q', '-b', 'main');
    git(root, '-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'add', '.');
    git(root, '-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'fixture');
  });
  after(async () => {
    await closeAllEditors();
    fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    for (const f of ['one.txt', 'two.txt', 'three.txt']) fs.rmSync(path.join(root, f), { force: true });
  });

  const rows = () => vscode.commands.executeCommand<Row[]>('fixpoint.tasks.list');
  const row = (title: string) =>
    waitFor(`"${title}" in the Tasks view`, async () => (await rows()).find((r) => r.title === title && r.workspace));
  const done = (title: string) =>
    waitFor(`"${title}" to be done`, async () => (await rows()).find((r) => r.title === title && r.status === 'done'), 60_000);

  it('two run in parallel; one is reviewed and applied into the workspace around an unsaved edit, one kept as a branch, one discarded', async () => {
    // The user's unrelated unsaved edit.
    const calc = await vscode.workspace.openTextDocument(path.join(root, 'src', 'calc.js'));
    const editor = await vscode.window.showTextDocument(calc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// my unsaved note\n'));

    // The first task's first answer streams slowly, so the second task's first request comes before its next one.
    server.enqueue(
      { text: 'Adding one.txt', chunkSize: 1, chunkDelayMs: 120, toolCalls: [{ name: 'apply_patch', arguments: addFile('one.txt') }] },
      { toolCalls: [{ name: 'apply_patch', arguments: addFile('two.txt') }] },
      { text: 'Done.' },
      { text: 'Done.' },
    );
    await vscode.commands.executeCommand('fixpoint.tasks.runInBackground', 'add one.txt');
    await waitFor('the first request', () => server.modelRequests().length >= 1);
    await vscode.commands.executeCommand('fixpoint.tasks.runInBackground', 'add two.txt');
    const [first, second] = await Promise.all([done('add one.txt'), done('add two.txt')]);
    const requests = server.modelRequests();
    assert.ok(requests[1].receivedAt < requests[2].receivedAt && requests.length === 4, 'both were running at once');
    assert.notEqual(first.workspace?.branch, second.workspace?.branch);
    assert.equal(fs.readFileSync(path.join(first.workspace!.root, 'one.txt'), 'utf8'), 'made by a background task\n');
    assert.equal(fs.existsSync(path.join(root, 'one.txt')), false, "the user's folder is not touched by a running task");
    assert.ok(calc.isDirty && calc.getText().startsWith('// my unsaved note\n'));
    assert.match(first.description, /^done · ✓ verified · /, 'the row says the task was verified');
    for (const task of [first, second]) {
      const ledger = (await api.session.tasks.load(task.id))?.ledger;
      assert.deepEqual(ledger?.checks, [{ command: check, passed: true }], `${task.title} was verified in its worktree`);
    }

    // Review & Apply: one proposal in the chat, accepted there; the unsaved edit elsewhere stays as it is.
    await vscode.commands.executeCommand('fixpoint.tasks.apply', first);
    const proposal = await waitFor('the proposal in the chat', () =>
      api.snapshot().entries.find((e): e is Extract<Entry, { kind: 'proposal' }> => e.kind === 'proposal' && e.state === 'pending'),
    );
    assert.deepEqual(
      proposal.files.map((f) => f.path),
      ['one.txt'],
    );
    assert.equal(proposal.verification?.state, 'passed', "the task's check travels with its change");
    api.session.reviewer.decideHunk(proposal.id, 'one.txt', 0, true);
    await waitFor('one.txt applied', () => fs.existsSync(path.join(root, 'one.txt')));
    assert.equal(fs.readFileSync(path.join(root, 'one.txt'), 'utf8'), 'made by a background task\n');
    assert.ok(calc.isDirty && calc.getText().startsWith('// my unsaved note\n'), 'the unsaved edit is untouched');

    // Keep as Branch: committed on its branch with a message from the ledger; the user's branch is untouched.
    await vscode.commands.executeCommand('fixpoint.tasks.keep', second);
    const message = git(root, 'log', '-1', '--format=%B', second.workspace!.branch);
    assert.match(message, /^add two\.txt\n\nGoal:\n {2}add two\.txt[\s\S]*two\.txt \(added\)[\s\S]*Fixpoint-Task: /);
    assert.equal(git(root, 'branch', '--show-current'), 'main');
    assert.equal(fs.existsSync(second.workspace!.top), false, 'the worktree is freed once kept');
    assert.equal((await rows()).find((r) => r.id === second.id)?.workspace?.state, 'kept');

    // Discard: no worktree, no branch left.
    server.enqueue({ toolCalls: [{ name: 'apply_patch', arguments: addFile('three.txt') }] }, { text: 'Done.' });
    await vscode.commands.executeCommand('fixpoint.tasks.runInBackground', 'add three.txt');
    const third = await done('add three.txt');
    await vscode.commands.executeCommand('fixpoint.tasks.discard', third, true);
    assert.equal(fs.existsSync(third.workspace!.top), false);
    assert.equal(git(root, 'branch', '--list', third.workspace!.branch), '');
    assert.equal((await row('add three.txt')).workspace?.state, 'discarded');
    await vscode.window.showTextDocument(calc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
