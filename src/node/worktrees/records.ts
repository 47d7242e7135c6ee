/**
 * Fixpoint's own record of the worktrees and branches it created, so that a sweep or a discard removes only
 * those and never a user's own worktree or branch (even one named `fixpoint/…`). Each worktree
 * `<base>/<repo key>/<task id>/` has its record `<task id>.json` beside it (not inside: the worktree must look
 * like the user's tree). The record is written before `git worktree add` and removed after the worktree, so a
 * crash in between leaves a record to sweep, never an unrecorded worktree.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replaceFile } from '../atomicFile';
import { ensureShadowBase, isAlive, processStartTime } from '../sandbox/shadowStore';

export interface WorktreeRecord {
  taskId: string;
  /** The user's workspace (absolute, real path) and its repository's top folder. */
  origin: string;
  repo: string;
  /** The worktree's top folder, and its administrative folder in the user's `.git/worktrees/`. */
  top: string;
  adminDir?: string;
  branch: string;
  /** Whether the branch was created here (always, for now: the record says so explicitly for the sweep). */
  createdBranch: boolean;
  head: string;
  base?: string;
  /**
   * `preparing` / `spare`: the repository's spare worktree (spareWorktree.ts), no task's yet: `taskId` and
   * `branch` are empty and HEAD is detached. `creating` / `active` / `kept`: a task's.
   */
  state: 'preparing' | 'spare' | 'creating' | 'active' | 'kept';
  commit?: string;
  /** Worktree paths (relative to `top`) that are links into the user's tree: never committed or diffed. */
  links: string[];
  pid: number;
  processStart?: string;
  createdAt: number;
}

/** $XDG_CACHE_HOME (default ~/.cache)/fixpoint/worktrees: outside every repository. */
export function defaultWorktreeBase(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'fixpoint', 'worktrees');
}

/** The folder holding one repository's task worktrees, keyed by its common git directory. */
export async function repoFolder(base: string, commonDir: string): Promise<string> {
  await ensureShadowBase(base);
  const dir = path.join(base, createHash('sha256').update(commonDir).digest('hex').slice(0, 16));
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function recordFileOf(top: string): string {
  return `${top}.json`;
}

export async function writeRecord(record: WorktreeRecord): Promise<void> {
  await replaceFile(recordFileOf(record.top), JSON.stringify(record, null, 2));
}

export async function readRecord(top: string): Promise<WorktreeRecord | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(recordFileOf(top), 'utf8')) as Partial<WorktreeRecord>;
    return typeof parsed.taskId === 'string' && typeof parsed.branch === 'string' && parsed.top === top
      ? (parsed as WorktreeRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function removeRecord(top: string): Promise<void> {
  await fs.rm(recordFileOf(top), { force: true });
  await fs.rm(claimFileOf(top), { force: true });
}

/** A spare worktree being turned into a task's: the file says by whom, so a crashed claim can be told apart. */
export function claimFileOf(top: string): string {
  return `${top}.claim`;
}

/** Claims the spare at `top` for this process; false when another claim holds it (in any process). */
export async function claimSpareRecord(top: string): Promise<boolean> {
  try {
    await fs.writeFile(claimFileOf(top), JSON.stringify(await creator()), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The process that claimed the spare at `top`, if a claim is on it, and whether it still runs. */
export async function claimOf(top: string): Promise<{ alive: boolean } | undefined> {
  const text = await fs.readFile(claimFileOf(top), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const owner = JSON.parse(text) as Pick<WorktreeRecord, 'pid' | 'processStart'>;
    return { alive: typeof owner.pid === 'number' && (await isAlive(owner)) };
  } catch {
    return { alive: false }; // torn by a crash while it was written
  }
}

/** Every record in a repository's folder. */
export async function listRecords(folder: string): Promise<WorktreeRecord[]> {
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  const records: WorktreeRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const record = await readRecord(path.join(folder, name.slice(0, -'.json'.length)));
    if (record) records.push(record);
  }
  return records;
}

/** Whether the process that created the record still runs (its task may not be saved yet). */
export function creatorAlive(record: WorktreeRecord): Promise<boolean> {
  return isAlive({ pid: record.pid, processStart: record.processStart });
}

/** A record as first written, by this process, now, with no links yet. */
export async function newRecord(fields: Omit<WorktreeRecord, 'links' | 'pid' | 'processStart' | 'createdAt'>): Promise<WorktreeRecord> {
  return { ...fields, links: [], ...(await creator()), createdAt: Date.now() };
}

/** The pid and start time a new record carries (a pid alone may be reused after a crash). */
export async function creator(): Promise<Pick<WorktreeRecord, 'pid' | 'processStart'>> {
  return { pid: process.pid, processStart: await processStartTime(process.pid) };
}
