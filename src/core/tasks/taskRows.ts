/**
 * How a list of tasks shows each one (the Tasks view in VS Code, `fixpoint tasks` in a terminal): its status in
 * words, how long ago it was active, what it cost, and which tasks are waiting for the user.
 */
import { describeUsage } from './budget';
import type { TaskSummary } from './task';

const STATUS_WORDS: Record<TaskSummary['status'], string> = {
  running: 'running',
  waiting: 'waiting for you',
  verifying: 'verifying',
  done: 'done',
  failed: 'failed',
  stopped: 'stopped',
  interrupted: 'interrupted — can resume',
};

const WAITING_WORDS = { approval: 'waiting for your approval', review: 'waiting for your review', budget: 'paused: budget used' };

export function statusWords(s: Pick<TaskSummary, 'status' | 'waitingFor'>): string {
  return s.status === 'waiting' && s.waitingFor ? WAITING_WORDS[s.waitingFor] : STATUS_WORDS[s.status];
}

/** "3m", "5h", "2d": how long ago. */
export function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}

/** "✓ verified" or "✗ check failed", once the task's checks ran. */
export function checksWords(s: Pick<TaskSummary, 'checks'>): string | undefined {
  return s.checks === 'passed' ? '✓ verified' : s.checks === 'failed' ? '✗ check failed' : undefined;
}

/** The line next to a task's title: status, how its checks went, age, cost. */
export function taskRowDescription(s: TaskSummary, now: number): string {
  const cost = s.usage.cost !== undefined ? ` · $${s.usage.cost.toFixed(2)}` : '';
  const checks = checksWords(s);
  return `${statusWords(s)}${checks ? ` · ${checks}` : ''} · ${age(now - s.updatedAt)} ago${cost}`;
}

export function taskRowTooltip(s: TaskSummary): string {
  const files = s.filesTouched.length ? `\nFiles: ${s.filesTouched.slice(0, 8).join(', ')}${s.filesTouched.length > 8 ? '…' : ''}` : '';
  const checks = checksWords(s);
  return `${s.goal || s.title}\n\n${statusWords(s)}${checks ? ` · ${checks}` : ''} · ${describeUsage(s.usage)}${files}`;
}

/** Tasks that cannot go on without the user: waiting for an answer or more budget, or cut off and resumable. */
export function needsUser(s: Pick<TaskSummary, 'status'>): boolean {
  return s.status === 'waiting' || s.status === 'interrupted';
}
