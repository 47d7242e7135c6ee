// The results file the in-extension-host test runner writes and the harness reads. No 'vscode' import here:
// both sides load it.

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

/** Environment variable naming the results file; given to code-server so the extension host inherits it. */
export const RESULTS_ENV = 'FIXPOINT_TEST_RESULTS';
/** File name used when the variable does not reach the extension host: next to the workspace folder. */
export const RESULTS_FALLBACK_NAME = 'integration-results.json';
