// `npm run test:vscode`: the integration and e2e tiers inside a real VS Code (code-server 4.139.1 =
// VS Code 1.139.1), offline. One code-server + Chromium at a time; every process is killed on every exit path.
//   node out/test/harness/runVsCodeTests.js [--tier integration|restricted|e2e] [--grep <pattern>]
// Tiers: "integration" (trusted workspace), "restricted" (a second code-server without
// --disable-workspace-trust: the folder opens in Restricted Mode), "e2e" and "start" (`npm start` itself). A full run writes every test's
// title and state to out/test-results/vscode.json for `npm run test:safety`.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { TEST_RESULTS_DIR, VSCODE_RESULTS_FILE } from './artifacts';
import { runE2eTier } from './e2eTier';
import { ensureTestEnv } from './env';
import { runIntegrationTier, type TierOutcome } from './integrationTier';
import { runStartTier } from './startTier';
import { cleanupAll, interruptedExitCode } from './processes';
import type { PersistedResults } from './results';

const TIERS = ['integration', 'restricted', 'e2e', 'start'] as const;

/** Safety net for the whole run; the tiers normally take about a minute each. */
const OVERALL_TIMEOUT_MS = Number(process.env.FIXPOINT_VSCODE_TESTS_TIMEOUT_MS ?? 15 * 60_000);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const tier = arg('--tier');
  const grep = arg('--grep');
  if (tier && !(TIERS as readonly string[]).includes(tier)) throw new Error(`unknown tier "${tier}" (expected ${TIERS.join(', ')})`);
  // A full run replaces the last one's results: if it dies half-way, no stale "passed" is left behind.
  if (!tier && !grep) rmSync(VSCODE_RESULTS_FILE, { force: true });
  await ensureTestEnv();
  const outcomes: TierOutcome[] = [];
  if (!tier || tier === 'integration') {
    console.log('\n== integration tier (mocha inside the VS Code extension host) ==');
    outcomes.push(await runIntegrationTier({ grep }));
  }
  if (!tier || tier === 'restricted') {
    console.log('\n== restricted tier (integration suites in a workspace opened in Restricted Mode) ==');
    outcomes.push(await runIntegrationTier({ name: 'restricted', suite: 'restricted', grep }));
  }
  if (!tier || tier === 'e2e') {
    console.log('\n== e2e tier (Chromium driving the VS Code workbench) ==');
    outcomes.push(await runE2eTier({ grep }));
  }
  if ((!tier && !grep) || tier === 'start') {
    console.log("\n== start tier (the README's npm start, from inside npm) ==");
    outcomes.push(await runStartTier());
  }
  const passes = outcomes.reduce((n, o) => n + o.passes, 0);
  const failures = outcomes.reduce((n, o) => n + o.failures, 0);
  console.log('');
  for (const o of outcomes)
    console.log(`  ${o.name}: ${o.passes} passed, ${o.failures} failed${o.pending ? `, ${o.pending} pending` : ''}`);
  console.log(`vscode: ${passes} passed, ${failures} failed`);
  persist({ finishedAt: new Date().toISOString(), complete: !tier && !grep, tiers: outcomes });
  return failures > 0 || passes === 0 ? 1 : 0;
}

/**
 * Writes the per-test results for the safety report. A partial run (--tier/--grep) goes to its own file, so
 * it never hides the results of the last full run.
 */
function persist(results: PersistedResults): void {
  const file = results.complete ? VSCODE_RESULTS_FILE : VSCODE_RESULTS_FILE.replace(/\.json$/, '.partial.json');
  mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
  console.log(`[harness] per-test results: ${file}`);
}

const watchdog = setTimeout(() => {
  console.error(`[harness] the VS Code tests did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes`);
  console.log('vscode: 0 passed, 1 failed');
  void cleanupAll().finally(() => process.exit(1));
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

main()
  .catch((err: unknown) => {
    console.error(`[harness] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    console.log('vscode: 0 passed, 1 failed');
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    clearTimeout(watchdog);
    process.exit(interruptedExitCode() ?? code);
  });
