// Start tier: the README's `npm start`, run the way a user runs it (from inside npm, so with npm's own
// npm_config_* environment, which once broke the inner installs), against the fixture workspace with a
// throw-away profile. It must print a URL only once that URL serves the workbench with Fixpoint installed, say
// that the folder opens in Restricted Mode, and stop code-server on Ctrl+C.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './env';
import type { TierOutcome } from './integrationTier';
import { spawnGroup } from './processes';

const TITLE = 'npm start installs Fixpoint into code-server, prints a URL that serves the workbench, and Ctrl+C stops it';
const START_TIMEOUT_MS = 5 * 60_000;

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

async function startAndStop(log: (line: string) => void): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'fixpoint-start-home-'));
  const folder = path.join(repoRoot, 'test', 'fixtures', 'workspace');
  const proc = spawnGroup('npm', ['start', '--', folder], {
    cwd: repoRoot,
    env: { ...process.env, FIXPOINT_HOME: home, PORT: '0', OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const poll = setInterval(() => {
        const found = /Fixpoint in VS Code \(code-server\): (\S+)/.exec(stdout)?.[1];
        if (found) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(found);
        }
      }, 100);
      void proc.exited.then((code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code}) before printing a URL`));
      });
    });
    log(`[start] ${url}`);
    if (!/Restricted Mode until you trust it/.test(stdout)) throw new Error(`the message does not mention Restricted Mode:\n${stdout}`);
    const page = await get(url);
    if (page.status !== 200 || !/vs\/code|workbench/i.test(page.body)) {
      throw new Error(`GET ${url} answered ${page.status} without the workbench`);
    }
    const extensions = await readdir(path.join(home, 'extensions'));
    if (!extensions.some((name) => name.startsWith('fixpoint-dev.fixpoint-'))) {
      throw new Error(`the extension is not installed in the profile (found: ${extensions.join(', ') || 'nothing'})`);
    }
    process.kill(-proc.pid, 'SIGINT');
    const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    if (code === 'still running') throw new Error('npm start did not stop within 15 s of Ctrl+C');
    const after = await get(url).then(
      () => 'still answering',
      () => 'closed',
    );
    if (after !== 'closed') throw new Error('code-server still answers after Ctrl+C');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- npm start stdout ---\n${stdout}\n--- stderr (tail) ---\n${stderr.slice(-4000)}`, {
      cause: err,
    });
  } finally {
    await proc.kill();
    await rm(home, { recursive: true, force: true });
  }
}

export async function runStartTier(log: (line: string) => void = (line) => console.log(line)): Promise<TierOutcome> {
  const started = Date.now();
  try {
    await startAndStop(log);
    log(`  ✔ ${TITLE}`);
    return {
      name: 'start',
      passes: 1,
      failures: 0,
      pending: 0,
      tests: [{ fullTitle: TITLE, state: 'passed', durationMs: Date.now() - started }],
    };
  } catch (err) {
    const error = (err as Error).message;
    log(`  ✗ ${TITLE}\n${error}`);
    return { name: 'start', passes: 0, failures: 1, pending: 0, tests: [{ fullTitle: TITLE, state: 'failed', error }] };
  }
}
