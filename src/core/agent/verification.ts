import { createHash } from 'node:crypto';
import type { Entry, VerificationAttempt } from '../../shared/protocol';
import type { CommandGate, Verifier, VerificationTarget, Workspace } from '../ports';
import type { LastRun } from './recordingRunner';
import { approveCommand, approveTask, type ApprovalContext } from '../tools/runCommand';
import { ToolError } from '../tools/types';
import type { FileWrite } from '../review/reviewer';
import type { PatchResult } from '../patch/types';
import type { PreReviewCheck } from '../tools/types';
import { describeFailure, runFixLoop, summarizeRun, type TimelineEntry } from '../verify';
import { runAgent, type AgentEnd, type AgentRun } from './loop';
import type { ChatItem } from '../model/types';
import type { TranscriptSink } from './transcript';

type VerificationEntry = Extract<Entry, { kind: 'verification' }>;

class CheckNotRun extends Error {}

/**
 * The checks ask exactly like the agent's commands: the same approval engine, approval cards and remembered
 * prefixes. A check the engine puts in the sandbox (full-auto) runs there.
 */
export function commandGate(context: Omit<ApprovalContext, 'signal'>, root: string): CommandGate {
  return {
    async check(target, signal) {
      try {
        if (target.kind === 'task') {
          await approveTask(target.name, { ...context, signal });
          return { ok: true, where: 'host' };
        }
        return { ok: true, where: (await approveCommand(target.command, root, { ...context, signal })).where };
      } catch (err) {
        if (err instanceof ToolError) return { ok: false, reason: `Not run: ${err.message}` };
        throw err;
      }
    },
    async allowUnsandboxed(command, reason, signal) {
      const reasons = [reason, 'Verify-before-review normally runs in a sandbox with the network off.'];
      const request = { command: `${command}   (outside any sandbox)`, prefix: command, reasons, dangerous: false };
      return (await context.approver.approveCommand(request, signal)) !== 'deny';
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function targetLabel(target: VerificationTarget): string {
  return target.kind === 'command' ? target.command : `task: ${target.name}`;
}

function toAttempts(timeline: readonly TimelineEntry[]): VerificationAttempt[] {
  return timeline.map((t) => ({
    attempt: t.attempt,
    state: t.state,
    exitCode: t.exitCode,
    durationMs: t.durationMs,
    failures: t.failures.slice(0, 10).map(describeFailure),
    fix: t.fixProposed?.description,
  }));
}

export interface AfterAcceptContext {
  verifier: Verifier;
  transcript: TranscriptSink;
  signal: AbortSignal;
  root: string;
  /** Sends `message` to the model as a user turn and runs the agent until it answers again. */
  continueAgent(message: string): Promise<AgentEnd>;
  gate: CommandGate;
  /** Every file write of the task so far (see ProposalReviewer.writeLog). */
  writeLog: readonly FileWrite[];
  /** Whether this very check already passed on exactly the current contents (the agent's own last run). */
  alreadyPassed?(command: string): Promise<boolean>;
}

/**
 * The self-healing loop after the user accepted edits: run the project's check in the workspace (the user
 * watches it in the terminal); on failure hand the summary to the model, let it propose a fix (reviewed as
 * usual), and rerun — at most `maxAttempts` runs, never twice for the same failure with the same patch.
 */
export async function verifyAfterAccept(ctx: AfterAcceptContext): Promise<void> {
  const { verifier, transcript, signal } = ctx;
  const { maxAttempts } = verifier.mode();
  let target;
  try {
    target = await verifier.resolve(signal);
  } catch (err) {
    transcript.put({
      kind: 'notice',
      id: transcript.newId('notice'),
      text: `Your accepted edits were not verified: finding the check failed (${errorText(err)}).`,
    });
    return;
  }
  if (target.kind === 'none') {
    transcript.put({
      kind: 'notice',
      id: transcript.newId('notice'),
      text: `Your accepted edits were not verified: ${target.why} Set "fixpoint.verify.command" (e.g. "npm test") to have Fixpoint run it after edits.`,
    });
    return;
  }
  const label = targetLabel(target);
  if (await ctx.alreadyPassed?.(label)) {
    transcript.put({
      kind: 'verification',
      id: transcript.newId('verify'),
      command: label,
      why: target.why,
      status: 'passed',
      attempts: [],
      reason: `Not run again: the agent's own run of ${label} passed on exactly these contents, and nothing changed since.`,
    });
    return;
  }
  const entry: VerificationEntry = {
    kind: 'verification',
    id: transcript.newId('verify'),
    command: label,
    why: target.why,
    status: 'running',
    attempts: [],
  };
  transcript.put(entry);
  let result;
  try {
    result = await runFixLoop({
      command: label,
      maxAttempts,
      signal,
      runVerification: async (_attempt, runSignal) => {
        const run = await verifier.runInWorkspace(target, ctx.gate, runSignal);
        // A check that could not start (Restricted Mode…) is not a failure the model could fix.
        if (run.skipped) throw new CheckNotRun(run.output);
        return run;
      },
      summarize: (run) => summarizeRun(run, { root: ctx.root }),
      onTimeline: (timeline) => transcript.put({ ...entry, attempts: toAttempts(timeline) }),
      askModelToFix: async (summary, attempt) => {
        const mark = ctx.writeLog.length;
        const end = await ctx.continueAgent(
          `[Fixpoint ran \`${label}\` after your accepted edits and it failed (run ${attempt} of ${maxAttempts}).]\n${summary}\n` +
            'Find the cause and fix it with apply_patch. The check runs again automatically once your fix is accepted.',
        );
        const written = ctx.writeLog.slice(mark);
        if (end !== 'answered' || written.length === 0) return 'gave-up';
        const fingerprint = createHash('sha256')
          .update(written.map((w) => `${w.path}\0${w.contentHash}`).join('\n'))
          .digest('hex');
        return { patchFingerprint: fingerprint, description: `edited ${[...new Set(written.map((w) => w.path))].join(', ')}` };
      },
    });
  } catch (err) {
    // Never leave a spinning card: a check that could not run, or crashed, ends the timeline with the reason.
    transcript.put({
      ...entry,
      status: 'stopped',
      reason: err instanceof CheckNotRun ? err.message : `The check could not run: ${errorText(err)}`,
    });
    return;
  }
  const status = result.status === 'passed' ? 'passed' : result.status === 'stopped' ? 'stopped' : 'failed';
  transcript.put({ ...entry, status, attempts: toAttempts(result.timeline), reason: result.reason });
}

/**
 * Runs the agent, then — when the mode is "after accept" and this run wrote files — the self-healing
 * verification loop, which continues the same agent run with each failure.
 */
export async function runAgentVerified(
  items: ChatItem[],
  run: AgentRun,
  verification: {
    verifier?: Verifier;
    writeLog: readonly FileWrite[];
    root: string;
    workspace?: Workspace;
    lastRun?: () => LastRun | undefined;
  },
): Promise<AgentEnd> {
  const writesBefore = verification.writeLog.length;
  let end = await runAgent(items, run);
  const { verifier } = verification;
  if (end === 'answered' && verifier?.mode().when === 'after-accept' && verification.writeLog.length > writesBefore) {
    // The fix loop stops waiting at once on Stop; the agent run it started must still finish before we return.
    let continuing: Promise<AgentEnd> | undefined;
    await verifyAfterAccept({
      verifier,
      gate: commandGate(run.toolContext, verification.root),
      transcript: run.transcript,
      signal: run.signal,
      root: verification.root,
      writeLog: verification.writeLog,
      alreadyPassed: async (command) => {
        const last = verification.lastRun?.();
        if (!last || !last.passed || last.command !== command || last.writes !== verification.writeLog.length) return false;
        return verification.workspace ? writtenFilesUnchanged(verification.writeLog, verification.workspace) : false;
      },
      continueAgent: async (message) => {
        items.push({ role: 'user', content: message });
        continuing = runAgent(items, run);
        return (end = await continuing);
      },
    });
    if (continuing) end = await continuing;
  }
  return end;
}

/**
 * "Verify before review": a patch is applied to a shadow copy and checked there (sandboxed where the OS allows)
 * before the user sees it. Attempts are counted per task, so a model that keeps failing is eventually shown
 * to the user with a failed badge instead of looping.
 */
export class PreReviewVerifier {
  private attempts = 0;
  private entry: VerificationEntry | undefined;

  constructor(
    private readonly verifier: Verifier,
    private readonly transcript: TranscriptSink,
    private readonly root: string,
  ) {}

  /** A new task starts counting again. */
  reset(): void {
    this.attempts = 0;
    this.entry = undefined;
  }

  async check(change: PatchResult, gate: CommandGate, signal: AbortSignal): Promise<PreReviewCheck | undefined> {
    const mode = this.verifier.mode();
    if (mode.when !== 'before-review') return undefined;
    const target = await this.verifier.resolve(signal);
    if (target.kind === 'none') return { verification: { state: 'not-run', summary: target.why }, retry: false };
    const label = targetLabel(target);
    this.attempts++;
    this.entry ??= {
      kind: 'verification',
      id: this.transcript.newId('verify'),
      command: label,
      why: `${target.why} (in an isolated copy, before review)`,
      status: 'running',
      attempts: [],
    };
    const attempts = [
      ...this.entry.attempts.map((a, i, all) => (i === all.length - 1 && a.state === 'failed' ? { ...a, fix: 'revised patch' } : a)),
      { attempt: this.attempts, state: 'running' as const, failures: [] },
    ];
    this.put({ status: 'running', attempts });
    const files = change.files.flatMap((f) =>
      f.kind === 'delete'
        ? [{ path: f.path, content: undefined }]
        : f.movePath
          ? [
              { path: f.path, content: undefined },
              { path: f.movePath, content: f.newContent },
            ]
          : [{ path: f.path, content: f.newContent }],
    );
    let run;
    try {
      run = await this.verifier.runIsolated(target, files, gate, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      run = { exitCode: undefined, output: `The isolated check could not run: ${errorText(err)}`, durationMs: 0, skipped: true };
    }
    if (run.skipped) {
      attempts.pop();
      this.put({ status: 'stopped', attempts, reason: run.output });
      return { verification: { state: 'not-run', command: label, summary: run.output }, retry: false };
    }
    const summary = summarizeRun(run, { root: this.root });
    const passed = run.exitCode === 0 && !run.timedOut && !run.cancelled;
    const state = run.cancelled ? 'cancelled' : run.timedOut ? 'timed-out' : passed ? 'passed' : 'failed';
    attempts[attempts.length - 1] = {
      attempt: this.attempts,
      state,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      failures: summary.failures.slice(0, 10).map(describeFailure),
    };
    const retry = !passed && !run.cancelled && this.attempts < mode.maxAttempts;
    this.put({
      status: passed ? 'passed' : run.cancelled ? 'stopped' : retry ? 'running' : 'failed',
      attempts,
      reason: !passed && !retry ? `still failing after ${this.attempts} attempt(s); shown for review with a failed badge` : undefined,
    });
    if (passed) this.entry = undefined;
    return {
      verification: { state: passed ? 'passed' : 'failed', command: label, summary: summary.summary, sandboxed: run.sandboxed },
      retry,
    };
  }

  private put(change: Partial<VerificationEntry>): void {
    if (!this.entry) return;
    this.entry = { ...this.entry, ...change };
    this.transcript.put(this.entry);
  }
}

/** Whether every file the agent wrote still holds what it wrote (the user changed none of them since). */
async function writtenFilesUnchanged(writeLog: readonly FileWrite[], workspace: Workspace): Promise<boolean> {
  const latest = new Map(writeLog.map((w) => [w.path, w.contentHash]));
  for (const [path, hash] of latest) {
    const bytes = await workspace.readFile(path);
    const now = bytes === undefined ? 'deleted' : createHash('sha256').update(new TextDecoder().decode(bytes)).digest('hex').slice(0, 16);
    if (now !== hash) return false;
  }
  return true;
}
