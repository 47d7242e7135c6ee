// What the e2e suites share: a fake model server in this process, a code-server whose user settings point
// Fixpoint at it, and a headless Chromium showing the workbench with the extension under development loaded.
import type * as http from 'node:http';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from '../harness/browser';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { repoRoot } from '../harness/env';
import { openWorkbench } from '../harness/workbench';
import { FakeOpenAIServer } from '../fakes/openaiServer';

export interface World {
  fake: FakeOpenAIServer;
  codeServer: CodeServer;
  browser: BrowserSession;
  page: Page;
  /** Paths of model requests whose response the client closed before it was complete. */
  abortedStreams: string[];
  /** Browser console errors and page errors, shown when a test fails. */
  pageErrors: string[];
}

let current: World | undefined;

export function world(): World {
  if (!current) throw new Error('the e2e world is not started (run through the harness or with --require out/test/e2e/hooks.js)');
  return current;
}

export async function startWorld(): Promise<World> {
  const fake = await FakeOpenAIServer.start();
  const abortedStreams: string[] = [];
  // The fake does not report client aborts itself; watch its http.Server for responses closed early.
  const httpServer = (fake as unknown as { server: http.Server }).server;
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.on('close', () => {
      if (!res.writableFinished) abortedStreams.push(req.url ?? '');
    });
  });
  let codeServer: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  try {
    codeServer = await startCodeServer({
      label: 'e2e',
      settings: { 'fixpoint.baseUrl': fake.url, 'fixpoint.model': 'fake-model' },
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    const pageErrors: string[] = [];
    browser = await launchBrowser({ log: (line) => pageErrors.push(line) });
    await openWorkbench(browser.page, codeServer.workbenchUrl([['extensionDevelopmentPath', codeServer.remoteUri(repoRoot)]]));
    current = { fake, codeServer, browser, page: browser.page, abortedStreams, pageErrors };
    return current;
  } catch (err) {
    await browser?.close();
    await codeServer?.stop();
    await fake.close();
    throw err;
  }
}

export async function stopWorld(): Promise<void> {
  const w = current;
  current = undefined;
  if (!w) return;
  await w.browser.close();
  await w.codeServer.stop();
  await w.fake.close();
}
