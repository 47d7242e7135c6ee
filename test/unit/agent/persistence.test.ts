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

  it('an approval pending across a reload is still pending; allowing it runs the command then, once, and the task goes on', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-reload-')));
    const tasks = { files: new NodeTaskFiles(path.join(root, '.state')) };
    const first = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(first);
    const command = `node -e "require('fs').appendFileSync('ran.txt', 'x')"`;
    first.server.enqueue({ toolCalls: [{ id: 'cmd', name: 'run_command', arguments: JSON.stringify({ command }) }] });
    let asked!: () => void;
    const approvalShown = new Promise<void>((resolve) => (asked = resolve));
    first.onApproval = () => asked(); // Nobody answers before the window reloads.
    const running = first.session.prompt('write ran.txt');
    await approvalShown;
    await first.session.shutdown();
    await running;
    assert.equal(fs.existsSync(path.join(root, 'ran.txt')), false, 'the command did not run');

    const second = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(second);
    second.onApproval = () => undefined;
    assert.equal(await second.session.restore(), true);
    const card = second.entries('approval')[0];
    assert.ok(card?.kind === 'approval' && card.state === 'pending', 'the approval card is back, pending');
    assert.equal(second.session.tasks.current().status, 'waiting');
    assert.equal(second.session.tasks.current().waitingFor, 'approval');
    second.server.enqueue({ text: 'Wrote it.' });
    const answered = second.session.whenAnswered();
    second.session.approve(card.id, 'once');
    assert.equal(await answered, 'answered');
    assert.equal(fs.readFileSync(path.join(root, 'ran.txt'), 'utf8'), 'x', 'ran exactly once, after the approval');
    assert.equal(second.entries('approval').length, 1, 'no second card: the answer given was used');
    const messages = second.server.modelRequests()[0].body.messages as Array<{ role: string; tool_call_id?: string; content: string }>;
    assert.ok(messages.some((m) => m.role === 'tool' && m.tool_call_id === 'cmd' && !/Interrupted/.test(m.content)));
    assert.equal(second.session.tasks.current().status, 'done');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a task cut off mid-run offers Resume after the reload, and resuming finishes it from the last step', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-reload-')));
    fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
    const tasks = { files: new NodeTaskFiles(path.join(root, '.state')) };
    const first = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(first);
    first.server.enqueue(
      { toolCalls: [{ id: 'look', name: 'read_file', arguments: JSON.stringify({ path: 'a.txt' }) }] },
      { text: 'never finished', stallAfterChunks: 1 },
    );
    const running = first.session.prompt('read a.txt');
    for (let i = 0; i < 200 && first.server.modelRequests().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await first.session.shutdown(); // The window reloads while the model answers.
    await running;

    const second = await createAgentHarness({}, {}, { root, tasks });
    harnesses.push(second);
    assert.equal(await second.session.restore(), true);
    assert.equal(second.session.tasks.current().status, 'interrupted');
    const card = second.entries('resume')[0];
    assert.ok(card?.kind === 'resume' && card.reason === 'interrupted' && card.state === 'pending', 'a Resume card');
    second.server.enqueue({ text: 'a.txt says a.' });
    assert.equal(await second.session.resume(card.id), 'answered');
    const messages = second.server.modelRequests()[0].body.messages as Array<{ role: string; tool_call_id?: string; content: string }>;
    assert.ok(
      messages.some((m) => m.role === 'tool' && m.tool_call_id === 'look' && /a/.test(m.content)),
      'the recorded result is sent again',
    );
    assert.equal(second.session.tasks.current().status, 'done');
    const items = await second.session.tasks.items();
    assert.deepEqual(
      items.map((i) => i.status),
      ['done'],
    );
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a task that used its budget pauses as waiting with what it used; Continue grants the same again', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-budget-')));
    const h = await createAgentHarness({}, {}, { root, taskBudget: { maxSteps: 2 } });
    harnesses.push(h);
    const look = { name: 'list_files', arguments: '{}' };
    h.server.enqueue({ toolCalls: [look] }, { toolCalls: [look] }, { toolCalls: [look] }, { text: 'Done after three looks.' });
    assert.equal(await h.session.prompt('look around'), 'budget');
    const card = h.entries('resume')[0];
    assert.ok(
      card?.kind === 'resume' && card.reason === 'budget' && /2 of 2 steps/.test(card.text),
      card?.kind === 'resume' ? card.text : '',
    );
    assert.equal(h.session.tasks.current().status, 'waiting');
    assert.equal(h.session.tasks.current().waitingFor, 'budget');
    assert.equal(h.server.modelRequests().length, 2, 'no request beyond the budget');
    assert.equal(await h.session.resume(card.id), 'answered');
    assert.equal(h.server.modelRequests().length, 4);
    assert.equal(h.session.tasks.current().usage.steps, 4);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a damaged last task starts a fresh session at start-up; opened from the history it is a clear error', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-reload-')));
    const state = path.join(root, '.state');
    fs.mkdirSync(path.join(state, 'task-x'), { recursive: true });
    const summary = {
      id: 'task-x',
      title: 't',
      goal: 'g',
      status: 'done',
      createdAt: 1,
      updatedAt: 1,
      filesTouched: [],
      usage: { inputTokens: 0, outputTokens: 0, steps: 0, activeMs: 0 },
    };
    fs.writeFileSync(path.join(state, 'index.json'), JSON.stringify({ version: 2, tasks: [summary] }));
    fs.writeFileSync(path.join(state, 'task-x', 'snapshot.json'), '{"version": 2, "seq": 1, "sta');
    const h = await createAgentHarness({}, {}, { root, tasks: { files: new NodeTaskFiles(state) } });
    harnesses.push(h);
    assert.equal(await h.session.restore(), false);
    await assert.rejects(h.session.restore('task-x'), /The task could not be read/);
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
