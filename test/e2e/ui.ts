// Small steps the e2e suites share: a fresh task in the chat, typing a prompt, waiting for a file's bytes.
import { readFileSync } from 'node:fs';
import type { FrameLocator, Page } from 'playwright-core';
import { openChat } from '../harness/workbench';
import { waitUntil, workspaceFile } from './world';

/** Opens the chat (if hidden), hides the first-run setup card, and starts a new task with New Task. */
export async function freshChat(page: Page): Promise<FrameLocator> {
  const chat = await openChat(page);
  // The settings already point at the fake server; the onboarding card would only take room in screenshots.
  const setupHide = chat.locator('.setup button.dismiss');
  if (await setupHide.isVisible()) {
    await setupHide.click();
    await setupHide.waitFor({ state: 'hidden' });
  }
  // The previous test's turn may still be closing: the composer ignores Enter while the agent works.
  await chat.locator('.composer .stop').waitFor({ state: 'hidden' });
  await chat.locator('.composer .new-task').click();
  await chat.locator('.log .empty').waitFor();
  await chat.locator('.composer .send:not([disabled])').waitFor();
  return chat;
}

/** Types `text` into the composer and presses Enter. */
export async function sendPrompt(chat: FrameLocator, text: string): Promise<void> {
  const input = chat.locator('.composer textarea');
  await input.fill(text);
  await input.press('Enter');
  await chat
    .locator('.entry.user', { hasText: text.split('\n')[0] })
    .last()
    .waitFor();
}

export function readWorkspaceFile(relative: string): string {
  return readFileSync(workspaceFile(relative), 'utf8');
}

/** Waits until the file on disk holds exactly `expected`. */
export async function waitForFileContent(relative: string, expected: string): Promise<void> {
  await waitUntil(`${relative} to be written`, () => {
    try {
      return readWorkspaceFile(relative) === expected;
    } catch {
      return false;
    }
  });
}
