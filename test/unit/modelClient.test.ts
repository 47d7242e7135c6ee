import * as assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../src/core/model/openaiClient';
import { checkSettings, describeModelError } from '../../src/core/model/errors';
import type { ModelEvent, ModelSettings, WireApi } from '../../src/core/model/types';
import { FakeOpenAIServer } from '../fakes/openaiServer';

async function collect(events: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const out: ModelEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const textOf = (events: ModelEvent[]) => events.map((e) => (e.type === 'text' ? e.delta : '')).join('');

for (const wireApi of ['chat', 'responses'] as WireApi[]) {
  describe(`OpenAIModelClient (${wireApi} wire)`, () => {
    let server: FakeOpenAIServer;
    let settings: ModelSettings;
    beforeEach(async () => {
      server = await FakeOpenAIServer.start({ apiKey: 'sk-test' });
      settings = { baseURL: server.url, apiKey: 'sk-test', model: 'fake-model', wireApi };
    });
    afterEach(() => server.close());

    it('streams text deltas in order and reports usage', async () => {
      server.enqueue({ text: 'Hello from the fake model!', chunkSize: 5, usage: { input: 12, output: 7 } });
      const events = await collect(
        new OpenAIModelClient(settings).stream({ items: [{ role: 'user', content: 'hi' }] }, new AbortController().signal),
      );
      assert.equal(textOf(events), 'Hello from the fake model!');
      assert.ok(events.filter((e) => e.type === 'text').length >= 5, 'text arrives as several deltas');
      assert.deepEqual(
        events.find((e) => e.type === 'usage'),
        { type: 'usage', usage: { inputTokens: 12, outputTokens: 7 } },
      );
      const request = server.modelRequests()[0];
      assert.equal(request.path, wireApi === 'chat' ? '/v1/chat/completions' : '/v1/responses');
      assert.equal(request.body.stream, true);
      assert.equal(request.body.model, 'fake-model');
    });

    it('assembles tool calls and sends tool results back in the wire format', async () => {
      server.enqueue({
        toolCalls: [
          { id: 'call_a', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
          { id: 'call_b', name: 'search', arguments: '{"pattern":"x"}' },
        ],
      });
      const client = new OpenAIModelClient(settings);
      const events = await collect(
        client.stream(
          { items: [{ role: 'user', content: 'go' }], tools: [{ name: 'read_file', description: 'r', parameters: { type: 'object' } }] },
          new AbortController().signal,
        ),
      );
      const calls = events.flatMap((e) => (e.type === 'toolCall' ? [e.call] : []));
      assert.deepEqual(calls, [
        { id: 'call_a', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
        { id: 'call_b', name: 'search', arguments: '{"pattern":"x"}' },
      ]);
      server.enqueue({ text: 'done' });
      await collect(
        client.stream(
          {
            items: [
              { role: 'user', content: 'go' },
              { role: 'assistant', content: '', toolCalls: calls },
              { role: 'tool', callId: 'call_a', content: 'file text' },
              { role: 'tool', callId: 'call_b', content: 'no matches' },
            ],
          },
          new AbortController().signal,
        ),
      );
      const body = server.modelRequests()[1].body;
      const serialized = JSON.stringify(wireApi === 'chat' ? body.messages : body.input);
      assert.match(serialized, /call_a/);
      assert.match(serialized, /file text/);
      if (wireApi === 'chat') assert.equal(body.messages.at(-1).role, 'tool');
      else assert.equal(body.input.at(-1).type, 'function_call_output');
    });

    it('aborts the HTTP request mid-stream when the signal fires', async () => {
      server.enqueue({ text: 'x'.repeat(400), chunkSize: 1, chunkDelayMs: 5 });
      const controller = new AbortController();
      let received = '';
      await assert.rejects(async () => {
        for await (const e of new OpenAIModelClient(settings).stream({ items: [{ role: 'user', content: 'hi' }] }, controller.signal)) {
          if (e.type === 'text') received += e.delta;
          if (received.length === 10) controller.abort();
        }
      });
      assert.ok(received.length < 400, 'stream stopped early');
    });

    it('turns a wrong key into a 401 message that names the fix', async () => {
      server.enqueue({ text: 'never' });
      const bad = { ...settings, apiKey: 'sk-wrong' };
      const err = await collect(
        new OpenAIModelClient(bad).stream({ items: [{ role: 'user', content: 'hi' }] }, new AbortController().signal),
      ).catch((e) => e);
      const described = describeModelError(err, bad);
      assert.match(described.message, /API key was rejected.*401/);
      assert.equal(described.action, 'setApiKey');
    });

    it('reports 429 with Retry-After as transient with the delay', async () => {
      server.enqueue({ fault: { status: 429, retryAfter: '3', message: 'slow down' } });
      const err = await collect(
        new OpenAIModelClient(settings).stream({ items: [{ role: 'user', content: 'hi' }] }, new AbortController().signal),
      ).catch((e) => e);
      const described = describeModelError(err, settings);
      assert.equal(described.transient, true);
      assert.equal(described.retryAfterSeconds, 3);
      assert.match(described.message, /slow down/);
    });
  });
}

describe('model settings and connection errors', () => {
  it('an unreachable host gives a clear message, not a stack trace', async () => {
    const server = await FakeOpenAIServer.start();
    const url = server.url;
    await server.close();
    const settings: ModelSettings = { baseURL: url, apiKey: 'k', model: 'm', wireApi: 'chat' };
    const err = await collect(
      new OpenAIModelClient(settings).stream({ items: [{ role: 'user', content: 'hi' }] }, new AbortController().signal),
    ).catch((e) => e);
    const described = describeModelError(err, settings);
    assert.match(described.message, new RegExp(`Cannot reach ${url.replace(/[./]/g, '\\$&')}`));
    assert.match(described.fix ?? '', /fixpoint\.baseUrl/);
    assert.doesNotMatch(described.message, /\n\s+at /);
  });

  it('a missing key for OpenAI is caught before any request', () => {
    const problem = checkSettings({ model: 'gpt-5', wireApi: 'chat' });
    assert.equal(problem?.action, 'setApiKey');
    assert.match(problem?.fix ?? '', /Set API Key|OPENAI_API_KEY/);
  });

  it('a local endpoint needs no key, but a malformed URL is refused', () => {
    assert.equal(checkSettings({ baseURL: 'http://localhost:11434/v1', model: 'llama', wireApi: 'chat' }), undefined);
    assert.equal(checkSettings({ baseURL: 'localhost:11434', model: 'llama', wireApi: 'chat' })?.action, 'openSettings');
  });
});

describe('reasoning models', () => {
  it('sends the reasoning effort in each wire format and streams reasoning summaries', async () => {
    const server = await FakeOpenAIServer.start();
    try {
      for (const wireApi of ['chat', 'responses'] as WireApi[]) {
        server.enqueue({ reasoning: 'Thinking about it.', text: 'Answer.' });
        const events = await collect(
          new OpenAIModelClient({ baseURL: server.url, model: 'o-fake', wireApi, reasoningEffort: 'high' }).stream(
            { items: [{ role: 'user', content: 'q' }] },
            new AbortController().signal,
          ),
        );
        assert.deepEqual(
          events.filter((e) => e.type === 'reasoning'),
          [{ type: 'reasoning', delta: 'Thinking about it.' }],
        );
        const body = server.modelRequests().at(-1)!.body;
        if (wireApi === 'chat') assert.equal(body.reasoning_effort, 'high');
        else assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
      }
    } finally {
      await server.close();
    }
  });
});
