import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeTaskFiles } from '../../../src/node/taskFiles';
import { createAgentHarness, type AgentHarness, patchArgs as patch } from './harness';

describe('crash recovery', () => {
  const harnesses: AgentHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.server.close().catch(() => undefined);
  });

  it('SAFETY §28: after a reload nothing auto-applies; the proposal waits for review, and answering it continues the task', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-reload-')));
    fs.writeFileSync(path.join(root, 'a.txt'), 'one\ntwo\n');
    const tasks = { files: new NodeTaskFiles(path.join(root, '.state')) };
    const first = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(first);
    first.server.enqueue({
      text: 'Editing.',
      toolCalls: [{ id: 'edit', name: 'apply_patch', arguments: patch('*** Update File: a.txt\n one\n-two\n+TWO\n') }],
    });
    let proposed!: () => void;
    const proposalShown = new Promise<void>((resolve) => (proposed = resolve));
    first.onProposal = () => proposed();
    const running = first.session.prompt('capitalise two');
    await proposalShown;
    await first.session.shutdown(); // what deactivate() does when the window reloads
    await running;
    assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'one\ntwo\n', 'nothing applied');

    const second = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(second);
    assert.equal(await second.session.restore(), true);
    const proposal = second.entries('proposal')[0];
    assert.ok(proposal?.kind === 'proposal' && proposal.state === 'pending', 'the proposal is back, pending');
    assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'one\ntwo\n', 'still nothing applied after restore');
    assert.deepEqual(second.session.tasks.current().status, 'waiting');
    assert.ok(second.entries('notice').some((e) => e.kind === 'notice' && /waiting for your review/.test(e.text)));

    second.server.enqueue({ text: 'Resumed.' });
    const answered = second.session.whenAnswered();
    assert.ok(answered, 'the task waits on the review');
    second.session.review(proposal.id, undefined, true);
    assert.equal(await answered, 'answered');
    assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'one\nTWO\n');
    const messages = second.server.modelRequests()[0].body.messages as Array<{ role: string; content: string; tool_call_id?: string }>;
    const result = messages.find((m) => m.role === 'tool' && m.tool_call_id === 'edit');
    assert.match(result?.content ?? '', /a\.txt: all 1 hunk/, 'the review is the result of the call that proposed it');
    assert.equal(second.session.tasks.current().status, 'done');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a damaged snapshot starts a fresh session instead of failing', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-reload-')));
    fs.mkdirSync(path.join(root, '.state'));
    fs.writeFileSync(path.join(root, '.state', 'session.json'), '{"version": 1, "entr');
    const h = await createAgentHarness({}, {}, { root, tasks: { files: new NodeTaskFiles(path.join(root, '.state')) } });
    harnesses.push(h);
    assert.equal(await h.session.restore(), false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('task history', () => {
  it('lists past tasks with title, files and outcome; opens, renames, exports and deletes them', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-history-')));
    fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
    const h = await createAgentHarness({}, {}, { root, tasks: { files: new NodeTaskFiles(path.join(root, '.state')) } });
    try {
      h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
      h.server.enqueue(
        {
          toolCalls: [
            {
              name: 'apply_patch',
              arguments: JSON.stringify({ patch: '*** Begin Patch\n*** Update File: a.txt\n-a\n+b\n*** End Patch\n' }),
            },
          ],
        },
        { text: 'Edited a.txt.' },
      );
      await h.session.prompt('first task: edit a.txt');
      await h.session.save();
      h.session.newTask();
      h.server.enqueue({ text: 'Second answer.' });
      await h.session.prompt('second task');
      await h.session.save();

      const items = await h.session.tasks.items();
      assert.deepEqual(
        items.map((i) => [i.title, i.current, i.status]),
        [
          ['second task', true, 'done'],
          ['first task: edit a.txt', false, 'done'],
        ],
      );
      assert.deepEqual(items[1].filesTouched, ['a.txt']);

      assert.equal(await h.session.restore(items[1].id), true);
      assert.ok(h.entries('assistant').some((e) => e.kind === 'assistant' && e.text === 'Edited a.txt.'));
      await h.session.tasks.rename(items[1].id, 'Edit a');
      const markdown = await h.session.tasks.exportMarkdown(items[1].id);
      assert.match(markdown ?? '', /^# Edit a\n\n## You\n\nfirst task: edit a\.txt/);
      assert.match(markdown ?? '', /- a\.txt \(\+1 −1\): accepted/);
      await h.session.deleteTask(items[0].id);
      assert.deepEqual(
        (await h.session.tasks.items()).map((i) => i.title),
        ['Edit a'],
      );
    } finally {
      await h.server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
