/**
 * The bounded self-healing loop (issue 5): verify → on failure, give the model the summary → it proposes a
 * fix (which the caller applies, in place or in a shadow) → verify again, up to `maxAttempts` runs.
 *
 * Pure orchestration over injected functions, so the same loop drives the VS Code host, the CLI and tests.
 * Guarantees: it stops at once when `signal` aborts (even if an injected function ignores the signal); it
 * never asks for a fix it cannot verify (no model call after the last run); and it never loops on the same
 * failure with the same patch — a fix the model already proposed for this exact failure ends the loop.
 */
import type { RunResult } from '../ports';
import { summarizeRun, type Failure, type VerifySummary } from './summarize';

export interface FixProposal {
  /** Identity of the proposed edits (e.g. a hash of the patch text); equal patches have equal fingerprints. */
  patchFingerprint: string;
  /** One line for the timeline ("guard against empty input"). */
  description?: string;
}

export interface TimelineEntry {
  attempt: number;
  command: string;
  state: 'running' | 'passed' | 'failed' | 'timed-out' | 'cancelled';
  exitCode?: number;
  durationMs?: number;
  failures: Failure[];
  fixProposed?: { fingerprint: string; description?: string };
}

export type FixLoopStatus = 'passed' | 'failed' | 'stopped' | 'no-command';
/** Why the loop ended, for code; `reason` says the same for people. */
export type FixLoopCause = 'passed' | 'max-attempts' | 'gave-up' | 'repeated-fix' | 'aborted' | 'no-command';

export interface FixLoopResult {
  status: FixLoopStatus;
  cause: FixLoopCause;
  /** Verification runs made. */
  attempts: number;
  timeline: TimelineEntry[];
  reason?: string;
  /** The last run's summary (the log the "failed ✗" badge links to). */
  last?: VerifySummary;
}

export interface FixLoopOptions {
  /** What runs, for the timeline (a command line or a task name); undefined → 'no-command'. */
  command: string | undefined;
  runVerification(attempt: number, signal: AbortSignal): Promise<RunResult>;
  askModelToFix(summary: string, attempt: number, signal: AbortSignal): Promise<FixProposal | 'gave-up'>;
  /** Most verification runs, the first included (`fixpoint.verify.maxAttempts`). */
  maxAttempts?: number;
  signal: AbortSignal;
  /** Called with a fresh copy of the timeline after every change. */
  onTimeline?(timeline: readonly TimelineEntry[]): void;
  /** Defaults to `summarizeRun`; the host may pass one that knows the workspace root. */
  summarize?(result: RunResult): VerifySummary;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

class Aborted extends Error {}

export async function runFixLoop(options: FixLoopOptions): Promise<FixLoopResult> {
  const timeline: TimelineEntry[] = [];
  const emit = () => options.onTimeline?.(timeline.map((e) => ({ ...e, failures: [...e.failures] })));
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  const summarize = options.summarize ?? ((r: RunResult) => summarizeRun(r));
  const { signal, command } = options;
  const end = (status: FixLoopStatus, cause: FixLoopCause, reason: string | undefined, last?: VerifySummary): FixLoopResult => ({
    status,
    cause,
    attempts: timeline.length,
    timeline: timeline.map((e) => ({ ...e })),
    reason,
    last,
  });
  const stopped = (last?: VerifySummary) => {
    const running = timeline[timeline.length - 1];
    if (running?.state === 'running') {
      running.state = 'cancelled';
      emit();
    }
    return end('stopped', 'aborted', 'stopped by the user', last);
  };

  if (command === undefined)
    return end('no-command', 'no-command', 'no verification command was found; set fixpoint.verify.command or add a test task');
  // (failure signature, patch fingerprint) pairs already tried: proposing one again would repeat a known outcome.
  const tried = new Set<string>();
  let last: VerifySummary | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal.aborted) return stopped(last);
    const entry: TimelineEntry = { attempt, command, state: 'running', failures: [] };
    timeline.push(entry);
    emit();

    let result: RunResult;
    try {
      result = await untilAborted(options.runVerification(attempt, signal), signal);
    } catch (err) {
      if (err instanceof Aborted) return stopped(last);
      throw err;
    }
    if (result.cancelled || signal.aborted) return stopped(last);
    last = summarize(result);
    Object.assign(entry, {
      state: result.timedOut ? 'timed-out' : result.exitCode === 0 ? 'passed' : 'failed',
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      failures: last.failures,
    });
    emit();
    if (entry.state === 'passed') return end('passed', 'passed', undefined, last);
    if (attempt === maxAttempts) {
      return end('failed', 'max-attempts', `still failing after ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}`, last);
    }

    let proposal: FixProposal | 'gave-up';
    try {
      proposal = await untilAborted(options.askModelToFix(last.summary, attempt, signal), signal);
    } catch (err) {
      if (err instanceof Aborted) return stopped(last);
      throw err;
    }
    if (signal.aborted) return stopped(last);
    if (proposal === 'gave-up') return end('failed', 'gave-up', 'the model proposed no fix', last);
    entry.fixProposed = { fingerprint: proposal.patchFingerprint, description: proposal.description };
    emit();

    const key = `${failureSignature(result, last.failures)}\u0000${proposal.patchFingerprint}`;
    if (tried.has(key)) {
      return end('failed', 'repeated-fix', 'the model proposed the same fix for the same failure again; stopping instead of looping', last);
    }
    tried.add(key);
  }
  /* c8 ignore next */
  return end('failed', 'max-attempts', `still failing after ${maxAttempts} attempts`, last);
}

/**
 * What makes two failures "the same": the failures found (test, place, message), or, when none were
 * recognised, the end of the output. Durations, timestamps, addresses and pids are blanked first, because they
 * differ on every run of an identical failure.
 */
export function failureSignature(result: Pick<RunResult, 'exitCode' | 'output' | 'timedOut'>, failures: readonly Failure[]): string {
  const body = failures.length
    ? failures
        .map((f) => `${f.test ?? ''}@${f.file ?? ''}:${f.line ?? ''} ${f.message}`)
        .sort()
        .join('\n')
    : result.output.slice(-2_000);
  return `${result.timedOut ? 'timeout' : result.exitCode}\n${normalizeVolatile(body)}`;
}

function normalizeVolatile(text: string): string {
  return text
    .replace(/\b\d{4}-\d\d-\d\dT[\d:.]+Z?\b/g, '<time>')
    .replace(/\b\d\d:\d\d:\d\d(\.\d+)?\b/g, '<time>')
    .replace(/0x[0-9a-f]+/gi, '<addr>')
    .replace(/\d+(\.\d+)?\s*(ms|s|sec|seconds|µs|ns)\b/g, '<dur>')
    .replace(/\(\d+\)/g, '(<n>)');
}

/** Resolves like `promise`, or rejects with Aborted as soon as `signal` aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
