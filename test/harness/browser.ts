// Headless Debian Chromium driven by playwright-core (no browser download), closed on every exit path.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onCleanup } from './processes';

export const CHROMIUM_PATH = process.env.FIXPOINT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; log?: (line: string) => void } = {},
): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // The harness owns signal handling (processes.ts) and closes the browser itself.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    await browser.close().catch(() => undefined);
  };
  const unregister = onCleanup(close);
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    if (options.log) {
      const log = options.log;
      page.on('pageerror', (err) => log(`[page error] ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') log(`[console] ${msg.text()}`);
      });
    }
    return { browser, context, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export type { Page };
