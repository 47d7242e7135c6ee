// Context-window detection against the fake server dressed as each kind of server. The answers' shapes:
// Ollama's /api/show (docs/api.md: `parameters` as text lines, `model_info` with `<arch>.context_length`),
// LM Studio's REST API /api/v0/models/{id} (`loaded_context_length`, `max_context_length`), vLLM's
// /v1/models (`max_model_len` per model), OpenRouter's /api/v1/models (`context_length`), Mistral's and Groq's
// /v1/models (`max_context_length`, `context_window`). The fake server's URL is no known family's, so every
// source is asked, as for any custom endpoint.
import * as assert from 'node:assert/strict';
import { detectContextWindow } from '../../src/core/model/contextWindow';
import { FakeOpenAIServer } from '../fakes/openaiServer';

describe('context window detection', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(() => server?.close());

  async function detect(routes: Record<string, object>, model = 'the-model') {
    server = await FakeOpenAIServer.start({ routes });
    return detectContextWindow({ baseURL: server.url, model });
  }

  it("Ollama: the num_ctx the model runs with, not the model's maximum", async () => {
    const show = {
      parameters: 'num_ctx                        8192\nstop                           "<|im_end|>"',
      model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 },
    };
    assert.deepEqual(await detect({ 'POST /api/show': show }), { tokens: 8192, source: 'Ollama’s num_ctx for this model' });
  });

  it("Ollama without num_ctx: the model's context length from its model info", async () => {
    const show = { parameters: 'stop "<|im_end|>"', model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 } };
    assert.deepEqual(await detect({ 'POST /api/show': show }), { tokens: 131072, source: 'Ollama’s model info (context_length)' });
  });

  it('LM Studio: the loaded context length', async () => {
    const model = { id: 'qwen/qwen3-coder-30b', type: 'llm', state: 'loaded', max_context_length: 262144, loaded_context_length: 32768 };
    assert.deepEqual(await detect({ 'GET /api/v0/models/qwen%2Fqwen3-coder-30b': model }, 'qwen/qwen3-coder-30b'), {
      tokens: 32768,
      source: 'LM Studio’s loaded context length',
    });
  });

  it('vLLM: max_model_len in the model list; OpenRouter: context_length', async () => {
    const vllm = { object: 'list', data: [{ id: 'the-model', object: 'model', owned_by: 'vllm', max_model_len: 65536 }] };
    assert.deepEqual(await detect({ 'GET /v1/models': vllm }), { tokens: 65536, source: 'the server’s max_model_len (vLLM)' });
    await server?.close();
    const openrouter = {
      data: [{ id: 'google/gemini-3-pro-preview', context_length: 1048576, top_provider: { context_length: 1048576 } }],
    };
    assert.deepEqual(await detect({ 'GET /v1/models': openrouter }, 'google/gemini-3-pro-preview'), {
      tokens: 1048576,
      source: 'the model list’s context length',
    });
    await server?.close();
    // Mistral's /v1/models: max_context_length; Groq's: context_window.
    const mistral = { object: 'list', data: [{ id: 'mistral-large-latest', object: 'model', max_context_length: 131072 }] };
    assert.equal((await detect({ 'GET /v1/models': mistral }, 'mistral-large-latest'))?.tokens, 131072);
    await server?.close();
    const groq = { object: 'list', data: [{ id: 'llama-3.3-70b-versatile', object: 'model', context_window: 131072 }] };
    assert.equal((await detect({ 'GET /v1/models': groq }, 'llama-3.3-70b-versatile'))?.tokens, 131072);
  });

  it('a server that says nothing about windows, and OpenAI itself: undefined (the configured window stays)', async () => {
    assert.equal(await detect({}), undefined);
    assert.equal(await detectContextWindow({ model: 'gpt-5' }), undefined);
  });
});
