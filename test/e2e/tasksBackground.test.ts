// A background task through the real workbench: started from the chat's Background toggle, it runs in a git
// worktree of its own; the Tasks view lists it; a notification says when it has changes for review (Open shows
// it in the chat); once done, the row's Review & Apply brings its change back as a proposal in the chat. A
// background task waiting for a command's approval counts on the badge and notifies too; Allow from the
// chat runs the command once, in the task's worktree.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { freshChat, readWorkspaceFile } from './ui';
import { screenshotOnFailure, waitUntil, workspaceFile, world } from './world';

const FILE = 'from-background.txt';
const RAN = 'ran-in-background.txt';

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], {
    cwd: world().codeServer.workspace,
    encoding: 'utf8',
  });
}

/**
 * Clicks `label` on the VS Code notification whose text matches `text`: on its toast, or — toasts of
 * information messages hide after a while — in the notification centre, opened from the command palette.
 */
async function clickNotification(page: Page, text: RegExp, label: string): Promise<void> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  if (
    await toast.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  ) {
    await toast.locator('.monaco-button', { hasText: label }).first().click();
    return;
  }
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Notifications: Show Notifications');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Notifications' }).first().waitFor();
  await page.keyboard.press('Enter');
  const item = page.locator('.notifications-center .monaco-list-row', { hasText: text }).first();
  await item.waitFor({ timeout: 60_000 });
  await item.locator('.monaco-button', { hasText: label }).first().click();
}

describe('a background task in the workbench', function () {
  this.timeout(180_000);
  afterEach(screenshotOnFailure);
  before(() => {
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'fixture');
  });
  after(() => {
    rmSync(path.join(world().codeServer.workspace, '.git'), { recursive: true, force: true });
    rmSync(workspaceFile(FILE), { force: true });
  });

  /** Starts a task from the composer with the Background toggle on, then turns it off again. */
  async function startInBackground(page: Page, prompt: string): Promise<FrameLocator> {
    const chat = await freshChat(page);
    const toggle = chat.locator('.composer .background-toggle');
    await toggle.click();
    const input = chat.locator('.composer textarea');
    await input.fill(prompt);
    await input.press('Enter');
    await toggle.click(); // Off again, for the suites that follow.
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await chat.locator('.entry.notice', { hasText: /Started in the background on branch fixpoint\// }).waitFor();
    return chat;
  }
  const fixpointBadge = (page: Page) =>
    page.locator('.activitybar .action-item', { has: page.locator('a.action-label[aria-label^="Fixpoint"]') }).locator('.badge-content');

  it('starts from the chat, shows in the Tasks view, notifies, and comes back through Review & Apply', async () => {
    const { page, fake } = world();
    fake.enqueue(
      {
        toolCalls: [
          {
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: `*** Begin Patch\n*** Add File: ${FILE}\n+made in a worktree\n*** End Patch\n` }),
          },
        ],
      },
      { text: 'Added the file.' },
    );
    const chat = await startInBackground(page, 'add from-background.txt');

    // The Tasks view (collapsed until opened) lists it with its branch.
    const header = page.locator('.pane-header', { hasText: 'Tasks' }).first();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await page.locator('.monaco-list-row', { hasText: 'add from-background.txt' }).first().waitFor({ timeout: 30_000 });

    // Its edit waits for review in its own session: the Fixpoint icon's badge counts it, and the notification's
    // Open shows it in the chat.
    const badge = fixpointBadge(page);
    await waitUntil('the badge to count the waiting task', async () => (await badge.innerText().catch(() => '')) === '1', 30_000);
    await clickNotification(page, /add from-background\.txt.*has changes for your review/, 'Open');
    const proposal = chat.locator('.entry.proposal', { hasText: FILE });
    await proposal.waitFor({ timeout: 30_000 });
    await proposal
      .locator('button', { hasText: /^Accept All$|^Accept$/ })
      .first()
      .click();
    assert.equal(existsSync(workspaceFile(FILE)), false, "accepted into the task's worktree, not the user's folder");

    // Done (in view, so no notification): the row's Review & Apply brings the change back into the user's
    // folder as a proposal in the chat.
    await chat.locator('.entry.assistant', { hasText: 'Added the file.' }).waitFor({ timeout: 30_000 });
    const row = page.locator('.monaco-list-row', { hasText: 'add from-background.txt' }).first();
    await waitUntil('the row to say done', async () => /done/.test(await row.innerText()), 30_000);
    const back = chat.locator('.entry.proposal', { hasText: FILE }).last();
    // A click on a row's inline action is lost when the tree redraws the row under the pointer (seen once in
    // CI: no proposal, no error): clicked again, at most three times.
    for (let attempt = 1; ; attempt++) {
      await row.hover();
      await row.locator('.action-label[aria-label="Review & Apply"]').click();
      const shown = await back
        .locator('button', { hasText: /^Accept All$|^Accept$/ })
        .first()
        .waitFor({ timeout: 15_000 })
        .then(
          () => true,
          () => false,
        );
      if (shown) break;
      if (attempt === 3) throw new Error('Review & Apply brought no proposal into the chat after 3 clicks');
    }
    await back
      .locator('button', { hasText: /^Accept All$|^Accept$/ })
      .first()
      .click();
    await waitUntil('the file in the workspace', () => existsSync(workspaceFile(FILE)), 30_000);
    assert.equal(readWorkspaceFile(FILE), 'made in a worktree\n');
  });

  it('waiting for a command’s approval, it counts on the badge and notifies; Allow runs the command once, in its worktree', async () => {
    const { page, fake } = world();
    const command = `node -e "require('fs').appendFileSync('${RAN}', 'ran\\n')"`;
    fake.enqueue({ toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command }) }] }, { text: 'Ran it.' });
    const chat = await startInBackground(page, 'run the background command');
    await waitUntil(
      'the badge to count the task waiting for approval',
      async () =>
        (await fixpointBadge(page)
          .innerText()
          .catch(() => '')) === '1',
      30_000,
    );
    await clickNotification(page, /run the background command.*needs your approval to run a command/, 'Open');
    const card = chat.locator('.entry.approval.pending', { hasText: RAN });
    await card.waitFor({ timeout: 30_000 });
    await card.locator('button', { hasText: 'Allow once' }).click();
    await chat.locator('.entry.assistant', { hasText: 'Ran it.' }).waitFor({ timeout: 60_000 });
    const worktree = git('worktree', 'list', '--porcelain')
      .split('\n\n')
      .find((w) => /branch refs\/heads\/fixpoint\/run-the-background-command$/m.test(w));
    const top = /^worktree (.*)$/m.exec(worktree ?? '')?.[1];
    assert.ok(top, 'the task has its worktree');
    assert.equal(readFileSync(path.join(top, RAN), 'utf8'), 'ran\n', 'the command ran once, in the task’s worktree');
    assert.equal(existsSync(workspaceFile(RAN)), false, "the user's folder is not touched");
    await waitUntil(
      'the badge to clear',
      async () =>
        (await fixpointBadge(page)
          .innerText()
          .catch(() => '')) !== '1',
      30_000,
    );
  });
});
