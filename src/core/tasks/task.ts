/**
 * The durable task (issue 12): what a task is, independent of how the chat shows it or how it is stored.
 * Several tasks exist at once (the history, background tasks later); each is one `TaskState` persisted as an
 * append-only log plus a snapshot (see taskLog.ts).
 */
import type { Entry } from '../../shared/protocol';
import type { ChatItem } from '../model/types';
import type { AuditEntry } from '../policy/audit';
import type { FileChange } from '../patch/types';
import type { PersistedCheckpoints } from '../review/checkpoints';
import type { PendingDecision } from '../review/proposal';
import type { LedgerState } from './ledger';
import type { TaskWorkspaceInfo } from './taskWorkspace';

/**
 * `waiting`: for an approval, a review, or more budget. `interrupted`: it was running when VS Code
 * (or the CLI) went away, and can be resumed.
 */
export type TaskStatus = 'running' | 'waiting' | 'verifying' | 'done' | 'failed' | 'stopped' | 'interrupted';

export type WaitingFor = 'approval' | 'review' | 'budget';

export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  /** USD, when the server reports it or the user set prices. */
  cost?: number;
  /** Model requests made (each step of the loop is one). */
  steps: number;
  /** Time spent running, not waiting (ms). */
  activeMs: number;
}

/** Per-task limits; absent fields are unlimited. When one runs out the task waits with a Continue button. */
export interface TaskBudget {
  maxSteps?: number;
  maxMinutes?: number;
  maxCost?: number;
}

/** What a list of tasks shows: small, kept in the store's index. */
export interface TaskSummary {
  id: string;
  title: string;
  /** The user's first request. */
  goal: string;
  status: TaskStatus;
  waitingFor?: WaitingFor;
  createdAt: number;
  updatedAt: number;
  filesTouched: string[];
  usage: TaskUsage;
  /** How the task's latest checks went (the ledger's, one per command): passed only when all of them did. */
  checks?: 'passed' | 'failed';
  /** Set for a task that runs in a place of its own (a git worktree on its branch) rather than the user's folder. */
  workspace?: TaskWorkspaceInfo;
}

export interface PersistedProposal {
  id: string;
  turnId: string;
  changes: FileChange[];
  decisions: PendingDecision[][];
}

/** Everything a task is: enough to show it again and to continue it. */
export interface TaskState {
  summary: TaskSummary;
  /** The transcript as the user saw it. */
  entries: Entry[];
  /** The conversation with the model, without the system prompt (which is rebuilt for every run). */
  history: ChatItem[];
  /** Proposals still waiting for review. */
  proposals: PersistedProposal[];
  lastPrompt?: string;
  audit: AuditEntry[];
  checkpoints?: PersistedCheckpoints;
  ledger?: LedgerState;
  budget?: TaskBudget;
}

export function newTaskSummary(id: string, now = Date.now()): TaskSummary {
  return {
    id,
    title: '',
    goal: '',
    status: 'done',
    createdAt: now,
    updatedAt: now,
    filesTouched: [],
    usage: { inputTokens: 0, outputTokens: 0, steps: 0, activeMs: 0 },
  };
}

export function emptyTaskState(id: string, now = Date.now()): TaskState {
  return { summary: newTaskSummary(id, now), entries: [], history: [], proposals: [], audit: [] };
}

/** A task found in a state it cannot be in without a live process was cut off: it can be resumed. */
export function afterRestart(status: TaskStatus): TaskStatus {
  return status === 'running' || status === 'verifying' ? 'interrupted' : status;
}

/** The title a task gets from its first request (unless the user renamed it). */
export function titleFrom(goal: string): string {
  return goal.replace(/\s+/g, ' ').trim().slice(0, 80);
}
