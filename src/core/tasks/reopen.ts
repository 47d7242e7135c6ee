/**
 * Opening a stored task again, after a reload, a crash or days later. A task cut off mid-run becomes
 * `interrupted` (the user may resume it); a task that was waiting for the user's approval or review is still
 * waiting, and the call that asked stays open so that answering it continues the task. Nothing that may have
 * run is run again: a call that was executing is answered "interrupted" and the model decides what to do.
 */
import type { Entry } from '../../shared/protocol';
import type { ChatItem, ToolCallRequest } from '../model/types';
import type { TaskState, WaitingFor } from './task';

export const INTERRUPTED =
  'Interrupted: VS Code (or the CLI) closed or reloaded before this call finished. Nothing from it was applied; it may have partly run.';

/** The call a reopened task waits on: answering its approval card or proposal continues the task. */
export interface WaitingCall {
  callId: string;
  on: Extract<WaitingFor, 'approval' | 'review'>;
  /** The approval card or the proposal the user answers. */
  entryId: string;
}

export interface ReopenedTask {
  state: TaskState;
  waiting?: WaitingCall;
  /** Whether the task can be resumed (it was cut off before the model finished). */
  resumable: boolean;
  notice?: string;
}

export function reopenTask(saved: TaskState): ReopenedTask {
  const { status, waitingFor } = saved.summary;
  // Cut off: the task was doing something (or waiting on a call) when its process went away.
  const cutOff =
    status === 'running' || status === 'verifying' || status === 'interrupted' || (status === 'waiting' && waitingFor !== 'budget');
  const open = unansweredCalls(saved.history);
  const waiting = cutOff && open.length ? waitingOn(saved, open[0].id) : undefined;
  // The waiting call and those after it (which never started: calls that act run alone, in order) stay open.
  const interrupted = waiting ? [] : open;
  const history: ChatItem[] = [
    ...saved.history,
    ...interrupted.map((call): ChatItem => ({ role: 'tool', callId: call.id, content: INTERRUPTED })),
  ];
  const entries = saved.entries.map((entry) => repairEntry(entry, waiting, saved));
  const last = history.at(-1);
  const finalAnswer = last?.role === 'assistant' && !last.toolCalls?.length;
  const resumable = !waiting && cutOff && !!last && !finalAnswer;
  const newStatus = waiting ? 'waiting' : resumable ? 'interrupted' : cutOff ? 'done' : status;
  const parts: string[] = [];
  if (interrupted.length) parts.push('This task was interrupted when VS Code closed; nothing in flight was applied.');
  if (waiting)
    parts.push(waiting.on === 'approval' ? 'It is still waiting for your approval.' : 'Its proposed changes are waiting for your review.');
  else if (saved.proposals.length) parts.push('Pending changes were restored for review.');
  return {
    state: {
      ...saved,
      history,
      entries,
      summary: { ...saved.summary, status: newStatus, waitingFor: waiting?.on ?? (newStatus === 'waiting' ? waitingFor : undefined) },
    },
    waiting,
    resumable,
    notice: parts.length ? parts.join(' ') : undefined,
  };
}

/** The tool calls of the last assistant turn that have no result yet (only the end of a history can have any). */
export function unansweredCalls(history: readonly ChatItem[]): ToolCallRequest[] {
  let i = history.length - 1;
  const answered = new Set<string>();
  for (; i >= 0 && history[i].role === 'tool'; i--) answered.add((history[i] as { callId: string }).callId);
  const turn = history[i];
  if (turn?.role !== 'assistant' || !turn.toolCalls?.length) return [];
  return turn.toolCalls.filter((c) => !answered.has(c.id));
}

/** What the first open call was waiting for when the task was saved: a pending approval card or proposal. */
function waitingOn(saved: TaskState, callId: string): WaitingCall | undefined {
  let lastTool = saved.entries.length - 1;
  while (lastTool > 0 && saved.entries[lastTool].kind !== 'tool') lastTool--;
  const after = saved.entries.slice(Math.max(0, lastTool));
  const approval = after.find((e) => e.kind === 'approval' && e.state === 'pending');
  if (approval) return { callId, on: 'approval', entryId: approval.id };
  const proposal = after.find((e) => e.kind === 'proposal' && e.state === 'pending');
  if (proposal && saved.proposals.some((p) => p.id === proposal.id)) return { callId, on: 'review', entryId: proposal.id };
  return undefined;
}

function repairEntry(entry: Entry, waiting: WaitingCall | undefined, saved: TaskState): Entry {
  switch (entry.kind) {
    case 'assistant':
    case 'reasoning':
      return entry.streaming ? { ...entry, streaming: false } : entry;
    case 'tool':
      if (entry.status !== 'running' && entry.status !== 'pending') return entry;
      // The call waiting for the user is not running, but not over either.
      return waiting ? { ...entry, status: 'pending' } : { ...entry, status: 'failed', output: INTERRUPTED };
    case 'approval':
      return entry.state === 'pending' && entry.id !== waiting?.entryId ? { ...entry, state: 'denied' } : entry;
    case 'verification':
      return entry.status === 'running'
        ? {
            ...entry,
            status: 'stopped',
            reason: 'interrupted when VS Code closed',
            attempts: entry.attempts.map((a) => (a.state === 'running' ? { ...a, state: 'cancelled' } : a)),
          }
        : entry;
    case 'resume':
      return entry;
    case 'user': {
      // A turn offers a checkpoint only if the saved task still has it.
      const kept = new Set(saved.checkpoints?.turns.map((t) => t.turnId));
      return entry.checkpoint && !kept.has(entry.id) ? { ...entry, checkpoint: undefined } : entry;
    }
    default:
      return entry;
  }
}
