import type { Entry } from '../../shared/protocol';
import { budgetExhausted, describeUsage, extendBudget } from '../tasks/budget';
import type { WaitingCall } from '../tasks/reopen';
import type { TaskBudget, TaskStatus, TaskSummary } from '../tasks/task';
import type { ChatApprover } from './approvals';
import type { AgentEnd } from './loop';
import type { ProposalReviewer } from '../review/reviewer';
import type { Transcript } from './transcript';
import type { UsageMeter } from './usageMeter';

export type RunEnd = AgentEnd | 'misconfigured';

/**
 * Where the open task stands — running, waiting (for an approval, a review or more budget), verifying, or how
 * its last run ended — and the Resume / Continue card that lets a cut-off or paused task go on.
 */
export class TaskProgress {
  /** How the last run ended; `reopened` until a reopened task runs again (its stored status holds). */
  lastEnd: RunEnd | 'reopened' = 'answered';
  /** The status a reopened task was stored with (after reopenTask). */
  reopenedStatus: Pick<TaskSummary, 'status' | 'waitingFor'> = { status: 'done' };
  /** The call a reopened task waits on (its approval card or proposal); answering it continues the task. */
  private waitingCall: WaitingCall | undefined;
  /** Settles with how the run ends that answering the waiting call starts (the CLI's `resume` waits for it). */
  private answered: { promise: Promise<RunEnd>; resolve(end: RunEnd | Promise<RunEnd>): void } | undefined;
  /** This task's limits (from the settings when it started; Continue raises them). */
  budget: TaskBudget | undefined;

  constructor(
    private readonly parts: {
      running(): boolean;
      approver: ChatApprover;
      reviewer: ProposalReviewer;
      transcript: Transcript;
      usage: UsageMeter;
      /** The limits a new task starts with (settings). */
      defaultBudget(): TaskBudget | undefined;
    },
  ) {
    this.budget = parts.defaultBudget();
  }

  get waiting(): WaitingCall | undefined {
    return this.waitingCall;
  }

  set waiting(call: WaitingCall | undefined) {
    if (!call) this.answered?.resolve('stopped'); // Settled without a run (moved on), unless continued() came first.
    this.waitingCall = call;
    if (call) {
      let resolve: (end: RunEnd | Promise<RunEnd>) => void = () => undefined;
      const promise = new Promise<RunEnd>((r) => (resolve = r));
      this.answered = { promise, resolve };
    } else this.answered = undefined;
  }

  /** The run that answering the waiting call started: the task waits no more. */
  continued(run: Promise<RunEnd>): void {
    this.answered?.resolve(run);
    this.answered = undefined;
    this.waitingCall = undefined;
  }

  /** How the task ends once the user answers the call it waits on; undefined when it waits on none. */
  whenAnswered(): Promise<RunEnd> | undefined {
    return this.answered?.promise;
  }

  /** A new task: nothing ended, nothing waits, the budget from the settings. */
  reset(): void {
    this.lastEnd = 'answered';
    this.waiting = undefined;
    this.budget = this.parts.defaultBudget();
  }

  status(): Pick<TaskSummary, 'status' | 'waitingFor'> {
    const { approver, reviewer, transcript } = this.parts;
    if (this.parts.running()) {
      if (approver.pending) return { status: 'waiting', waitingFor: 'approval' };
      if (reviewer.reviewPending) return { status: 'waiting', waitingFor: 'review' };
      const recent = transcript.all().slice(-8);
      return { status: recent.some((e) => e.kind === 'verification' && e.status === 'running') ? 'verifying' : 'running' };
    }
    if (this.waiting) return { status: 'waiting', waitingFor: this.waiting.on };
    const end = this.lastEnd;
    if (end === 'reopened') return this.reopenedStatus;
    if (end === 'budget' || end === 'step-limit') return { status: 'waiting', waitingFor: 'budget' };
    const status: TaskStatus = end === 'answered' ? 'done' : end === 'stopped' ? 'stopped' : 'failed';
    return { status };
  }

  /** Before each model request: the step counts toward the budget, unless the budget is used up. */
  beforeStep(): string | undefined {
    const exhausted = budgetExhausted(this.budget, this.parts.usage.usage());
    if (!exhausted) this.parts.usage.steps++;
    return exhausted;
  }

  /** A run ended: a task out of budget (or at the per-turn step limit) waits with a Continue card. */
  ended(end: RunEnd, maxStepsPerTurn: number): void {
    this.lastEnd = end;
    const used = describeUsage(this.parts.usage.usage());
    if (end === 'budget')
      this.card('budget', `Paused: this task used its budget (${budgetExhausted(this.budget, this.parts.usage.usage())}).`);
    if (end === 'step-limit') this.card('budget', `Paused after ${maxStepsPerTurn} steps in one turn (fixpoint.maxSteps); ${used} in all.`);
  }

  /** A reopened task cut off mid-run offers Resume. */
  interrupted(): void {
    this.card('interrupted', `Interrupted when VS Code closed (${describeUsage(this.parts.usage.usage())} so far).`);
  }

  /**
   * The Resume / Continue button: true when there is a card to act on (the budget that ran out is raised by
   * its size again). A task waiting on a call goes on when the call is answered, not from here.
   */
  takeResume(cardId: string | undefined): boolean {
    const cards = this.parts.transcript.all().filter((e): e is ResumeCard => e.kind === 'resume' && e.state === 'pending');
    const card = cardId ? cards.find((c) => c.id === cardId) : cards.at(-1);
    if (!card || this.waiting) return false;
    if (card.reason === 'budget' && this.budget)
      this.budget = extendBudget(this.budget, this.parts.defaultBudget() ?? this.budget, this.parts.usage.usage());
    return true;
  }

  /** Any run starting makes the old cards moot. */
  closeCards(): void {
    const { transcript } = this.parts;
    for (const e of transcript.all()) if (e.kind === 'resume' && e.state === 'pending') transcript.put({ ...e, state: 'done' });
  }

  private card(reason: ResumeCard['reason'], text: string): void {
    this.closeCards();
    const { transcript } = this.parts;
    transcript.put({ kind: 'resume', id: transcript.newId('resume'), reason, text, state: 'pending' });
  }
}

type ResumeCard = Extract<Entry, { kind: 'resume' }>;
