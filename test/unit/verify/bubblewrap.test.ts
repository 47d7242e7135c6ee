import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createShadow, detectSandbox, sandboxArgv, sandboxArgvForShadow, type Shadow } from '../../../src/node/sandbox';
import { runProcess } from '../../../src/node/processRunner';

describe('verify/bubblewrap', function () {
  this.timeout(30_000);

  it('reports why it is unavailable: missing binary, broken binary', async () => {
    const missing = await detectSandbox({ bwrapPath: '/nonexistent/bwrap' });
    assert.equal(missing.available, false);
    const broken = await detectSandbox({ bwrapPath: '/bin/false' });
    assert.equal(broken.available, false);
    assert.ok(!broken.available && broken.reason.length > 0);
  });

  it('argv: read-only root, private /tmp, writable shadow with read-only .git, no network, own session', () => {
    const argv = sandboxArgv('/s/ws', { bwrapPath: '/usr/bin/bwrap', writableRoot: '/s', readOnly: ['/tmp/user'] });
    const joined = argv.join(' ');
    assert.equal(argv[0], '/usr/bin/bwrap');
    assert.equal(argv[argv.length - 1], '--');
    for (const part of [
      '--ro-bind / /',
      '--tmpfs /tmp',
      '--dev /dev',
      '--proc /proc',
      '--ro-bind-try /tmp/user /tmp/user',
      '--bind /s /s',
      '--ro-bind-try /s/.git /s/.git',
      '--unshare-net',
      '--unshare-pid',
      '--new-session',
      '--die-with-parent',
      '--chdir /s/ws',
    ]) {
      assert.ok(joined.includes(part), part);
    }
    // Later mounts win: /tmp first, then the read-only re-exposures, the writable shadow, its .git last.
    const at = (s: string) => joined.indexOf(s);
    assert.ok(
      at('--tmpfs /tmp') < at('--ro-bind-try /tmp/user') &&
        at('--ro-bind-try /tmp/user') < at('--bind /s /s') &&
        at('--bind /s /s') < at('--ro-bind-try /s/.git'),
    );
    assert.ok(!sandboxArgv('/s', { network: true }).includes('--unshare-net'));
  });

  describe('inside a real sandbox (SAFETY §15)', () => {
    let bwrap = 'bwrap';
    let tmp: string;
    let repo: string;
    let shadow: Shadow;
    let wrapper: string[];
    const marker = `fixpoint-${randomBytes(4).toString('hex')}`;
    const run = (command: string, timeoutMs = 20_000, signal = new AbortController().signal) =>
      runProcess(command, { cwd: shadow.path, timeoutMs, signal, wrapper });

    before(async function () {
      const sandbox = await detectSandbox();
      if (!sandbox.available) {
        console.log(`      (skipped: ${sandbox.reason})`);
        this.skip();
      }
      bwrap = sandbox.path;
      assert.match(sandbox.version, /^\d+\.\d+/);
      tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bwrap-test-')));
      repo = path.join(tmp, 'repo');
      await fs.mkdir(path.join(repo, 'node_modules', 'dep'), { recursive: true });
      await fs.writeFile(path.join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = "dep works";\n');
      await fs.writeFile(path.join(repo, '.gitignore'), 'node_modules/\n');
      await fs.writeFile(path.join(repo, 'index.js'), 'console.log(require("dep"));\n');
      const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
      execFileSync('sh', ['-c', 'git init -q . && git add . && git commit -qm init'], { cwd: repo, env });
      shadow = await createShadow(repo, { baseDir: path.join(tmp, 'shadows') });
      wrapper = sandboxArgvForShadow(shadow, repo, { bwrapPath: bwrap });
    });
    after(async () => {
      await shadow?.dispose();
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    });

    it('can write the shadow, and dependency links still resolve', async () => {
      const result = await run('echo from-sandbox > written.txt && cat written.txt && node index.js');
      assert.equal(result.exitCode, 0, result.output);
      assert.match(result.output, /from-sandbox\ndep works/);
      assert.equal(await fs.readFile(path.join(shadow.path, 'written.txt'), 'utf8'), 'from-sandbox\n');
    });

    it("cannot write the user's workspace, its dependencies, $HOME, or the shadow's .git", async () => {
      const home = os.homedir();
      const targets = [
        path.join(repo, `${marker}.txt`),
        path.join(repo, 'node_modules', 'dep', 'index.js'),
        path.join(home, `${marker}.txt`),
        path.join(shadow.path, '.git', marker),
      ];
      for (const target of targets) {
        const result = await run(`echo pwned > '${target}'`);
        assert.notEqual(result.exitCode, 0, target);
        assert.match(result.output, /Read-only file system/, target);
      }
      assert.equal(existsSync(targets[0]), false);
      assert.equal(await fs.readFile(targets[1], 'utf8'), 'module.exports = "dep works";\n');
      assert.equal(existsSync(targets[2]), false);
      assert.equal(existsSync(targets[3]), false);
    });

    it("the shadow's git reads history (through the user's object store) but cannot commit", async () => {
      const log = await run('git log --format=%s && git status --porcelain');
      assert.equal(log.exitCode, 0, log.output);
      assert.match(log.output, /^init$/m);
      const commit = await run('git -c user.name=x -c user.email=x@x commit -q --allow-empty -m sneaky');
      assert.notEqual(commit.exitCode, 0);
      assert.match(commit.output, /Read-only file system|Unable to create/);
    });

    it('has a private /tmp: what it writes there is gone, what is there is hidden', async () => {
      const outside = path.join('/tmp', `${marker}-outside`);
      await fs.writeFile(outside, 'host file\n');
      try {
        const result = await run(`echo x > /tmp/${marker} && test ! -e '${outside}'`);
        assert.equal(result.exitCode, 0, result.output);
        assert.equal(existsSync(path.join('/tmp', marker)), false);
      } finally {
        await fs.rm(outside, { force: true });
      }
    });

    it('has no network: a server on 127.0.0.1 outside is unreachable from inside', async () => {
      const server = net.createServer((socket) => socket.end('hello\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      let connections = 0;
      server.on('connection', () => connections++);
      try {
        const probe = `node -e "require('net').connect(${port}, '127.0.0.1').on('data', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log('ERR', e.code); process.exit(3); })"`;
        const control = await runProcess(probe, { cwd: shadow.path, timeoutMs: 10_000, signal: new AbortController().signal });
        assert.match(control.output, /CONNECTED/, 'the same command unsandboxed does connect');
        const inside = await run(probe);
        assert.equal(inside.exitCode, 3, inside.output);
        assert.match(inside.output, /ERR (ECONNREFUSED|ENETUNREACH)/);
        assert.equal(connections, 1, 'only the control run reached the server');
      } finally {
        server.close();
      }
    });

    const sandboxedSleepers = () => {
      const found: number[] = [];
      for (const pid of execFileSync('sh', ['-c', 'ls /proc | grep -E "^[0-9]+$" || true'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)) {
        try {
          const cmd = execFileSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
          if (cmd.includes('317.5')) found.push(Number(pid));
        } catch {
          // gone
        }
      }
      return found;
    };
    /** Polls until `check` holds (a loaded machine starts and reaps processes late); mocha's timeout bounds it. */
    const eventually = async (check: () => boolean) => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
    };

    it('a timeout kills the whole sandboxed tree', async () => {
      const running = run('sleep 317.5 & sleep 317.5; wait', 4_000);
      // The sleepers (and bwrap, bash) are visible while running: the check below can see them.
      await eventually(() => sandboxedSleepers().length >= 2);
      const result = await running;
      assert.equal(result.timedOut, true);
      await eventually(() => sandboxedSleepers().length === 0);
    });

    it('Stop kills the whole sandboxed tree', async () => {
      const controller = new AbortController();
      const running = run('(sleep 317.5 &) ; sleep 317.5', 60_000, controller.signal);
      await eventually(() => sandboxedSleepers().length >= 2);
      controller.abort();
      const result = await running;
      assert.equal(result.cancelled, true);
      await eventually(() => sandboxedSleepers().length === 0);
    });

    it('secrets are not in the environment inside (SAFETY §17)', async () => {
      process.env.FIXPOINT_TEST_API_KEY = 'sk-should-not-leak';
      try {
        const result = await run('echo "key=${FIXPOINT_TEST_API_KEY:-none}"');
        assert.match(result.output, /key=none/);
      } finally {
        delete process.env.FIXPOINT_TEST_API_KEY;
      }
    });
  });
});
