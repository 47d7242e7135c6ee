import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toolResult, toolTurns, updatePatch } from '../fakes/turns';
import { screenshotsDir } from '../harness/artifacts';
import { openFile } from '../harness/workbench';
import { freshChat, waitForFileContent } from './ui';
import { screenshotOnFailure, waitUntil, workspaceFile, world } from './world';

/** Invalid JSON (a trailing comma): VS Code's built-in JSON language features report it, offline. */
const BROKEN = '{\n  "name": "fixture",\n  "port": 8080,\n}\n';
const FIXED = '{\n  "name": "fixture",\n  "port": 8080\n}\n';

describe('"Ask agent to fix" from the lightbulb', function () {
  this.timeout(90_000);
  afterEach(screenshotOnFailure);

  it('the lightbulb menu on a real diagnostic offers "Fixpoint: Ask agent to fix", and choosing it produces a proposal', async () => {
    const { page, fake } = world();
    const chat = await freshChat(page);
    writeFileSync(workspaceFile('src/server-config.json'), BROKEN);
    await openFile(page, 'src/server-config.json');

    // The JSON language server underlines the trailing comma.
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const squiggle = editor.locator('.squiggly-error');
    await squiggle.first().waitFor();
    // Put the cursor on the problem, as a user clicking it would; the lightbulb appears.
    await editor.locator('.view-line', { hasText: '"port": 8080,' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    const lightbulb = page.locator('.lightBulbWidget');
    await lightbulb.waitFor({ state: 'visible' });
    await lightbulb.click();

    const menu = page.locator('.action-widget');
    const fix = menu.locator('.monaco-list-row', { hasText: 'Fixpoint: Ask agent to fix' });
    await fix.waitFor();
    await page.screenshot({ path: path.join(screenshotsDir(), 'quickfix.png') });

    fake.enqueue(
      ...toolTurns(
        'call_qf',
        'apply_patch',
        { patch: updatePatch('src/server-config.json', [['   "name": "fixture",', '-  "port": 8080,', '+  "port": 8080', ' }']]) },
        'Removed the trailing comma.',
      ),
    );
    const before = fake.modelRequests().length;
    await fix.click();

    // The fix arrives as a proposal in the chat (and the inline review editor); nothing written yet.
    const row = chat.locator('.entry.proposal.pending .file', { hasText: 'src/server-config.json' });
    await row.waitFor();
    await page.locator('.tabs-container .tab.active', { hasText: 'server-config.json' }).waitFor();
    const request = fake.modelRequests()[before];
    assert.equal(request.body.model, 'fake-fast-model', 'quick fixes go to the fast model');
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    const ask = messages.filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(ask, /trailing comma/i, 'the request carries the diagnostic');
    assert.ok(ask.includes('"port": 8080,'), 'and the code around it');

    // Accept from the card: the file is fixed and the squiggle goes away.
    await row.locator('button', { hasText: 'Accept' }).click();
    await waitForFileContent('src/server-config.json', FIXED);
    await waitUntil('the tool result', () => toolResult(fake, 'call_qf') !== undefined);
    await chat.locator('.entry.assistant', { hasText: 'Removed the trailing comma.' }).waitFor();
    await page.locator('.tabs-container .tab', { hasText: 'server-config.json' }).first().click();
    await squiggle.first().waitFor({ state: 'detached' });
  });
});
