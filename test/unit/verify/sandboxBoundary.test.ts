import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { detectSandbox, sandboxArgv } from '../../../src/node/sandbox';
import { defaultHiddenPaths } from '../../../src/node/sandbox/boundary';
import { runProcess } from '../../../src/node/processRunner';
import { runInSandbox } from '../../../src/node/sandboxedRun';

// Issue 14, cause 5: the sandbox boundary with real bubblewrap, real listeners and real files. Verdicts come
// from the listener's connection count and the files on disk, not from what Fixpoint prints. /var/tmp is used
// for the host-side fixtures because the sandbox replaces /tmp with its own.
describe('SAFETY §34: sandbox boundary (issue 14, real bubblewrap)', function () {
  this.timeout(30_000);
  let base: string;
  const signal = new AbortController().signal;

  before(async function () {
    if (!(await detectSandbox()).available) this.skip();
  });
  beforeEach(async () => {
    base = await fs.mkdtemp('/var/tmp/fixpoint-boundary-');
  });
  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  async function listener(dir: string): Promise<{ path: string; connections: () => number; close: () => Promise<void> }> {
    await fs.mkdir(dir, { recursive: true });
    const socket = path.join(dir, 'agent.sock');
    let connections = 0;
    const server = net.createServer((c) => {
      connections++;
      c.on('error', () => undefined); // The client exits at once: a reset is expected.
      c.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    return { path: socket, connections: () => connections, close: () => new Promise((r) => server.close(() => r())) };
  }

  const connectScript = (socket: string) =>
    `node -e "require('net').connect('${socket}').on('connect',()=>process.exit(0)).on('error',()=>process.exit(3))"`;

  async function inSandbox(command: string, workspace: string, hidden?: readonly string[]) {
    const bwrap = await detectSandbox();
    assert.ok(bwrap.available);
    const wrapper = sandboxArgv(workspace, { bwrapPath: bwrap.path, hidden });
    return runProcess(command, { cwd: workspace, timeoutMs: 20_000, signal, wrapper });
  }

  it('host unix sockets are unreachable: a listener in a hidden folder gets no connection (control: it does when visible)', async () => {
    const workspace = path.join(base, 'ws');
    await fs.mkdir(workspace);
    const host = await listener(path.join(base, 'run'));
    try {
      const visible = await inSandbox(connectScript(host.path), workspace, []);
      assert.equal(visible.exitCode, 0, `control: ${visible.output}`);
      assert.equal(host.connections(), 1, 'control: the listener saw the sandboxed client');
      const hidden = await inSandbox(connectScript(host.path), workspace, [path.dirname(host.path)]);
      assert.equal(hidden.exitCode, 3, hidden.output);
      assert.equal(host.connections(), 1, 'no second connection reached the host');
    } finally {
      await host.close();
    }
  });

  it('the default list hides /run (where D-Bus, Docker and agent sockets live)', async function () {
    const workspace = path.join(base, 'ws');
    await fs.mkdir(workspace);
    let host;
    try {
      host = await listener(await fs.mkdtemp('/run/fixpoint-boundary-'));
    } catch {
      this.skip(); // /run is not writable for this user: nothing to plant there.
    }
    try {
      const result = await inSandbox(connectScript(host.path), workspace);
      assert.equal(result.exitCode, 3, result.output);
      assert.equal(host.connections(), 0);
    } finally {
      await host.close();
      await fs.rm(path.dirname(host.path), { recursive: true, force: true });
    }
  });

  it("the user's credential locations are empty inside (control: readable without the list)", async () => {
    const home = path.join(base, 'home');
    await fs.mkdir(path.join(home, '.ssh'), { recursive: true });
    await fs.writeFile(path.join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY\n');
    await fs.writeFile(path.join(home, '.netrc'), 'machine x login y password z\n');
    const workspace = path.join(base, 'ws');
    await fs.mkdir(workspace);
    const read = `cat '${path.join(home, '.ssh', 'id_rsa')}' '${path.join(home, '.netrc')}'`;
    assert.match((await inSandbox(read, workspace, [])).output, /PRIVATE KEY/, 'control');
    const hidden = await inSandbox(read, workspace, defaultHiddenPaths({}, home));
    assert.doesNotMatch(hidden.output, /PRIVATE KEY|password z/);
    assert.notEqual(hidden.exitCode, 0);
  });

  it('paths from fixpoint.sandbox.hiddenPaths are hidden too (runInSandbox, as the extension and CLI run commands)', async () => {
    const workspace = path.join(base, 'ws');
    await fs.mkdir(workspace);
    const vault = path.join(base, 'vault');
    await fs.mkdir(vault);
    await fs.writeFile(path.join(vault, 'token'), 'TOKEN-123\n');
    const read = `cat '${path.join(vault, 'token')}'`;
    assert.match(
      (await runInSandbox(workspace, read, { cwd: workspace, timeoutMs: 20_000, signal }))?.output ?? '',
      /TOKEN-123/,
      'control',
    );
    const hidden = await runInSandbox(workspace, read, { cwd: workspace, timeoutMs: 20_000, signal }, [vault]);
    assert.doesNotMatch(hidden?.output ?? '', /TOKEN-123/);
  });

  it('protected paths stay read-only, a created one is removed, a gitdir: target is protected, ordinary files are written', async () => {
    const workspace = path.join(base, 'ws');
    await fs.mkdir(path.join(workspace, '.vscode'), { recursive: true });
    await fs.writeFile(path.join(workspace, '.vscode', 'settings.json'), '{}\n');
    await fs.writeFile(path.join(workspace, 'AGENTS.md'), 'rules\n');
    execFileSync('git', ['init', '-q', '--separate-git-dir', path.join(workspace, '.gitstore'), workspace]);
    const command = [
      'echo evil > .vscode/settings.json',
      'echo evil >> AGENTS.md',
      'echo "[core] fsmonitor = evil" >> .gitstore/config',
      'mkdir -p .github/workflows && echo "on: push" > .github/workflows/ci.yml',
      'echo evil > .envrc',
      'echo ok > notes.txt',
    ].join('; ');
    const result = await runInSandbox(workspace, command, { cwd: workspace, timeoutMs: 20_000, signal });
    assert.ok(result);
    assert.equal(await fs.readFile(path.join(workspace, '.vscode', 'settings.json'), 'utf8'), '{}\n');
    assert.equal(await fs.readFile(path.join(workspace, 'AGENTS.md'), 'utf8'), 'rules\n');
    assert.doesNotMatch(await fs.readFile(path.join(workspace, '.gitstore', 'config'), 'utf8'), /evil/);
    assert.equal(existsSync(path.join(workspace, '.github', 'workflows')), false);
    assert.equal(existsSync(path.join(workspace, '.envrc')), false);
    assert.equal(await fs.readFile(path.join(workspace, 'notes.txt'), 'utf8'), 'ok\n');
    assert.match(result.output, /Fixpoint removed .*\.envrc/);
  });
});
