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
import { RESULTS_ENV, RESULTS_FALLBACK_NAME, type TierResults } from './results';

export interface TierOutcome {
  name: string;
  passes: number;
  failures: number;
  pending: number;
}

export interface IntegrationOptions {
  /** Compiled test index loaded as extensionTestsPath. */
  testsIndex?: string;
  /** Safety net for the whole tier once the page is loading. */
  timeoutMs?: number;
  log?: (line: string) => void;
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
  const outcome: TierOutcome = { name: 'integration', passes: 0, failures: 0, pending: 0 };
  try {
    server = await startCodeServer({
      label: 'integration',
      // The suites configure the endpoint themselves; a key or endpoint from the developer's shell would
      // change what they see.
      env: { [RESULTS_ENV]: resultsFile, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    log(`[integration] code-server ${server.origin} (VS Code server log: ${server.logFile})`);
    const pageErrors: string[] = [];
    browser = await launchBrowser({ log: (line) => pageErrors.push(line) });
    const url = server.workbenchUrl([
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsIndex)],
    ]);
    await browser.page.goto(url, { waitUntil: 'domcontentloaded' });
    const fallbackFile = path.join(path.dirname(server.workspace), RESULTS_FALLBACK_NAME);
    const found = await waitForFile([resultsFile, fallbackFile], options.timeoutMs ?? 240_000, server);
    if (found === fallbackFile) log(`[integration] note: ${RESULTS_ENV} did not reach the extension host; used ${fallbackFile}`);
    if (!found) {
      const partial = await readFile(`${resultsFile}.log`, 'utf8').catch(() => '(the suites never started)');
      log(partial);
      log(`--- page errors ---\n${pageErrors.slice(-15).join('\n')}`);
      log(`--- code-server log ---\n${await server.logTail(40)}`);
      throw new Error('the integration suites did not finish in time');
    }
    const results = JSON.parse(await readFile(found, 'utf8')) as TierResults;
    log(results.output);
    if (results.fatal) log(`[integration] runner failed: ${results.fatal}`);
    outcome.passes = results.passes;
    outcome.failures = results.failures;
    outcome.pending = results.pending;
    if (results.passes + results.failures === 0) {
      log('[integration] no test ran');
      outcome.failures = 1;
    }
  } catch (err) {
    log(`[integration] FAILED: ${err instanceof Error ? err.message : String(err)}`);
    outcome.failures = Math.max(outcome.failures, 1);
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
