// Recording mocha results into the per-test results files the safety report reads.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { TEST_RESULTS_DIR } from '../harness/artifacts';
import type { PersistedResults, PersistedTier } from '../harness/results';

/** Collects each passed, failed (hooks included) and pending test of `runner` into `tier`. */
export function recordInto(runner: Mocha.Runner, tier: PersistedTier): void {
  const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
  runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
    tier.passes++;
    tier.tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration });
  });
  runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, err: Error) => {
    tier.failures++;
    tier.tests.push({ fullTitle: test.fullTitle(), state: 'failed', durationMs: test.duration, error: err?.message });
  });
  runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
    tier.pending++;
    tier.tests.push({ fullTitle: test.fullTitle(), state: 'pending' });
  });
}

export function writeResults(file: string, results: PersistedResults): void {
  mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
}
