/**
 * Where shadow workspaces live and who owns them, so a crash never leaves copies behind for good.
 *
 * All shadows live in one per-user folder under the temp dir (`fixpoint-shadows-<uid>`, mode 0700, checked to
 * be a real folder we own, so another local user cannot plant a symlink there). Each shadow
 * `fixpoint-shadow-<id>/` has an owner file `fixpoint-shadow-<id>.json` beside it (not inside: the shadow must
 * look exactly like the workspace) naming the process that made it. The owner file is written before the
 * folder and removed after it, so a folder without an owner is always debris. A shadow whose owner process is
 * gone — or whose pid now belongs to a different process (start time differs) — is stale.
 */
import { accessSync, promises as fs, constants as fsConstants, statSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SHADOW_PREFIX = 'fixpoint-shadow-';

export interface ShadowOwner {
  pid: number;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat field 22), to tell pid reuse apart. */
  processStart?: string;
  /** The workspace it mirrors, for diagnostics. */
  root: string;
  created: string;
}

/**
 * Where shadows live: in memory (/dev/shm) on Linux when it is there, else the temp folder. Creating thousands
 * of small files is kernel-bound on a journaled disk (about 1 s for 5,000 files here) and ~15x faster on
 * tmpfs; the copies are short-lived and never larger than the checked-out tree.
 */
export function defaultShadowBase(): string {
  return path.join(memoryBacked() ? MEMORY_TEMP : os.tmpdir(), `fixpoint-shadows-${userTag()}`);
}

/** The on-disk base: the fallback when memory is short (ENOSPC), and swept for stale shadows too. */
export function diskShadowBase(): string {
  return path.join(os.tmpdir(), `fixpoint-shadows-${userTag()}`);
}

const MEMORY_TEMP = '/dev/shm';
/** Below this much free memory-backed space (containers often give /dev/shm 64 MB), shadows go to disk. */
const MIN_MEMORY_FREE_BYTES = 1024 ** 3;

function memoryBacked(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(MEMORY_TEMP, fsConstants.W_OK);
    const space = statfsSync(MEMORY_TEMP);
    return statSync(MEMORY_TEMP).isDirectory() && space.bavail * space.bsize >= MIN_MEMORY_FREE_BYTES;
  } catch {
    return false;
  }
}

function userTag(): string | number {
  return typeof process.getuid === 'function' ? process.getuid() : 'user';
}

/** Creates (or validates) the base folder: a directory, not a symlink, owned by us, private. */
export async function ensureShadowBase(base: string): Promise<string> {
  await fs.mkdir(base, { recursive: true, mode: 0o700 });
  const info = await fs.lstat(base);
  if (!info.isDirectory() || info.isSymbolicLink()) throw new Error(`shadow folder ${base} is not a plain directory`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    throw new Error(`shadow folder ${base} belongs to another user`);
  if ((info.mode & 0o077) !== 0) await fs.chmod(base, 0o700);
  return base;
}

export function ownerFileOf(shadowDir: string): string {
  return `${shadowDir}.json`;
}

export async function writeOwner(shadowDir: string, root: string): Promise<void> {
  const owner: ShadowOwner = {
    pid: process.pid,
    processStart: await processStartTime(process.pid),
    root,
    created: new Date().toISOString(),
  };
  await fs.writeFile(ownerFileOf(shadowDir), JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
}

/** Removes a shadow folder, then its owner file. Never follows symlinks (dependency links point at the user's tree). */
export async function removeShadow(shadowDir: string): Promise<void> {
  try {
    await fs.rm(shadowDir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // A test may have left read-only folders; make ours writable and try again.
    await makeWritable(shadowDir);
    await fs.rm(shadowDir, { recursive: true, force: true, maxRetries: 2 });
  }
  await fs.rm(ownerFileOf(shadowDir), { force: true });
}

/**
 * Removes shadows whose owner process is gone (crash recovery; call on start-up). Returns the removed folders.
 * Shadows of live processes, including other VS Code windows, are left alone.
 */
export async function cleanupStaleShadows(options: { baseDir?: string } = {}): Promise<string[]> {
  if (!options.baseDir && defaultShadowBase() !== diskShadowBase()) {
    // Both places a shadow may have been made in (memory first, disk when memory was short).
    return [
      ...(await cleanupStaleShadows({ baseDir: defaultShadowBase() })),
      ...(await cleanupStaleShadows({ baseDir: diskShadowBase() })),
    ];
  }
  const base = options.baseDir ?? defaultShadowBase();
  let names: string[];
  try {
    names = await fs.readdir(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const ids = new Set(names.filter((n) => n.startsWith(SHADOW_PREFIX)).map((n) => n.replace(/\.json$/, '')));
  for (const id of ids) {
    const dir = path.join(base, id);
    const owner = await readOwner(ownerFileOf(dir));
    if (owner && (await isAlive(owner))) continue;
    await removeShadow(dir);
    removed.push(dir);
  }
  return removed;
}

async function readOwner(file: string): Promise<ShadowOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<ShadowOwner>;
    return typeof parsed.pid === 'number' ? (parsed as ShadowOwner) : undefined;
  } catch {
    return undefined;
  }
}

export async function isAlive(owner: Pick<ShadowOwner, 'pid' | 'processStart'>): Promise<boolean> {
  try {
    process.kill(owner.pid, 0); // signal 0: existence check only
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!owner.processStart) return true;
  const now = await processStartTime(owner.pid);
  return now === undefined || now === owner.processStart;
}

/** Field 22 of /proc/<pid>/stat (Linux); undefined elsewhere. The command name may contain spaces and ')'. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function makeWritable(dir: string): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    await fs.chmod(dir, 0o700);
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await makeWritable(path.join(dir, entry.name));
}

export const COPY_FLAGS = fsConstants.COPYFILE_FICLONE;
