// The results file the in-extension-host test runner writes and the harness reads, and the per-test results
// files the tiers persist for the safety report. No 'vscode' import here: both sides load it.

export interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface TierResults {
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  /** What mocha's spec reporter printed. */
  output: string;
  /** Set when the runner itself failed (no test could run). */
  fatal?: string;
}

/** One tier's per-test outcome, as persisted in out/test-results/*.json. */
export interface PersistedTier {
  name: string;
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  /** Why the tier failed as a whole (server did not start, suites timed out…), if it did. */
  fatal?: string;
}

export interface PersistedResults {
  /** ISO time the run finished. */
  finishedAt: string;
  /** False when only some tiers or tests ran (--tier/--grep). */
  complete: boolean;
  tiers: PersistedTier[];
}

/** Environment variable naming the results file; given to code-server so the extension host inherits it. */
export const RESULTS_ENV = 'FIXPOINT_TEST_RESULTS';
/** Which integration suites the extension host runs: "restricted" (Restricted Mode) or the default ones. */
export const SUITE_ENV = 'FIXPOINT_TEST_SUITE';
/** A mocha grep pattern for the integration suites. */
export const GREP_ENV = 'FIXPOINT_TEST_GREP';
/** File name used when the variable does not reach the extension host: next to the workspace folder. */
export const RESULTS_FALLBACK_NAME = 'integration-results.json';
