// Integration tier: loads the extension (development path) and the mocha suites (extensionTestsPath) into a
// code-server window opened in headless Chromium. The suites run in the server-side Node extension host and
// write their results to a file, which this side waits for.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser, type BrowserSession } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { repoRoot } from './env';
import { delay, onCleanup } from './processes';
import { GREP_ENV, RESULTS_ENV, RESULTS_FALLBACK_NAME, SUITE_ENV, type PersistedTier, type TierResults } from './results';

/** What a tier reports: counts, and each test's title and state (persisted for the safety report). */
export type TierOutcome = PersistedTier;

export interface IntegrationOptions {
  /** Compiled test index loaded as extensionTestsPath. */
  testsIndex?: string;
  /** Safety net for the whole tier once the page is loading. */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Tier name in the summary; default "integration". */
  name?: string;
  /**
   * "restricted": start code-server without --disable-workspace-trust (the folder opens in Restricted Mode,
   * TESTING.md step 7) and run only the suites under test/integration/restricted/. Default: the other suites,
   * in a trusted workspace.
   */
  suite?: 'default' | 'restricted';
  /** Mocha grep pattern for the suites. */
  grep?: string;
}

export async function runIntegrationTier(options: IntegrationOptions = {}): Promise<TierOutcome> {
  const log = options.log ?? ((line: string) => console.log(line));
  const testsIndex = options.testsIndex ?? path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: run "npm run compile-tests" first`);
  const resultsDir = await mkdtemp(path.join(os.tmpdir(), 'fixpoint-results-'));
  const resultsFile = path.join(resultsDir, 'integration.json');
  const removeResults = () => rm(resultsDir, { recursive: true, force: true });
  const unregister = onCleanup(removeResults);
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  const name = options.name ?? 'integration';
  const restricted = options.suite === 'restricted';
  const outcome: TierOutcome = { name, passes: 0, failures: 0, pending: 0, tests: [] };
  try {
    server = await startCodeServer({
      label: name,
      workspaceTrust: restricted,
      // The suites configure the endpoint themselves; a key or endpoint from the developer's shell would
      // change what they see.
      env: {
        [RESULTS_ENV]: resultsFile,
        [SUITE_ENV]: restricted ? 'restricted' : 'default',
        ...(options.grep ? { [GREP_ENV]: options.grep } : {}),
        OPENAI_API_KEY: '',
        OPENAI_BASE_URL: '',
      },
    });
    log(
      `[${name}] code-server ${server.origin}${restricted ? ' in Restricted Mode (workspace trust on, not granted)' : ''} (VS Code server log: ${server.logFile})`,
    );
    const pageErrors: string[] = [];
    browser = await launchBrowser({ log: (line) => pageErrors.push(line) });
    const url = server.workbenchUrl([
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsIndex)],
    ]);
    await browser.page.goto(url, { waitUntil: 'domcontentloaded' });
    const fallbackFile = path.join(path.dirname(server.workspace), RESULTS_FALLBACK_NAME);
    const found = await waitForFile([resultsFile, fallbackFile], options.timeoutMs ?? 240_000, server);
    if (found === fallbackFile) log(`[${name}] note: ${RESULTS_ENV} did not reach the extension host; used ${fallbackFile}`);
    if (!found) {
      const partial = await readFile(`${resultsFile}.log`, 'utf8').catch(() => '(the suites never started)');
      log(partial);
      log(`--- page errors ---\n${pageErrors.slice(-15).join('\n')}`);
      log(`--- code-server log ---\n${await server.logTail(40)}`);
      throw new Error('the integration suites did not finish in time');
    }
    const results = JSON.parse(await readFile(found, 'utf8')) as TierResults;
    log(results.output);
    if (results.fatal) log(`[${name}] runner failed: ${results.fatal}`);
    outcome.passes = results.passes;
    outcome.failures = results.failures;
    outcome.pending = results.pending;
    outcome.tests = results.tests.map(({ fullTitle, state, durationMs, error }) => ({ fullTitle, state, durationMs, error }));
    if (results.fatal) outcome.fatal = results.fatal;
    if (results.passes + results.failures === 0) {
      log(`[${name}] no test ran`);
      outcome.failures = 1;
      outcome.fatal ??= 'no test ran';
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`[${name}] FAILED: ${message}`);
    outcome.failures = Math.max(outcome.failures, 1);
    outcome.fatal = message;
  } finally {
    await browser?.close();
    await server?.stop();
    unregister();
    await removeResults();
  }
  return outcome;
}

async function waitForFile(files: string[], timeoutMs: number, server: CodeServer): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.process.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const found = files.find((f) => existsSync(f));
    if (found) return found;
    await delay(200);
  }
  return files.find((f) => existsSync(f));
}
