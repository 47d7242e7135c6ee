import type { Entry, HistoryItem } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { AuditEntry } from '../policy/audit';
import type { LedgerState } from '../tasks/ledger';
import type { Store } from '../ports';
import type { PersistedCheckpoints } from '../review/checkpoints';
import { SNAPSHOT_VERSION, updatedRecord, type PersistedProposal, type SessionSnapshot } from './persistence';
import { TaskHistory, transcriptToMarkdown, type TaskRecord } from './taskHistory';

/** Streaming deltas arrive many times a second; the snapshot is written at most this often. */
const SAVE_DELAY_MS = 250;

/** What the open task looks like right now, read when it is saved. */
export interface TaskState {
  entries(): readonly Entry[];
  history(): ChatItem[];
  proposals(): PersistedProposal[];
  lastPrompt(): string | undefined;
  filesWritten(): string[];
  outcome(): TaskRecord['outcome'];
  audit(): readonly AuditEntry[];
  checkpoints(): PersistedCheckpoints | undefined;
  ledger(): LedgerState;
}

/**
 * The open task's record and its persistence: debounced atomic saves, the history list, rename, delete,
 * export. Without a Store (the CLI) every operation is a no-op.
 */
export class TaskStore {
  /** The open task. */
  task: TaskRecord = newTaskRecord(`task-${Date.now().toString(36)}`);
  private readonly tasks: TaskHistory | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private frozen = false;

  constructor(
    store: Store | undefined,
    private readonly state: TaskState,
  ) {
    this.tasks = store && new TaskHistory(store);
  }

  /** Starts recording a new task (the previous one stays in the history). */
  startNew(id: string): void {
    this.task = newTaskRecord(id);
  }

  scheduleSave(): void {
    if (!this.tasks || this.saveTimer || this.frozen) return;
    this.saveTimer = setTimeout(() => void this.save().catch(() => undefined), SAVE_DELAY_MS);
  }

  /** Writes the open task now. A task with no prompt yet is not recorded. */
  async save(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.tasks || this.frozen) return;
    const entries = [...this.state.entries()];
    const record = updatedRecord(this.task, entries, this.state.filesWritten(), this.state.outcome());
    if (!record) return;
    this.task = record;
    const snapshot: SessionSnapshot = {
      version: SNAPSHOT_VERSION,
      savedAt: Date.now(),
      entries,
      history: this.state.history(),
      proposals: this.state.proposals(),
      lastPrompt: this.state.lastPrompt(),
      audit: [...this.state.audit()],
      checkpoints: this.state.checkpoints(),
      ledger: this.state.ledger(),
    };
    await this.tasks.save({ ...record }, snapshot);
  }

  /** Saves once more and stops saving (VS Code is closing). */
  async freeze(): Promise<void> {
    await this.save().catch(() => undefined);
    this.frozen = true;
  }

  /** A saved task (the most recent when `id` is absent) and its snapshot as stored. */
  async find(id?: string): Promise<{ record: TaskRecord; snapshot: SessionSnapshot } | undefined> {
    const list = (await this.tasks?.list()) ?? [];
    const record = id ? list.find((r) => r.id === id) : list[0];
    const snapshot = record && (await this.tasks?.load(record.id));
    return record && snapshot ? { record, snapshot } : undefined;
  }

  async items(): Promise<HistoryItem[]> {
    return (await this.tasks?.items(this.task.id)) ?? [];
  }

  async rename(id: string, title: string): Promise<void> {
    if (id === this.task.id) this.task.title = title;
    await this.tasks?.rename(id, title);
  }

  async remove(id: string): Promise<void> {
    await this.tasks?.remove(id);
  }

  /** The task as Markdown (the open one from memory, others from the store). */
  async exportMarkdown(id: string): Promise<string | undefined> {
    if (id === this.task.id) return transcriptToMarkdown(this.task.title || 'Fixpoint task', this.state.entries(), this.state.audit());
    return this.tasks?.exportMarkdown(id);
  }
}

function newTaskRecord(id: string): TaskRecord {
  return { id, title: '', createdAt: Date.now(), updatedAt: Date.now(), filesTouched: [], outcome: 'in progress' };
}
