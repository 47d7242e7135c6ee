import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toolResult, toolTurns, updatePatch } from '../fakes/turns';
import { screenshotsDir } from '../harness/artifacts';
import { freshChat, readWorkspaceFile, sendPrompt, waitForFileContent } from './ui';
import { screenshotOnFailure, waitUntil, workspaceFile, world } from './world';

/** A small module with two functions far enough apart that a patch touching both has two hunks. */
const MODULE = [
  "'use strict';",
  '',
  '/** Formats a price in cents as dollars. */',
  'function formatPrice(cents) {',
  '  return "$" + cents / 100;',
  '}',
  '',
  '/** Tax rate used by the checkout. */',
  'const TAX_RATE = 0.2;',
  '',
  '/** Unused helpers kept for the old API. */',
  'function legacyA() {',
  '  return 1;',
  '}',
  '',
  'function legacyB() {',
  '  return 2;',
  '}',
  '',
  '/** Adds tax to a price in cents. */',
  'function withTax(cents) {',
  '  return cents * (1 + TAX_RATE);',
  '}',
  '',
  'module.exports = { formatPrice, withTax };',
  '',
].join('\n');

const HUNK_PRICE = [
  ' /** Formats a price in cents as dollars. */',
  ' function formatPrice(cents) {',
  '-  return "$" + cents / 100;',
  '+  return "$" + (cents / 100).toFixed(2);',
  ' }',
];
const HUNK_TAX = [' function withTax(cents) {', '-  return cents * (1 + TAX_RATE);', '+  return Math.round(cents * (1 + TAX_RATE));', ' }'];
const PRICE_FIXED = MODULE.replace('return "$" + cents / 100;', 'return "$" + (cents / 100).toFixed(2);');
const TAX_FIXED = MODULE.replace('return cents * (1 + TAX_RATE);', 'return Math.round(cents * (1 + TAX_RATE));');

describe('reviewing a proposal in the workbench', function () {
  this.timeout(90_000);
  afterEach(screenshotOnFailure);

  it('Accept on the chat proposal card writes the file', async () => {
    const { page, fake } = world();
    writeFileSync(workspaceFile('src/price.js'), MODULE);
    const chat = await freshChat(page);
    fake.enqueue(...toolTurns('call_card', 'apply_patch', { patch: updatePatch('src/price.js', [HUNK_PRICE, HUNK_TAX]) }, 'Both fixed.'));
    await sendPrompt(chat, 'Format prices with two decimals and round the tax.');

    const card = chat.locator('.entry.proposal.pending');
    const row = card.locator('.file', { hasText: 'src/price.js' });
    await row.locator('button', { hasText: 'Accept' }).waitFor();
    assert.match(await row.locator('.counts').innerText(), /\+2 −2/, 'the card counts the added and removed lines');
    assert.equal(readWorkspaceFile('src/price.js'), MODULE, 'nothing is written while the card waits');
    assert.equal(fake.modelRequests().at(-1)?.body.model, 'fake-model', 'a prompt typed in the chat uses fixpoint.model');
    // The inline review editor opened next to the chat.
    await page.locator('.tabs-container .tab', { hasText: 'price.js' }).first().waitFor();
    await page.screenshot({ path: path.join(screenshotsDir(), 'proposal.png') });

    await row.locator('button', { hasText: 'Accept' }).click();
    await waitForFileContent(
      'src/price.js',
      MODULE.replace('return "$" + cents / 100;', 'return "$" + (cents / 100).toFixed(2);').replace(
        'return cents * (1 + TAX_RATE);',
        'return Math.round(cents * (1 + TAX_RATE));',
      ),
    );
    await chat.locator('.entry.proposal.decided .file.accepted', { hasText: 'src/price.js' }).waitFor();
    await chat.locator('.entry.assistant', { hasText: 'Both fixed.' }).waitFor();
    assert.match(toolResult(fake, 'call_card') ?? '', /all 2 hunk\(s\) accepted and written/);
  });

  it('the Accept CodeLens of one hunk in the review editor writes that hunk only', async () => {
    const { page, fake } = world();
    writeFileSync(workspaceFile('src/tax.js'), MODULE);
    const chat = await freshChat(page);
    fake.enqueue(
      ...toolTurns('call_lens', 'apply_patch', { patch: updatePatch('src/tax.js', [HUNK_PRICE, HUNK_TAX]) }, 'Review the two hunks.'),
    );
    await sendPrompt(chat, 'Format prices with two decimals and round the tax.');
    await chat.locator('.entry.proposal.pending').waitFor();

    // The read-only review editor: added and removed lines decorated, Accept | Reject above each hunk.
    const editor = page
      .locator('.editor-instance .monaco-editor')
      .filter({ has: page.locator('.codelens-decoration') })
      .first();
    const acceptFirst = editor.locator('.codelens-decoration a', { hasText: 'Accept (1/2)' });
    await acceptFirst.waitFor();
    await editor.locator('.codelens-decoration a', { hasText: 'Accept (2/2)' }).waitFor();
    await page.locator('.tabs-container .tab.active', { hasText: 'tax.js' }).waitFor();
    await page.screenshot({ path: path.join(screenshotsDir(), 'review.png') });

    await acceptFirst.click();
    await editor.locator('.codelens-decoration', { hasText: 'Accepted (1/2)' }).waitFor(); // A label now, not a link.
    assert.equal(readWorkspaceFile('src/tax.js'), MODULE, 'nothing written until every hunk is decided');
    // Hunk 2: its Reject lens (the only Reject left).
    await editor.locator('.codelens-decoration a', { hasText: /^\s*Reject\s*$/ }).click();

    await waitForFileContent('src/tax.js', PRICE_FIXED);
    await waitUntil('the tool result', () => toolResult(fake, 'call_lens') !== undefined);
    assert.match(toolResult(fake, 'call_lens') ?? '', /hunks 1 accepted; 2 rejected/);
    await chat.locator('.entry.assistant', { hasText: 'Review the two hunks.' }).waitFor();
    assert.notEqual(readWorkspaceFile('src/tax.js'), TAX_FIXED);
  });
});
