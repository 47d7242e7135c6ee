// E2E tier: mocha in this process over out/test/e2e/*.test.js, with the root hooks that start (and always
// stop) one code-server + Chromium for all suites.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { repoRoot } from './env';
import type { TierOutcome } from './integrationTier';

export async function runE2eTier(options: { grep?: string } = {}): Promise<TierOutcome> {
  const dir = path.join(repoRoot, 'out', 'test', 'e2e');
  const outcome: TierOutcome = { name: 'e2e', passes: 0, failures: 0, pending: 0, tests: [] };
  try {
    const hooks: Mocha.RootHookObject = (await import('../e2e/hooks.js')).mochaHooks;
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, rootHooks: hooks, grep: options.grep });
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.test.js'))
      .sort();
    if (files.length === 0) throw new Error(`no e2e suites in ${dir}: run "npm run compile-tests" first`);
    for (const f of files) mocha.addFile(path.join(dir, f));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test: Mocha.Test) => {
        outcome.passes++;
        outcome.tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      // Hooks fail too ("before all" hook…): recorded under their own title, so a broken setup shows.
      runner.on('fail', (test: Mocha.Runnable, err: Error) => {
        outcome.failures++;
        outcome.tests.push({
          fullTitle: test.fullTitle(),
          state: 'failed',
          durationMs: test.duration,
          error: `${err.message}\n${err.stack ?? ''}`,
        });
      });
      runner.on('pending', (test: Mocha.Test) => {
        outcome.pending++;
        outcome.tests.push({ fullTitle: test.fullTitle(), state: 'pending' });
      });
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.log(`[e2e] FAILED: ${message}`);
    outcome.failures = Math.max(outcome.failures, 1);
    outcome.fatal = message;
  }
  return outcome;
}
