import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { updatePatch } from '../fakes/turns';
import { screenshotsDir } from '../harness/artifacts';
import { freshChat, sendPrompt } from './ui';
import { screenshotOnFailure, workspaceFile, world } from './world';

const ORIGINAL = '  return values.reduce(add, 0) / values.length;';
const WRONG = '  return values.reduce(add, 0) / (values.length + 1);';
const RIGHT = '  return values.length === 0 ? 0 : values.reduce(add, 0) / values.length;';

/** Accepts the pending proposal on its card, then allows the check to run once. */
async function acceptAndAllow(chat: FrameLocator): Promise<void> {
  const card = chat.locator('.entry.proposal.pending').last();
  await card.locator('button', { hasText: 'Accept' }).first().click();
  const approval = chat.locator('.entry.approval.pending').last();
  await approval.locator('button', { hasText: 'Allow once' }).click();
}

describe('verification in the chat', function () {
  this.timeout(120_000);
  afterEach(screenshotOnFailure);
  const settingsFile = () => workspaceFile('.vscode/settings.json');
  const calc = () => workspaceFile('src/calc.js');
  let original: string;

  before(() => {
    original = readFileSync(calc(), 'utf8');
    mkdirSync(path.dirname(settingsFile()), { recursive: true });
    // The e2e window turns verification off in user settings; this workspace turns it back on. The model name
    // changes with it, so the chat header shows when VS Code has read the file.
    writeFileSync(
      settingsFile(),
      JSON.stringify({
        'fixpoint.verify.when': 'after-accept',
        'fixpoint.verify.command': 'node --test test/',
        'fixpoint.model': 'fake-model-verifying',
      }),
    );
  });
  after(() => {
    rmSync(path.dirname(settingsFile()), { recursive: true, force: true });
    writeFileSync(calc(), original);
  });

  it('shows the self-healing timeline: a wrong fix fails in the terminal, the agent fixes it, the rerun passes', async () => {
    const { page, fake } = world();
    const chat = await freshChat(page);
    await chat.locator('.header .model', { hasText: 'fake-model-verifying' }).waitFor();
    fake.enqueue(
      {
        toolCalls: [
          {
            id: 'wrong',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${ORIGINAL}`, `+${WRONG}`]]) }),
          },
        ],
      },
      { text: 'Fixed the empty case.' },
      {
        toolCalls: [
          {
            id: 'right',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${WRONG}`, `+${RIGHT}`]]) }),
          },
        ],
      },
      { text: 'Now the average of nothing is 0, and the test passes.' },
    );
    await sendPrompt(chat, 'Make the failing test pass.');

    await acceptAndAllow(chat);
    const timeline = chat.locator('.entry.verification');
    await timeline.locator('li.failed').first().waitFor();
    await acceptAndAllow(chat);
    await chat.locator('.entry.verification.passed').waitFor();

    const runs = await timeline.locator('ol.attempts > li').allInnerTexts();
    assert.equal(runs.length, 2, runs.join(' | '));
    assert.match(runs[0], /run 1[\s\S]*exit 1[\s\S]*average/);
    assert.match(runs[0], /fix proposed: edited src\/calc\.js/);
    assert.match(runs[1], /run 2[\s\S]*exit 0/);
    assert.match(readFileSync(calc(), 'utf8'), /values\.length === 0 \? 0/);
    await chat.locator('.entry.assistant', { hasText: 'the test passes' }).waitFor();
    await timeline.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotsDir(), 'verification.png') });
  });
});
