/**
 * A spare worktree per repository, so a background task starts in well under a second (issue 13).
 *
 * Filling a worktree means creating one file per source file, and creating files is what a task's start
 * costs: 5,000 files took 4–6 s on the ext4 disk of our 2-core test machine, where reading them takes 0.1 s.
 * So one worktree is made ahead of time, in the background after a task starts, and the next task takes it:
 * only the files that differ between the spare and the user's working tree now are copied (found by hashing
 * both working trees through private copies of their indexes, which hashes only files whose stat changed),
 * HEAD moves to the user's HEAD, and the result is committed and branched exactly as a fresh worktree would be.
 *
 * The spare is detached (no branch), holds only what a fresh worktree would (tracked and untracked
 * non-ignored files, dependency folders linked) and runs nothing. A claim is a file created exclusively
 * beside its record, so two tasks (or two windows) never take one spare; a crashed claim or preparation is
 * swept like any other leftover. A spare that cannot be used is removed and the task gets a fresh worktree.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BACKGROUND_COPY_CONCURRENCY, git, gitFiles, mirrorFiles, type GitOptions } from '../sandbox/workingTree';
import {
  claimFileOf,
  claimOf,
  claimSpareRecord,
  creator,
  creatorAlive,
  listRecords,
  newRecord,
  removeRecord,
  writeRecord,
  type WorktreeRecord,
} from './records';
import { commitAll, removeWorktree, revision, withoutDependencies, withoutLinks, workingTreeTree } from './worktreeGit';

/**
 * Adds the worktree `record` names (detached, or on a new branch when it has one) without a checkout, and
 * fills it from the user's working tree: its files are the user's bytes, so no smudge filter ever runs.
 */
export async function addMirroredWorktree(record: WorktreeRecord, options: GitOptions, concurrency?: number): Promise<void> {
  const target = record.branch ? ['-b', record.branch] : ['--detach'];
  await git(['worktree', 'add', '--no-checkout', ...target, record.top, record.head], record.repo, options);
  record.adminDir = path.resolve(record.top, (await git(['rev-parse', '--git-dir'], record.top, options)).trim());
  await writeRecord(record);
  await git(['read-tree', 'HEAD'], record.top, options);
  const links = await mirrorFiles(record.repo, record.top, await gitFiles(record.repo, options.signal), options.signal, concurrency);
  record.links = links.map((l) => relative(record.top, l.path));
}

/** Makes `repo`'s spare in `folder`, unless one is there or being made. */
export async function prepareSpare(folder: string, repo: string, configKeys: readonly string[], signal?: AbortSignal): Promise<void> {
  for (const r of await listRecords(folder))
    if (r.repo === repo && (r.state === 'spare' || (r.state === 'preparing' && (await creatorAlive(r))))) return;
  const head = await revision(repo, 'HEAD', signal);
  if (!head) return;
  const top = path.join(folder, `spare-${randomBytes(6).toString('hex')}`);
  const record = await newRecord({ taskId: '', origin: repo, repo, top, branch: '', createdBranch: false, head, state: 'preparing' });
  await writeRecord(record);
  const options = { signal, configKeys };
  try {
    await addMirroredWorktree(record, options, BACKGROUND_COPY_CONCURRENCY);
    // Indexed now, so a claim hashes only what changed since (the stat cache), not every file.
    await git(['add', '-A', '--', ...withoutLinks(record)], record.top, options);
    record.state = 'spare';
    await writeRecord(record);
  } catch (err) {
    await removeSpare(record);
    throw err;
  }
}

export interface SpareClaim {
  taskId: string;
  origin: string;
  /** Where the task's worktree goes (the spare is moved there). */
  top: string;
  branch: string;
  /** The user's HEAD now: the task's worktree starts there. */
  head: string;
  /** The message of the commit holding the user's uncommitted changes, when there are any. */
  message: string;
}

/**
 * Turns `repo`'s spare into the task's worktree, synced with the user's working tree as it is now, and
 * returns its record (active); undefined when no spare is ready (the caller then makes a fresh worktree).
 */
export async function claimSpare(
  folder: string,
  repo: string,
  claim: SpareClaim,
  configKeys: readonly string[],
  signal?: AbortSignal,
): Promise<WorktreeRecord | undefined> {
  for (const spare of await listRecords(folder)) {
    if (spare.state !== 'spare' || spare.repo !== repo || !(await claimSpareRecord(spare.top))) continue;
    const options = { signal, configKeys };
    let record: WorktreeRecord | undefined;
    try {
      await fs.access(path.join(spare.top, '.git'));
      await syncWithUser(spare, folder, options);
      await git(['reset', '-q', '--soft', claim.head], spare.top, options);
      const base = await commitAll(spare, claim.message, options);
      const { taskId, origin, top, branch, head } = claim;
      const fields = { taskId, origin, top, branch, head, base, createdBranch: true, state: 'creating' as const, createdAt: Date.now() };
      record = { ...spare, ...fields, ...(await creator()) };
      // The task's record comes before the move: a crash from here leaves a `creating` record, swept.
      await writeRecord(record);
      // Named after its task like any task's worktree; git cannot move one holding submodules, which keeps its name.
      if (
        !(await git(['worktree', 'move', spare.top, top], repo, options).then(
          () => true,
          () => false,
        ))
      ) {
        await removeRecord(top);
        record.top = spare.top;
        await writeRecord(record);
      }
      if (record.top !== spare.top) await removeRecord(spare.top);
      await git(['checkout', '-q', '-b', branch], record.top, options);
      record.state = 'active';
      await writeRecord(record);
      await fs.rm(claimFileOf(record.top), { force: true });
      return record;
    } catch (err) {
      await removeSpare(spare);
      if (record) {
        await removeSpare(record);
        // The branch, if the claim got that far: only while it is still at the base this claim made.
        if ((await revision(repo, `refs/heads/${record.branch}`)) === record.base)
          await git(['branch', '-D', record.branch], repo).catch(() => undefined);
      }
      if (signal?.aborted) throw err;
    }
  }
  return undefined;
}

/** Whether a spare record is a leftover to remove: a preparation or a claim whose process is gone. */
export async function spareLeftOver(record: WorktreeRecord): Promise<boolean> {
  if (record.state === 'preparing') return !(await creatorAlive(record));
  const claim = await claimOf(record.top);
  return claim !== undefined && !claim.alive;
}

export async function removeSpare(record: WorktreeRecord): Promise<void> {
  await removeWorktree(record).catch(() => undefined);
  await removeRecord(record.top);
}

/**
 * Copies into the spare every file that differs from the user's working tree (tracked and untracked
 * non-ignored), and removes those the user no longer has. Paths under the spare's links are the user's own
 * folders already, so nothing is written through them.
 */
async function syncWithUser(spare: WorktreeRecord, folder: string, options: GitOptions): Promise<void> {
  // The user's tree through a private copy of their index; the spare's through its own (it is Fixpoint's),
  // so the commit that follows hashes only the files copied in here.
  const stagedSpare = async () => {
    await git(['add', '-A', '--', ...withoutLinks(spare)], spare.top, options);
    return (await git(['write-tree'], spare.top, options)).trim();
  };
  const userIndex = path.join(folder, `user.index-${randomBytes(4).toString('hex')}`);
  const [user, mine] = await Promise.all([workingTreeTree(spare.repo, withoutDependencies(), userIndex, options), stagedSpare()]);
  if (user === mine) return;
  const changed = (await git(['diff-tree', '-r', '-z', '--no-renames', '--name-only', mine, user], spare.repo, options))
    .split('\0')
    .filter((p) => p !== '' && !spare.links.some((l) => p === l || p.startsWith(`${l}/`)));
  for (const p of changed) await fs.rm(path.join(spare.top, p), { recursive: true, force: true });
  const links = await mirrorFiles(
    spare.repo,
    spare.top,
    changed.map((p) => ({ path: p, kind: 'unknown' as const })),
    options.signal,
  );
  spare.links.push(...links.map((l) => relative(spare.top, l.path)));
}

function relative(top: string, p: string): string {
  return path.relative(top, p).split(path.sep).join('/');
}
