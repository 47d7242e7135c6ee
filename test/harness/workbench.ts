// Driving the real VS Code workbench in Chromium: open it, open the Fixpoint view from the activity bar, and
// reach into the chat webview. VS Code renders a webview as two nested iframes: an outer `iframe.webview`
// (the host page pre/index.html, whose src names the extension) and, inside it, `iframe#active-frame`
// holding the extension's HTML.
import * as path from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { EXTENSION_ID } from './constants';

export const WORKBENCH_TIMEOUT_MS = 90_000;

/** Loads the workbench at `url` and waits until the activity bar shows the Fixpoint icon. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.monaco-workbench').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  await fixpointIcon(page).waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
}

/** The Fixpoint entry in the activity bar (its label is the view container's title). */
export function fixpointIcon(page: Page): Locator {
  return page.locator('.activitybar .action-item a.action-label[aria-label="Fixpoint"]');
}

/** The chat webview's document, as a FrameLocator (what tests click and type into). */
export function chatFrame(page: Page): FrameLocator {
  return page.frameLocator(`iframe.webview[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('#active-frame');
}

/**
 * Opens the Fixpoint view from its activity-bar icon and waits until the chat is usable. A restored window may
 * bring the view back by itself while it loads, and a click on an active container's icon closes the side
 * bar: so the icon is clicked only while its container is not the active one, until the composer shows.
 */
export async function openChat(page: Page): Promise<FrameLocator> {
  const chat = chatFrame(page);
  const textarea = chat.locator('.composer textarea');
  const item = page.locator('.activitybar .action-item', { has: page.locator('a.action-label[aria-label="Fixpoint"]') });
  const deadline = Date.now() + WORKBENCH_TIMEOUT_MS;
  while (!(await textarea.isVisible().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the Fixpoint chat did not open');
    const active = /\bchecked\b/.test((await item.getAttribute('class').catch(() => '')) ?? '');
    if (!active) await fixpointIcon(page).click();
    await textarea.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
  }
  return chat;
}

/** The chat webview's inner document as a Frame, for `evaluate` (e.g. installing a MutationObserver). */
export async function chatFrameHandle(page: Page): Promise<Frame> {
  const outer = await page.locator(`iframe.webview[src*="extensionId=${EXTENSION_ID}"]`).elementHandle({ timeout: WORKBENCH_TIMEOUT_MS });
  const outerFrame = await outer?.contentFrame();
  const inner = await outerFrame?.locator('#active-frame').elementHandle({ timeout: WORKBENCH_TIMEOUT_MS });
  const frame = await inner?.contentFrame();
  if (!frame) throw new Error('the Fixpoint chat webview frame was not found');
  return frame;
}

/** Opens a workspace file in the editor through Quick Open, as a user would (Ctrl+P). */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 700, y: 400 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) })
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${path.basename(relativePath)}"]`).waitFor();
}

/** Drags the side bar's right edge to make it `width` pixels wide. */
export async function resizeSideBar(page: Page, width: number): Promise<void> {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const edgeX = sidebar.x + sidebar.width;
  const y = sidebar.y + sidebar.height / 2;
  await page.mouse.move(edgeX, y);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + width, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(sidebar.x + width + 300, y); // Off the sash, so it is not drawn highlighted.
}
