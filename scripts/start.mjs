#!/usr/bin/env node
// `npm start [folder]`: builds Fixpoint, packages it as a .vsix, installs it into a code-server (VS Code in
// the browser, installed from npm by scripts/test-env.mjs) and serves that on 127.0.0.1 with
// the folder (default: the directory npm was started from) open. Ctrl+C stops it.
//   PORT=8080 (default; a free port if taken)  OPENAI_API_KEY / OPENAI_BASE_URL are passed to the extension.
//   FIXPOINT_HOME=~/.cache/fixpoint holds the code-server profile and extensions between runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const home = process.env.FIXPOINT_HOME ?? path.join(os.homedir(), '.cache', 'fixpoint');
const log = (line) => console.error(`[fixpoint] ${line}`);

function fail(message) {
  log(message);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return result;
}

function freePort(preferred) {
  const listen = (port) =>
    new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const actual = server.address().port;
        server.close(() => resolve(actual));
      });
    });
  return listen(preferred).catch(() => listen(0));
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const ok = await new Promise((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) < 400);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

// The folder to open: the argument, else where `npm start` was run (npm changes cwd to the package root).
const folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? '.');
if (!existsSync(folder) || !statSync(folder).isDirectory()) fail(`not a folder: ${folder}`);
if (!existsSync(path.join(root, 'node_modules'))) fail('run "npm install" first');

// 1. Node 24 + code-server (installed once into ~/.cache/fixpoint-test; the script reports its own progress and,
//    on failure, which step failed and how to retry).
const env = spawnSync(process.execPath, [path.join(root, 'scripts', 'test-env.mjs')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (env.status !== 0) fail('could not set up code-server (see above)');
const node24 = /^NODE24=(.+)$/m.exec(env.stdout)?.[1];
const codeServer = /^CODE_SERVER=(.+)$/m.exec(env.stdout)?.[1];
if (!node24 || !codeServer) fail(`scripts/test-env.mjs printed no NODE24=/CODE_SERVER= lines:\n${env.stdout}`);
const entry = path.join(codeServer, 'out', 'node', 'entry.js');

// 2. Build and package the extension.
log('building the extension…');
run('npm', ['run', '--silent', 'build', '--', '--production']);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixpoint-start-'));
const vsix = path.join(tmp, 'fixpoint.vsix');
log('packaging…');
const vsceArgs = [
  '--no-install',
  'vsce',
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out',
  vsix,
];
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(path.join(root, f)))) vsceArgs.push('--skip-license');
run('npx', vsceArgs, { stdio: ['ignore', 'ignore', 'inherit'] });

// 3. Install it into a code-server profile that persists between runs.
const userDataDir = path.join(home, 'user-data');
const extensionsDir = path.join(home, 'extensions');
mkdirSync(userDataDir, { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
const config = path.join(home, 'code-server.yaml');
if (!existsSync(config)) writeFileSync(config, 'auth: none\n'); // Never touch ~/.config/code-server.
const childEnv = {
  ...process.env,
  PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ''}`,
  PASSWORD: '',
  // The extension reads these when fixpoint.baseUrl / the stored key are not set.
  OPENAI_API_KEY: process.env.OPENAI_API_KEY ?? '',
  OPENAI_BASE_URL: process.env.OPENAI_BASE_URL ?? '',
};
// code-server takes $PORT over --bind-addr: ours (possibly 0, "any free port") is for this script only.
delete childEnv.PORT;
log('installing the extension…');
const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
run(node24, [entry, ...common, '--install-extension', vsix, '--force'], { env: childEnv, stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(tmp, { recursive: true, force: true });
const installed = run(node24, [entry, ...common, '--list-extensions'], {
  env: childEnv,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
const extensionId = `${pkg.publisher}.${pkg.name}`;
if (!installed.stdout.split('\n').some((line) => line.trim().toLowerCase() === extensionId)) {
  fail(`the extension ${extensionId} is not listed by code-server after installing it:\n${installed.stdout}`);
}

// 4. Serve it on loopback until Ctrl+C.
const port = await freePort(Number(process.env.PORT ?? 8080));
const child = spawn(
  node24,
  [
    entry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--ignore-last-opened',
    folder,
  ],
  { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true }, // Own process group: stopped as a whole.
);
child.stderr.on('data', (chunk) => {
  if (process.env.FIXPOINT_VERBOSE) process.stderr.write(chunk);
});
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  log('stopping code-server…');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    process.exit(code);
  }, 3000);
  child.once('exit', () => {
    clearTimeout(timer);
    try {
      process.kill(-child.pid, 'SIGKILL'); // Anything left in the group (extension hosts, terminals).
    } catch {
      // Already gone.
    }
    process.exit(code);
  });
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
process.on('exit', () => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
});
child.once('exit', (code, signal) => {
  if (stopping) return;
  log(`code-server exited (${code ?? signal}); run with FIXPOINT_VERBOSE=1 to see its log`);
  process.exit(1);
});

const origin = `http://127.0.0.1:${port}`;
const url = `${origin}/?folder=${encodeURIComponent(folder)}`;
log('starting code-server…');
// The URL is printed only once the server answers for the workbench page itself, not just its health check.
if (!(await waitForHttp(`${origin}/healthz`, child, 60_000)) || !(await waitForHttp(url, child, 30_000))) {
  log('code-server did not start; run with FIXPOINT_VERBOSE=1 to see its log');
  stop(1);
} else {
  console.log(
    [
      '',
      `Fixpoint in VS Code (code-server): ${url}`,
      'Open the Fixpoint icon in the activity bar.',
      'The folder opens in Restricted Mode until you trust it (VS Code asks): until then Fixpoint reads and',
      'proposes edits but runs no command or task.',
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
}
