// `npm run test:safety`: one line per SAFETY.md case (number, title, how many tests claim it, whether they
// pass) and a last line `safety: N/M cases hold`. Exits non-zero unless every case has at least one passing
// test and no failing one.
//
// It reads what this build's test runs recorded: out/test-results/unit.json (written by the unit tier's
// reporter, see `npm test`) and out/test-results/vscode.json (written by a full `npm run test:vscode`).
// A results file older than the build (dist/, out/test/) is not trusted; then the tier is run here once.
//   node out/test/safety/report.js [--no-run]     --no-run: never run a tier; missing results count as no test
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { UNIT_RESULTS_FILE, VSCODE_RESULTS_FILE } from '../harness/artifacts';
import { repoRoot } from '../harness/env';
import type { PersistedResults, PersistedTier, TestResult } from '../harness/results';
import { casesOf, SAFETY_CASES } from './cases';
import { recordInto, writeResults } from './record';

function jsFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));
}

/**
 * When the code under test was last built: results older than this describe another build. The unit tier
 * runs the tsc output (out/); the VS Code tiers the bundle (dist/) as well. The start tier's `npm start`
 * rebuilds dist/ (production) after the unit tier ran, which says nothing about the unit results.
 */
function buildTime(tier: 'unit' | 'vscode'): number {
  const files = [
    ...(tier === 'vscode' ? jsFilesUnder(path.join(repoRoot, 'dist')) : []),
    ...jsFilesUnder(path.join(repoRoot, 'out', 'test')),
    ...jsFilesUnder(path.join(repoRoot, 'out', 'src')),
  ];
  return Math.max(0, ...files.map((f) => statSync(f).mtimeMs));
}

function loadFresh(file: string, builtAt: number): PersistedResults | undefined {
  if (!existsSync(file)) return undefined;
  if (statSync(file).mtimeMs < builtAt) {
    console.log(`[safety] ${path.relative(repoRoot, file)} is older than the build: not used`);
    return undefined;
  }
  try {
    const results = JSON.parse(readFileSync(file, 'utf8')) as PersistedResults;
    return Array.isArray(results.tiers) ? results : undefined;
  } catch {
    return undefined;
  }
}

/** The unit specs of .mocharc.json, run in this process with a quiet reporter. */
async function runUnitTier(): Promise<PersistedResults> {
  const config = JSON.parse(readFileSync(path.join(repoRoot, '.mocharc.json'), 'utf8')) as { timeout?: number };
  const dir = path.join(repoRoot, 'out', 'test', 'unit');
  const mocha = new Mocha({ timeout: config.timeout ?? 20_000, reporter: 'dot' });
  for (const file of jsFilesUnder(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(file);
  const tier: PersistedTier = { name: 'unit', passes: 0, failures: 0, pending: 0, tests: [] };
  await new Promise<void>((resolve) =>
    recordInto(
      mocha.run(() => resolve()),
      tier,
    ),
  );
  const results: PersistedResults = { finishedAt: new Date().toISOString(), complete: true, tiers: [tier] };
  writeResults(UNIT_RESULTS_FILE, results);
  return results;
}

function runVsCodeTiers(builtAt: number): PersistedResults | undefined {
  spawnSync(process.execPath, [path.join(repoRoot, 'out', 'test', 'harness', 'runVsCodeTests.js')], { cwd: repoRoot, stdio: 'inherit' });
  return loadFresh(VSCODE_RESULTS_FILE, builtAt);
}

async function main(): Promise<number> {
  const noRun = process.argv.includes('--no-run');
  const tiers: PersistedTier[] = [];
  const problems: string[] = [];

  let unit = loadFresh(UNIT_RESULTS_FILE, buildTime('unit'));
  if (!unit && !noRun) {
    console.log('[safety] no unit results from this build: running the unit tier');
    unit = await runUnitTier();
  }
  if (unit) tiers.push(...unit.tiers);
  else problems.push('no unit results');

  const builtAt = buildTime('vscode');
  let vscode = loadFresh(VSCODE_RESULTS_FILE, builtAt);
  if (!vscode && !noRun) {
    console.log('[safety] no VS Code results from this build: running the integration, restricted and e2e tiers');
    vscode = runVsCodeTiers(builtAt);
  }
  if (vscode) tiers.push(...vscode.tiers);
  else problems.push('no VS Code results');
  for (const tier of tiers) if (tier.fatal) problems.push(`${tier.name} tier failed as a whole: ${tier.fatal.split('\n')[0]}`);

  const tagged: Array<TestResult & { tier: string; cases: number[] }> = tiers.flatMap((tier) =>
    tier.tests.map((t) => ({ ...t, tier: tier.name, cases: casesOf(t.fullTitle) })),
  );
  const known = new Set(SAFETY_CASES.map((c) => c.id));
  for (const t of tagged)
    for (const id of t.cases) if (!known.has(id)) problems.push(`"${t.fullTitle}" claims SAFETY §${id}, which is not in SAFETY.md`);

  console.log('');
  let holding = 0;
  const width = Math.max(...SAFETY_CASES.map((c) => c.title.length));
  for (const safetyCase of SAFETY_CASES) {
    const tests = tagged.filter((t) => t.cases.includes(safetyCase.id));
    const passed = tests.filter((t) => t.state === 'passed');
    const failed = tests.filter((t) => t.state === 'failed');
    const holds = passed.length > 0 && failed.length === 0;
    if (holds) holding++;
    const byTier = [...new Set(tests.map((t) => t.tier))]
      .map((tier) => `${tier} ${tests.filter((t) => t.tier === tier).length}`)
      .join(', ');
    const verdict = holds
      ? 'pass'
      : failed.length
        ? `FAIL (${failed.length} failing)`
        : tests.length
          ? 'FAIL (no test passed)'
          : 'FAIL (no test)';
    const count = `${tests.length} test${tests.length === 1 ? '' : 's'}`;
    console.log(
      `§${String(safetyCase.id).padEnd(3)} ${safetyCase.title.padEnd(width)}  ${count.padStart(8)}  ${verdict}${byTier ? `  [${byTier}]` : ''}`,
    );
    for (const t of failed) console.log(`       failing: ${t.tier}: ${t.fullTitle}`);
  }
  for (const problem of problems) console.log(`[safety] ${problem}`);
  console.log(`safety: ${holding}/${SAFETY_CASES.length} cases hold`);
  return holding === SAFETY_CASES.length && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log(`safety: 0/${SAFETY_CASES.length} cases hold`);
    process.exit(1);
  },
);
