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
