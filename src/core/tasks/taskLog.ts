/**
 * The task's storage format (version 2): a snapshot of the whole `TaskState` plus an append-only log of what
 * changed since, one JSON record per line. Saving a step appends only that step's records (the new history
 * items, the transcript entries it touched, the audit entries it added), so it costs O(step), not O(task);
 * the snapshot is rewritten only once the log has grown as large as the snapshot, which keeps the amortised
 * cost per byte constant. Records carry a sequence number: a crash between writing a snapshot and emptying
 * the log replays nothing twice, and a torn last line (the step in flight) is dropped.
 */
import type { Entry } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { AuditEntry } from '../policy/audit';
import type { TaskState, TaskSummary } from './task';

export const TASK_FORMAT_VERSION = 2;

/** Fields written whole when they change (each is small: pending proposals, checkpoint ids, the ledger). */
export const WHOLE_FIELDS = ['proposals', 'checkpoints', 'ledger', 'lastPrompt', 'budget'] as const;
export type WholeField = (typeof WHOLE_FIELDS)[number];

export type TaskLogRecord =
  | { seq: number; t: 'summary'; summary: TaskSummary }
  /** The history from index `from` on is replaced by `items` (a step appends; a compaction rewrites). */
  | { seq: number; t: 'history'; from: number; items: ChatItem[] }
  /** Entries added or replaced by id; with `reset`, the transcript is exactly `entries`. */
  | { seq: number; t: 'entries'; reset?: boolean; entries: Entry[] }
  | { seq: number; t: 'audit'; from: number; items: AuditEntry[] }
  | { seq: number; t: 'set'; field: WholeField; value: unknown };

export interface TaskSnapshotFile {
  version: typeof TASK_FORMAT_VERSION;
  /** The last log record this snapshot includes. */
  seq: number;
  state: TaskState;
}

/** What a task's files hold, replayed; `torn` when the log's last line was cut off by a crash. */
export interface ReplayedTask {
  state: TaskState;
  seq: number;
  torn: boolean;
}

export class UnreadableTaskError extends Error {}

/** Rebuilds a task from its snapshot and log. Undefined when there is neither. */
export function replayTask(snapshotText: string | undefined, logText: string | undefined): ReplayedTask | undefined {
  let base: TaskSnapshotFile | undefined;
  if (snapshotText) {
    const parsed = JSON.parse(snapshotText) as TaskSnapshotFile;
    if (parsed?.version !== TASK_FORMAT_VERSION || !parsed.state?.summary)
      throw new UnreadableTaskError(`task snapshot has version ${String(parsed?.version)}, expected ${TASK_FORMAT_VERSION}`);
    base = parsed;
  }
  const lines = (logText ?? '').split('\n');
  if (!base && !lines.some((l) => l.trim())) return undefined;
  const replay = new TaskReplay(base?.state);
  let seq = base?.seq ?? 0;
  let torn = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    let record: TaskLogRecord;
    try {
      record = JSON.parse(line) as TaskLogRecord;
    } catch (err) {
      // Only the last line can be half-written (appends are sequential and fsync'd); damage elsewhere is real.
      if (lines.slice(i + 1).some((l) => l.trim())) throw new UnreadableTaskError(`task log is damaged at line ${i + 1}`);
      torn = true;
      break;
    }
    if (record.seq <= seq) continue; // Already in the snapshot.
    replay.apply(record);
    seq = record.seq;
  }
  const state = replay.result();
  return state && { state, seq, torn };
}

class TaskReplay {
  private state: TaskState | undefined;
  private readonly entryIndex = new Map<string, number>();

  constructor(base: TaskState | undefined) {
    this.state = base && { ...base, entries: [...base.entries], history: [...base.history], audit: [...(base.audit ?? [])] };
    this.state?.entries.forEach((e, i) => this.entryIndex.set(e.id, i));
  }

  apply(record: TaskLogRecord): void {
    if (record.t === 'summary') {
      this.state ??= { summary: record.summary, entries: [], history: [], proposals: [], audit: [] };
      this.state.summary = record.summary;
      return;
    }
    const state = this.state;
    if (!state) throw new UnreadableTaskError('task log does not start with its summary');
    switch (record.t) {
      case 'history':
        state.history.length = Math.min(state.history.length, record.from);
        state.history.push(...record.items);
        break;
      case 'entries':
        if (record.reset) {
          state.entries = [];
          this.entryIndex.clear();
        }
        for (const entry of record.entries) {
          const at = this.entryIndex.get(entry.id);
          if (at !== undefined) state.entries[at] = entry;
          else this.entryIndex.set(entry.id, state.entries.push(entry) - 1);
        }
        break;
      case 'audit':
        state.audit.length = Math.min(state.audit.length, record.from);
        state.audit.push(...record.items);
        break;
      case 'set':
        (state as unknown as Record<string, unknown>)[record.field] = record.value;
        break;
    }
  }

  result(): TaskState | undefined {
    return this.state;
  }
}

/** Which transcript entries changed since the last save (the transcript tracks this as it is written). */
export interface EntryChanges {
  reset: boolean;
  ids: ReadonlySet<string>;
}

/**
 * Turns the live task into the records that bring the stored one up to date. It remembers what it last wrote
 * (the history by identity, the audit by length, whole fields by their JSON), so each save is the difference.
 */
export class TaskDiff {
  private history: readonly ChatItem[];
  private auditLength: number;
  private readonly fields = new Map<WholeField | 'summary', string>();

  constructor(saved: TaskState) {
    this.history = [...saved.history];
    this.auditLength = saved.audit.length;
    this.fields.set('summary', JSON.stringify(saved.summary));
    for (const field of WHOLE_FIELDS) this.fields.set(field, JSON.stringify(saved[field]) ?? 'null');
  }

  records(state: TaskState, entries: EntryChanges, nextSeq: () => number): TaskLogRecord[] {
    const out: TaskLogRecord[] = [];
    const summary = JSON.stringify(state.summary);
    if (summary !== this.fields.get('summary')) {
      out.push({ seq: nextSeq(), t: 'summary', summary: state.summary });
      this.fields.set('summary', summary);
    }
    const from = firstDifference(this.history, state.history);
    if (from < state.history.length || from < this.history.length) {
      out.push({ seq: nextSeq(), t: 'history', from, items: state.history.slice(from) });
      this.history = [...state.history];
    }
    if (entries.reset || entries.ids.size) {
      const changed = entries.reset ? state.entries : state.entries.filter((e) => entries.ids.has(e.id));
      out.push({ seq: nextSeq(), t: 'entries', ...(entries.reset ? { reset: true } : {}), entries: [...changed] });
    }
    if (state.audit.length !== this.auditLength) {
      const from = state.audit.length < this.auditLength ? 0 : this.auditLength;
      out.push({ seq: nextSeq(), t: 'audit', from, items: state.audit.slice(from) });
      this.auditLength = state.audit.length;
    }
    for (const field of WHOLE_FIELDS) {
      const json = JSON.stringify(state[field]) ?? 'null';
      if (json === this.fields.get(field)) continue;
      out.push({ seq: nextSeq(), t: 'set', field, value: state[field] });
      this.fields.set(field, json);
    }
    return out;
  }
}

/** The first index where the two histories hold different items (compared by identity: items are never edited). */
function firstDifference(before: readonly ChatItem[], after: readonly ChatItem[]): number {
  const n = Math.min(before.length, after.length);
  for (let i = 0; i < n; i++) if (before[i] !== after[i]) return i;
  return n;
}
