// Checkpoints backed by the private git store, with real git in temp folders. "Commands" here are plain fs
// writes and deletes made inside recordChange, as a formatter or a code generator would make them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mcpToolDefinitions } from '../../../src/core/mcp/mcpTools';
import type { McpServers } from '../../../src/core/mcp/types';
import { Checkpoints, type PersistedCheckpoints } from '../../../src/core/review/checkpoints';
import type { ToolContext } from '../../../src/core/tools/types';
import { FsFileWriter } from '../../../src/node/fsWriter';
import { GitWorkspaceSnapshots } from '../../../src/node/gitSnapshots';

interface World {
  root: string;
  store: string;
  checkpoints: Checkpoints;
  write(file: string, content: string | Buffer): void;
  read(file: string): string | undefined;
}

const worlds: string[] = [];

function world(files: Record<string, string>, options: { root?: string; store?: string; group?: string } = {}): World {
  const root = options.root ?? fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ws-')));
  const store = options.store ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-store-'));
  worlds.push(root, store);
  const write = (file: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  };
  for (const [file, content] of Object.entries(files)) write(file, content);
  const checkpoints = new Checkpoints(new GitWorkspaceSnapshots(root, store), new FsFileWriter(root), {
    group: () => options.group ?? 'task-1',
    maxBytes: () => 100 * 1024 * 1024,
  });
  const read = (file: string) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined);
  return { root, store, checkpoints, write, read };
}

/** A "command" run by the agent: plain fs changes, recorded in the turn's checkpoint. */
function command(w: World, turn: string, act: () => void): Promise<void> {
  return w.checkpoints.recordChange(turn, async () => act());
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgSign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** Every file under `dir` with the hash of its bytes, to compare a folder before and after. */
function digestTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('checkpoints (private git store)', () => {
  after(() => {
    for (const dir of worlds) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reverts what commands changed in a folder that is not a repository: rewrite, generated, deleted files', async () => {
    const w = world({ 'src/a.ts': 'const a  =  1\n', 'old.txt': 'keep me\n', 'notes.md': 'unchanged\n' });
    await command(w, 'turn-1', () => {
      w.write('src/a.ts', 'const a = 1;\n'); // a formatter run
      w.write('gen/out.js', 'generated\n'); // a code generator
      fs.rmSync(path.join(w.root, 'old.txt')); // a clean step
    });
    assert.equal(w.checkpoints.status('turn-1'), 'available');
    const report = await w.checkpoints.restore('turn-1');
    assert.deepEqual([...report.restored].sort(), ['gen/out.js', 'old.txt', 'src/a.ts']);
    assert.deepEqual(report.conflicts, []);
    assert.equal(w.read('src/a.ts'), 'const a  =  1\n');
    assert.equal(w.read('old.txt'), 'keep me\n', 'the deleted file comes back');
    assert.equal(w.read('gen/out.js'), undefined, 'the created file goes away');
    assert.equal(w.read('notes.md'), 'unchanged\n');
    assert.ok(report.storage.bytes > 0, 'the storage used is reported');
    assert.equal(fs.existsSync(path.join(w.root, '.git')), false, 'no repository appears in the workspace');
  });

  it("never touches the user's .git: index, branches, stash and config stay byte-identical", async () => {
    const w = world({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
    git(w.root, 'init', '-q', '-b', 'main');
    git(w.root, 'add', '.');
    git(w.root, 'commit', '-qm', 'first');
    w.write('a.txt', 'stashed\n');
    git(w.root, 'stash', '-q');
    w.write('b.txt', 'staged\n');
    git(w.root, 'add', 'b.txt');
    const before = digestTree(path.join(w.root, '.git'));
    await command(w, 'turn-1', () => {
      w.write('a.txt', 'agent\n');
      w.write('c.txt', 'new\n');
    });
    await w.checkpoints.restore('turn-1');
    await w.checkpoints.undoRestore('turn-1');
    assert.deepEqual(digestTree(path.join(w.root, '.git')), before);
    assert.equal(git(w.root, 'stash', 'list').split('\n').filter(Boolean).length, 1);
    assert.equal(git(w.root, 'diff', '--cached', '--name-only').trim(), 'b.txt', 'the staged change is still staged');
  });

  it('leaves ignored files alone (.gitignore, nested .gitignore, .fixpointignore)', async () => {
    const w = world({
      '.gitignore': 'build/\n',
      'pkg/.gitignore': '*.log\n',
      '.fixpointignore': 'secret.txt\n',
      'pkg/.fixpointignore': 'private/\n/local.txt\n',
      'pkg/deep/private/key.txt': 'old key\n',
      'pkg/local.txt': 'old local\n',
      'other/local.txt': 'old other\n',
      'build/out.bin': 'old build\n',
      'pkg/run.log': 'old log\n',
      'secret.txt': 'old secret\n',
      'src.txt': 'source\n',
    });
    await command(w, 'turn-1', () => {
      w.write('build/out.bin', 'new build\n');
      w.write('pkg/run.log', 'new log\n');
      w.write('secret.txt', 'new secret\n');
      w.write('pkg/deep/private/key.txt', 'new key\n');
      w.write('pkg/local.txt', 'new local\n');
      w.write('other/local.txt', 'new other\n');
      w.write('src.txt', 'changed\n');
    });
    const report = await w.checkpoints.restore('turn-1');
    assert.deepEqual([...report.restored].sort(), ['other/local.txt', 'src.txt'], 'a nested .fixpointignore covers only its folder');
    assert.equal(w.read('other/local.txt'), 'old other\n');
    assert.equal(w.read('pkg/deep/private/key.txt'), 'new key\n');
    assert.equal(w.read('pkg/local.txt'), 'new local\n');
    assert.equal(w.read('src.txt'), 'source\n');
    assert.equal(w.read('build/out.bin'), 'new build\n');
    assert.equal(w.read('pkg/run.log'), 'new log\n');
    assert.equal(w.read('secret.txt'), 'new secret\n');
  });

  it('reports a file the user changed since the agent wrote it as a conflict and restores the rest', async () => {
    const w = world({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'user.txt': 'mine\n' });
    await command(w, 'turn-1', () => {
      w.write('a.txt', 'A\n');
      w.write('b.txt', 'B\n');
    });
    w.write('a.txt', 'A and the user\n');
    w.write('user.txt', 'mine, edited\n');
    const report = await w.checkpoints.restore('turn-1');
    assert.deepEqual(report.restored, ['b.txt']);
    assert.deepEqual(report.conflicts, ['a.txt']);
    assert.equal(w.read('a.txt'), 'A and the user\n', "the user's change is kept");
    assert.equal(w.read('b.txt'), 'b\n');
    assert.equal(w.read('user.txt'), 'mine, edited\n', 'a file the agent never changed is not part of the checkpoint');
  });

  it('an unsaved edit in an editor (the FileWriter reads a buffer that differs from the disk) is a conflict', async () => {
    const w = world({ 'open.txt': 'one\n', 'closed.txt': 'two\n' });
    const disk = new FsFileWriter(w.root);
    const editor = {
      readText: async (file: string) => (file === 'open.txt' ? 'ONE, typed but not saved\n' : disk.readText(file)),
      write: (ops: Parameters<FsFileWriter['write']>[0]) => disk.write(ops),
    };
    const checkpoints = new Checkpoints(new GitWorkspaceSnapshots(w.root, w.store), editor, { group: () => 'task-1', maxBytes: () => 1e9 });
    await checkpoints.recordChange('turn-1', async () => {
      w.write('open.txt', 'ONE\n');
      w.write('closed.txt', 'TWO\n');
    });
    const report = await checkpoints.restore('turn-1');
    assert.deepEqual(report.conflicts, ['open.txt']);
    assert.deepEqual(report.restored, ['closed.txt']);
    assert.equal(w.read('open.txt'), 'ONE\n');
  });

  it('undo restore goes back to the state before the restore, and is itself conflict-checked', async () => {
    const w = world({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await command(w, 'turn-1', () => {
      w.write('a.txt', 'A\n');
      w.write('b.txt', 'B\n');
      w.write('c.txt', 'C\n');
    });
    await w.checkpoints.restore('turn-1');
    assert.equal(w.checkpoints.status('turn-1'), 'restored');
    w.write('b.txt', 'user after restore\n');
    const undo = await w.checkpoints.undoRestore('turn-1');
    assert.deepEqual([...undo.restored].sort(), ['a.txt', 'c.txt']);
    assert.deepEqual(undo.conflicts, ['b.txt']);
    assert.equal(w.read('a.txt'), 'A\n');
    assert.equal(w.read('c.txt'), 'C\n');
    assert.equal(w.read('b.txt'), 'user after restore\n');
    assert.equal(w.checkpoints.status('turn-1'), 'available');
  });

  it('restoring an earlier turn also reverts the later turns; binaries and executable modes come back exactly', async () => {
    const binary = Buffer.from([0, 1, 2, 255, 254, 10, 0]);
    const w = world({ 'a.txt': 'a\n', 'tool.sh': '#!/bin/sh\necho hi\n' });
    fs.chmodSync(path.join(w.root, 'tool.sh'), 0o755);
    fs.writeFileSync(path.join(w.root, 'image.bin'), binary);
    await command(w, 'turn-1', () => w.write('a.txt', 'A\n'));
    await command(w, 'turn-2', () => {
      fs.writeFileSync(path.join(w.root, 'image.bin'), Buffer.from('now text\n'));
      fs.rmSync(path.join(w.root, 'tool.sh'));
    });
    const report = await w.checkpoints.restore('turn-1');
    assert.deepEqual([...report.restored].sort(), ['a.txt', 'image.bin', 'tool.sh']);
    assert.equal(w.read('a.txt'), 'a\n');
    assert.deepEqual(fs.readFileSync(path.join(w.root, 'image.bin')), binary);
    assert.equal(fs.statSync(path.join(w.root, 'tool.sh')).mode & 0o111, 0o111, 'still executable');
  });

  it('survives a new process: the persisted list and the store on disk restore from another Node process', async () => {
    const w = world({ 'a.txt': 'a\n' });
    await command(w, 'turn-1', () => {
      w.write('a.txt', 'A\n');
      w.write('made.txt', 'by a command\n');
    });
    const saved = path.join(w.store, '..', `${path.basename(w.store)}.json`);
    worlds.push(saved);
    fs.writeFileSync(saved, JSON.stringify(w.checkpoints.persisted()));
    // Nothing of this process's objects is used: a fresh Node process opens the store and the saved list.
    const script = `
      const { Checkpoints } = require(${JSON.stringify(require.resolve('../../../src/core/review/checkpoints'))});
      const { GitWorkspaceSnapshots } = require(${JSON.stringify(require.resolve('../../../src/node/gitSnapshots'))});
      const { FsFileWriter } = require(${JSON.stringify(require.resolve('../../../src/node/fsWriter'))});
      const fs = require('node:fs');
      const [root, store, saved] = process.argv.slice(1);
      const checkpoints = new Checkpoints(new GitWorkspaceSnapshots(root, store), new FsFileWriter(root), { group: () => 'task-1', maxBytes: () => 1e9 });
      checkpoints.load(JSON.parse(fs.readFileSync(saved, 'utf8')));
      checkpoints.restore('turn-1').then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ['-e', script, w.root, w.store, saved], { encoding: 'utf8' });
    const report = JSON.parse(out.trim().split('\n').at(-1)!) as { restored: string[] };
    assert.deepEqual([...report.restored].sort(), ['a.txt', 'made.txt']);
    assert.equal(w.read('a.txt'), 'a\n');
    assert.equal(w.read('made.txt'), undefined);
  });

  it('prunes the snapshots of other tasks over the bound, never the open task', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ws-')));
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-store-'));
    const old = world({ 'big.txt': 'x'.repeat(200_000) }, { root, store, group: 'old-task' });
    await command(old, 'turn-1', () => old.write('big.txt', 'y'.repeat(200_000)));
    const saved: PersistedCheckpoints = old.checkpoints.persisted();
    const snapshots = new GitWorkspaceSnapshots(root, store);
    const current = await snapshots.take('new-task');
    const before = await snapshots.usage();
    await snapshots.prune(1, ['new-task']);
    assert.ok((await snapshots.usage()) < before, "the old task's snapshots were freed");
    assert.deepEqual(await snapshots.compare(current, current), []);
    await snapshots.compare(current, await snapshots.take('new-task'));
    const reopened = world({}, { root, store, group: 'old-task' });
    reopened.checkpoints.load(saved);
    const report = await reopened.checkpoints.restore('turn-1');
    assert.match(report.failure ?? '', /no longer stored/);
    assert.equal(reopened.read('big.txt'), 'y'.repeat(200_000), 'nothing changed');
  });

  it("forgetting a deleted task's snapshots frees them and leaves other tasks' checkpoints working", async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ws-')));
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-store-'));
    const deleted = world({ 'a.txt': 'a\n' }, { root, store, group: 'deleted-task' });
    await command(deleted, 'turn-1', () => deleted.write('a.txt', 'A\n'));
    const kept = world({}, { root, store, group: 'kept-task' });
    await command(kept, 'turn-1', () => kept.write('b.txt', 'B\n'));
    await deleted.checkpoints.forget('deleted-task');
    assert.match((await deleted.checkpoints.restore('turn-1')).failure ?? '', /no longer stored/);
    assert.equal(kept.read('a.txt'), 'A\n');
    assert.deepEqual((await kept.checkpoints.restore('turn-1')).restored, ['b.txt']);
    assert.equal(kept.read('b.txt'), undefined);
  });

  it('an MCP tool call that writes the workspace is checkpointed like a command', async () => {
    const w = world({ 'a.txt': 'a\n' });
    const servers: McpServers = {
      listTools: async () => [],
      callTool: async () => {
        w.write('a.txt', 'written by the server\n');
        return { content: [{ type: 'text', text: 'ok' }] };
      },
    };
    const [tool] = mcpToolDefinitions(
      [{ spec: { name: 'mcp__fs__write', description: 'writes', parameters: {} }, server: 'fs', tool: { name: 'write', inputSchema: {} } }],
      servers,
    );
    const context = {
      policy: { decideMcpTool: () => ({ decision: 'allow', where: 'host', why: ['allowed by your rule'], by: 'rule', risk: 'normal' }) },
      audit: { record: () => undefined },
      signal: new AbortController().signal,
      recordChange: <T>(change: () => Promise<T>) => w.checkpoints.recordChange('turn-1', change),
    } as unknown as ToolContext;
    assert.equal((await tool.run({}, context)).ok, true);
    assert.equal(w.checkpoints.status('turn-1'), 'available');
    assert.deepEqual((await w.checkpoints.restore('turn-1')).restored, ['a.txt']);
    assert.equal(w.read('a.txt'), 'a\n');
  });
});
