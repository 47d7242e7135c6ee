import * as assert from 'node:assert/strict';
import { Transcript } from '../../src/core/agent/transcript';
import { createAgentHarness, type AgentHarness } from './agent/harness';

describe('ChatSession', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('streams an answer into the transcript and keeps the conversation for the next turn', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ text: 'First **answer**.', usage: { input: 50, output: 5 } }, { text: 'Second.' });
    await h.session.prompt('hello');
    const state = h.session.snapshot();
    assert.deepEqual(
      state.entries.map((e) => e.kind),
      ['user', 'assistant'],
    );
    assert.equal(state.entries[1].kind === 'assistant' && state.entries[1].text, 'First **answer**.');
    assert.equal(state.busy, false);
    assert.equal(state.contextUsed, 55);
    assert.ok(
      h.posted.some((m) => m.type === 'delta'),
      'text was streamed as deltas',
    );

    await h.session.prompt('and again');
    const messages = h.server.modelRequests()[1].body.messages;
    assert.deepEqual(
      messages.map((m: { role: string }) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(messages[2].content, 'First **answer**.');
  });

  it('stops at once on cancel and accepts the next prompt', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ text: 'y'.repeat(2000), chunkSize: 2, chunkDelayMs: 2 }, { text: 'after stop' });
    const running = h.session.prompt('long one');
    while (!h.posted.some((m) => m.type === 'delta')) await new Promise((r) => setTimeout(r, 5));
    h.session.cancel();
    assert.equal(await running, 'stopped');
    const entries = h.session.snapshot().entries;
    assert.equal(entries.at(-1)?.kind, 'notice');
    const partial = entries.find((e) => e.kind === 'assistant');
    assert.ok(partial && partial.kind === 'assistant' && partial.text.length < 2000 && !partial.streaming);
    await h.session.prompt('next');
    const last = h.session.snapshot().entries.at(-1);
    assert.equal(last?.kind === 'assistant' && last.text, 'after stop');
  });

  it('shows a fixable error instead of calling OpenAI without a key', async () => {
    h = await createAgentHarness();
    h.settings = { model: 'gpt-5', wireApi: 'chat' };
    assert.equal(await h.session.prompt('hi'), 'misconfigured');
    const error = h.entries('error')[0];
    assert.ok(error && error.kind === 'error' && error.action === 'setApiKey');
    assert.equal(h.server.requests.length, 0);
  });

  it('retry re-sends the conversation after a server failure', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ fault: { status: 400, message: 'bad request body' } }, { text: 'recovered' });
    await h.session.prompt('hi');
    assert.ok(h.entries('error').some((e) => e.kind === 'error' && /bad request body/.test(e.message)));
    await h.session.retry();
    assert.equal(h.server.modelRequests()[1].body.messages.filter((m: { role: string }) => m.role === 'user').length, 1);
    assert.ok(h.entries('assistant').some((e) => e.kind === 'assistant' && e.text === 'recovered'));
  });

  it('fast mode answers with the fast model', async () => {
    h = await createAgentHarness();
    h.settings = { ...h.settings, fastModel: 'fake-fast-model' };
    h.server.enqueue({ text: 'quick' }, { text: 'slow' });
    await h.session.prompt('quick ask', { fast: true });
    await h.session.prompt('big task');
    assert.deepEqual(
      h.server.modelRequests().map((r) => r.body.model),
      ['fake-fast-model', 'fake-model'],
    );
  });

  it("the meter shows the cost: from the server when it reports one, else from the user's prices", async () => {
    h = await createAgentHarness();
    h.server.enqueue({ text: 'a', usage: { input: 1000, output: 100, cost: 0.0042 } });
    await h.session.prompt('reported');
    assert.equal(h.session.snapshot().cost, 0.0042);
    h.session.newTask();
    h.settings = { ...h.settings, pricePerMillion: { input: 2, output: 10 } };
    h.server.enqueue({ text: 'b', usage: { input: 500_000, output: 100_000 } });
    await h.session.prompt('priced');
    assert.equal(h.session.snapshot().cost, 2);
    assert.equal(h.session.snapshot().inputTokens, 500_000);
  });

  it('new task clears the conversation and posts a fresh snapshot', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ text: 'hi' });
    await h.session.prompt('hello');
    h.session.newTask();
    const last = h.posted.at(-1);
    assert.ok(last?.type === 'state' && last.state.entries.length === 0);
  });
});

describe('streaming deltas', () => {
  it('are merged per frame without losing, duplicating or reordering text', async () => {
    const posted: Array<{ type: string; id?: string; text?: string }> = [];
    const transcript = new Transcript((msg) => posted.push(msg as { type: string }));
    transcript.put({ kind: 'assistant', id: 'a', text: '', streaming: true });
    transcript.put({ kind: 'reasoning', id: 'r', text: '', streaming: true });
    let expected = '';
    for (let i = 0; i < 500; i++) {
      transcript.appendText('a', `${i} `);
      expected += `${i} `;
      if (i % 100 === 0) transcript.appendText('r', `<${i}>`);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    transcript.finishStreaming();
    const deltas = posted.filter((m) => m.type === 'delta');
    assert.equal(
      deltas
        .filter((d) => d.id === 'a')
        .map((d) => d.text)
        .join(''),
      expected,
    );
    assert.equal(
      deltas
        .filter((d) => d.id === 'r')
        .map((d) => d.text)
        .join(''),
      '<0><100><200><300><400>',
    );
    assert.ok(deltas.length < 100, `batched: ${deltas.length} messages for 505 deltas`);
    const lastDelta = posted.map((m) => m.type).lastIndexOf('delta');
    assert.ok(
      posted.slice(lastDelta + 1).every((m) => m.type === 'entry'),
      'the final entry updates come after every delta',
    );
  });
});
