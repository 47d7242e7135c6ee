import type { PatchResult } from '../patch/types';
import type { ImageData, ToolSpec } from '../model/types';
import type { ProposalVerification } from '../../shared/protocol';
import type { Approver, CodeIntelligence, Runner, Workspace } from '../ports';
import type { ApprovalEngine } from '../policy/engine';
import type { TaskLedger } from '../tasks/ledger';
import type { AuditLog } from '../policy/audit';
import type { ApprovalScope, PlanStep } from '../domain';

export type { PlanStep };

export type HunkDecision = 'accepted' | 'rejected' | 'stale';
export interface FileReviewOutcome {
  path: string;
  /** One decision per hunk, in file order. */
  hunks: HunkDecision[];
  /** What the user wrote (rejection reason), if anything. */
  note?: string;
}
export interface ReviewOutcome {
  files: FileReviewOutcome[];
}

/** Presents a proposal to the user and resolves with their decisions; nothing is written before that. */
export interface Reviewer {
  propose(change: PatchResult, signal: AbortSignal, verification?: ProposalVerification): Promise<ReviewOutcome>;
}

/** Result of verifying a proposal in an isolated copy before the user reviews it. */
export interface PreReviewCheck {
  verification: ProposalVerification;
  /** Whether the model should get another chance before the user sees a failing proposal. */
  retry: boolean;
}

export interface ToolContext {
  workspace: Workspace;
  runner: Runner;
  approver: Approver;
  reviewer: Reviewer;
  /** The approval engine: every command, task and self-applying edit asks it first. */
  policy: ApprovalEngine;
  /** Where each decision is recorded, with who made it. */
  audit: AuditLog;
  /** Remembers an approval of this command prefix (or task rule) for the scope the user chose. */
  grant(rule: string, scope: ApprovalScope): Promise<void>;
  updatePlan(steps: PlanStep[]): void;
  /** Runs a change that may write (a command, a task) inside the current turn's checkpoint. */
  recordChange?<T>(change: () => Promise<T>): Promise<T>;
  /** "Verify before review" mode: checks a patch in a shadow copy; undefined when the mode is off. */
  verifyProposal?(change: PatchResult, signal: AbortSignal): Promise<PreReviewCheck | undefined>;
  /** The editor's language features; undefined in the CLI. */
  codeIntelligence?: CodeIntelligence;
  /** The task's ledger (goal, plan, decisions…), which every request carries. */
  ledger?: TaskLedger;
  signal: AbortSignal;
}

/** Ports only some front ends have; a tool needing one is offered to the model only where it exists. */
export type OptionalPorts = Pick<ToolContext, 'codeIntelligence'>;

export interface ToolOutcome {
  output: string;
  /** False when the tool failed; the output then explains why, for the model. */
  ok: boolean;
  /** Images the tool returned (an MCP screenshot), sent to models that take images; `output` describes them. */
  images?: ImageData[];
}

export interface ToolDefinition<Args = Record<string, unknown>> {
  spec: ToolSpec;
  /** Whether the tool changes files or runs code: such calls run one at a time; read-only ones run together. */
  mutating: boolean;
  /** The optional port the tool needs; called without it, the tool says where it works instead. */
  requires?: keyof OptionalPorts;
  /** One line for the tool card, e.g. the path or command. */
  summarize(args: Args): string;
  run(args: Args, context: ToolContext): Promise<ToolOutcome>;
}

/** A failure the model can fix (bad path, no match…): reported as the tool result, never aborting the task. */
export class ToolError extends Error {}

export const ok = (output: string): ToolOutcome => ({ output, ok: true });
