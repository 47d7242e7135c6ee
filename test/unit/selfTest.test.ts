// The connection self-test against the fake server dressed as Ollama, LM Studio and vLLM (model-info answers as
// in test/unit/contextWindow.test.ts), through the real openai SDK: a verdict per capability, with the fix.
import * as assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../src/core/model/openaiClient';
import { runSelfTest } from '../../src/core/model/selfTest';
import type { ModelSettings } from '../../src/core/model/types';
import { FakeOpenAIServer } from '../fakes/openaiServer';

describe('connection self-test (issue 17)', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(() => server?.close());

  async function start(routes: Record<string, object>): Promise<{ server: FakeOpenAIServer; settings: ModelSettings }> {
    server = await FakeOpenAIServer.start({ routes });
    return { server, settings: { baseURL: server.url, model: 'fake-model', wireApi: 'chat' } };
  }
  const capable = (s: FakeOpenAIServer) =>
    s.enqueue(
      { text: 'ready' },
      { toolCalls: [{ id: 'probe', name: 'report_status', arguments: '{"status":"ok"}' }] },
      { text: 'recorded', reasoning: 'The tool said the status was recorded.' },
    );
  const verdicts = (report: Awaited<ReturnType<typeof runSelfTest>>) => report.checks.map((c) => [c.name, c.ok]);

  it('an Ollama-like server that streams, calls tools and reports num_ctx: every capability ✓, the window detected', async () => {
    const show = { parameters: 'num_ctx 32768', model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 } };
    const { server: ollama, settings } = await start({ 'POST /api/show': show });
    capable(ollama);
    const rerun = await runSelfTest(settings, new OpenAIModelClient(settings), AbortSignal.timeout(20_000));
    assert.equal(rerun.ok, true, JSON.stringify(rerun.checks));
    assert.deepEqual(verdicts(rerun), [
      ['the endpoint answers', true],
      ['the model is served', true],
      ['streaming works', true],
      ['a tool call round-trips', true],
      ['reasoning', true],
      ['context window', true],
    ]);
    assert.match(rerun.checks.at(-1)!.detail, /32,768 tokens \(Ollama’s num_ctx/);
    const [, probe, back] = ollama.modelRequests().map((r) => r.body);
    assert.equal(probe.tools[0].function.name, 'report_status');
    assert.equal(back.messages.at(-1).role, 'tool', 'the tool result went back');
  });

  it('an LM Studio-like model that answers in text instead of calling the tool: ✗ with the fix; the loaded window', async () => {
    const model = { id: 'fake-model', type: 'llm', state: 'loaded', max_context_length: 131072, loaded_context_length: 8192 };
    server = await FakeOpenAIServer.start({ routes: { 'GET /api/v0/models/fake-model': model } });
    server.enqueue({ text: 'ready' }, { text: 'Sure! The status is ok.' });
    const settings: ModelSettings = { baseURL: server.url, model: 'fake-model', wireApi: 'chat' };
    const report = await runSelfTest(settings, new OpenAIModelClient(settings), AbortSignal.timeout(20_000));
    assert.equal(report.ok, false);
    const tools = report.checks.find((c) => c.name === 'a tool call round-trips')!;
    assert.equal(tools.ok, false);
    assert.match(tools.detail, /answered in text instead of calling the tool/);
    assert.ok(tools.fix);
    assert.match(report.checks.find((c) => c.name === 'context window')!.detail, /8,192 tokens \(LM Studio/);
    assert.deepEqual(report.checks.find((c) => c.name === 'reasoning')?.ok, null, 'no reasoning is informational, not a failure');
  });

  it('a vLLM-like server that does not serve the configured model: says so and lists what it serves', async () => {
    const vllm = { object: 'list', data: [{ id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'vllm', max_model_len: 65536 }] };
    server = await FakeOpenAIServer.start({ routes: { 'GET /v1/models': vllm } });
    const settings: ModelSettings = { baseURL: server.url, model: 'qwen3', wireApi: 'chat' };
    const report = await runSelfTest(settings, new OpenAIModelClient(settings), AbortSignal.timeout(20_000));
    assert.deepEqual(verdicts(report), [
      ['the endpoint answers', true],
      ['the model is served', false],
    ]);
    assert.deepEqual(report.models, ['Qwen/Qwen3-8B']);
  });

  it('an endpoint that does not answer: ✗ with the error and its fix, nothing else attempted', async () => {
    const settings: ModelSettings = { baseURL: 'http://127.0.0.1:9/v1', model: 'x', wireApi: 'chat' };
    const report = await runSelfTest(settings, new OpenAIModelClient(settings), AbortSignal.timeout(20_000));
    assert.equal(report.checks.length, 1);
    assert.equal(report.checks[0].ok, false);
    assert.ok(report.checks[0].fix);
  });
});
