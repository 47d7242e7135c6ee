// Recorded-style streams of real providers (test/fixtures/streams, each naming its source), replayed byte for
// byte by the fake server and read through the real openai SDK: what Fixpoint makes of each.
import * as assert from 'node:assert/strict';
import { describeModelError } from '../../src/core/model/errors';
import { OpenAIModelClient } from '../../src/core/model/openaiClient';
import { ModelStreamError } from '../../src/core/model/stream/streamError';
import type { ChatItem, ModelEvent, ModelSettings, ToolSpec, WireApi } from '../../src/core/model/types';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { sseFixture } from '../fakes/sseFixtures';

const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
];

const textOf = (events: ModelEvent[]) => events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
const reasoningOf = (events: ModelEvent[]) => events.map((e) => (e.type === 'reasoning' ? e.delta : '')).join('');
const callsOf = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'toolCall' ? [e.call] : []));
const stateOf = (events: ModelEvent[]) => events.find((e) => e.type === 'reasoningState');

describe('provider streams, as they really arrive', () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => (server = await FakeOpenAIServer.start()));
  afterEach(() => server.close());

  const settings = (wireApi: WireApi = 'chat', model = 'fake-model', reasoningEffort?: 'medium'): ModelSettings => ({
    baseURL: server.url,
    model,
    wireApi,
    ...(reasoningEffort ? { reasoningEffort } : {}),
  });

  async function replay(
    fixture: string,
    options: { wireApi?: WireApi; tools?: ToolSpec[]; model?: string; items?: ChatItem[]; effort?: 'medium' } = {},
  ) {
    server.enqueue({ rawSse: sseFixture(fixture) });
    const events: ModelEvent[] = [];
    const client = new OpenAIModelClient(settings(options.wireApi, options.model, options.effort));
    const request = {
      items: options.items ?? [{ role: 'user' as const, content: 'go' }],
      tools: 'tools' in options ? options.tools : TOOLS,
    };
    for await (const event of client.stream(request, new AbortController().signal)) events.push(event);
    return events;
  }

  it('Mistral: thinking parts are reasoning, text parts (and plain strings) the answer; no array leaks out', async () => {
    const events = await replay('mistral-magistral-thinking');
    assert.equal(reasoningOf(events), 'The user wants both numbers added together.');
    assert.equal(textOf(events), "I'll both add them: 2 + 3 = 5.");
    for (const e of events) if (e.type === 'text' || e.type === 'reasoning') assert.equal(typeof e.delta, 'string');
    assert.deepEqual(events.at(-1), { type: 'usage', usage: { inputTokens: 12, outputTokens: 28 } });
  });

  it('Mistral: parallel calls without `index` stay two calls', async () => {
    assert.deepEqual(callsOf(await replay('mistral-parallel-tool-calls')), [
      { id: 'D681PevKs', name: 'read_file', arguments: '{"path": "a.txt"}' },
      { id: 'Aq7bC2xYz', name: 'read_file', arguments: '{"path": "b.txt"}' },
    ]);
  });

  it('Ollama: parallel calls that all say `index: 0` are told apart by their ids', async () => {
    assert.deepEqual(
      callsOf(await replay('ollama-parallel-same-index')).map((c) => [c.id, c.arguments]),
      [
        ['call_k2x9a1ds', '{"path":"a.txt"}'],
        ['call_p7q3z8vw', '{"path":"b.txt"}'],
      ],
    );
  });

  it('the same index and no ids: a new name after complete arguments starts a new call', async () => {
    const calls = callsOf(await replay('same-index-no-ids'));
    assert.deepEqual(
      calls.map((c) => [c.name, c.arguments]),
      [
        ['read_file', '{"path": "a.txt"}'],
        ['read_file', '{"path": "b.txt"}'],
      ],
    );
    assert.equal(new Set(calls.map((c) => c.id)).size, 2, 'each call has its own id');
  });

  it('DashScope: continuation fragments with an empty id continue their call', async () => {
    assert.deepEqual(callsOf(await replay('dashscope-empty-id-continuation')), [
      { id: 'call_8f08d2b0fc0c4d8fab7123', name: 'read_file', arguments: '{"path": "src/a.ts"}' },
      { id: 'call_5d2a1c9e7b3f4a6d8e0f12', name: 'read_file', arguments: '{"path": "src/b.ts"}' },
    ]);
  });

  it('<think>…</think> in content, tags split across chunks, is reasoning kept apart from the answer', async () => {
    const events = await replay('ollama-think-tags');
    assert.equal(reasoningOf(events), 'The user asks for the sum. 2 + 3 is 5.\n');
    assert.equal(textOf(events), 'The answer is 5.');
  });

  it('a Hermes <tool_call> block in content is a real call and never answer text', async () => {
    const events = await replay('hermes-tool-call-in-content');
    assert.equal(textOf(events), '');
    assert.deepEqual(
      callsOf(events).map((c) => [c.name, JSON.parse(c.arguments)]),
      [['read_file', { path: 'a.txt' }]],
    );
  });

  it('the same block without tools offered is just the answer', async () => {
    const events = await replay('hermes-tool-call-in-content', { tools: undefined });
    assert.equal(callsOf(events).length, 0);
    assert.match(textOf(events), /^<tool_call>\n\{"id":0, "name": "read_file"/);
  });

  it('Mistral [TOOL_CALLS] JSON left in content becomes calls', async () => {
    const events = await replay('mistral-raw-tool-calls-in-content');
    assert.equal(textOf(events), '');
    assert.deepEqual(
      callsOf(events).map((c) => JSON.parse(c.arguments)),
      [{ path: 'a.txt' }, { path: 'b.txt' }],
    );
  });

  it('OpenRouter: reasoning shown once, reasoning_details merged and sent back on the assistant message', async () => {
    const events = await replay('openrouter-reasoning-details');
    assert.equal(reasoningOf(events), 'Checking the file first.');
    const state = stateOf(events);
    assert.ok(state?.type === 'reasoningState');
    assert.deepEqual(state.state.reasoningDetails, [
      { type: 'reasoning.text', text: 'Checking the file first.', format: 'google-gemini-v1', index: 0 },
      {
        type: 'reasoning.encrypted',
        data: 'CiQBjz1rX2Vuy3J5cHRlZC1zaWduYXR1cmU=',
        id: 'tool_read_file_7hX2',
        format: 'google-gemini-v1',
        index: 1,
      },
    ]);
    assert.deepEqual(
      events.find((e) => e.type === 'usage'),
      { type: 'usage', usage: { inputTokens: 300, outputTokens: 60, cost: 0.00123 } },
    );
    const [call] = callsOf(events);
    server.enqueue({ text: 'ok' });
    const client = new OpenAIModelClient(settings());
    const items: ChatItem[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [call], reasoning: state.state },
      { role: 'tool', callId: call.id, content: 'alpha' },
    ];
    for await (const _ of client.stream({ items }, new AbortController().signal));
    const sent = server.modelRequests()[1].body.messages[1];
    assert.deepEqual(sent.reasoning_details, state.state.reasoningDetails);
  });

  it('DeepSeek thinking mode: reasoning_content goes back on the assistant message it belongs to', async () => {
    const events = await replay('deepseek-thinking-tool-call');
    assert.equal(reasoningOf(events), 'I should read a.txt first.');
    const state = stateOf(events);
    assert.ok(state?.type === 'reasoningState');
    assert.equal(state.state.reasoningContent, 'I should read a.txt first.');
    const [call] = callsOf(events);
    server.enqueue({ text: 'ok' });
    const items: ChatItem[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [call], reasoning: state.state },
      { role: 'tool', callId: call.id, content: 'alpha' },
    ];
    for await (const _ of new OpenAIModelClient(settings()).stream({ items }, new AbortController().signal));
    assert.equal(server.modelRequests()[1].body.messages[1].reasoning_content, 'I should read a.txt first.');
  });

  it('Gemini: the thought signature of a call comes back with that call', async () => {
    const events = await replay('gemini-thought-signature');
    const [call] = callsOf(events);
    assert.deepEqual(call.extraContent, { google: { thought_signature: 'CtMBAdHtim9xTh0ughtSig4tureA==' } });
    server.enqueue({ text: 'ok' });
    const items: ChatItem[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [call] },
      { role: 'tool', callId: call.id, content: 'alpha' },
    ];
    for await (const _ of new OpenAIModelClient(settings()).stream({ items }, new AbortController().signal));
    assert.deepEqual(server.modelRequests()[1].body.messages[1].tool_calls[0].extra_content, call.extraContent);
  });

  it('Responses: summary parts are separate paragraphs; encrypted reasoning is asked for, kept and sent back first', async () => {
    const events = await replay('responses-reasoning-encrypted', { wireApi: 'responses', model: 'gpt-5', effort: 'medium' });
    assert.equal(reasoningOf(events), '**Reading the file**\n\nI need a.txt first.');
    const body = server.modelRequests()[0].body;
    assert.deepEqual([body.store, body.include], [false, ['reasoning.encrypted_content']]);
    const state = stateOf(events);
    assert.ok(state?.type === 'reasoningState');
    assert.deepEqual(state.state.responsesItems, [
      {
        id: 'rs_68f1a',
        type: 'reasoning',
        summary: [
          { type: 'summary_text', text: '**Reading the file**' },
          { type: 'summary_text', text: 'I need a.txt first.' },
        ],
        encrypted_content: 'gAAAAABo8enc-reasoning-1',
      },
    ]);
    const [call] = callsOf(events);
    server.enqueue({ text: 'ok' });
    const items: ChatItem[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [call], reasoning: state.state },
      { role: 'tool', callId: call.id, content: 'alpha' },
    ];
    for await (const _ of new OpenAIModelClient(settings('responses', 'gpt-5', 'medium')).stream({ items }, new AbortController().signal));
    const input = server.modelRequests()[1].body.input;
    assert.deepEqual(
      input.map((i: { type?: string; role?: string }) => i.type ?? i.role),
      ['user', 'reasoning', 'function_call', 'function_call_output'],
    );
    assert.equal(input[1].encrypted_content, 'gAAAAABo8enc-reasoning-1');
  });

  it('Responses without a configured effort, on a server whose profile does not know the model, does not ask for it', async () => {
    await replay('lmstudio-responses-reasoning-done', { wireApi: 'responses', model: 'gpt-5' });
    assert.equal(server.modelRequests()[0].body.include, undefined);
  });

  it('LM Studio: reasoning sent only as reasoning_text.done is still reasoning', async () => {
    const events = await replay('lmstudio-responses-reasoning-done', { wireApi: 'responses' });
    assert.equal(reasoningOf(events), 'The user says hi; reply briefly.');
    assert.equal(textOf(events), 'Hi! How can I help?');
  });

  it('vLLM: reasoning_text deltas are one paragraph, and their .done is not shown twice', async () => {
    const events = await replay('vllm-responses-reasoning-text', { wireApi: 'responses' });
    assert.equal(reasoningOf(events), 'Let me say hello.');
    assert.equal(textOf(events), 'Hello.');
  });

  it('Groq: tool_use_failed after HTTP 200 is a malformed tool call, not a refused request', async () => {
    const err = await replay('groq-tool-use-failed').catch((e: unknown) => e);
    assert.ok(err instanceof ModelStreamError);
    assert.equal(err.code, 'tool_use_failed');
    assert.equal(err.failedGeneration, '<function=read_file>{"path": "a.txt"</function>');
    const described = describeModelError(err, settings());
    assert.match(described.message, /malformed tool call/);
    assert.doesNotMatch(described.message, /refused/);
  });

  it('Responses: response.failed is a server failure worth a retry; an error event about quota is not', async () => {
    const failed = describeModelError(await replay('responses-failed', { wireApi: 'responses' }).catch((e: unknown) => e), settings());
    assert.match(failed.message, /failed mid-answer.*The model failed to generate a response/);
    assert.equal(failed.transient, true);
    const quota = describeModelError(await replay('responses-error-quota', { wireApi: 'responses' }).catch((e: unknown) => e), settings());
    assert.match(quota.message, /quota of this API key .* is used up/);
    assert.deepEqual([quota.transient, quota.action], [false, 'setApiKey']);
  });
});
