import type { FileWriter, SnapshotDifference, WorkspaceSnapshots } from '../ports';

/** fixpoint.checkpoints.maxMegabytes by default: room for many tasks of a mid-sized repository. */
export const DEFAULT_CHECKPOINT_MEGABYTES = 500;

/** One user turn that changed the workspace, through accepted edits or commands. */
export interface TurnCheckpoint {
  turnId: string;
  /** The workspace before the turn's first change: what Restore goes back to. */
  snapshot: string;
  /** Files the turn's edits and commands changed. */
  paths: string[];
  /** While the turn is restored: the workspace just before the restore (Undo restore returns to it), and what it wrote. */
  restored?: { snapshot: string; paths: string[] };
}

/** What a task keeps of its checkpoints (saved with the task, so Restore works after reloads and days later). */
export interface PersistedCheckpoints {
  turns: TurnCheckpoint[];
  /**
   * Per file, the content id the agent (an edit, a command, a restore) last left there, null when it deleted the
   * file. A file that differs now was changed by the user since, and a restore never overwrites it unasked.
   */
  lastWritten: Record<string, string | null>;
}

export interface RestoreReport {
  restored: string[];
  /** Files the user changed since the agent's last write: left as they are, for the user to decide. */
  conflicts: string[];
  /** Bytes the snapshot store takes, and the configured bound. */
  storage: { bytes: number; maxBytes: number };
  /** The snapshot could not be read (pruned, or the store was removed): nothing was changed. */
  failure?: string;
}

/** Runs a change (a write, a command) inside the checkpoint of the user turn `turnId`. */
export type ChangeRecorder = <T>(turnId: string, change: () => Promise<T>) => Promise<T>;

export interface CheckpointOptions {
  /** The open task: its snapshots are kept together and pruned together. */
  group(): string;
  /** fixpoint.checkpoints.maxMegabytes, in bytes. */
  maxBytes(): number;
}

/**
 * Checkpoints per user turn, backed by workspace snapshots: every change the agent makes (an accepted edit, a
 * command that may write) is bracketed by snapshots, so a restore reverts what commands changed too. Restore
 * and its undo write text through the FileWriter (undoable in the editor, dirty buffers never saved) and
 * everything else (binaries, links, executables) byte for byte from the snapshot.
 */
export class Checkpoints {
  private state: PersistedCheckpoints = { turns: [], lastWritten: {} };
  /** Snapshots share one index: they run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly snapshots: WorkspaceSnapshots,
    private readonly writer: FileWriter,
    private readonly options: CheckpointOptions,
  ) {}

  /** Runs `change` recorded in the checkpoint of turn `turnId` (taken before the turn's first change). */
  async recordChange<T>(turnId: string, change: () => Promise<T>): Promise<T> {
    let before: string;
    try {
      before = await this.serial(() => this.snapshots.take(this.options.group()));
    } catch (err) {
      // A checkpoint that cannot be taken (no git) must not stop the agent's work.
      console.error('Fixpoint: no checkpoint before this change:', err);
      return change();
    }
    if (!this.turn(turnId)) {
      this.state.turns.push({ turnId, snapshot: before, paths: [] });
      // The store grows by a turn's snapshots: this is when older tasks may have to make room.
      this.prune();
    }
    try {
      return await change();
    } finally {
      await this.serial(async () => {
        const changed = await this.snapshots.compare(before, await this.snapshots.take(this.options.group()));
        const turn = this.turn(turnId);
        for (const file of changed) {
          this.state.lastWritten[file.path] = file.to ?? null;
          if (turn && !turn.paths.includes(file.path)) turn.paths.push(file.path);
        }
        // A turn whose changes changed nothing has no checkpoint to offer.
        if (turn?.paths.length === 0) this.state.turns = this.state.turns.filter((t) => t !== turn);
      }).catch((err: unknown) => console.error('Fixpoint: could not record the change:', err));
    }
  }

  /** What the user turn shows: a checkpoint to restore, one to undo, or none. */
  status(turnId: string): 'available' | 'restored' | undefined {
    const turn = this.turn(turnId);
    return turn ? (turn.restored ? 'restored' : 'available') : undefined;
  }

  /**
   * Reverts every file the agent changed from turn `turnId` on to how it was before that turn, except those the
   * user changed since the agent's last write (reported as conflicts). Takes a snapshot first, for undo.
   */
  restore(turnId: string): Promise<RestoreReport> {
    return this.serial(async () => {
      const index = this.state.turns.findIndex((t) => t.turnId === turnId);
      if (index < 0) return this.report([], []);
      const turn = this.state.turns[index];
      const paths = new Set(this.state.turns.slice(index).flatMap((t) => [...t.paths, ...(t.restored?.paths ?? [])]));
      const outcome = await this.revertTo(turn.snapshot, paths);
      if ('failure' in outcome) return { ...(await this.report([], [])), failure: outcome.failure };
      if (outcome.restored.length) turn.restored = { snapshot: outcome.now, paths: outcome.restored };
      return this.report(outcome.restored, outcome.conflicts);
    });
  }

  /** Puts back what a restore of turn `turnId` reverted (again leaving files the user changed since). */
  undoRestore(turnId: string): Promise<RestoreReport> {
    return this.serial(async () => {
      const turn = this.turn(turnId);
      if (!turn?.restored) return this.report([], []);
      const outcome = await this.revertTo(turn.restored.snapshot, new Set(turn.restored.paths));
      if ('failure' in outcome) return { ...(await this.report([], [])), failure: outcome.failure };
      turn.restored = undefined;
      return this.report(outcome.restored, outcome.conflicts);
    });
  }

  persisted(): PersistedCheckpoints {
    return structuredClone(this.state);
  }

  /** The checkpoints of a task opened from storage (none for tasks saved before they were kept). */
  load(saved: PersistedCheckpoints | undefined): void {
    this.state = saved ? structuredClone(saved) : { turns: [], lastWritten: {} };
  }

  /** A new task: its checkpoints start empty (the previous task's stay in the store, kept with that task). */
  reset(): void {
    this.load(undefined);
  }

  /** A task was deleted: its snapshots go too. */
  forget(taskId: string): Promise<void> {
    return this.serial(() => this.snapshots.forget(taskId));
  }

  /** Frees the snapshots of other tasks while the store is over its bound (in the background). */
  private prune(): void {
    void this.serial(() => this.snapshots.prune(this.options.maxBytes(), [this.options.group()])).catch((err: unknown) =>
      console.error('Fixpoint: could not prune checkpoints:', err),
    );
  }

  private turn(turnId: string): TurnCheckpoint | undefined {
    return this.state.turns.find((t) => t.turnId === turnId);
  }

  /**
   * Makes `paths` as they are in snapshot `target`. A file whose current content is not what the agent last
   * wrote there — on disk, or unsaved in an editor — is a conflict and stays as it is.
   */
  private async revertTo(
    target: string,
    paths: ReadonlySet<string>,
  ): Promise<{ now: string; restored: string[]; conflicts: string[] } | { failure: string }> {
    const now = await this.snapshots.take(this.options.group());
    let differences: SnapshotDifference[];
    try {
      differences = (await this.snapshots.compare(now, target)).filter((d) => paths.has(d.path));
    } catch (err) {
      return { failure: `the checkpoint's snapshot is no longer stored (${err instanceof Error ? err.message : String(err)})` };
    }
    const restored: string[] = [];
    const conflicts: string[] = [];
    const textOps: Array<{ path: string; content: string | undefined }> = [];
    const byteCopies: string[] = [];
    for (const file of differences) {
      const currentText = file.from ? await this.snapshots.readText(file.from) : undefined;
      const unsaved = currentText !== undefined && (await this.writer.readText(file.path)) !== currentText;
      if ((this.state.lastWritten[file.path] ?? null) !== (file.from ?? null) || unsaved) {
        conflicts.push(file.path);
        continue;
      }
      restored.push(file.path);
      const text = file.to ? await this.snapshots.readText(file.to) : undefined;
      // Text over text (or over nothing) goes through the editor; a change of kind or mode is copied byte for byte.
      if (!file.to) textOps.push({ path: file.path, content: undefined });
      else if (text !== undefined && (!file.from || currentText !== undefined)) textOps.push({ path: file.path, content: text });
      else byteCopies.push(file.path);
    }
    if (textOps.length) await this.writer.write(textOps);
    await this.snapshots.checkout(target, byteCopies);
    // Written: these files now hold what the agent (through the restore) last put there.
    for (const file of differences) if (restored.includes(file.path)) this.state.lastWritten[file.path] = file.to ?? null;
    return { now, restored, conflicts };
  }

  private async report(restored: string[], conflicts: string[]): Promise<RestoreReport> {
    const bytes = await this.snapshots.usage().catch(() => 0);
    return { restored, conflicts, storage: { bytes, maxBytes: this.options.maxBytes() } };
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** What the chat says after a restore (or its undo), and what the model is told when files changed. */
export function describeRestore(report: RestoreReport, action: 'restore' | 'undo'): { notice: string; forModel?: string } {
  if (report.failure) return { notice: `Could not restore: ${report.failure}. Nothing was changed.` };
  const verb = action === 'restore' ? 'Restored' : 'Re-applied';
  const parts = [
    report.restored.length ? `${verb} ${report.restored.join(', ')}.` : `Nothing to ${action === 'restore' ? 'restore' : 're-apply'}.`,
  ];
  if (report.conflicts.length)
    parts.push(
      `Left alone (you changed them since the agent's last write; restore them yourself if you want): ${report.conflicts.join(', ')}.`,
    );
  const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  parts.push(`Checkpoints use ${megabytes(report.storage.bytes)} MB of ${megabytes(report.storage.maxBytes)} MB.`);
  const forModel = report.restored.length
    ? `[The user ${action === 'restore' ? 'restored a checkpoint, reverting' : 'undid a checkpoint restore, re-applying'}: ${report.restored.join(', ')}. Re-read files before editing them.]`
    : undefined;
  return { notice: parts.join(' '), forModel };
}
