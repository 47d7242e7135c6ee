import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { waitFor, type TestApi, useFakeModel } from './helpers';

/** A prompt goes from the extension API through the host and the real openai SDK to a local fake server. */
describe('prompt round trip', () => {
  let server: FakeOpenAIServer;
  let api: TestApi;

  useFakeModel({}, (suite) => ({ server, api } = suite));

  it('streams the answer into the conversation', async () => {
    const answer = 'Hello from the **fake** model. The workspace has `src/calc.js`.';
    server.enqueue({ text: answer, chunkSize: 5, usage: { input: 120, output: 14 } });
    await api.prompt('hi');

    const state = api.snapshot();
    assert.equal(state.busy, false);
    assert.deepEqual(
      state.entries.map((e) => e.kind),
      ['user', 'assistant'],
    );
    assert.equal((state.entries[0] as Extract<Entry, { kind: 'user' }>).text, 'hi');
    const assistant = state.entries[1] as Extract<Entry, { kind: 'assistant' }>;
    assert.equal(assistant.text, answer);
    assert.equal(assistant.streaming, false);
    assert.equal(state.model, 'fake-model');
    assert.equal(state.endpoint, server.url);
    assert.equal(state.contextUsed, 134);

    const [request] = server.modelRequests();
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.body.model, 'fake-model');
    assert.equal(request.body.stream, true);
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    assert.equal(messages[0].role, 'system');
    assert.match(messages[0].content, /You are Fixpoint/);
    assert.match(messages[0].content, new RegExp(`"${vscode.workspace.name}"`), 'the system prompt names the workspace');
    const last = messages.at(-1)!;
    assert.equal(last.role, 'user');
    assert.ok(last.content.startsWith('hi'), last.content); // The host may append editor context after the text.
  });

  it('sends the earlier turns with a follow-up prompt', async () => {
    server.enqueue({ text: 'First answer.' }, { text: 'Second answer.' });
    await api.prompt('first question');
    await api.prompt('second question');
    const messages = server.modelRequests()[1].body.messages as Array<{ role: string; content: string }>;
    assert.deepEqual(
      messages.slice(1).map((m) => [m.role, m.content.split('\n')[0]]),
      [
        ['user', 'first question'],
        ['assistant', 'First answer.'],
        ['user', 'second question'],
      ],
    );
    assert.deepEqual(
      api
        .snapshot()
        .entries.filter((e) => e.kind === 'assistant')
        .map((e) => (e as { text: string }).text),
      ['First answer.', 'Second answer.'],
    );
  });

  it('stops a streaming answer on cancel and says so', async () => {
    const long = 'word '.repeat(2000);
    server.enqueue({ text: long, chunkSize: 10, chunkDelayMs: 20 });
    const done = api.prompt('write a lot');
    await waitFor('the answer to start streaming', () => {
      const assistant = api.snapshot().entries.find((e) => e.kind === 'assistant') as { text: string } | undefined;
      return assistant && assistant.text.length > 0;
    });
    assert.equal(api.snapshot().busy, true);
    await vscode.commands.executeCommand('fixpoint.cancel');
    await done;

    const state = api.snapshot();
    assert.equal(state.busy, false);
    const assistant = state.entries.find((e) => e.kind === 'assistant') as Extract<Entry, { kind: 'assistant' }>;
    assert.equal(assistant.streaming, false);
    assert.ok(assistant.text.length < long.length, 'the answer was cut short');
    assert.ok(long.startsWith(assistant.text));
    const last = state.entries.at(-1);
    assert.deepEqual(last && { kind: last.kind, text: (last as { text?: string }).text }, { kind: 'notice', text: 'Stopped.' });
  });

  it('clears the conversation on "New Task"', async () => {
    server.enqueue({ text: 'Something.' });
    await api.prompt('hello');
    assert.equal(api.snapshot().entries.length, 2);
    await vscode.commands.executeCommand('fixpoint.newTask');
    assert.deepEqual(api.snapshot().entries, []);
  });
});
