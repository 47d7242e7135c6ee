import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TaskSummary } from '../../src/core/tasks/task';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { waitFor, type TestApi, useFakeModel } from './helpers';

type Row = TaskSummary & { description: string };

/** The Tasks view lists the workspace's durable tasks with their status; opening a row shows that task in the chat. */
describe('Tasks view', () => {
  let server: FakeOpenAIServer;
  let api: TestApi;

  useFakeModel({}, (suite) => ({ server, api } = suite));

  it('lists each task with its status, and opens one back into the chat', async () => {
    server.enqueue({ text: 'The first task is answered.' });
    await api.prompt('first task for the Tasks view');
    await api.session.save();
    const firstId = api.session.tasks.id;
    api.newTask();
    server.enqueue({ text: 'The second one too.' });
    await api.prompt('second task for the Tasks view');
    await api.session.save();

    const rows = await waitFor('both tasks in the view', async () => {
      const list = await vscode.commands.executeCommand<Row[]>('fixpoint.tasks.list');
      return list.filter((r) => /task for the Tasks view/.test(r.title)).length >= 2 ? list : undefined;
    });
    const first = rows.find((r) => r.id === firstId);
    assert.equal(first?.status, 'done');
    assert.match(first?.description ?? '', /^done · \dm ago/);
    assert.equal(rows[0].title, 'second task for the Tasks view', 'most recent first');

    assert.equal(await vscode.commands.executeCommand('fixpoint.tasks.open', first), true);
    assert.equal(api.session.tasks.id, firstId);
    assert.ok(api.snapshot().entries.some((e) => e.kind === 'assistant' && e.text === 'The first task is answered.'));
  });
});
