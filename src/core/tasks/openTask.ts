import type { Entry, HistoryItem } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { AuditEntry } from '../policy/audit';
import type { Store, TaskFiles } from '../ports';
import type { PersistedCheckpoints } from '../review/checkpoints';
import { DurableTasks, type TaskWriter } from './durableTasks';
import type { LedgerState } from './ledger';
import { transcriptToMarkdown } from './markdown';
import { migrateV1Tasks } from './migrateV1';
import {
  emptyTaskState,
  newTaskSummary,
  titleFrom,
  type PersistedProposal,
  type TaskBudget,
  type TaskState,
  type TaskSummary,
} from './task';
import type { EntryChanges } from './taskLog';

/** Streamed text arrives many times a second; between steps the task is written at most this often. */
const SAVE_DELAY_MS = 250;

/** The open task as the session holds it, read when it is saved. */
export interface LiveTask {
  entries(): readonly Entry[];
  /** Which entries changed since the last call (and forget them). */
  takeEntryChanges(): EntryChanges;
  history(): ChatItem[];
  proposals(): PersistedProposal[];
  lastPrompt(): string | undefined;
  filesWritten(): readonly string[];
  status(): Pick<TaskSummary, 'status' | 'waitingFor'>;
  usage(): TaskSummary['usage'];
  audit(): readonly AuditEntry[];
  checkpoints(): PersistedCheckpoints | undefined;
  ledger(): LedgerState;
  budget(): TaskBudget | undefined;
}

/**
 * The session's open task and the workspace's durable task store: each step is appended as it happens
 * (`saveNow`, at step boundaries), streamed text at most every 250 ms (`scheduleSave`). Without TaskFiles
 * nothing is stored. Tasks saved in the older one-document format are migrated on first use.
 */
export class OpenTask {
  summary: TaskSummary;
  private readonly tasks: DurableTasks | undefined;
  private writer: TaskWriter | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private frozen = false;
  private readonly migrated: Promise<void>;

  constructor(
    files: TaskFiles | undefined,
    legacy: Store | undefined,
    private readonly live: LiveTask,
    /** The id the first task gets (a background task's is chosen with its worktree). */
    firstId = `task-${Date.now().toString(36)}`,
  ) {
    this.summary = newTaskSummary(firstId);
    this.tasks = files && storeFor(files);
    const tasks = this.tasks;
    this.migrated = tasks && legacy ? migrationOf(tasks, legacy) : Promise.resolve();
  }

  /** Told when the list of tasks changes (see DurableTasks.onDidChange); never without a store. */
  onDidChange(listener: () => void): { dispose(): void } {
    return this.tasks?.onDidChange(listener) ?? { dispose: () => undefined };
  }

  get id(): string {
    return this.summary.id;
  }

  /** Starts recording a new task (the previous one stays in the store). */
  startNew(id: string): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.writer?.close();
    this.writer = undefined;
    this.summary = newTaskSummary(id);
  }

  scheduleSave(): void {
    if (!this.tasks || this.saveTimer || this.frozen) return;
    this.saveTimer = setTimeout(() => void this.saveNow().catch(() => undefined), SAVE_DELAY_MS);
  }

  /** Appends what changed now; resolves once it is on disk. A task with no prompt yet is not recorded. */
  async saveNow(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.tasks || this.frozen) return;
    const entries = this.live.entries();
    const firstPrompt = entries.find((e) => e.kind === 'user');
    if (firstPrompt?.kind !== 'user') return;
    const goal = this.summary.goal || firstPrompt.text;
    this.summary = {
      ...this.summary,
      ...this.live.status(),
      goal,
      title: this.summary.title || titleFrom(goal),
      updatedAt: Date.now(),
      filesTouched: [...new Set([...this.summary.filesTouched, ...this.live.filesWritten()])],
      usage: this.live.usage(),
      checks: checksVerdict(this.live.ledger()),
    };
    const state: TaskState = {
      summary: this.summary,
      entries: entries as Entry[],
      history: this.live.history(),
      proposals: this.live.proposals(),
      lastPrompt: this.live.lastPrompt(),
      audit: this.live.audit() as AuditEntry[],
      checkpoints: this.live.checkpoints(),
      ledger: this.live.ledger(),
      budget: this.live.budget(),
    };
    this.writer ??= this.tasks.writer(emptyTaskState(this.summary.id, this.summary.createdAt));
    await this.writer.save(state, this.live.takeEntryChanges());
  }

  /** Saves once more and lets the task go (its session is closed; another may open it). */
  async release(): Promise<void> {
    await this.saveNow().catch(() => undefined);
    this.frozen = true;
    this.writer?.close();
    this.writer = undefined;
  }

  /** Saves once more and stops saving (VS Code is closing: what is running now is cut off, not finished). */
  async freeze(): Promise<void> {
    await this.saveNow().catch(() => undefined);
    this.frozen = true;
  }

  /** A stored task (the most recent when `id` is absent), opened for writing from where it was left. */
  async open(id?: string): Promise<TaskState | undefined> {
    if (!this.tasks) return undefined;
    await this.migrated;
    const targetId = id ?? (await this.tasks.list())[0]?.id;
    let loaded;
    try {
      loaded = targetId ? await this.tasks.load(targetId) : undefined;
    } catch (err) {
      // At start-up a damaged last task must not stand in the way: start fresh (the files stay for a look).
      if (id) throw new Error(`The task could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      console.error('Fixpoint: could not read the last task', err);
      return undefined;
    }
    if (!loaded) return undefined;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.writer?.close();
    this.writer = this.tasks.writer(loaded.state, loaded.seq);
    this.summary = { ...loaded.state.summary };
    return loaded.state;
  }

  async list(): Promise<TaskSummary[]> {
    if (!this.tasks) return [];
    await this.migrated;
    return (await this.tasks.list()).map((s) => (s.id === this.id ? this.current() : s));
  }

  /** The open task's summary as it is now (its stored one lags by up to a save). */
  current(): TaskSummary {
    return { ...this.summary, ...this.live.status(), usage: this.live.usage() };
  }

  async items(): Promise<HistoryItem[]> {
    return (await this.list()).map((s) => ({
      id: s.id,
      title: s.title,
      updatedAt: s.updatedAt,
      filesTouched: s.filesTouched,
      status: s.status,
      cost: s.usage.cost,
      current: s.id === this.id,
    }));
  }

  /** A stored task as last saved (the open one's saved state lags by up to a save). */
  async load(id: string): Promise<TaskState | undefined> {
    return (await this.tasks?.load(id))?.state;
  }

  /** Changes a stored task's summary (not the open one's: that changes through the session). */
  async update(id: string, patch: Partial<Omit<TaskSummary, 'id'>>): Promise<void> {
    if (id === this.id) this.summary = { ...this.summary, ...patch };
    else await this.tasks?.updateSummary(id, patch);
  }

  async rename(id: string, title: string): Promise<void> {
    if (id !== this.id) return this.tasks?.rename(id, title);
    this.summary = { ...this.summary, title };
    await this.saveNow();
  }

  async remove(id: string): Promise<void> {
    if (id === this.id) {
      this.writer?.close();
      this.writer = undefined;
    }
    await this.tasks?.remove(id);
  }

  /** The task as Markdown (the open one from memory, others from the store). */
  async exportMarkdown(id: string): Promise<string | undefined> {
    if (id === this.id) return transcriptToMarkdown(this.summary.title || 'Fixpoint task', this.live.entries(), this.live.audit());
    const loaded = await this.tasks?.load(id);
    return loaded && transcriptToMarkdown(loaded.state.summary.title, loaded.state.entries, loaded.state.audit);
  }
}

/**
 * One store per task folder in a process: several sessions (the chat, background tasks) write tasks of the
 * same workspace, and the index must be kept by one owner, or one session's write would drop another's task.
 */
const stores = new WeakMap<TaskFiles, DurableTasks>();
const migrations = new WeakMap<DurableTasks, Promise<void>>();

function storeFor(files: TaskFiles): DurableTasks {
  let store = stores.get(files);
  if (!store) stores.set(files, (store = new DurableTasks(files)));
  return store;
}

function migrationOf(tasks: DurableTasks, legacy: Store): Promise<void> {
  let migration = migrations.get(tasks);
  if (!migration) {
    migration = migrateV1Tasks(legacy, tasks).then(
      () => undefined,
      (err: unknown) => console.error('Fixpoint: could not migrate saved tasks', err),
    );
    migrations.set(tasks, migration);
  }
  return migration;
}

function checksVerdict(ledger: LedgerState): TaskSummary['checks'] {
  if (!ledger.checks.length) return undefined;
  return ledger.checks.every((c) => c.passed) ? 'passed' : 'failed';
}
