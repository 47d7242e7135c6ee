import type { TaskFiles } from '../ports';
import { afterRestart, type TaskState, type TaskSummary } from './task';
import { replayTask, TASK_FORMAT_VERSION, TaskDiff, type EntryChanges, type TaskLogRecord, type TaskSnapshotFile } from './taskLog';

/** Oldest tasks beyond this are forgotten (their files removed). */
const MAX_TASKS = 200;
/** The log is folded into a new snapshot once it is this large and at least as large as the snapshot. */
const MIN_LOG_BYTES_BEFORE_SNAPSHOT = 256 * 1024;

interface IndexFile {
  version: typeof TASK_FORMAT_VERSION;
  tasks: TaskSummary[];
}

/**
 * A workspace's durable tasks: the index (what a task list shows) and, per task, its snapshot and log. Several
 * tasks may be open for writing at once (one `TaskWriter` each). Statuses that need a live process
 * (running, verifying) read as `interrupted` for any task this process has not opened for writing.
 */
export class DurableTasks {
  private index: TaskSummary[] | undefined;
  private readonly writing = new Map<string, TaskWriter>();
  private indexWrites: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly files: TaskFiles) {}

  /** Most recent first. */
  async list(): Promise<TaskSummary[]> {
    const index = await this.loadIndex();
    return index
      .map((s) => (this.writing.has(s.id) ? s : { ...s, status: afterRestart(s.status) }))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** A stored task as it was last saved, or undefined when there is none by that id. */
  async load(id: string): Promise<{ state: TaskState; torn: boolean; seq: number } | undefined> {
    const { snapshot, log } = await this.files.read(id);
    return replayTask(snapshot, log);
  }

  /** Starts writing `state` (a new task, or one just loaded at `seq`). */
  writer(state: TaskState, seq = 0): TaskWriter {
    this.writing.get(state.summary.id)?.close();
    const writer = new TaskWriter(
      this.files,
      state,
      seq,
      (summary) => this.noteSummary(summary),
      () => this.writing.delete(state.summary.id),
    );
    this.writing.set(state.summary.id, writer);
    return writer;
  }

  /** Stores a whole task at once (migrated from an older format). */
  async import(state: TaskState): Promise<void> {
    const file: TaskSnapshotFile = { version: TASK_FORMAT_VERSION, seq: 0, state };
    await this.files.writeSnapshot(state.summary.id, JSON.stringify(file));
    await this.noteSummary(state.summary);
  }

  /** Renames a task no one is writing (the open task's owner renames it through its own summary). */
  rename(id: string, title: string): Promise<void> {
    return this.updateSummary(id, { title });
  }

  /** Changes the summary of a task no one is writing (a background task's worktree kept or discarded). */
  async updateSummary(id: string, patch: Partial<Omit<TaskSummary, 'id'>>): Promise<void> {
    if (this.writing.has(id)) throw new Error(`task ${id} is open: change it through its writer`);
    const loaded = await this.load(id);
    if (!loaded) return;
    const summary = { ...loaded.state.summary, ...patch };
    const record: TaskLogRecord = { seq: loaded.seq + 1, t: 'summary', summary };
    await this.files.append(id, `${JSON.stringify(record)}\n`);
    await this.noteSummary(summary);
  }

  /** Told after each change to what a task list shows (a title, a status, a task added or removed). */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  isOpen(id: string): boolean {
    return this.writing.has(id);
  }

  async remove(id: string): Promise<void> {
    this.writing.get(id)?.close();
    await this.updateIndex((list) => list.filter((s) => s.id !== id));
    await this.files.remove(id);
  }

  private async loadIndex(): Promise<TaskSummary[]> {
    if (!this.index) {
      const text = await this.files.readIndex();
      let parsed: IndexFile | undefined;
      try {
        parsed = text ? (JSON.parse(text) as IndexFile) : undefined;
      } catch {
        parsed = undefined; // A damaged index: the tasks' own files are still there, but unlisted.
      }
      this.index = parsed?.version === TASK_FORMAT_VERSION && Array.isArray(parsed.tasks) ? parsed.tasks.filter((s) => s?.id) : [];
    }
    return this.index;
  }

  private noteSummary(summary: TaskSummary): Promise<void> {
    return this.updateIndex((list) => [summary, ...list.filter((s) => s.id !== summary.id)]);
  }

  private updateIndex(change: (list: TaskSummary[]) => TaskSummary[]): Promise<void> {
    this.indexWrites = this.indexWrites
      .catch(() => undefined)
      .then(async () => {
        const list = change(await this.loadIndex()).sort((a, b) => b.updatedAt - a.updatedAt);
        const dropped = list.splice(MAX_TASKS);
        this.index = list;
        await this.files.writeIndex(JSON.stringify({ version: TASK_FORMAT_VERSION, tasks: list } satisfies IndexFile));
        for (const old of dropped) if (!this.writing.has(old.id)) await this.files.remove(old.id);
        for (const listener of this.listeners) listener();
      });
    return this.indexWrites;
  }
}

/**
 * One open task: each `save` appends what changed since the last one (fsync'd before it resolves) and, now and
 * then, folds the log into a new snapshot. The index is rewritten only when what a list shows changes
 * (title, status, files), not on every step.
 */
export class TaskWriter {
  private readonly diff: TaskDiff;
  private seq: number;
  private logBytes = 0;
  private snapshotBytes = 0;
  private listed: string;
  private closed = false;
  private writes: Promise<void> = Promise.resolve();

  readonly id: string;

  constructor(
    private readonly files: TaskFiles,
    saved: TaskState,
    seq: number,
    private readonly onSummary: (summary: TaskSummary) => Promise<void>,
    private readonly onClose: () => void,
  ) {
    this.id = saved.summary.id;
    this.diff = new TaskDiff(saved);
    this.seq = seq;
    this.listed = seq === 0 ? '' : listedPart(saved.summary);
  }

  /** Appends the difference between `state` and what was saved last; resolves once it is on disk. */
  save(state: TaskState, entries: EntryChanges): Promise<void> {
    if (this.closed) return this.writes;
    const records = this.diff.records(state, entries, () => ++this.seq);
    const listed = listedPart(state.summary);
    const summaryChanged = listed !== this.listed;
    this.listed = listed;
    if (!records.length && !summaryChanged) return this.writes;
    // Serialised now: entries keep changing (streamed text) while earlier writes are still on their way.
    const write = records.length ? this.nextWrite(records, state) : undefined;
    const summary = { ...state.summary };
    this.writes = this.writes
      .catch(() => undefined)
      .then(async () => {
        if (write?.kind === 'snapshot') await this.files.writeSnapshot(this.id, write.text);
        else if (write) await this.files.append(this.id, write.text);
        if (summaryChanged) await this.onSummary(summary);
      });
    return this.writes;
  }

  /** Stops writing (the task was closed, replaced or removed); pending writes still finish. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  whenWritten(): Promise<void> {
    return this.writes.catch(() => undefined);
  }

  private nextWrite(records: TaskLogRecord[], state: TaskState): { kind: 'append' | 'snapshot'; text: string } {
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    if (this.logBytes + text.length <= Math.max(MIN_LOG_BYTES_BEFORE_SNAPSHOT, this.snapshotBytes)) {
      this.logBytes += text.length;
      return { kind: 'append', text };
    }
    const snapshot = JSON.stringify({ version: TASK_FORMAT_VERSION, seq: this.seq, state } satisfies TaskSnapshotFile);
    this.snapshotBytes = snapshot.length;
    this.logBytes = 0;
    return { kind: 'snapshot', text: snapshot };
  }
}

/** The part of a summary the index shows; a step that changes none of it does not rewrite the index. */
function listedPart(s: TaskSummary): string {
  return JSON.stringify([s.title, s.status, s.waitingFor, s.filesTouched.length, s.goal, s.checks]);
}
