/**
 * The bubblewrap sandbox for verification commands (SAFETY §15, issue 5).
 *
 * Inside: the whole filesystem read-only, host sockets and credentials hidden (./boundary.ts), the shadow (or
 * workspace) writable except its `.git` and other protected paths, a private
 * `/tmp`, minimal `/dev`, a fresh `/proc`, no network (own network namespace, loopback only), own pid, ipc and
 * uts namespaces, a new session (a sandboxed program cannot push keystrokes into our terminal with TIOCSTI),
 * and the whole tree killed when the runner dies. `runProcess` kills bwrap's process group on timeout or Stop;
 * bwrap is then gone, and with it the pid namespace and every process in it.
 *
 * Availability is probed, not assumed: `bwrap` may be on PATH while user namespaces are disabled
 * (kernel.unprivileged_userns_clone=0, Ubuntu's AppArmor userns restriction, containers).
 */
import { execFile } from 'node:child_process';
import { promises as fs, constants as fsConstants, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultHiddenPaths, hideArgs, protectedPathsIn } from './boundary';

export type SandboxAvailability =
  { available: true; kind: 'bubblewrap'; version: string; path: string } | { available: false; reason: string };

export interface SandboxOptions {
  /** The bwrap binary (absolute path from `detectSandbox`, or 'bwrap'). */
  bwrapPath?: string;
  /** Writable tree; defaults to the folder the command runs in. Pass `shadow.top` when `cwd` is a subfolder. */
  writableRoot?: string;
  /**
   * Paths to keep visible read-only although `/tmp` is replaced: the targets of the shadow's dependency links
   * (`shadow.links`), which point into the user's workspace — itself possibly under /tmp.
   */
  readOnly?: readonly string[];
  /** Extra writable paths (e.g. a persistent build cache outside the user's tree). */
  writable?: readonly string[];
  /** Keep the network (off by default; verification should not need it). */
  network?: boolean;
  /** Host paths replaced by empty ones inside (default: `defaultHiddenPaths()`: sockets and credentials). */
  hidden?: readonly string[];
  /** Variables set inside. Defaults add XDG_CACHE_HOME=/tmp/.cache, since $HOME is read-only in there. */
  env?: Readonly<Record<string, string>>;
}

const DEFAULT_ENV: Readonly<Record<string, string>> = { XDG_CACHE_HOME: '/tmp/.cache', TMPDIR: '/tmp' };

/**
 * The argv prefix for `runProcess(command, { wrapper })`: the command then runs as `bash -c command` inside,
 * with `cwd` as its working directory.
 */
export function sandboxArgv(cwd: string, options: SandboxOptions = {}): string[] {
  const writableRoot = options.writableRoot ?? cwd;
  const argv = [options.bwrapPath ?? 'bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  // Order matters: later mounts cover earlier ones. Hidden host paths first, read-only re-exposures, then the
  // writable tree, then its `.git` and other protected paths read-only again (checks may read them, not change them).
  argv.push(...hideArgs(options.hidden ?? defaultHiddenPaths(), writableRoot));
  for (const p of options.readOnly ?? []) argv.push('--ro-bind-try', p, p);
  argv.push('--bind', writableRoot, writableRoot);
  for (const p of options.writable ?? []) argv.push('--bind-try', p, p);
  const dotGit = path.join(writableRoot, '.git');
  argv.push('--ro-bind-try', dotGit, dotGit);
  for (const p of protectedPathsIn(writableRoot)) if (p !== dotGit) argv.push('--ro-bind', p, p);
  if (!options.network) argv.push('--unshare-net');
  argv.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--new-session', '--die-with-parent');
  for (const [name, value] of Object.entries({ ...DEFAULT_ENV, ...options.env })) argv.push('--setenv', name, value);
  argv.push('--chdir', cwd, '--');
  return argv;
}

const detections = new Map<string, Promise<SandboxAvailability>>();

/** Whether commands can be sandboxed here; probed once per process (per binary) and cached. */
export function detectSandbox(options: { bwrapPath?: string; timeoutMs?: number } = {}): Promise<SandboxAvailability> {
  const key = options.bwrapPath ?? '';
  let found = detections.get(key);
  if (!found) {
    found = probe(options.bwrapPath, options.timeoutMs ?? 5_000);
    detections.set(key, found);
  }
  return found;
}

async function probe(explicit: string | undefined, timeoutMs: number): Promise<SandboxAvailability> {
  if (process.platform !== 'linux') return { available: false, reason: `bubblewrap is Linux-only (this is ${process.platform})` };
  const bwrap = explicit ?? (await findOnPath('bwrap'));
  if (!bwrap) return { available: false, reason: 'bwrap is not installed (Debian/Ubuntu package "bubblewrap")' };

  const version = await run(bwrap, ['--version'], timeoutMs);
  if (version.error) return { available: false, reason: `${bwrap} --version failed: ${version.error}` };

  // Probe with the real set of flags: namespaces, tmpfs, binds. A scratch folder stands in for the shadow.
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bwrap-probe-'));
  try {
    const marker = 'fixpoint-sandbox-ok';
    const result = await run(
      bwrap,
      [...sandboxArgv(scratch, { bwrapPath: bwrap }).slice(1), 'sh', '-c', `echo ${marker} > probe && cat probe`],
      timeoutMs,
    );
    if (result.error || !result.stdout.includes(marker)) {
      return {
        available: false,
        reason: `bubblewrap cannot create a sandbox here (user namespaces disabled?): ${result.error ?? result.stderr.trim()}`,
      };
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return { available: true, kind: 'bubblewrap', version: version.stdout.trim().replace(/^bubblewrap\s+/, ''), path: bwrap };
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, error: err ? stderr.trim() || err.message : undefined }),
    );
  });
}

/**
 * `sandboxArgv` for a shadow workspace: the whole shadow writable (its `.git` read-only), the command run in
 * the shadow's workspace folder, and the user's workspace plus the shadow's dependency links kept visible
 * read-only even when they live under /tmp (which the sandbox replaces with an empty tmpfs). The shadow's
 * git reads the user's object store (its alternate), which is kept visible too.
 */
export function sandboxArgvForShadow(
  shadow: { path: string; top: string; readOnlyPaths: readonly string[] },
  workspaceRoot: string,
  options: Omit<SandboxOptions, 'writableRoot'> = {},
): string[] {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const readOnly = [real(workspaceRoot), ...shadow.readOnlyPaths, ...(options.readOnly ?? [])];
  return sandboxArgv(shadow.path, { ...options, writableRoot: shadow.top, readOnly });
}
