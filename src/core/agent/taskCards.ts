import type { PlanStep } from '../domain';
import type { Entry } from '../../shared/protocol';
import { TaskLedger, type LedgerState } from '../tasks/ledger';
import type { Transcript } from './transcript';

/**
 * The task's ledger and the two cards that show its state in the chat: the plan checklist and the ledger,
 * each put once and then updated in place.
 */
export class TaskCards {
  readonly ledger: TaskLedger;
  private planId: string | undefined;
  private ledgerId: string | undefined;

  constructor(
    private readonly transcript: Transcript,
    filesTouched: () => readonly string[],
  ) {
    this.ledger = new TaskLedger(filesTouched, () => this.showLedger());
  }

  showPlan(steps: PlanStep[]): void {
    this.ledger.setPlan(steps);
    this.planId ??= this.transcript.newId('plan');
    this.transcript.put({ kind: 'plan', id: this.planId, steps });
  }

  /** A check the verification ran (after accepted edits, or before review) is a check the ledger records. */
  noteEntry(entry: Entry): void {
    if (entry.kind === 'verification' && (entry.status === 'passed' || entry.status === 'failed'))
      this.ledger.noteCheck(entry.command, entry.status === 'passed');
  }

  clear(): void {
    this.ledger.clear();
    this.planId = undefined;
    this.ledgerId = undefined;
  }

  /** A saved task: its ledger, and the card already in its entries (updated, not repeated). */
  restore(ledger: LedgerState | undefined, entries: readonly Entry[]): void {
    this.ledger.restore(ledger);
    this.ledgerId = entries.find((e) => e.kind === 'ledger')?.id;
  }

  /** The ledger card appears once the task has more than its goal (a plain question gets none). */
  private showLedger(): void {
    const text = this.ledger.render();
    if (!text || !this.ledger.hasProgress()) return;
    this.ledgerId ??= this.transcript.newId('ledger');
    this.transcript.put({ kind: 'ledger', id: this.ledgerId, text });
  }
}
