// Durable tasks through the real workbench: the window reloads in the middle of a task (the extension host
// goes away and comes back, as after Developer: Reload Window or a crash), and the task goes on from its last
// recorded step — through the Resume button, or by answering the approval it was waiting for.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import type { FrameLocator } from 'playwright-core';
import { openChat, openWorkbench } from '../harness/workbench';
import { freshChat, readWorkspaceFile, sendPrompt } from './ui';
import { screenshotOnFailure, waitUntil, workspaceFile, world } from './world';

/** Reloads the workbench and opens the chat again (the extension is activated anew and restores the task). */
async function reload(): Promise<FrameLocator> {
  const { page } = world();
  await openWorkbench(page, page.url());
  return openChat(page);
}

describe('durable tasks across a window reload', function () {
  this.timeout(180_000);
  afterEach(screenshotOnFailure);
  after(() => rmSync(workspaceFile('resumed.txt'), { force: true }));

  it('a task cut off by a reload mid-run shows Resume; resuming finishes it from the last step', async () => {
    const { page, fake } = world();
    let chat = await freshChat(page);
    const before = fake.modelRequests().length;
    fake.enqueue(
      { toolCalls: [{ id: 'peek', name: 'read_file', arguments: JSON.stringify({ path: 'src/calc.js' }) }] },
      // The model is still "thinking" about the file when the window reloads.
      { text: 'This answer never arrives', stallAfterChunks: 1 },
    );
    await sendPrompt(chat, 'Explain src/calc.js');
    await waitUntil('the second model request', () => fake.modelRequests().length >= before + 2, 30_000);

    chat = await reload();
    const card = chat.locator('.entry.resume');
    await card.waitFor({ timeout: 60_000 });
    assert.match(await card.innerText(), /Interrupted when VS Code closed/);
    await chat.locator('.entry.user', { hasText: 'Explain src/calc.js' }).waitFor();

    fake.enqueue({ text: 'calc.js adds and averages numbers.' });
    await card.locator('button', { hasText: 'Resume' }).click();
    await chat.locator('.entry.assistant:not(.streaming)', { hasText: 'calc.js adds and averages numbers.' }).waitFor({ timeout: 60_000 });
    await card.locator('button').waitFor({ state: 'detached' });
    const last = fake.modelRequests().at(-1)!.body.messages as Array<{ role: string; tool_call_id?: string; content: string }>;
    const result = last.find((m) => m.role === 'tool' && m.tool_call_id === 'peek');
    assert.match(result?.content ?? '', /function/, 'the file as read before the reload is sent again, not read twice');
    assert.equal(fake.modelRequests().filter((r) => JSON.stringify(r.body).includes('Explain src/calc.js')).length, 3);
  });

  it('an approval pending across a reload is still pending; allowing it runs the command once and the task goes on', async () => {
    const { page, fake } = world();
    let chat = await freshChat(page);
    const command = `node -e "require('fs').appendFileSync('resumed.txt', 'ran')"`;
    fake.enqueue({ toolCalls: [{ id: 'write', name: 'run_command', arguments: JSON.stringify({ command }) }] });
    await sendPrompt(chat, 'Write resumed.txt');
    await chat.locator('.entry.approval.pending').waitFor();

    chat = await reload();
    const card = chat.locator('.entry.approval.pending');
    await card.waitFor({ timeout: 60_000 });
    assert.equal(existsSync(workspaceFile('resumed.txt')), false, 'nothing ran before the approval');

    fake.enqueue({ text: 'resumed.txt is written.' });
    await card.locator('button', { hasText: 'Allow once' }).click();
    await chat.locator('.entry.assistant:not(.streaming)', { hasText: 'resumed.txt is written.' }).waitFor({ timeout: 60_000 });
    await waitUntil('the command to have run', () => existsSync(workspaceFile('resumed.txt')));
    assert.equal(readWorkspaceFile('resumed.txt'), 'ran', 'ran exactly once');
    assert.equal(await chat.locator('.entry.approval').count(), 1, 'the answer on the restored card was used, no second card');
  });
});
