// Starts a throw-away code-server (the full VS Code server + workbench + Node extension host) on loopback:
// its own user-data, extensions and config under a temp dir, a temp copy of a fixture workspace, and the
// smoke-test driver enabled so the workbench honours extensionDevelopmentPath/extensionTestsPath (TESTING.md).
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureTestEnv, repoRoot } from './env';
import { delay, onCleanup, spawnGroup, type GroupProcess } from './processes';

export interface CodeServerOptions {
  /** Fixture folder copied into the temp dir and opened; default test/fixtures/workspace. */
  fixture?: string;
  /** Written to <user-data-dir>/User/settings.json before start (merged over quiet defaults). */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string>;
  /** Use this extensions dir instead of an empty temp one. */
  extensionsDir?: string;
  /**
   * Start without --disable-workspace-trust and with workspace trust enabled: the smoke-test driver refuses
   * the trust dialog, so the folder opens in Restricted Mode (for the Restricted Mode tests).
   */
  workspaceTrust?: boolean;
  /** Prefix of the temp dir name, to tell runs apart. */
  label?: string;
  /** How long to wait for the server to answer HTTP. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Absolute path of the temp copy of the fixture workspace. */
  readonly workspace: string;
  /** The temp dir holding the workspace, profile, logs and results. */
  readonly tmp: string;
  readonly userDataDir: string;
  readonly logFile: string;
  readonly process: GroupProcess;
  /** A `vscode-remote://` URI for a path on the server (what `payload` entries need). */
  remoteUri(absPath: string): string;
  /** The workbench URL for the workspace, with an optional `payload` (list of [key, value]). */
  workbenchUrl(payload?: Array<[string, string]>): string;
  /** Last lines of the server log, for error messages. */
  logTail(lines?: number): Promise<string>;
  /** Kills the process group and removes the temp dir (kept when FIXPOINT_KEEP_TMP=1). */
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and offline; a tier's own settings are merged over them. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  // code-server's default is "afterDelay" (VS Code's is "off"): it would save the dirty buffers that the
  // review tests leave unsaved on purpose, a second after the test typed into them.
  'files.autoSave': 'off',
};

export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const { port: actual } = server.address() as net.AddressInfo;
        server.close(() => resolve(actual));
      });
    });
  if (preferred !== undefined) {
    try {
      return await tryListen(preferred);
    } catch {
      // Taken: fall back to any free port.
    }
  }
  return tryListen(0);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const env = await ensureTestEnv();
  const tmp = await mkdtemp(path.join(os.tmpdir(), `fixpoint-${options.label ?? 'vscode'}-`));
  try {
    const workspace = path.join(tmp, 'workspace');
    await cp(options.fixture ?? path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = options.extensionsDir ?? path.join(tmp, 'extensions');
    await mkdir(path.join(userDataDir, 'User'), { recursive: true });
    await mkdir(extensionsDir, { recursive: true });
    // Restricted Mode needs workspace trust switched on (the quiet defaults turn it off).
    const trust = options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
    await writeFile(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...options.settings }, null, 2),
    );
    // An empty config file: never read or write the user's ~/.config/code-server/config.yaml.
    const config = path.join(tmp, 'code-server.yaml');
    await writeFile(config, 'auth: none\n');
    const logFile = path.join(tmp, 'code-server.log');

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const args = [
        path.join(env.codeServer, 'out', 'node', 'entry.js'),
        '--config',
        config,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--vscode-option',
        'enable-smoke-test-driver',
        '--ignore-last-opened',
        workspace,
      ];
      const log = createWriteStream(logFile, { flags: 'a' });
      const proc = spawnGroup(env.node, args, {
        cwd: tmp,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PATH: `${path.dirname(env.node)}${path.delimiter}${process.env.PATH ?? ''}`,
          // code-server must not pick up a PASSWORD or a parent VS Code's IPC hooks.
          PASSWORD: '',
          VSCODE_IPC_HOOK_CLI: '',
          ...options.env,
        },
      });
      proc.child.stdout?.pipe(log);
      proc.child.stderr?.pipe(log);
      const origin = `http://127.0.0.1:${port}`;
      try {
        await waitForHttp(`${origin}/healthz`, proc, options.startTimeoutMs ?? 60_000);
      } catch (err) {
        lastError = err;
        await proc.kill();
        log.end();
        const tail = await readTail(logFile, 30);
        if (/EADDRINUSE/.test(tail)) continue; // Lost the race for the port: try another.
        throw new Error(`${(err as Error).message}\n--- code-server log ---\n${tail}`, { cause: err });
      }
      let stopping: Promise<void> | undefined;
      const stop = () =>
        (stopping ??= (async () => {
          unregister();
          await proc.kill();
          log.end();
          if (process.env.FIXPOINT_KEEP_TMP !== '1') await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
          else console.error(`[harness] kept ${tmp}`);
        })());
      // On SIGINT/SIGTERM the harness stops the server and removes its temp dir too.
      const unregister = onCleanup(stop);
      const remoteUri = (absPath: string) =>
        `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
      return {
        port,
        origin,
        workspace,
        tmp,
        userDataDir,
        logFile,
        process: proc,
        remoteUri,
        workbenchUrl(payload) {
          const query = new URLSearchParams({ folder: workspace });
          if (payload?.length) query.set('payload', JSON.stringify(payload));
          return `${origin}/?${query.toString()}`;
        },
        logTail: (lines = 40) => readTail(logFile, lines),
        stop,
      };
    }
    throw lastError instanceof Error ? lastError : new Error('code-server did not start');
  } catch (err) {
    if (process.env.FIXPOINT_KEEP_TMP !== '1') await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}

async function waitForHttp(url: string, proc: GroupProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void proc.exited.then((code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before answering ${url}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status >= 200 && status < 400) return;
    await delay(250);
  }
  throw new Error(`code-server did not answer ${url}`);
}

async function readTail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
