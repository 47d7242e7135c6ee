/**
 * The task's ledger (issue 12): its state kept outside the conversation — the goal, the plan, the decisions
 * made and why, the files touched, the checks run and their results, open questions. It goes into every model
 * request verbatim (with the system prompt, which compaction never summarises), so a long task can compact
 * its conversation without losing what it is about. The agent keeps the plan and decisions through tools;
 * Fixpoint records files and checks itself.
 */
import type { PlanStep } from '../tools/types';

export interface LedgerState {
  goal?: string;
  plan: PlanStep[];
  decisions: Array<{ decision: string; why: string }>;
  checks: Array<{ command: string; passed: boolean }>;
  openQuestions: string[];
}

/** Only the most recent checks are kept: the ledger states where things stand, not the whole history. */
const RECENT_CHECKS = 8;
const MARKS: Record<PlanStep['status'], string> = { pending: '[ ]', in_progress: '[~]', completed: '[x]' };

export class TaskLedger {
  private state: LedgerState = emptyLedger();

  constructor(
    private readonly filesTouched: () => readonly string[] = () => [],
    /** Told after every change (the chat shows the ledger at the top of the task). */
    private readonly changed: () => void = () => undefined,
  ) {}

  /** The user's first request of the task is its goal. */
  setGoal(goal: string): void {
    if (this.state.goal !== undefined) return;
    this.state.goal = goal.trim().slice(0, 2_000);
    this.changed();
  }

  setPlan(steps: PlanStep[]): void {
    this.state.plan = steps.map((s) => ({ text: s.text, status: s.status }));
    this.changed();
  }

  addDecision(decision: string, why: string): void {
    this.state.decisions.push({ decision: decision.trim(), why: why.trim() });
    this.changed();
  }

  setOpenQuestions(questions: string[]): void {
    this.state.openQuestions = questions.map((q) => q.trim()).filter(Boolean);
    this.changed();
  }

  noteCheck(command: string, passed: boolean): void {
    this.state.checks = [...this.state.checks.filter((c) => c.command !== command), { command, passed }].slice(-RECENT_CHECKS);
    this.changed();
  }

  /** Whether the task has more than its goal yet (a plan, a decision, a file, a check, a question). */
  hasProgress(): boolean {
    const s = this.state;
    return s.plan.length + s.decisions.length + s.checks.length + s.openQuestions.length + this.filesTouched().length > 0;
  }

  persisted(): LedgerState {
    return structuredClone(this.state);
  }

  restore(saved: LedgerState | undefined): void {
    this.state =
      saved && Array.isArray(saved.plan) && Array.isArray(saved.decisions)
        ? { ...emptyLedger(), ...structuredClone(saved) }
        : emptyLedger();
  }

  clear(): void {
    this.state = emptyLedger();
  }

  /** The ledger as it is sent with every request; undefined before the task has a goal. */
  render(): string | undefined {
    const s = this.state;
    if (!s.goal) return undefined;
    const lines = ['## Task ledger (kept by Fixpoint outside the conversation; it survives compaction)', `Goal: ${s.goal}`];
    if (s.plan.length) lines.push('Plan:', ...s.plan.map((p) => `- ${MARKS[p.status]} ${p.text}`));
    if (s.decisions.length) lines.push('Decisions:', ...s.decisions.map((d) => `- ${d.decision}${d.why ? ` — because ${d.why}` : ''}`));
    const files = [...new Set(this.filesTouched())];
    if (files.length)
      lines.push(`Files changed so far: ${files.slice(0, 50).join(', ')}${files.length > 50 ? ` and ${files.length - 50} more` : ''}`);
    if (s.checks.length) lines.push('Checks run:', ...s.checks.map((c) => `- ${c.command}: ${c.passed ? 'passed' : 'failed'}`));
    if (s.openQuestions.length) lines.push('Open questions:', ...s.openQuestions.map((q) => `- ${q}`));
    return lines.join('\n');
  }
}

function emptyLedger(): LedgerState {
  return { plan: [], decisions: [], checks: [], openQuestions: [] };
}
