import type { AuditLog } from '../policy/audit';
import { describeRestore, type Checkpoints } from '../review/checkpoints';
import type { ProposalReviewer } from '../review/reviewer';
import { describeOutcome } from '../tools/applyPatch';
import type { LiveTask } from '../tasks/openTask';
import type { ReopenedTask } from '../tasks/reopen';
import type { ChatApprover } from './approvals';
import type { Conversation } from './conversation';
import type { TaskCards } from './taskCards';
import type { TaskProgress } from './taskProgress';
import type { Transcript } from './transcript';
import type { UsageMeter } from './usageMeter';

/** The parts of a session that hold one task's state: what is stored, cleared for a new task, and loaded back. */
export interface TaskParts {
  conversation: Conversation;
  transcript: Transcript;
  reviewer: ProposalReviewer;
  approver: ChatApprover;
  progress: TaskProgress;
  usage: UsageMeter;
  audit: AuditLog;
  cards: TaskCards;
  checkpoints: Checkpoints | undefined;
}

/** The task as stored, read from the parts when it is saved. */
export function liveTask(parts: () => TaskParts): LiveTask {
  return {
    entries: () => parts().transcript.all(),
    takeEntryChanges: () => parts().transcript.takeChanges(),
    history: () => parts().conversation.history,
    proposals: () => parts().reviewer.persisted(),
    lastPrompt: () => parts().conversation.lastPrompt,
    filesWritten: () => parts().reviewer.writeLog.map((w) => w.path),
    status: () => parts().progress.status(),
    usage: () => parts().usage.usage(),
    audit: () => parts().audit.entries(),
    checkpoints: () => parts().checkpoints?.persisted(),
    ledger: () => parts().cards.ledger.persisted(),
    budget: () => parts().progress.budget,
  };
}

/** Empties the parts for a new task (proposals still open are abandoned, cards waiting are dropped). */
export function clearTask(parts: TaskParts): void {
  parts.reviewer.abandonAll('The user started a new task.');
  parts.approver.clear();
  parts.progress.reset();
  parts.conversation.clear();
  parts.usage.reset();
  parts.cards.clear();
  parts.checkpoints?.reset();
  parts.transcript.clear();
}

/**
 * Loads a reopened task into the parts: the conversation, transcript, ledger, audit, usage and budget as they
 * were; its pending proposals come back for review and the approval it waited on is pending again, so that
 * answering either continues the task (`continueWith`, with the call's result when the review is it).
 */
export function loadTask(parts: TaskParts, reopened: ReopenedTask, hooks: { continueWith(result?: string): void; saveSoon(): void }): void {
  const { state, waiting } = reopened;
  const { progress } = parts;
  parts.conversation.replace(state.history, state.lastPrompt);
  progress.lastEnd = 'reopened';
  progress.reopenedStatus = { status: state.summary.status, waitingFor: state.summary.waitingFor };
  progress.budget = state.budget;
  parts.usage.restore(state.summary.usage);
  parts.audit.restore(state.audit);
  parts.cards.restore(state.ledger, state.entries);
  parts.checkpoints?.load(state.checkpoints);
  parts.transcript.load(state.entries);
  parts.reviewer.currentTurn = state.entries.filter((e) => e.kind === 'user').at(-1)?.id ?? '';
  progress.waiting = waiting;
  for (const proposal of state.proposals) {
    parts.reviewer.restore(proposal, (outcome) => {
      const waitedOn = progress.waiting;
      if (waitedOn?.on === 'review' && waitedOn.entryId === proposal.id) return hooks.continueWith(describeOutcome(outcome));
      parts.conversation.push({
        role: 'user',
        content: `[A proposal restored after a reload was reviewed by the user:\n${describeOutcome(outcome)}]`,
      });
      hooks.saveSoon();
    });
  }
  const approval = waiting?.on === 'approval' ? state.entries.find((e) => e.id === waiting.entryId) : undefined;
  if (approval?.kind === 'approval') parts.approver.adopt(approval, () => hooks.continueWith());
}

/** The user entry of turn `turnId` shows whether its checkpoint can be restored (or the restore undone). */
export function markCheckpoint(parts: TaskParts, turnId: string): void {
  const entry = parts.transcript.all().find((e) => e.id === turnId);
  const checkpoint = parts.checkpoints?.status(turnId);
  if (entry?.kind === 'user' && entry.checkpoint !== checkpoint) parts.transcript.put({ ...entry, checkpoint });
}

/** Restores the workspace to the checkpoint of turn `turnId` (or undoes that), says so, and tells the model. */
export async function restoreCheckpoint(parts: TaskParts, turnId: string, action: 'restore' | 'undo'): Promise<void> {
  const { checkpoints, transcript } = parts;
  if (!checkpoints) return;
  const report = action === 'restore' ? await checkpoints.restore(turnId) : await checkpoints.undoRestore(turnId);
  const { notice, forModel } = describeRestore(report, action);
  transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: notice });
  markCheckpoint(parts, turnId);
  if (forModel) parts.conversation.push({ role: 'user', content: forModel });
}

/** The user moved on without answering the call a reopened task waited on: it is answered as not run. */
export function settleWaiting(parts: TaskParts, why: string): void {
  if (!parts.progress.waiting) return;
  parts.progress.waiting = undefined;
  parts.approver.clear();
  parts.conversation.answerOpenCalls(why);
}
