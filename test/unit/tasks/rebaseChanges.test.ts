import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentWithAcceptedHunks } from '../../../src/core/review/proposal';
import { mergeThreeWay, rebaseTaskChanges } from '../../../src/core/tasks/rebaseChanges';
import type { TaskFileDelta } from '../../../src/core/tasks/taskWorkspace';
import { GitWorktrees } from '../../../src/node/worktrees';

const labels = { current: 'your version', task: 'fixpoint/demo' };
const lines = (n: number, edit: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edit[i + 1] ?? `line ${i + 1}`}\n`).join('');

describe('tasks/rebaseChanges: a task’s change as proposals for the user’s folder', () => {
  const rebase = (deltas: TaskFileDelta[], current: Record<string, string | undefined>) =>
    rebaseTaskChanges(deltas, async (p) => current[p], labels);

  it('a file the user did not touch gets the task’s content; one already like the task’s is left out', async () => {
    const base = lines(5);
    const task = lines(5, { 3: 'task line 3' });
    const out = await rebase(
      [
        { path: 'a.txt', base, task },
        { path: 'same.txt', base, task },
      ],
      { 'a.txt': base, 'same.txt': task },
    );
    assert.deepEqual(
      out.changes.map((c) => [c.kind, c.path, c.oldContent, c.newContent]),
      [['update', 'a.txt', base, task]],
    );
    assert.deepEqual(out.conflicts, []);
  });

  it('the user’s edits elsewhere in the file are kept; only the task’s hunks are proposed', async () => {
    const base = lines(30);
    const task = lines(30, { 25: 'task line 25' });
    const current = lines(30, { 2: 'user line 2' });
    const out = await rebase([{ path: 'a.txt', base, task }], { 'a.txt': current });
    const [change] = out.changes;
    assert.equal(change.oldContent, current);
    assert.equal(change.newContent, lines(30, { 2: 'user line 2', 25: 'task line 25' }));
    assert.equal(change.hunks.length, 1);
    assert.deepEqual(
      change.hunks[0].lines.filter((l) => /^[-+]/.test(l)),
      ['-line 25', '+task line 25'],
    );
    assert.deepEqual(out.conflicts, []);
  });

  it('overlapping edits are a conflict: the user’s lines stay, the task’s version follows between markers', async () => {
    const base = lines(30);
    const task = lines(30, { 5: 'task line 5', 25: 'task line 25' });
    const current = lines(30, { 5: 'user line 5' });
    const out = await rebase([{ path: 'a.txt', base, task }], { 'a.txt': current });
    const [change] = out.changes;
    assert.equal(
      change.newContent,
      lines(4) +
        '<<<<<<< your version\nuser line 5\n=======\ntask line 5\n>>>>>>> fixpoint/demo\n' +
        lines(30)
          .split(/(?<=\n)/)
          .slice(5)
          .join('')
          .replace('line 25\n', 'task line 25\n'),
    );
    assert.equal(change.hunks.length, 2);
    assert.deepEqual(out.conflicts, [{ path: 'a.txt', hunks: [0] }]);
    // Not one of the user's lines is removed by the conflicting hunk: accepting it only adds.
    assert.deepEqual(
      change.hunks[0].lines.filter((l) => l.startsWith('-')),
      [],
    );
    // Accepting only the clean hunk writes the task's line 25 and leaves line 5 as the user has it.
    const written = contentWithAcceptedHunks(change, ['rejected', 'accepted'], current);
    assert.deepEqual(written.stale, []);
    assert.equal(written.content, lines(30, { 5: 'user line 5', 25: 'task line 25' }));
  });

  it('adjacent edits count as a conflict, identical ones do not', () => {
    const base = lines(6);
    assert.equal(mergeThreeWay(base, lines(6, { 3: 'u3' }), lines(6, { 4: 't4' }), labels).conflicts, 1);
    const same = lines(6, { 3: 'both' });
    assert.deepEqual(mergeThreeWay(base, same, same, labels), { text: same, conflicts: 0 });
    assert.deepEqual(mergeThreeWay(base, lines(6, { 1: 'u1' }), lines(6, { 6: 't6' }), labels), {
      text: lines(6, { 1: 'u1', 6: 't6' }),
      conflicts: 0,
    });
  });

  it('CRLF and a missing final newline survive the merge', () => {
    const base = 'a\r\nb\r\nc\r\nd\r\ne\r\nf';
    const merged = mergeThreeWay(base, base.replace('a\r\n', 'A\r\n'), base.replace('\r\nf', '\r\nF'), labels);
    assert.deepEqual(merged, { text: 'A\r\nb\r\nc\r\nd\r\ne\r\nF', conflicts: 0 });
    const conflict = mergeThreeWay('x\r\n', 'mine\r\n', 'theirs\r\n', labels);
    assert.equal(conflict.text, '<<<<<<< your version\r\nmine\r\n=======\r\ntheirs\r\n>>>>>>> fixpoint/demo\r\n');
  });

  it('additions, deletions, and what cannot be merged', async () => {
    const out = await rebase(
      [
        { path: 'new.txt', base: undefined, task: 'new\n' },
        { path: 'both-new.txt', base: undefined, task: 'task\n' },
        { path: 'del.txt', base: 'old\n', task: undefined },
        { path: 'del-changed.txt', base: 'old\n', task: undefined },
        { path: 'user-deleted.txt', base: 'old\n', task: 'changed\n' },
        { path: 'logo.png', base: undefined, task: undefined, notText: 'a binary file' },
      ],
      { 'both-new.txt': 'user\n', 'del.txt': 'old\n', 'del-changed.txt': 'user changed\n' },
    );
    assert.deepEqual(
      out.changes.map((c) => [c.kind, c.path]),
      [
        ['add', 'new.txt'],
        ['update', 'both-new.txt'],
        ['delete', 'del.txt'],
      ],
    );
    assert.equal(out.changes[1].newContent, '<<<<<<< your version\nuser\n=======\ntask\n>>>>>>> fixpoint/demo\n');
    assert.deepEqual(
      out.skipped.map((s) => s.path),
      ['del-changed.txt', 'user-deleted.txt', 'logo.png'],
    );
    assert.match(out.skipped[0].why, /you changed it since/);
  });

  it('end to end with real git: a worktree’s change rebased onto the user’s later edit', async function () {
    this.timeout(30_000);
    const tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-rebase-')));
    try {
      const repo = path.join(tmp, 'repo');
      await fs.mkdir(repo);
      const git = (args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
      git(['init', '-q']);
      git(['config', 'user.name', 'u']);
      git(['config', 'user.email', 'u@u']);
      await fs.writeFile(path.join(repo, 'a.txt'), lines(30));
      git(['add', '-A']);
      git(['commit', '-q', '-m', 'init']);
      const worktrees = new GitWorktrees(path.join(tmp, 'cache'));
      const info = await worktrees.create({ taskId: 'task-r', title: 'demo', origin: repo });
      await fs.writeFile(path.join(info.root, 'a.txt'), lines(30, { 28: 'task 28' }));
      await fs.writeFile(path.join(repo, 'a.txt'), lines(30, { 1: 'user 1' })); // meanwhile, in the user's folder
      const out = await rebaseTaskChanges(
        await worktrees.changes(info),
        (p) => fs.readFile(path.join(repo, p), 'utf8').catch(() => undefined),
        labels,
      );
      assert.equal(out.changes.length, 1);
      assert.equal(out.changes[0].newContent, lines(30, { 1: 'user 1', 28: 'task 28' }));
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
