/**
 * Background tasks in the CLI (issue 13): `fixpoint exec --worktree` runs a task in a git worktree of its own,
 * and `fixpoint tasks apply|keep|discard <id>` bring its change back as reviewed proposals, keep it as a
 * branch, or throw it away. The loop does not know any of this: the session is simply opened on the
 * worktree, with the task recorded in the user's folder's task list.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { EntrySink } from '../core/ports';
import { AppliedChange } from './appliedChange';
import { ProposalReviewer } from '../core/review/reviewer';
import { taskCommitMessage } from '../core/tasks/commitMessage';
import { DurableTasks } from '../core/tasks/durableTasks';
import { rebaseTaskChanges } from '../core/tasks/rebaseChanges';
import { titleFrom } from '../core/tasks/task';
import type { TaskWorkspaceInfo } from '../core/tasks/taskWorkspace';
import { FsFileWriter } from '../node/fsWriter';
import { GitWorkspaceSnapshots } from '../node/gitSnapshots';
import { NodeTaskFiles } from '../node/taskFiles';
import { GitWorktrees } from '../node/worktrees';
import type { CliOptions } from './cliSession';
import { askReview } from './render';

/** Removes worktrees and branches Fixpoint made for tasks of `root` that are gone (start-up, crash recovery). */
export async function sweepWorktrees(root: string, worktrees = new GitWorktrees()): Promise<void> {
  try {
    const ids = new Set((await new DurableTasks(NodeTaskFiles.forWorkspace(root)).list()).map((s) => s.id));
    const removed = await worktrees.sweep(root, (id) => ids.has(id));
    if (removed.length)
      process.stderr.write(`Removed ${removed.length} worktree(s) of tasks that no longer exist: ${removed.join(', ')}\n`);
  } catch (err) {
    // Housekeeping must never stand in the way of the task the user asked for.
    process.stderr.write(`Could not sweep old task worktrees: ${(err as Error).message}\n`);
  }
}

/** Makes the task's worktree; the session then runs there, its task listed in the user's folder. */
export async function startInWorktree(
  options: CliOptions,
  goal: string,
): Promise<{ id: string; info: TaskWorkspaceInfo; options: CliOptions }> {
  const origin = path.resolve(options.cwd ?? process.cwd());
  const id = `task-${Date.now().toString(36)}`;
  const info = await new GitWorktrees().create({ taskId: id, title: titleFrom(goal), origin });
  process.stderr.write(
    `Working in ${info.root} on the new branch ${info.branch} (from ${info.head.slice(0, 10)} plus your uncommitted changes).\n`,
  );
  return { id, info, options: { ...options, cwd: info.root, tasksFor: origin, taskId: id } };
}

export function reviewHint(id: string, info: TaskWorkspaceInfo): string {
  return [
    `\nTask ${id} ran in ${info.root} (branch ${info.branch}). Your folder is unchanged. Next:`,
    `  fixpoint tasks apply ${id}     review its change here, file by file, as proposals`,
    `  fixpoint tasks keep ${id}      commit it on ${info.branch} (a message from the task's ledger)`,
    `  fixpoint tasks discard ${id}   remove the worktree and the branch`,
    '',
  ].join('\n');
}

/** `fixpoint resume` of a task in a worktree runs there again; one kept or discarded has nowhere to run. */
export async function resumeOptions(options: CliOptions, id: string): Promise<CliOptions> {
  const root = path.resolve(options.cwd ?? process.cwd());
  const summary = (await new DurableTasks(NodeTaskFiles.forWorkspace(root)).list()).find((s) => s.id === id);
  const info = summary?.workspace;
  if (!info) return options;
  if (info.state !== 'active') throw new Error(`Task ${id} was ${info.state}: its worktree is gone, so it cannot be resumed.`);
  return { ...options, cwd: info.root, tasksFor: root };
}

interface Io {
  yes: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** `fixpoint tasks unapply <id>`: the folder as it was before `tasks apply`, but for files changed since. */
export async function unapplyChange(root: string, id: string, io: Io): Promise<number> {
  const report = await (await AppliedChange.open(root, id)).undo();
  if (!report) {
    io.err.write(`Nothing of task ${id} was applied in ${root} (or it was undone already).\n`);
    return 1;
  }
  if (report.failure) {
    io.err.write(`Could not undo: ${report.failure}. Nothing was changed.\n`);
    return 1;
  }
  io.out.write(
    `Put back ${report.restored.length} file(s) as they were before tasks apply${report.restored.length ? `: ${report.restored.join(', ')}` : ''}.\n` +
      (report.conflicts.length ? `Changed by you since, left as they are: ${report.conflicts.join(', ')}.\n` : ''),
  );
  return 0;
}

/** `fixpoint tasks apply|keep|discard <id>`. */
export async function runWorktreeCommand(command: 'apply' | 'keep' | 'discard', root: string, id: string, io: Io): Promise<number> {
  const tasks = new DurableTasks(NodeTaskFiles.forWorkspace(root));
  const loaded = await tasks.load(id);
  const info = loaded?.state.summary.workspace;
  if (!loaded || !info) {
    io.err.write(
      loaded
        ? `Task ${id} did not run in a worktree: its edits are already in this folder.\n`
        : `No task "${id}" in this workspace (see fixpoint tasks).\n`,
    );
    return 1;
  }
  if (info.state === 'discarded') {
    io.err.write(`Task ${id} was discarded: its worktree and branch are gone.\n`);
    return 1;
  }
  const worktrees = new GitWorktrees();
  if (command === 'apply') return applyChange(worktrees, root, id, info, io);
  const summary = loaded.state.summary;
  const after =
    command === 'keep'
      ? await worktrees.keep(
          info,
          taskCommitMessage({
            id,
            title: summary.title,
            goal: summary.goal,
            ledger: loaded.state.ledger,
            changes: await worktrees.changes(info),
          }),
        )
      : await worktrees.discard(info);
  // The task's checkpoints were of its worktree, which is gone.
  await fs.rm(GitWorkspaceSnapshots.cacheDirFor(info.root), { recursive: true, force: true });
  await tasks.updateSummary(id, { workspace: after });
  io.out.write(
    command === 'keep'
      ? `Kept task ${id} as ${after.commit?.slice(0, 10)} on the branch ${after.branch}; your branch is untouched.\n` +
          `  Look: git log -p ${after.head.slice(0, 10)}..${after.branch}    Take it: git merge ${after.branch}, or fixpoint tasks apply ${id}\n`
      : `Discarded task ${id}: its worktree and the branch ${after.branch} are removed.\n`,
  );
  return 0;
}

/** The task's whole change, rebased onto this folder as it is now, reviewed like any proposal. */
async function applyChange(worktrees: GitWorktrees, root: string, id: string, info: TaskWorkspaceInfo, io: Io): Promise<number> {
  const writer = new FsFileWriter(root);
  const rebased = await rebaseTaskChanges(await worktrees.changes(info), (p) => writer.readText(p).catch(() => undefined), {
    current: 'your version',
    task: `${info.branch} (the task's version)`,
  });
  for (const s of rebased.skipped) io.err.write(`Not proposed: ${s.path}: ${s.why} (the task's version is on ${info.branch}).\n`);
  if (!rebased.changes.length) {
    io.out.write('Nothing to apply: this folder already has everything the task changed.\n');
    return 0;
  }
  const conflicts = new Map(rebased.conflicts.map((c) => [c.path, c.hunks.length]));
  for (const [file, n] of conflicts)
    io.err.write(
      `${file}: ${n} hunk(s) overlap your own edits: your lines are kept, the task's version follows between <<<<<<< and >>>>>>> markers.\n`,
    );
  const readline = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  const asked = new Set<string>();
  let count = 0;
  const sink: EntrySink = {
    newId: (prefix) => `${prefix}-${++count}`,
    put: (entry) => {
      if (entry.kind !== 'proposal' || entry.state !== 'pending' || asked.has(entry.id)) return;
      asked.add(entry.id);
      void askReview(entry, {
        err: io.err,
        ask: readline && ((q) => readline.question(q)),
        approveAll: io.yes,
        target: { reviewer, review: (id, p, accept) => reviewer.decideFile(id, p, accept) },
        attention: (p) => (conflicts.has(p) ? `has ${conflicts.get(p)} conflicting hunk(s) marked <<<<<<< / >>>>>>>` : undefined),
      });
    },
  };
  const reviewer = new ProposalReviewer(sink, writer);
  try {
    const checkpoint = await AppliedChange.open(root, id);
    const outcome = await checkpoint.record(() =>
      reviewer.propose({ files: rebased.changes, diff: rebased.changes.map((c) => c.diff).join('') }, new AbortController().signal),
    );
    const applied = outcome.files.filter((f) => f.hunks.includes('accepted'));
    const stale = outcome.files.filter((f) => f.hunks.includes('stale'));
    io.out.write(
      `Applied ${applied.length} of ${outcome.files.length} file(s)${applied.length ? `: ${applied.map((f) => f.path).join(', ')}` : ''}.\n` +
        (stale.length ? `Changed meanwhile, left as you have them: ${stale.map((f) => f.path).join(', ')}.\n` : '') +
        (applied.length ? `Undo: fixpoint tasks unapply ${id}\n` : ''),
    );
    return 0;
  } finally {
    readline?.close();
  }
}
