// `npm run test:vscode`: the integration and e2e tiers inside a real VS Code (code-server 4.139.1 =
// VS Code 1.139.1), offline. One code-server + Chromium at a time; every process is killed on every exit path.
//   node out/test/harness/runVsCodeTests.js [--tier integration|e2e] [--grep <pattern>]
import { runE2eTier } from './e2eTier';
import { ensureTestEnv } from './env';
import { runIntegrationTier, type TierOutcome } from './integrationTier';
import { cleanupAll, interruptedExitCode } from './processes';

/** Safety net for the whole run; the tiers normally take about a minute each. */
const OVERALL_TIMEOUT_MS = Number(process.env.FIXPOINT_VSCODE_TESTS_TIMEOUT_MS ?? 15 * 60_000);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const tier = arg('--tier');
  const grep = arg('--grep');
  if (tier && tier !== 'integration' && tier !== 'e2e') throw new Error(`unknown tier "${tier}"`);
  await ensureTestEnv();
  const outcomes: TierOutcome[] = [];
  if (!tier || tier === 'integration') {
    console.log('\n== integration tier (mocha inside the VS Code extension host) ==');
    outcomes.push(await runIntegrationTier());
  }
  if (!tier || tier === 'e2e') {
    console.log('\n== e2e tier (Chromium driving the VS Code workbench) ==');
    outcomes.push(await runE2eTier({ grep }));
  }
  const passes = outcomes.reduce((n, o) => n + o.passes, 0);
  const failures = outcomes.reduce((n, o) => n + o.failures, 0);
  console.log('');
  for (const o of outcomes) console.log(`  ${o.name}: ${o.passes} passed, ${o.failures} failed${o.pending ? `, ${o.pending} pending` : ''}`);
  console.log(`vscode: ${passes} passed, ${failures} failed`);
  return failures > 0 || passes === 0 ? 1 : 0;
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
