/**
 * Turns a verification run's raw output into what the model needs to fix it (SAFETY §16): terminal escapes
 * stripped, the output capped with its head and tail kept, and the failing tests and error locations listed
 * first, so a 5 MB log costs the model a few thousand characters and the failures are never in the cut part.
 */
import type { RunResult } from '../ports';
import { capHeadTail, stripAnsi } from '../tools/text';
import { EXTRACTORS, type Failure } from './extractors';

export type { Failure } from './extractors';

export interface VerifySummary {
  failures: Failure[];
  /** Text for the model (and the log view): status line, failure list, capped output. */
  summary: string;
}

export interface SummarizeOptions {
  exitCode?: number | undefined;
  timedOut?: boolean;
  cancelled?: boolean;
  /** Workspace root: absolute file paths under it are made relative, as the model's tools expect. */
  root?: string;
  /** Output characters kept in `summary` (head + tail). */
  maxOutputChars?: number;
  /** Failures listed in `summary`; all of them stay in `failures`. */
  maxListed?: number;
}

const DEFAULT_OUTPUT_CHARS = 8_000;
const DEFAULT_LISTED = 25;
/** Extraction reads at most this much of the output's end (failure reports come last); keeps regexes cheap. */
const EXTRACT_WINDOW = 400_000;

export function summarizeRun(
  result: RunResult,
  options: Omit<SummarizeOptions, 'exitCode' | 'timedOut' | 'cancelled'> = {},
): VerifySummary {
  return summarizeOutput(result.output, { ...options, exitCode: result.exitCode, timedOut: result.timedOut, cancelled: result.cancelled });
}

export function summarizeOutput(raw: string, options: SummarizeOptions = {}): VerifySummary {
  const text = stripAnsi(raw);
  const lines = text.slice(-EXTRACT_WINDOW).split('\n');
  const failures = dedupe(EXTRACTORS.flatMap((extract) => extract(lines)).map((f) => relativize(f, options.root)));

  const listed = failures.slice(0, options.maxListed ?? DEFAULT_LISTED);
  const parts = [statusLine(failures.length, options)];
  if (listed.length) {
    parts.push(listed.map((f, i) => `${i + 1}. ${describe(f)}`).join('\n'));
    if (failures.length > listed.length) parts.push(`… and ${failures.length - listed.length} more`);
  }
  const output = capHeadTail(text.trim(), options.maxOutputChars ?? DEFAULT_OUTPUT_CHARS);
  parts.push(output ? `Output (escapes stripped, head and tail kept):\n${output}` : 'No output.');
  return { failures, summary: parts.join('\n\n') };
}

function statusLine(count: number, o: SummarizeOptions): string {
  if (o.cancelled) return 'Verification was stopped before it finished.';
  if (o.timedOut)
    return `Verification timed out and was killed${count ? ` (${count} failure${count === 1 ? '' : 's'} reported before that)` : ''}.`;
  const code = o.exitCode === undefined ? 'no exit code' : `exit code ${o.exitCode}`;
  if (o.exitCode === 0)
    return count
      ? `Verification passed (exit code 0), though the output reports ${count} failure(s).`
      : 'Verification passed (exit code 0).';
  if (count === 0) return `Verification failed (${code}); no failing test or error location was recognised in the output.`;
  return `Verification failed (${code}): ${count} failure${count === 1 ? '' : 's'}.`;
}

/** `test — file:line — message`, message lines joined so each failure stays one list item. */
export function describe(f: Failure): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : undefined;
  return [f.test, where, f.message.replace(/\n+/g, ' ⏎ ')].filter((p) => p).join(' — ');
}

function relativize(f: Failure, root: string | undefined): Failure {
  if (!root || !f.file) return f;
  const base = root.endsWith('/') ? root : `${root}/`;
  return f.file.startsWith(base) ? { ...f, file: f.file.slice(base.length) } : f;
}

/** Runners print some failures twice (node:test's closing "failing tests" list); keep the first report. */
function dedupe(failures: Failure[]): Failure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.test ?? ''}|${f.file ?? ''}|${f.line ?? ''}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
