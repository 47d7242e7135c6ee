import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { toolTurns } from '../fakes/turns';
import { openChat, openFile } from '../harness/workbench';
import { screenshotOnFailure, waitUntil, world } from './world';

// Code block buttons and the keyboard in the real chat webview: highlighted code with Copy / Insert / Apply,
// Insert puts the code at the editor's cursor, ↑ in an empty composer brings the last prompt back.

const MARKER = 'insertedByChatUx';
const ANSWER = [
  'Add this helper:',
  '',
  '```js',
  `function ${MARKER}(values) {`,
  '  return values.length === 0 ? 0 : average(values);',
  '}',
  '```',
  '',
  'Done.',
].join('\n');

async function editorText(): Promise<string> {
  return (await world().page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

async function isFocused(chat: FrameLocator, selector: string): Promise<boolean> {
  return chat
    .locator(selector)
    .first()
    .evaluate((el) => el === el.ownerDocument.activeElement);
}

describe('chat: code blocks and keyboard', function () {
  this.timeout(90_000);
  let chat: FrameLocator;

  afterEach(screenshotOnFailure);

  it('highlights a finished code block and gives it Copy, Insert and Apply buttons', async () => {
    const { page, fake } = world();
    await openFile(page, 'src/calc.js');
    chat = await openChat(page);
    await chat.locator('.new-task').click();
    fake.enqueue({ text: ANSWER, chunkSize: 5, chunkDelayMs: 10 });
    const input = chat.locator('.composer textarea');
    await input.fill('Write a safe average helper.');
    await input.press('Enter');

    const answer = chat.locator('.entry.assistant:not(.streaming)', { hasText: 'Done.' });
    await answer.waitFor();
    const block = answer.locator('.code-block');
    // Highlighted lazily once visible: keyword spans from highlight.js (classes only; the CSP allows no inline style).
    await block.locator('code.hljs .hljs-keyword').first().waitFor();
    assert.equal((await block.locator('code').innerText()).trimEnd(), ANSWER.split('\n').slice(3, 6).join('\n'));
    assert.equal(await block.locator('[style]').count(), 0, 'no inline styles');
    const labels = await block.locator('.code-actions button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(labels, ['Copy code', 'Insert code at the cursor', 'Apply code to the active editor (reviewable)']);
    assert.equal(await block.locator('.code-actions').getAttribute('role'), 'toolbar');
  });

  it('Copy puts the code on the clipboard', async () => {
    const { page, browser } = world();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const copy = chat.locator('.entry.assistant .code-actions button[data-op="copy"]').last();
    await copy.click();
    await waitUntil('the Copy button to confirm', async () => (await copy.innerText()) === 'Copied');
    const clipboard = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    assert.match(clipboard, new RegExp(`^function ${MARKER}\\(values\\) \\{`));
  });

  it('Insert puts the code at the cursor of the editor, and the focus goes back to the composer', async () => {
    const { page } = world();
    // The cursor at the end of calc.js.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    assert.ok(!(await editorText()).includes(MARKER));

    await chat.locator('.entry.assistant .code-actions button[data-op="insert"]').last().click();
    await waitUntil('the code in the editor', async () => (await editorText()).includes(`function ${MARKER}(values) {`));
    assert.equal(await isFocused(chat, '.composer textarea'), true, 'the composer has the focus again');

    // Leave calc.js as it was for the suites after this one.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Z');
    await waitUntil('the insertion undone', async () => !(await editorText()).includes(MARKER));
    await page.keyboard.press('Control+S');
  });

  it('↑ in an empty composer brings back the last prompt for editing', async () => {
    const input = chat.locator('.composer textarea');
    await input.fill('');
    await input.focus();
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'Write a safe average helper.');
    // With text in the composer, ↑ moves the caret as usual and changes nothing.
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'Write a safe average helper.');
    await input.fill('');
  });

  it('an approval card takes the focus; a typed letter goes to the composer, not to the card', async () => {
    const { fake } = world();
    await chat.locator('.new-task').click();
    fake.enqueue(...toolTurns('call_ux', 'run_command', { command: 'npm run chat-ux' }, 'Not run.'));
    const input = chat.locator('.composer textarea');
    await input.fill('Run echo.');
    await input.press('Enter');
    const card = chat.locator('.entry.approval.pending');
    await card.waitFor();
    await waitUntil('the card to take the focus', () => isFocused(chat, '.entry.approval.pending button'));
    assert.equal(await chat.locator('.entry.approval.pending button').first().innerText(), 'Allow once');
    // Someone who starts typing is not answering the card: the letter lands in the composer.
    await chat.locator('.entry.approval.pending button').first().press('x');
    assert.equal(await isFocused(chat, '.composer textarea'), true);
    assert.equal(await input.inputValue(), 'x');
    assert.equal(await card.count(), 1, 'the card is still waiting');
    await input.fill('');
    await chat.locator('.entry.approval.pending button', { hasText: 'Deny' }).click();
    await chat.locator('.entry.approval.denied').waitFor();
    await chat.locator('.entry.assistant', { hasText: 'Not run.' }).waitFor();
    assert.equal(await isFocused(chat, '.composer textarea'), true, 'the focus is back in the composer');
    // The tool card says what it was and how it ended, in one phrase (a denied command is a failed tool call).
    const label = await chat.locator('.entry.tool summary').last().getAttribute('aria-label');
    assert.match(label ?? '', /^Tool run_command, .*: (failed|done)/);
  });

  it('the log and tool cards are labelled for screen readers', async () => {
    const log = chat.locator('.log');
    assert.equal(await log.getAttribute('role'), 'log');
    assert.equal(await log.getAttribute('aria-label'), 'Conversation');
    assert.equal(await chat.locator('.entry.assistant[aria-busy="true"]').count(), 0, 'no answer is still marked busy');
  });
});
