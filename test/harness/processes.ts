// Child processes that must never outlive the harness: each runs in its own process group (detached), and
// every group still registered is killed on normal exit, on failure, and on SIGINT/SIGTERM/SIGHUP.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Kills the whole process group: SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  kill(graceMs?: number): Promise<void>;
}

const live = new Map<number, GroupProcess>();
const asyncCleanups = new Set<() => Promise<void>>();
let handlersInstalled = false;
let signalExitCode: number | undefined;

/** 128 + signal number once SIGINT/SIGTERM/SIGHUP arrived, so a runner can exit with it. */
export function interruptedExitCode(): number | undefined {
  return signalExitCode;
}

function killGroupSync(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Spawns `command` as the leader of a new process group and registers it for cleanup. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): GroupProcess {
  installExitHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  let killing: Promise<void> | undefined;
  const proc: GroupProcess = {
    child,
    pid,
    exited,
    kill(graceMs = 3000) {
      killing ??= (async () => {
        killGroupSync(pid, 'SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)]);
        // The leader may be gone while children of the group linger: always finish with SIGKILL.
        killGroupSync(pid, 'SIGKILL');
        if (timedOut) await Promise.race([exited, delay(1000)]);
        live.delete(pid);
      })();
      return killing;
    },
  };
  live.set(pid, proc);
  void exited.then(() => {
    // The leader exited on its own: its group may still hold children.
    killGroupSync(pid, 'SIGKILL');
    live.delete(pid);
  });
  return proc;
}

/** Registers an async cleanup (e.g. closing a browser) run on signals; returns an unregister function. */
export function onCleanup(cleanup: () => Promise<void>): () => void {
  installExitHandlers();
  asyncCleanups.add(cleanup);
  return () => asyncCleanups.delete(cleanup);
}

/** Kills every registered process group and runs every registered cleanup. */
export async function cleanupAll(): Promise<void> {
  const cleanups = [...asyncCleanups];
  asyncCleanups.clear();
  await Promise.all(cleanups.map((c) => Promise.race([c().catch(() => undefined), delay(5000)])));
  await Promise.all([...live.values()].map((p) => p.kill()));
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const pid of live.keys()) killGroupSync(pid, 'SIGKILL');
  });
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    signalExitCode = code;
    process.stderr.write(`\n[harness] ${signal}: stopping code-server and the browser…\n`);
    void cleanupAll().finally(() => process.exit(code));
    // A second signal, or a cleanup that hangs, must not keep the harness alive.
    setTimeout(() => process.exit(code), 10_000).unref();
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `message` if `promise` has not settled within `ms` (a safety net, not an assertion). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
