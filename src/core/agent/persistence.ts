import type { LedgerState } from '../tasks/ledger';
import type { AuditEntry } from '../policy/audit';
import type { Entry } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { FileChange } from '../patch/types';
import type { PersistedCheckpoints } from '../review/checkpoints';
import type { PendingDecision } from '../review/proposal';
import type { TaskRecord } from './taskHistory';

export const SNAPSHOT_VERSION = 1;

export interface PersistedProposal {
  id: string;
  turnId: string;
  changes: FileChange[];
  decisions: PendingDecision[][];
}

export interface SessionSnapshot {
  version: number;
  savedAt: number;
  entries: Entry[];
  history: ChatItem[];
  proposals: PersistedProposal[];
  lastPrompt?: string;
  /** The task's audit log (absent in snapshots saved before it existed). */
  audit?: AuditEntry[];
  /** The task's checkpoints (absent in snapshots saved before they were kept on disk). */
  checkpoints?: PersistedCheckpoints;
  /** The task's ledger (absent in snapshots saved before it existed). */
  ledger?: LedgerState;
}

const INTERRUPTED = 'Interrupted: VS Code closed or reloaded before this call finished. Nothing from it was applied.';

/**
 * Makes a snapshot saved mid-task safe to resume: every tool call without a result is answered "interrupted"
 * (so the API accepts the history and the model knows), and UI states that were in flight are closed.
 */
export function repairSnapshot(snapshot: SessionSnapshot): SessionSnapshot {
  const history: ChatItem[] = [];
  const items = snapshot.history;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    history.push(item);
    if (item.role !== 'assistant' || !item.toolCalls?.length) continue;
    const answered = new Set<string>();
    let j = i + 1;
    for (; j < items.length && items[j].role === 'tool'; j++) answered.add((items[j] as { callId: string }).callId);
    history.push(...(items.slice(i + 1, j) as ChatItem[]));
    for (const call of item.toolCalls) if (!answered.has(call.id)) history.push({ role: 'tool', callId: call.id, content: INTERRUPTED });
    i = j - 1;
  }
  const checkpointed = new Set(snapshot.checkpoints?.turns.map((t) => t.turnId));
  const entries = snapshot.entries.map((entry): Entry => {
    switch (entry.kind) {
      case 'assistant':
      case 'reasoning':
        return { ...entry, streaming: false };
      case 'tool':
        return entry.status === 'running' || entry.status === 'pending' ? { ...entry, status: 'failed', output: INTERRUPTED } : entry;
      case 'approval':
        return entry.state === 'pending' ? { ...entry, state: 'denied' } : entry;
      case 'verification':
        return entry.status === 'running'
          ? {
              ...entry,
              status: 'stopped',
              reason: 'interrupted when VS Code closed',
              attempts: entry.attempts.map((a) => (a.state === 'running' ? { ...a, state: 'cancelled' } : a)),
            }
          : entry;
      case 'user':
        // A turn offers a checkpoint only if the saved task still has it (older snapshots kept them in memory).
        return entry.checkpoint && !checkpointed.has(entry.id) ? { ...entry, checkpoint: undefined } : entry;
      default:
        return entry;
    }
  });
  return { ...snapshot, history, entries };
}

export function isSnapshot(value: unknown): value is SessionSnapshot {
  const v = value as SessionSnapshot | undefined;
  return !!v && v.version === SNAPSHOT_VERSION && Array.isArray(v.entries) && Array.isArray(v.history) && Array.isArray(v.proposals);
}

/** What the notice after a restore says, if anything needs saying. */
export function restoredNotice(saved: SessionSnapshot, repaired: SessionSnapshot): string | undefined {
  const parts: string[] = [];
  if (saved.history.length !== repaired.history.length)
    parts.push('The last task was interrupted when VS Code closed; nothing in flight was applied.');
  if (repaired.proposals.length) parts.push('Pending changes were restored for review.');
  return parts.length ? parts.join(' ') : undefined;
}

/** The history entry of a task: title from the first prompt (unless renamed), files written, outcome. */
export function updatedRecord(
  task: TaskRecord,
  entries: readonly Entry[],
  filesWritten: readonly string[],
  outcome: TaskRecord['outcome'],
): TaskRecord | undefined {
  const firstPrompt = entries.find((e) => e.kind === 'user');
  if (firstPrompt?.kind !== 'user') return undefined; // A task without a prompt is not recorded.
  return {
    ...task,
    title: task.title || firstPrompt.text.replace(/\s+/g, ' ').trim().slice(0, 80),
    filesTouched: [...new Set([...task.filesTouched, ...filesWritten])],
    updatedAt: Date.now(),
    outcome,
  };
}
