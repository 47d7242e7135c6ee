import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupStaleShadows, createShadow, type Shadow } from '../../../src/node/sandbox';

const gitIdentity = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Everything under `dir`, hashed: names, modes, contents, link targets. */
async function treeDigest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      const full = path.join(dir, child);
      const info = await fs.lstat(full);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isSymbolicLink()) out.set(child, `link:${await fs.readlink(full)}`);
      else
        out.set(
          child,
          `${info.mode.toString(8)}:${info.mtimeMs}:${createHash('sha1')
            .update(await fs.readFile(full))
            .digest('hex')}`,
        );
    }
  };
  await walk('');
  return out;
}

describe('verify/shadow', function () {
  this.timeout(30_000);
  let tmp: string;
  let repo: string;
  let base: string;
  const shadows: Shadow[] = [];

  const git = (args: string[], cwd = repo) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ...gitIdentity, GIT_OPTIONAL_LOCKS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const write = async (rel: string, content: string, root = repo) => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  };
  const shadowOf = async (root = repo) => {
    const s = await createShadow(root, { baseDir: base });
    shadows.push(s);
    return s;
  };
  /** What a user could notice about their repository. */
  const userView = async () => ({
    status: git(['status', '--porcelain=v1', '--untracked-files=all']),
    stash: git(['stash', 'list']),
    worktrees: git(['worktree', 'list', '--porcelain']),
    branches: git(['for-each-ref']),
    index: createHash('sha1')
      .update(await fs.readFile(path.join(repo, '.git', 'index')))
      .digest('hex'),
    dotGit: [...(await treeDigest(path.join(repo, '.git')))].join('\n'),
  });

  beforeEach(async () => {
    tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-shadow-test-')));
    repo = path.join(tmp, 'repo');
    base = path.join(tmp, 'shadows');
    await fs.mkdir(repo);
    git(['init', '-q', '-b', 'main', '.']);
    await write('.gitignore', 'node_modules/\n*.env\nbuild/\n');
    await write('a.txt', 'one\n');
    await write('gone.txt', 'to be deleted\n');
    await write('src/lib.js', 'module.exports = 1;\n');
    await write('bin/run.sh', '#!/bin/sh\necho hi\n');
    await fs.chmod(path.join(repo, 'bin/run.sh'), 0o755);
    await fs.symlink('src/lib.js', path.join(repo, 'lib-link.js'));
    await write('packages/p/package.json', '{"name":"p"}\n');
    git(['add', '.']);
    git(['commit', '-qm', 'init']);
    // Uncommitted state: a modification, a deletion, a staged new file, an untracked file, ignored files.
    await write('a.txt', 'one\ntwo (uncommitted)\n');
    await fs.rm(path.join(repo, 'gone.txt'));
    await write('staged.txt', 'staged\n');
    git(['add', 'staged.txt']);
    await write('notes/new.txt', 'untracked\n');
    await write('secret.env', 'TOKEN=x\n');
    await write('build/out.js', 'built\n');
    await write('node_modules/dep/index.js', 'module.exports = "dep";\n');
    await write('packages/p/node_modules/inner/index.js', '');
    git(['stash', 'list']);
  });
  afterEach(async () => {
    for (const s of shadows.splice(0)) await s.dispose();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('mirrors the working tree: uncommitted and untracked files in, ignored out, dependencies linked', async () => {
    const s = await shadowOf();
    assert.equal(s.kind, 'git');
    assert.ok(s.path.startsWith(base));
    const read = (rel: string) => fs.readFile(path.join(s.path, rel), 'utf8');
    assert.equal(await read('a.txt'), 'one\ntwo (uncommitted)\n');
    assert.equal(await read('staged.txt'), 'staged\n');
    assert.equal(await read('notes/new.txt'), 'untracked\n');
    assert.equal(await read('src/lib.js'), 'module.exports = 1;\n');
    assert.equal(existsSync(path.join(s.path, 'gone.txt')), false);
    assert.equal(existsSync(path.join(s.path, 'secret.env')), false);
    assert.equal(existsSync(path.join(s.path, 'build')), false);
    assert.equal((await fs.stat(path.join(s.path, 'bin/run.sh'))).mode & 0o777, 0o755);
    assert.equal(await fs.readlink(path.join(s.path, 'lib-link.js')), 'src/lib.js');

    for (const dep of ['node_modules', 'packages/p/node_modules']) {
      const link = path.join(s.path, dep);
      assert.ok((await fs.lstat(link)).isSymbolicLink(), `${dep} is a symlink`);
      assert.equal(await fs.readlink(link), path.join(repo, dep));
    }
    assert.equal(await read('node_modules/dep/index.js'), 'module.exports = "dep";\n');
    assert.deepEqual(s.links.map((l) => l.target).sort(), [path.join(repo, 'node_modules'), path.join(repo, 'packages/p/node_modules')]);
    assert.deepEqual([...s.readOnlyPaths].sort(), [
      path.join(repo, '.git/objects'),
      path.join(repo, 'node_modules'),
      path.join(repo, 'packages/p/node_modules'),
    ]);

    // The shadow's own git sees the user's commit and the same uncommitted changes.
    assert.equal(git(['log', '--format=%s'], s.path).trim(), 'init');
    const status = git(['status', '--porcelain=v1'], s.path);
    assert.match(status, /^ M a\.txt$/m);
    assert.match(status, /^ D gone\.txt$/m);
    assert.match(status, /^\?\? notes\/$/m);
    assert.doesNotMatch(status, /node_modules|secret|build/);
  });

  it("leaves the user's repository byte-identical: status, stash, worktrees, refs, index, all of .git", async () => {
    const before = await userView();
    const s = await shadowOf();
    await s.apply([{ path: 'a.txt', content: 'changed in the shadow\n' }]);
    git(['status'], s.path);
    await s.dispose();
    const after = await userView();
    assert.deepEqual(after, before);
    assert.equal(await fs.readFile(path.join(repo, 'a.txt'), 'utf8'), 'one\ntwo (uncommitted)\n');
  });

  it('apply writes, deletes and renames inside the shadow only', async () => {
    const s = await shadowOf();
    await s.apply([
      { path: 'src/lib.js', content: 'module.exports = 2;\n' },
      { path: 'src/deep/new.js', content: 'new\n' },
      { path: 'a.txt', content: undefined },
      { path: 'bin/run2.sh', content: '#!/bin/sh\necho moved\n', renameFrom: 'bin/run.sh' },
    ]);
    assert.equal(await fs.readFile(path.join(s.path, 'src/lib.js'), 'utf8'), 'module.exports = 2;\n');
    assert.equal(await fs.readFile(path.join(s.path, 'src/deep/new.js'), 'utf8'), 'new\n');
    assert.equal(existsSync(path.join(s.path, 'a.txt')), false);
    assert.equal(existsSync(path.join(s.path, 'bin/run.sh')), false);
    assert.equal((await fs.stat(path.join(s.path, 'bin/run2.sh'))).mode & 0o777, 0o755, 'a renamed script keeps its mode');
    assert.equal(await fs.readFile(path.join(repo, 'src/lib.js'), 'utf8'), 'module.exports = 1;\n');
    assert.ok(existsSync(path.join(repo, 'a.txt')));
  });

  it('apply refuses paths that would land outside the shadow, before writing anything', async () => {
    const s = await shadowOf();
    const outside = path.join(tmp, 'outside.txt');
    await fs.writeFile(outside, 'mine\n');
    await fs.symlink(outside, path.join(s.path, 'abs-link'));
    for (const bad of ['../outside.txt', outside, '.git/config', 'sub/../../x', 'node_modules/dep/index.js', 'node_modules/evil.js']) {
      await assert.rejects(
        s.apply([
          { path: 'ok.txt', content: 'x' },
          { path: bad, content: 'pwned' },
        ]),
        /refusing to write/,
        bad,
      );
    }
    assert.equal(existsSync(path.join(s.path, 'ok.txt')), false, 'nothing written when one op is refused');
    assert.equal(await fs.readFile(path.join(repo, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = "dep";\n');
    assert.equal(existsSync(path.join(repo, 'node_modules/evil.js')), false);
    // A link at the target itself is replaced, not written through.
    await s.apply([{ path: 'abs-link', content: 'replaced\n' }]);
    assert.equal(await fs.readFile(outside, 'utf8'), 'mine\n');
    assert.equal(await fs.readFile(path.join(s.path, 'abs-link'), 'utf8'), 'replaced\n');
  });

  it("dispose removes the shadow and its owner file, never following links into the user's tree", async () => {
    const s = await shadowOf();
    await s.dispose();
    await s.dispose(); // idempotent
    assert.equal(existsSync(s.top), false);
    assert.deepEqual(await fs.readdir(base), []);
    assert.equal(await fs.readFile(path.join(repo, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = "dep";\n');
    assert.ok(existsSync(path.join(repo, 'packages/p/node_modules/inner/index.js')));
  });

  it('stale cleanup removes shadows of dead processes (and reused pids), keeps live ones', async () => {
    const live = await shadowOf();
    const dead = await shadowOf();
    const reused = await shadowOf();
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const rewrite = async (s: Shadow, change: Record<string, unknown>) => {
      const file = `${s.top}.json`;
      await fs.writeFile(file, JSON.stringify({ ...JSON.parse(await fs.readFile(file, 'utf8')), ...change }));
    };
    await rewrite(dead, { pid: deadPid });
    await rewrite(reused, { processStart: '1' }); // our pid, but "started" at another time: a different process
    await fs.mkdir(path.join(base, 'fixpoint-shadow-debris')); // no owner file: a crash mid-dispose
    const removed = await cleanupStaleShadows({ baseDir: base });
    assert.deepEqual(removed.sort(), [dead.top, reused.top, path.join(base, 'fixpoint-shadow-debris')].sort());
    assert.ok(existsSync(live.top));
    assert.deepEqual((await fs.readdir(base)).sort(), [path.basename(live.top), `${path.basename(live.top)}.json`].sort());
    assert.ok(existsSync(path.join(repo, 'node_modules/dep/index.js')));
  });

  it('a workspace that is a subfolder of the repository: the whole repository is mirrored, path points inside', async () => {
    const s = await shadowOf(path.join(repo, 'packages/p'));
    assert.equal(s.path, path.join(s.top, 'packages/p'));
    assert.ok(existsSync(path.join(s.top, 'a.txt')));
    assert.ok((await fs.lstat(path.join(s.path, 'node_modules'))).isSymbolicLink());
    await s.apply([{ path: 'index.js', content: 'x\n' }]);
    assert.ok(existsSync(path.join(s.top, 'packages/p/index.js')));
  });

  it('a folder that is not a repository: copied with ignore rules, dependencies linked, no .git', async () => {
    const plain = path.join(tmp, 'plain');
    await write('.gitignore', 'dist/\n*.log\n', plain);
    await write('index.js', 'x\n', plain);
    await write('lib/a.js', 'a\n', plain);
    await write('dist/bundle.js', 'b\n', plain);
    await write('debug.log', 'l\n', plain);
    await write('node_modules/x/index.js', 'x\n', plain); // not even ignored: still linked, never copied
    const s = await shadowOf(plain);
    assert.equal(s.kind, 'copy');
    assert.deepEqual((await fs.readdir(s.path)).sort(), ['.gitignore', 'index.js', 'lib', 'node_modules']);
    assert.ok((await fs.lstat(path.join(s.path, 'node_modules'))).isSymbolicLink());
  });

  it('an aborted creation leaves nothing behind', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(createShadow(repo, { baseDir: base, signal: controller.signal }));
    assert.deepEqual(await fs.readdir(base), []);
  });

  it('a hostile .git/config runs nothing while the shadow is made (SAFETY §14)', async () => {
    const marker = path.join(tmp, 'PWNED');
    git(['config', 'core.fsmonitor', `touch ${marker}; false`]);
    git(['config', 'filter.evil.clean', `touch ${marker}; cat`]);
    await write('.gitattributes', '*.txt filter=evil\n');
    const s = await shadowOf();
    assert.equal(existsSync(marker), false);
    assert.ok(existsSync(path.join(s.path, 'a.txt')));
  });
});
