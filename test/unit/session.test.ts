import * as assert from 'node:assert/strict';
import { ChatSession } from '../../src/core/agent/session';
import { OpenAIModelClient } from '../../src/core/model/openaiClient';
import type { ModelSettings } from '../../src/core/model/types';
import type { HostToWebview } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';

describe('ChatSession', () => {
  let server: FakeOpenAIServer;
  let settings: ModelSettings;
  let posted: HostToWebview[];
  let session: ChatSession;

  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    settings = { baseURL: server.url, model: 'fake-model', wireApi: 'chat' };
    posted = [];
    session = new ChatSession({
      resolveSettings: async () => settings,
      createClient: (s) => new OpenAIModelClient(s),
      post: (msg) => posted.push(msg),
      systemPrompt: async () => 'system rules',
      contextWindow: () => 192_000,
    });
  });
  afterEach(() => server.close());

  it('streams an answer into the transcript and keeps the conversation for the next turn', async () => {
    server.enqueue({ text: 'First **answer**.', usage: { input: 50, output: 5 } }, { text: 'Second.' });
    await session.prompt('hello');
    const state = session.snapshot();
    assert.deepEqual(state.entries.map((e) => e.kind), ['user', 'assistant']);
    assert.equal(state.entries[1].kind === 'assistant' && state.entries[1].text, 'First **answer**.');
    assert.equal(state.busy, false);
    assert.equal(state.contextUsed, 55);
    assert.ok(posted.some((m) => m.type === 'delta'), 'text was streamed as deltas');

    await session.prompt('and again');
    const messages = server.modelRequests()[1].body.messages;
    assert.deepEqual(messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(messages[2].content, 'First **answer**.');
  });

  it('stops at once on cancel and accepts the next prompt', async () => {
    server.enqueue({ text: 'y'.repeat(2000), chunkSize: 2, chunkDelayMs: 2 }, { text: 'after stop' });
    const running = session.prompt('long one');
    await server.waitForRequests(1);
    while (!posted.some((m) => m.type === 'delta')) await new Promise((r) => setTimeout(r, 5));
    session.cancel();
    await running;
    const entries = session.snapshot().entries;
    assert.equal(entries.at(-1)?.kind, 'notice');
    const partial = entries.find((e) => e.kind === 'assistant');
    assert.ok(partial && partial.kind === 'assistant' && partial.text.length < 2000 && !partial.streaming);
    await session.prompt('next');
    assert.equal(session.snapshot().entries.at(-1)?.kind === 'assistant' && (session.snapshot().entries.at(-1) as { text: string }).text, 'after stop');
  });

  it('shows a fixable error instead of calling OpenAI without a key', async () => {
    settings = { model: 'gpt-5', wireApi: 'chat' };
    await session.prompt('hi');
    const error = session.snapshot().entries.find((e) => e.kind === 'error');
    assert.ok(error && error.kind === 'error' && error.action === 'setApiKey');
    assert.equal(server.requests.length, 0);
  });

  it('retry re-sends the conversation after a server failure', async () => {
    server.enqueue({ fault: { status: 500, message: 'boom' } }, { text: 'recovered' });
    await session.prompt('hi');
    assert.ok(session.snapshot().entries.some((e) => e.kind === 'error' && /boom/.test(e.message)));
    await session.fix('retry');
    assert.equal(server.modelRequests()[1].body.messages.filter((m: { role: string }) => m.role === 'user').length, 1);
    assert.ok(session.snapshot().entries.some((e) => e.kind === 'assistant' && e.text === 'recovered'));
  });

  it('new task clears the conversation and posts a fresh snapshot', async () => {
    server.enqueue({ text: 'hi' });
    await session.prompt('hello');
    session.newTask();
    const last = posted.at(-1);
    assert.ok(last?.type === 'state' && last.state.entries.length === 0);
  });
});
