import * as assert from 'node:assert/strict';
import { PROVIDER_PRESETS, profileOf, providerOf } from '../../src/core/model/providers';
import { wantsEncryptedReasoning } from '../../src/core/model/wireFormat';

describe('provider profiles', () => {
  it('recognise a configured endpoint by host (cloud) or usual local port', () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'openai'],
      ['https://api.openai.com/v1', 'openai'],
      ['https://my-res.openai.azure.com/openai/v1', 'azure'],
      ['https://openrouter.ai/api/v1', 'openrouter'],
      ['https://generativelanguage.googleapis.com/v1beta/openai/', 'gemini'],
      ['https://api.mistral.ai/v1', 'mistral'],
      ['https://api.groq.com/openai/v1', 'groq'],
      ['https://api.deepseek.com', 'deepseek'],
      ['http://localhost:11434/v1', 'ollama'],
      ['http://127.0.0.1:1234/v1', 'lmstudio'],
      ['http://localhost:8000/v1', 'vllm'],
      // A remote server on a local server's port is not assumed to be that server.
      ['http://10.0.0.5:8000/v1', 'custom'],
      ['not a url', 'custom'],
    ];
    for (const [baseUrl, id] of cases) assert.equal(providerOf(baseUrl), id, String(baseUrl));
  });

  it('presets are plain data, in the setup card’s order, every id once', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(PROVIDER_PRESETS)), PROVIDER_PRESETS, 'posted to the webview as they are');
    const ids = PROVIDER_PRESETS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([ids[0], ids.at(-1)], ['openai', 'custom']);
    for (const preset of PROVIDER_PRESETS) if (preset.baseUrl) assert.equal(providerOf(preset.baseUrl), preset.id, preset.baseUrl);
  });

  it('encrypted reasoning is asked for where the profile knows the model returns it, or when an effort is set', () => {
    assert.equal(wantsEncryptedReasoning({}, 'gpt-5'), true);
    assert.equal(wantsEncryptedReasoning({ baseURL: 'https://r.openai.azure.com/openai/v1' }, 'o4-mini'), true);
    assert.equal(wantsEncryptedReasoning({}, 'gpt-4.1'), false);
    assert.equal(wantsEncryptedReasoning({ baseURL: 'http://localhost:1234/v1' }, 'gpt-5'), false);
    assert.equal(wantsEncryptedReasoning({ baseURL: 'http://localhost:1234/v1', reasoningEffort: 'low' }, 'qwen3'), true);
  });

  it('context windows are asked only where the family tells them', () => {
    assert.deepEqual(profileOf(undefined).contextWindowSources, []);
    assert.deepEqual(profileOf('http://localhost:11434/v1').contextWindowSources, ['ollamaShow']);
    assert.deepEqual(profileOf('http://192.168.1.9:9000/v1').contextWindowSources, ['modelList', 'ollamaShow', 'lmstudioModel']);
  });
});
