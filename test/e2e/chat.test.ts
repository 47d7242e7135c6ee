import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { scratchDir, screenshotsDir } from '../harness/artifacts';
import { chatFrame, fixpointIcon, openFile, resizeSideBar } from '../harness/workbench';
import { screenshotOnFailure, waitUntil, world } from './world';

const ANSWER = [
  '`average([])` divides by zero, so it returns `NaN`. Guard the empty list:',
  '',
  '```js',
  'function average(values) {',
  '  if (values.length === 0) return 0;',
  '  return values.reduce(add, 0) / values.length;',
  '}',
  '```',
  '',
  'Then run **npm test** to check it.',
].join('\n');

describe('chat in the VS Code workbench', function () {
  this.timeout(90_000);
  let chat: FrameLocator;

  afterEach(screenshotOnFailure);

  it('opens the chat from the Fixpoint icon in the activity bar', async () => {
    const { page, fake } = world();
    assert.equal(await fixpointIcon(page).isVisible(), true, 'the activity bar shows the Fixpoint icon');
    await openFile(page, 'src/calc.js'); // Something to look at next to the chat in the screenshots.
    chat = chatFrame(page);
    assert.equal(await chat.locator('.composer textarea').isVisible(), false, 'a fresh window shows the Explorer, not the chat');
    await fixpointIcon(page).click();
    await chat.locator('.composer textarea').waitFor({ state: 'visible' });
    await resizeSideBar(page, 480);
    // The header names the configured model and endpoint; the log shows the empty-state hint.
    await chat.locator('.header .model', { hasText: `fake-model · ${fake.url}` }).waitFor();
    await chat.locator('.log .empty').waitFor();
    assert.equal(await chat.locator('.stop').isVisible(), false, 'no Stop button while idle');
  });

  it('streams the answer to a prompt typed into the chat', async () => {
    const { page, fake } = world();
    fake.enqueue({ text: ANSWER, chunkSize: 6, chunkDelayMs: 15 });
    const input = chat.locator('.composer textarea');
    await input.fill('Why does average([]) fail?');
    await input.press('Enter');

    await chat.locator('.entry.user', { hasText: 'Why does average([]) fail?' }).waitFor();
    const answer = chat.locator('.entry.assistant').last();
    await chat.locator('.entry.assistant:not(.streaming)', { hasText: 'Then run npm test to check it.' }).waitFor();
    // Markdown is rendered: a code block and bold text, not raw asterisks and fences.
    assert.match(await answer.locator('pre code').innerText(), /if \(values\.length === 0\) return 0;/);
    assert.equal(await answer.locator('strong').innerText(), 'npm test');
    assert.equal(await input.inputValue(), '', 'the composer was cleared');
    // The run ends once its last step is on disk (fsync'd), a moment after the text stopped streaming.
    await chat.locator('.stop').waitFor({ state: 'hidden', timeout: 10_000 });

    const request = fake.modelRequests().at(-1)!;
    const sent = request.body.messages.at(-1) as { role: string; content: string };
    assert.equal(sent.role, 'user');
    assert.ok(sent.content.startsWith('Why does average([]) fail?'), sent.content); // The host may append context.
    await page.screenshot({ path: path.join(screenshotsDir(), 'chat.png') });
  });

  it('stops a long streamed answer when Stop is pressed', async () => {
    const { page, fake, abortedStreams } = world();
    const long = Array.from({ length: 400 }, (_, i) => `Line ${i + 1} of a very long answer.`).join('\n\n');
    fake.enqueue({ text: long, chunkSize: 12, chunkDelayMs: 40 }); // About a minute if nobody stops it.
    const requestsBefore = fake.modelRequests().length;
    const input = chat.locator('.composer textarea');
    await input.fill('Write a very long answer.');
    await input.press('Enter');

    const answer = chat.locator('.entry.assistant').last();
    await chat.locator('.entry.assistant.streaming', { hasText: 'Line 3 of' }).waitFor();
    const stop = chat.locator('.stop');
    assert.equal(await stop.isVisible(), true, 'Stop is shown while the answer streams');
    await stop.click();

    await chat.locator('.entry.notice', { hasText: 'Stopped.' }).waitFor();
    await chat.locator('.entry.assistant:not(.streaming)', { hasText: 'Line 3 of' }).waitFor();
    await stop.waitFor({ state: 'hidden' });
    assert.equal(fake.modelRequests().length, requestsBefore + 1);
    // The fake server saw the client close the stream before the end.
    await waitUntil('the fake server to see the stream closed', () => abortedStreams.includes('/v1/chat/completions'));
    const stoppedText = await answer.innerText();
    assert.ok(stoppedText.includes('Line 3 of'), 'the streamed part stays visible');
    assert.ok(!stoppedText.includes('Line 400 of'), 'the answer was cut short');
    // Nothing arrives after the stream is closed: the text stayed as it was when the Stop notice showed.
    assert.equal(await answer.innerText(), stoppedText);
    await page.screenshot({ path: path.join(scratchDir(), 'stopped.png') });

    // The chat is usable again.
    assert.equal(await chat.locator('.send').isEnabled(), true);
  });
});
