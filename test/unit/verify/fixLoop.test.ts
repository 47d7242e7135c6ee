import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunResult } from '../../../src/core/ports';
import { runFixLoop, type FixLoopOptions, type TimelineEntry } from '../../../src/core/verify';
import { runProcess } from '../../../src/node/processRunner';

/** A node:test failure as the spec reporter prints it; `ms` varies like real durations do. */
const failing = (ms: number): RunResult => ({
  exitCode: 1,
  durationMs: ms,
  output: `✖ adds numbers (${ms}.51ms)\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n  3 !== 4\n\n      at TestContext.<anonymous> (/w/calc.test.js:3:37)\n`,
});
const passing: RunResult = { exitCode: 0, durationMs: 3, output: '✔ adds numbers (0.2ms)\n' };

function options(overrides: Partial<FixLoopOptions>): FixLoopOptions & { snapshots: Array<readonly TimelineEntry[]> } {
  const snapshots: Array<readonly TimelineEntry[]> = [];
  return {
    command: 'npm test',
    signal: new AbortController().signal,
    runVerification: async () => passing,
    askModelToFix: async () => 'gave-up',
    onTimeline: (t) => snapshots.push(t),
    snapshots,
    ...overrides,
  };
}

describe('verify/fixLoop', () => {
  it('fails, gets a fix, passes: 2 attempts, timeline with the failure and the fix', async () => {
    const summaries: string[] = [];
    const o = options({
      runVerification: async (attempt) => (attempt === 1 ? failing(4) : passing),
      askModelToFix: async (summary) => {
        summaries.push(summary);
        return { patchFingerprint: 'sha-fix-1', description: 'use + instead of -' };
      },
    });
    const result = await runFixLoop(o);
    assert.equal(result.status, 'passed');
    assert.equal(result.cause, 'passed');
    assert.equal(result.attempts, 2);
    assert.equal(summaries.length, 1);
    assert.match(summaries[0], /adds numbers — \/w\/calc\.test\.js:3 — AssertionError/);
    assert.deepEqual(
      result.timeline.map((e) => [e.attempt, e.command, e.state, e.exitCode, e.failures.length, e.fixProposed?.fingerprint]),
      [
        [1, 'npm test', 'failed', 1, 1, 'sha-fix-1'],
        [2, 'npm test', 'passed', 0, 0, undefined],
      ],
    );
    assert.equal(result.timeline[0].durationMs, 4);
    // Progress is reported as it happens: running, result, fix, running, result.
    assert.deepEqual(
      o.snapshots.map((s) => s.map((e) => e.state + (e.fixProposed ? '+fix' : '')).join(',')),
      ['running', 'failed', 'failed+fix', 'failed+fix,running', 'failed+fix,passed'],
    );
  });

  it('gives up after maxAttempts runs without asking for a fix it could not verify', async () => {
    let asked = 0;
    let fix = 0;
    const result = await runFixLoop(
      options({
        maxAttempts: 3,
        runVerification: async (attempt) => failing(attempt),
        askModelToFix: async () => {
          asked++;
          return { patchFingerprint: `patch-${++fix}` };
        },
      }),
    );
    assert.deepEqual([result.status, result.cause, result.attempts, asked], ['failed', 'max-attempts', 3, 2]);
    assert.match(result.reason!, /still failing after 3 attempts/);
    assert.ok(result.last?.summary.includes('3 !== 4'));
  });

  it('the same failure with the same patch stops the loop, although durations differ between runs', async () => {
    let runs = 0;
    const result = await runFixLoop(
      options({
        maxAttempts: 10,
        runVerification: async () => failing(++runs * 7),
        askModelToFix: async () => ({ patchFingerprint: 'same-patch' }),
      }),
    );
    assert.equal(result.status, 'failed');
    assert.equal(result.cause, 'repeated-fix');
    assert.equal(runs, 2, 'stopped after the second identical proposal, without a third run');
    assert.match(result.reason!, /same fix for the same failure/);
  });

  it('the same patch for a different failure, or a different patch for the same failure, goes on', async () => {
    const outputs = [failing(1), { ...failing(1), output: failing(1).output.replace('3 !== 4', '5 !== 4') }, failing(1), passing];
    const patches = ['p1', 'p1', 'p2'];
    const result = await runFixLoop(
      options({
        maxAttempts: 5,
        runVerification: async (attempt) => outputs[attempt - 1],
        askModelToFix: async (_summary, attempt) => ({ patchFingerprint: patches[attempt - 1] }),
      }),
    );
    assert.deepEqual([result.status, result.attempts], ['passed', 4]);
  });

  it('a model that gives up ends the loop as failed', async () => {
    const result = await runFixLoop(options({ runVerification: async () => failing(1), askModelToFix: async () => 'gave-up' }));
    assert.deepEqual([result.status, result.cause, result.attempts], ['failed', 'gave-up', 1]);
  });

  it('no command → no-command, nothing run', async () => {
    let ran = false;
    const result = await runFixLoop(options({ command: undefined, runVerification: async () => ((ran = true), passing) }));
    assert.deepEqual([result.status, result.attempts, ran], ['no-command', 0, false]);
  });

  it('abort during a run stops at once, even when the runner ignores the signal', async () => {
    const controller = new AbortController();
    const o = options({
      signal: controller.signal,
      runVerification: () => new Promise<RunResult>(() => undefined), // never settles
    });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const result = await runFixLoop(o);
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual([result.status, result.cause, result.attempts], ['stopped', 'aborted', 1]);
    assert.equal(result.timeline[0].state, 'cancelled');
  });

  it('abort while the model is working: no further run', async () => {
    const controller = new AbortController();
    let runs = 0;
    const result = await runFixLoop(
      options({
        signal: controller.signal,
        runVerification: async () => (runs++, failing(1)),
        askModelToFix: async () => {
          controller.abort();
          return { patchFingerprint: 'p' };
        },
      }),
    );
    assert.deepEqual([result.status, runs], ['stopped', 1]);
  });

  it('a cancelled run (the runner killed it) counts as stopped; a timeout is a failure the model can fix', async () => {
    const stopped = await runFixLoop(
      options({ runVerification: async () => ({ exitCode: 137, output: '', durationMs: 1, cancelled: true }) }),
    );
    assert.equal(stopped.status, 'stopped');
    const timeouts: string[] = [];
    const timedOut = await runFixLoop(
      options({
        runVerification: async (attempt) =>
          attempt === 1 ? { exitCode: undefined, output: 'waiting…', durationMs: 100, timedOut: true } : passing,
        askModelToFix: async (summary) => (timeouts.push(summary), { patchFingerprint: 'p' }),
      }),
    );
    assert.equal(timedOut.status, 'passed');
    assert.equal(timedOut.timeline[0].state, 'timed-out');
    assert.match(timeouts[0], /timed out/);
  });

  it('with real processes: a failing node:test file fixed by the "model" passes on attempt 2', async function () {
    this.timeout(30_000);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-fixloop-'));
    try {
      await fs.writeFile(path.join(dir, 'calc.js'), 'exports.add = (a, b) => a - b;\n');
      await fs.writeFile(
        path.join(dir, 'calc.test.js'),
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./calc');\ntest('adds', () => assert.strictEqual(add(1, 2), 3));\n",
      );
      const signal = new AbortController().signal;
      const result = await runFixLoop({
        command: 'node --test --test-reporter=spec',
        signal,
        runVerification: () => runProcess('node --test --test-reporter=spec', { cwd: dir, timeoutMs: 20_000, signal }),
        askModelToFix: async (summary) => {
          assert.match(summary, /adds — calc\.test\.js:4|adds — .*calc\.test\.js:4/);
          await fs.writeFile(path.join(dir, 'calc.js'), 'exports.add = (a, b) => a + b;\n');
          return { patchFingerprint: 'minus-to-plus' };
        },
      });
      assert.deepEqual([result.status, result.attempts, result.timeline.map((e) => e.exitCode)], ['passed', 2, [1, 0]]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
