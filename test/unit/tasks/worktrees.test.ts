import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TaskWorkspaceUnavailable } from '../../../src/core/tasks/taskWorkspace';
import { GitWorktrees, slug } from '../../../src/node/worktrees';

const gitIdentity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

describe('tasks/worktrees: background tasks in git worktrees', function () {
  this.timeout(30_000);
  let tmp: string;
  let repo: string;
  let base: string;
  let worktrees: GitWorktrees;

  const git = (args: string[], cwd = repo) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitIdentity }, stdio: ['ignore', 'pipe', 'pipe'] });
  const write = async (rel: string, content: string, root = repo) => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  };
  const read = (rel: string, root = repo) => fs.readFile(path.join(root, rel), 'utf8');
  /** What the user's repository holds that Fixpoint must not change: index, HEAD, branches, stash, status. */
  const userState = async () => ({
    index: createHash('sha1')
      .update(await fs.readFile(path.join(repo, '.git', 'index')))
      .digest('hex'),
    head: git(['rev-parse', 'HEAD']),
    symbolic: git(['symbolic-ref', 'HEAD']),
    branches: git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']).replace(/^refs\/heads\/fixpoint\/.*\n/gm, ''),
    stash: git(['stash', 'list']),
    status: git(['status', '--porcelain=v1', '--untracked-files=all']),
  });

  beforeEach(async () => {
    tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-worktrees-')));
    repo = path.join(tmp, 'repo');
    base = path.join(tmp, 'cache');
    await fs.mkdir(repo);
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'Repo User']);
    git(['config', 'user.email', 'user@example.com']);
    await write('.gitignore', 'node_modules/\n*.log\n');
    await write('package.json', '{ "name": "demo" }\n');
    await write('src/a.js', 'one\ntwo\nthree\n');
    await write('src/gone.js', 'to be deleted\n');
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
    // The user's uncommitted work: a tracked change, an untracked file, a staged change, an ignored file.
    await write('src/a.js', 'one\ntwo (mine)\nthree\n');
    await write('notes.md', 'untracked notes\n');
    await write('debug.log', 'ignored\n');
    await write('staged.txt', 'staged\n');
    git(['add', 'staged.txt']);
    await write('node_modules/dep/index.js', 'module.exports = 1;\n');
    worktrees = new GitWorktrees(base);
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('creates fixpoint/<short-title> from HEAD plus the uncommitted changes, outside the repo, leaving the user’s git state alone', async () => {
    const before = await userState();
    const info = await worktrees.create({ taskId: 'task-1', title: 'Add a --json flag!', origin: repo });
    assert.equal(info.branch, 'fixpoint/add-a-json-flag');
    assert.ok(info.top.startsWith(base + path.sep), 'the worktree lives in Fixpoint’s folder, not in the repository');
    assert.equal(info.root, info.top);
    assert.equal(info.head, before.head.trim());
    // The uncommitted work is the base commit on the branch, on top of the user's HEAD.
    assert.equal(git(['rev-parse', `${info.base}^`]).trim(), info.head);
    assert.equal(await read('src/a.js', info.root), 'one\ntwo (mine)\nthree\n');
    assert.equal(await read('notes.md', info.root), 'untracked notes\n');
    assert.equal(await read('staged.txt', info.root), 'staged\n');
    assert.equal(existsSync(path.join(info.root, 'debug.log')), false, 'ignored files stay behind');
    assert.equal(
      await fs.realpath(path.join(info.root, 'node_modules')),
      path.join(repo, 'node_modules'),
      'dependency folders are linked, not copied',
    );
    assert.equal(git(['rev-parse', '--abbrev-ref', 'HEAD'], info.root).trim(), info.branch);
    assert.equal(git(['status', '--porcelain', '--', ':!node_modules'], info.root), '', 'the task starts from a clean tree');
    assert.deepEqual(await worktrees.changes(info), [], 'nothing changed yet');
    assert.deepEqual(await userState(), before);
    // A second task of the same title gets its own branch.
    const second = await worktrees.create({ taskId: 'task-2', title: 'Add a --json flag!', origin: repo });
    assert.equal(second.branch, 'fixpoint/add-a-json-flag-2');
  });

  it('diffs the whole change against its base (edits, additions, deletions, binaries), committed in it or not', async () => {
    const info = await worktrees.create({ taskId: 'task-1', title: 'edit', origin: repo });
    await write('src/a.js', 'one\ntwo (mine)\nthree\nfour\n', info.root);
    await write('src/new.js', 'new\n', info.root);
    await fs.rm(path.join(info.root, 'src/gone.js'));
    await fs.writeFile(path.join(info.root, 'logo.bin'), Buffer.from([0, 1, 2, 3]));
    await write('committed.txt', 'the agent committed this\n', info.root);
    git(['add', 'committed.txt'], info.root);
    git(['commit', '-q', '-m', 'agent commit'], info.root);
    const changes = await worktrees.changes(info);
    assert.deepEqual(
      changes.map((c) => [c.path, c.base, c.task, c.notText]),
      [
        ['committed.txt', undefined, 'the agent committed this\n', undefined],
        ['logo.bin', undefined, undefined, 'a binary file'],
        ['src/a.js', 'one\ntwo (mine)\nthree\n', 'one\ntwo (mine)\nthree\nfour\n', undefined],
        ['src/gone.js', 'to be deleted\n', undefined, undefined],
        ['src/new.js', undefined, 'new\n', undefined],
      ],
    );
    assert.equal(git(['status', '--porcelain', '--', 'src/new.js'], info.root), '?? src/new.js\n', 'the task’s own index was not touched');
  });

  it('keep commits the change on its branch with the given message and removes the worktree; discard leaves nothing', async () => {
    const before = await userState();
    const kept = await worktrees.create({ taskId: 'task-k', title: 'keep me', origin: repo });
    await write('src/a.js', 'one\ntwo (mine)\nthree\nkept\n', kept.root);
    const after = await worktrees.keep(kept, 'Keep me\n\nGoal: test keep\n');
    assert.equal(after.state, 'kept');
    assert.equal(existsSync(kept.top), false, 'the worktree is gone, so the branch can be checked out');
    assert.equal(git(['log', '-1', '--format=%B', kept.branch]).trim(), 'Keep me\n\nGoal: test keep');
    assert.equal(git(['log', '-1', '--format=%an <%ae>', kept.branch]).trim(), 'Repo User <user@example.com>');
    assert.equal(git(['rev-parse', kept.branch]).trim(), after.commit);
    assert.equal(git(['show', `${kept.branch}:src/a.js`]), 'one\ntwo (mine)\nthree\nkept\n');
    assert.deepEqual(
      (await worktrees.changes(after)).map((c) => c.path),
      ['src/a.js'],
      'a kept task can still be reviewed',
    );
    assert.equal(await read('node_modules/dep/index.js'), 'module.exports = 1;\n', 'removing the worktree did not follow its links');

    const dropped = await worktrees.create({ taskId: 'task-d', title: 'drop me', origin: repo });
    await write('src/a.js', 'dropped\n', dropped.root);
    assert.equal((await worktrees.discard(dropped)).state, 'discarded');
    assert.equal(existsSync(dropped.top), false);
    assert.equal(git(['branch', '--list', dropped.branch]), '');
    assert.doesNotMatch(git(['worktree', 'list', '--porcelain']), /task-d/);
    assert.equal(existsSync(`${dropped.top}.json`), false, 'its record is gone too');
    await assert.rejects(worktrees.discard(dropped), /no record of creating the worktree/);
    assert.deepEqual(await userState(), before, 'the user’s branch, index and stash are untouched');
    assert.equal(await read('src/a.js'), 'one\ntwo (mine)\nthree\n');
  });

  it('the sweep removes worktrees of tasks that no longer exist, never the user’s own worktrees or branches, nor kept branches', async () => {
    // Two tasks created by a process that has exited since (a crash, or a CLI run long ago).
    const module = path.resolve(__dirname, '../../../src/node/worktrees/index.js');
    const script = `const { GitWorktrees } = require(${JSON.stringify(module)});
      const w = new GitWorktrees(${JSON.stringify(base)});
      (async () => {
        const gone = await w.create({ taskId: 'task-gone', title: 'gone', origin: ${JSON.stringify(repo)} });
        const live = await w.create({ taskId: 'task-live', title: 'live', origin: ${JSON.stringify(repo)} });
        const kept = await w.create({ taskId: 'task-kept', title: 'kept', origin: ${JSON.stringify(repo)} });
        await w.keep(kept, 'kept');
        console.log(JSON.stringify([gone, live, kept]));
      })();`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const [gone, live] = JSON.parse(child.stdout) as Array<{ top: string; branch: string }>;
    // The user's own worktree and a branch of theirs that happens to be called fixpoint/…
    git(['worktree', 'add', '-q', '-b', 'fixpoint/gone-2', path.join(tmp, 'mine')]);
    git(['branch', 'fixpoint/users-own']);
    const removed = await worktrees.sweep(repo, (id) => id === 'task-live');
    assert.deepEqual(removed, [`fixpoint/gone (${gone.top})`]);
    assert.equal(existsSync(gone.top), false);
    assert.equal(git(['branch', '--list', 'fixpoint/gone']), '');
    assert.ok(existsSync(live.top), 'a task that exists keeps its worktree');
    assert.match(git(['branch', '--list', 'fixpoint/kept']), /fixpoint\/kept/, 'a kept branch is the user’s result');
    assert.match(git(['branch', '--list', 'fixpoint/users-own']), /users-own/);
    assert.ok(existsSync(path.join(tmp, 'mine', 'src', 'a.js')));
    assert.match(git(['worktree', 'list']), /mine/);
    // A worktree made by this (living) process is not swept even when its task is not saved yet.
    const fresh = await worktrees.create({ taskId: 'task-fresh', title: 'fresh', origin: repo });
    assert.deepEqual(await worktrees.sweep(repo, () => false), [`fixpoint/live (${live.top})`]);
    assert.ok(existsSync(fresh.top));
  });

  describe('a spare worktree (fixpoint.tasks.spareWorktree)', () => {
    /** The worktree's name in git (its folder in .git/worktrees): a claimed spare keeps the spare's. */
    const gitName = (top: string) => path.basename(git(['rev-parse', '--git-dir'], top).trim());
    const spareNames = async (folder: string) => (await fs.readdir(folder)).filter((n) => /^spare-[0-9a-f]+$/.test(n)).sort();
    /** What the user's working tree holds for a task: tracked and untracked non-ignored files, dependency folders apart. */
    /** `git status` of a worktree but for its links to dependency folders (a link is not ignored as `node_modules/` is). */
    const status = (top: string) => git(['status', '--porcelain'], top).replace(/^\?\? (.*\/)?node_modules\n/gm, '');
    const userFiles = () =>
      git(['ls-files', '-co', '--exclude-standard', '--exclude=node_modules/'])
        .split('\n')
        .filter((f) => f && existsSync(path.join(repo, f)))
        .sort();

    it('is made after a task starts, and the next task takes it, synced with the user’s tree and HEAD as they are now', async () => {
      const spared = new GitWorktrees(base, { spare: true });
      const first = await spared.create({ taskId: 'task-1', title: 'First', origin: repo });
      const folder = path.dirname(first.top);
      assert.deepEqual(await spareNames(folder), [], 'the first task makes its worktree afresh');
      await spared.idle();
      const [spare] = await spareNames(folder);
      assert.ok(spare, 'a spare is ready once the first task started');
      assert.match(git(['worktree', 'list', '--porcelain']), new RegExp(`${spare}\\nHEAD [0-9a-f]+\\ndetached`));
      // The user works on meanwhile: a commit, then an edit, a new file, a deletion, a new package with its dependencies.
      git(['add', '-A']);
      git(['commit', '-q', '-m', 'user commit']);
      await write('src/a.js', 'changed again\n');
      await write('src/new.js', 'new\n');
      await fs.rm(path.join(repo, 'src', 'gone.js'));
      await write('pkg/package.json', '{}\n');
      await write('pkg/node_modules/x/index.js', 'module.exports = 2;\n');
      const before = await userState();
      const second = await spared.create({ taskId: 'task-2', title: 'Second', origin: repo });
      assert.equal(gitName(second.top), spare, 'the second task runs in the spare');
      assert.equal(path.basename(second.top), 'task-2', 'moved to its task’s name');
      assert.deepEqual(await userState(), before, 'claiming the spare leaves the user’s git state alone');
      assert.equal(second.branch, 'fixpoint/second');
      assert.equal(git(['symbolic-ref', 'HEAD'], second.top).trim(), 'refs/heads/fixpoint/second');
      assert.equal(second.head, before.head.trim());
      assert.equal(
        git(['rev-parse', `${second.base}^`], second.top).trim(),
        second.head,
        'the uncommitted work is one commit on the user’s HEAD',
      );
      assert.deepEqual(git(['ls-files'], second.top).split('\n').filter(Boolean).sort(), userFiles());
      for (const f of userFiles()) assert.equal(await read(f, second.top), await read(f), f);
      assert.equal(existsSync(path.join(second.top, 'src', 'gone.js')), false);
      assert.equal(await fs.realpath(path.join(second.top, 'pkg', 'node_modules')), path.join(repo, 'pkg', 'node_modules'));
      assert.equal(status(second.top), '', 'the worktree is its base, nothing more');
      assert.deepEqual(await spared.changes(second), []);
      // Its work diffs and discards like any task's; the next spare is already being made.
      await write('src/a.js', 'the task’s edit\n', second.root);
      assert.deepEqual(
        (await spared.changes(second)).map((c) => [c.path, c.base, c.task]),
        [['src/a.js', 'changed again\n', 'the task’s edit\n']],
      );
      await spared.idle();
      const next = await spareNames(folder);
      assert.equal(next.length, 1);
      assert.notEqual(next[0], spare);
      assert.deepEqual(await spared.sweep(repo, (id) => id === 'task-1' || id === 'task-2'), []);
      await spared.discard(second);
      assert.equal(existsSync(second.top), false);
      assert.equal(git(['branch', '--list', 'fixpoint/second']), '');
      assert.equal(await read('src/a.js'), 'changed again\n');
    });

    it('can be made before any task (the Background toggle, a start-up where tasks ran): the first task takes it', async () => {
      const spared = new GitWorktrees(base, { spare: true });
      await spared.prepare(repo);
      await spared.prepare(repo); // once is enough: a second ask while it is made, or once it is ready, adds none
      await spared.idle();
      await spared.prepare(repo);
      await spared.idle();
      const first = await spared.create({ taskId: 'task-1', title: 'First', origin: repo });
      assert.match(gitName(first.top), /^spare-/, 'the first task starts from the spare');
      assert.equal(await read('src/a.js', first.top), 'one\ntwo (mine)\nthree\n');
      await spared.idle();
      // Not for a folder that cannot have task worktrees, and never an error.
      const plain = path.join(tmp, 'plain');
      await fs.mkdir(plain);
      await new GitWorktrees(base, { spare: true }).prepare(plain);
      await new GitWorktrees(base).prepare(repo);
      assert.equal((await spareNames(path.dirname(first.top))).length, 1);
    });

    it('two tasks started at once never share it: one takes it, the other gets a fresh worktree', async () => {
      const spared = new GitWorktrees(base, { spare: true });
      await spared.create({ taskId: 'task-0', title: 'zero', origin: repo });
      await spared.idle();
      const [a, b] = await Promise.all([
        spared.create({ taskId: 'task-a', title: 'same', origin: repo }),
        spared.create({ taskId: 'task-b', title: 'other', origin: repo }),
      ]);
      assert.notEqual(a.top, b.top);
      assert.equal([a, b].filter((t) => gitName(t.top).startsWith('spare-')).length, 1);
      for (const t of [a, b]) {
        assert.equal(status(t.top), '');
        assert.equal(await read('src/a.js', t.top), 'one\ntwo (mine)\nthree\n');
      }
      await spared.idle();
    });

    it('outlives its process, unless it was left half made or half claimed: then the sweep removes it', async () => {
      const spared = new GitWorktrees(base, { spare: true });
      const first = await spared.create({ taskId: 'task-1', title: 'First', origin: repo });
      await spared.idle();
      const folder = path.dirname(first.top);
      const [spare] = await spareNames(folder);
      assert.deepEqual(await spared.sweep(repo, (id) => id === 'task-1'), []);
      assert.deepEqual(await spareNames(folder), [spare], 'a ready spare is kept for the next session');
      // A claim by a process that died before it finished.
      const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
      await fs.writeFile(path.join(folder, `${spare}.claim`), JSON.stringify({ pid: Number(dead) }));
      await spared.sweep(repo, (id) => id === 'task-1');
      assert.deepEqual(await spareNames(folder), []);
      assert.doesNotMatch(git(['worktree', 'list']), /spare-/);
      assert.equal(existsSync(path.join(folder, `${spare}.claim`)), false);
      // The next task simply makes its worktree afresh.
      const second = await spared.create({ taskId: 'task-2', title: 'Second', origin: repo });
      assert.equal(gitName(second.top), 'task-2');
      await spared.idle();
      // A spare whose folder went (deleted by hand) is cleaned up, and the task gets a fresh worktree.
      const [broken] = await spareNames(folder);
      await fs.rm(path.join(folder, broken), { recursive: true, force: true });
      const third = await spared.create({ taskId: 'task-3', title: 'Third', origin: repo });
      assert.equal(gitName(third.top), 'task-3');
      assert.doesNotMatch(git(['worktree', 'list']), new RegExp(broken));
      assert.equal(existsSync(path.join(folder, `${broken}.json`)), false);
      await spared.idle();
      // With spares turned off, the sweep removes the one that is ready; tasks' worktrees stay.
      assert.equal((await spareNames(folder)).length, 1);
      await worktrees.sweep(repo, (id) => ['task-1', 'task-2', 'task-3'].includes(id));
      assert.deepEqual(await spareNames(folder), []);
      assert.ok(existsSync(second.top));
    });
  });

  it('runs no hook, fsmonitor or filter the repository configures', async () => {
    const marker = path.join(tmp, 'ran');
    const hook = `#!/bin/sh\necho "$0" >> ${marker}\n`;
    for (const name of ['post-checkout', 'pre-commit', 'commit-msg', 'post-commit', 'reference-transaction']) {
      await fs.writeFile(path.join(repo, '.git', 'hooks', name), hook, { mode: 0o755 });
    }
    await fs.writeFile(path.join(tmp, 'monitor.sh'), hook, { mode: 0o755 });
    git(['config', 'core.fsmonitor', path.join(tmp, 'monitor.sh')]);
    git(['config', 'filter.evil.clean', `sh -c 'echo filter >> ${marker}; cat'`]);
    await write('.gitattributes', '*.js filter=evil\n');
    const info = await worktrees.create({ taskId: 'task-h', title: 'hooks', origin: repo });
    await write('src/a.js', 'changed\n', info.root);
    await worktrees.changes(info);
    await worktrees.keep(info, 'kept');
    // The same through a spare: made, then claimed.
    const spared = new GitWorktrees(base, { spare: true });
    await spared.create({ taskId: 'task-h2', title: 'hooks', origin: repo });
    await spared.idle();
    await write('src/b.js', 'new\n');
    const claimed = await spared.create({ taskId: 'task-h3', title: 'hooks', origin: repo });
    assert.match(path.basename(execFileSync('git', ['rev-parse', '--git-dir'], { cwd: claimed.top, encoding: 'utf8' }).trim()), /^spare-/);
    await spared.idle();
    assert.equal(existsSync(marker), false, existsSync(marker) ? await read(marker, '/') : '');
  });

  it('a workspace in a subfolder runs in the same subfolder of the worktree, and its change is relative to it', async () => {
    await write('pkg/lib.js', 'lib\n');
    git(['add', 'pkg/lib.js']);
    git(['commit', '-q', '-m', 'pkg']);
    const info = await worktrees.create({ taskId: 'task-s', title: 'sub', origin: path.join(repo, 'pkg') });
    assert.equal(info.root, path.join(info.top, 'pkg'));
    await write('lib.js', 'lib changed\n', info.root);
    await write('outside.txt', 'not part of the workspace\n', info.top);
    assert.deepEqual(
      (await worktrees.changes(info)).map((c) => c.path),
      ['lib.js'],
    );
  });

  it('says clearly why a folder cannot have task worktrees', async () => {
    const plain = path.join(tmp, 'plain');
    await fs.mkdir(plain);
    assert.match((await worktrees.unavailable(plain)) ?? '', /is not in a git repository/);
    await assert.rejects(worktrees.create({ taskId: 't', title: 't', origin: plain }), TaskWorkspaceUnavailable);
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(empty);
    git(['init', '-q'], empty);
    assert.match((await worktrees.unavailable(empty)) ?? '', /has no commit yet/);
    assert.equal(await worktrees.unavailable(repo), undefined);
  });

  it('short titles make branch-safe names', () => {
    assert.equal(slug('Fix the "flaky" test in src/app.ts — quickly'), 'fix-the-flaky-test-in-src-app-ts-quickly');
    assert.equal(slug('日本語'), 'task');
    assert.equal(slug('a'.repeat(60)).length, 40);
  });
});
