/**
 * Tasks saved before the durable store (snapshot version 1: one JSON document per task plus an index, in the
 * extension's Store) are moved into it once, the first time a workspace's tasks are listed. The old documents
 * are kept (their index under a new name) so nothing is lost if a newer Fixpoint is rolled back.
 */
import type { Entry } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { AuditEntry } from '../policy/audit';
import type { Store } from '../ports';
import type { PersistedCheckpoints } from '../review/checkpoints';
import type { DurableTasks } from './durableTasks';
import type { LedgerState } from './ledger';
import { newTaskSummary, type PersistedProposal, type TaskState, type TaskStatus } from './task';

export interface SessionSnapshotV1 {
  version: 1;
  savedAt: number;
  entries: Entry[];
  history: ChatItem[];
  proposals: PersistedProposal[];
  lastPrompt?: string;
  audit?: AuditEntry[];
  checkpoints?: PersistedCheckpoints;
  ledger?: LedgerState;
}

export interface TaskRecordV1 {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  filesTouched: string[];
  outcome: 'answered' | 'stopped' | 'failed' | 'in progress';
}

const V1_INDEX = 'tasks';
const V1_INDEX_MIGRATED = 'tasks.migrated-to-v2';
const v1Key = (id: string) => `task-${id}`;

const STATUS: Record<TaskRecordV1['outcome'], TaskStatus> = {
  answered: 'done',
  stopped: 'stopped',
  failed: 'failed',
  // Saved mid-run by a version that could not resume: it was cut off.
  'in progress': 'interrupted',
};

export function isSnapshotV1(value: unknown): value is SessionSnapshotV1 {
  const v = value as SessionSnapshotV1 | undefined;
  return !!v && v.version === 1 && Array.isArray(v.entries) && Array.isArray(v.history) && Array.isArray(v.proposals);
}

export function taskFromV1(record: TaskRecordV1, snapshot: SessionSnapshotV1): TaskState {
  const firstPrompt = snapshot.entries.find((e): e is Extract<Entry, { kind: 'user' }> => e.kind === 'user');
  return {
    summary: {
      ...newTaskSummary(record.id, record.createdAt),
      title: record.title,
      goal: snapshot.ledger?.goal ?? firstPrompt?.text ?? '',
      status: STATUS[record.outcome] ?? 'done',
      updatedAt: record.updatedAt,
      filesTouched: [...record.filesTouched],
    },
    entries: snapshot.entries,
    history: snapshot.history,
    proposals: snapshot.proposals,
    lastPrompt: snapshot.lastPrompt,
    audit: snapshot.audit ?? [],
    checkpoints: snapshot.checkpoints,
    ledger: snapshot.ledger,
  };
}

/** Moves version-1 tasks from `old` into `tasks`; returns how many moved (0 when there was nothing to do). */
export async function migrateV1Tasks(old: Store, tasks: DurableTasks): Promise<number> {
  const index = await old.load<TaskRecordV1[]>(V1_INDEX);
  if (!Array.isArray(index)) return 0;
  let moved = 0;
  // Oldest first, so the index ends up most recent first without depending on the clock.
  for (const record of [...index].reverse()) {
    if (typeof record?.id !== 'string') continue;
    const snapshot = await old.load<unknown>(v1Key(record.id));
    if (!isSnapshotV1(snapshot)) continue;
    await tasks.import(taskFromV1(record, snapshot));
    moved++;
  }
  await old.save(V1_INDEX_MIGRATED, index);
  await old.remove(V1_INDEX);
  return moved;
}
