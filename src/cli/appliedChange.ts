/**
 * `fixpoint tasks apply` writes into the user's folder, so it is undoable like any turn of the agent's:
 * the same checkpoint (Checkpoints over the CLI's workspace snapshots) brackets the writes, and
 * `fixpoint tasks unapply <id>` puts back what the folder held before — leaving alone any file the user
 * changed since, which is reported instead. The checkpoint is kept per folder and task, beside the CLI's
 * snapshot store, so it works from another shell, days later.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Checkpoints, DEFAULT_CHECKPOINT_MEGABYTES, type PersistedCheckpoints, type RestoreReport } from '../core/review/checkpoints';
import { replaceFile } from '../node/atomicFile';
import { FsFileWriter } from '../node/fsWriter';
import { GitWorkspaceSnapshots } from '../node/gitSnapshots';

/** The one "turn" an apply is: applying again adds to it, and unapply goes back to before the first. */
const APPLY_TURN = 'apply';

export class AppliedChange {
  private readonly checkpoints: Checkpoints;
  private readonly file: string;

  private constructor(root: string, taskId: string) {
    const cacheDir = GitWorkspaceSnapshots.cacheDirFor(root);
    this.file = path.join(cacheDir, 'applied', `${taskId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    this.checkpoints = new Checkpoints(new GitWorkspaceSnapshots(root, cacheDir), new FsFileWriter(root), {
      group: () => `apply-${taskId}`,
      maxBytes: () => DEFAULT_CHECKPOINT_MEGABYTES * 1024 * 1024,
    });
  }

  static async open(root: string, taskId: string): Promise<AppliedChange> {
    const applied = new AppliedChange(root, taskId);
    const text = await fs.readFile(applied.file, 'utf8').catch(() => undefined);
    if (text !== undefined) applied.checkpoints.load(JSON.parse(text) as PersistedCheckpoints);
    return applied;
  }

  /** Runs the writes of an apply inside its checkpoint, and keeps the checkpoint for unapply. */
  async record<T>(writes: () => Promise<T>): Promise<T> {
    try {
      return await this.checkpoints.recordChange(APPLY_TURN, writes);
    } finally {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await replaceFile(this.file, JSON.stringify(this.checkpoints.persisted()));
    }
  }

  /** Undefined when nothing of this task was applied here (or it was already undone). */
  async undo(): Promise<RestoreReport | undefined> {
    if (this.checkpoints.status(APPLY_TURN) !== 'available') return undefined;
    const report = await this.checkpoints.restore(APPLY_TURN);
    // Undone is undone: a later apply starts a new checkpoint from the folder as it is then.
    if (!report.failure) await fs.rm(this.file, { force: true });
    return report;
  }
}
