// What the e2e suites share: a fake model server in this process, a code-server whose user settings point
// Fixpoint at it, and a headless Chromium showing the workbench with the extension under development loaded.
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Context } from 'mocha';
import type { Page } from 'playwright-core';
import { scratchDir } from '../harness/artifacts';
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
  /**
   * Every request the browser issued, from any frame (webviews included) or service worker, in order: what the
   * SAFETY §20 test checks for requests leaving the machine.
   */
  requests: LoggedRequest[];
}

export interface LoggedRequest {
  url: string;
  resourceType: string;
  /** URL of the frame that issued it ('' for a service worker or when unknown). */
  frameUrl: string;
  fromServiceWorker: boolean;
  /** How it ended: answered by the network, answered by a service worker (a webview's resource loader), failed. */
  outcome?: 'network' | 'service-worker' | 'failed';
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
      settings: {
        'fixpoint.baseUrl': fake.url,
        'fixpoint.model': 'fake-model',
        'fixpoint.fastModel': 'fake-fast-model',
        // Accepted edits would be checked with the fixture's failing `npm test`, and the agent asked to fix it:
        // the e2e suites script review, not that loop (covered by the verify tests).
        'fixpoint.verify.when': 'off',
      },
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    const pageErrors: string[] = [];
    browser = await launchBrowser({ log: (line) => pageErrors.push(line) });
    const requests: World['requests'] = [];
    browser.context.on('request', (request) => {
      let frameUrl = '';
      try {
        frameUrl = request.frame().url();
      } catch {
        // Service worker requests have no frame.
      }
      const entry: LoggedRequest = {
        url: request.url(),
        resourceType: request.resourceType(),
        frameUrl,
        fromServiceWorker: request.serviceWorker() !== null,
      };
      requests.push(entry);
      byRequest.set(request, entry);
    });
    const byRequest = new WeakMap<object, LoggedRequest>();
    browser.context.on('requestfinished', (request) => {
      const entry = byRequest.get(request);
      if (entry)
        void request.response().then(
          (r) => (entry.outcome = r?.fromServiceWorker() ? 'service-worker' : 'network'),
          () => (entry.outcome = 'network'),
        );
    });
    browser.context.on('requestfailed', (request) => {
      const entry = byRequest.get(request);
      if (entry) entry.outcome = 'failed';
    });
    await openWorkbench(browser.page, codeServer.workbenchUrl([['extensionDevelopmentPath', codeServer.remoteUri(repoRoot)]]));
    current = { fake, codeServer, browser, page: browser.page, abortedStreams, pageErrors, requests };
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
  if (process.env.FIXPOINT_DUMP_REQUESTS === '1') {
    for (const r of w.requests)
      if (!/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(r.url))
        console.log(
          `[request] ${r.resourceType} ${r.url.slice(0, 150)} from ${r.frameUrl.slice(0, 100)}${r.fromServiceWorker ? ' (sw)' : ''} → ${r.outcome ?? '?'}`,
        );
  }
  await w.browser.close();
  await w.codeServer.stop();
  await w.fake.close();
}

/** mocha afterEach: on failure, a screenshot (outside the tree) and the last page errors. */
export async function screenshotOnFailure(this: Context): Promise<void> {
  if (this.currentTest?.state !== 'failed' || !current) return;
  const file = path.join(scratchDir(), `failure-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 80)}.png`);
  await current.page.screenshot({ path: file }).catch(() => undefined);
  console.log(`    screenshot: ${file}\n    page errors:\n${current.pageErrors.slice(-10).join('\n')}`);
}

/** Polls `check` until it holds (mocha's timeout is the safety net; this is a wait, not a timed assertion). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Absolute path of a file in the workspace the window has open. */
export function workspaceFile(relative: string): string {
  return path.join(world().codeServer.workspace, ...relative.split('/'));
}

/** Loopback: where the workbench, the fake model server and nothing else lives. */
export function isLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'blob:' || protocol === 'data:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}
