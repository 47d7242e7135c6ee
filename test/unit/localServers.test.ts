import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { defaultLocalCandidates, discoverLocalServers } from '../../src/core/model/localServers';
import { FakeOpenAIServer } from '../fakes/openaiServer';

// Discovery of local servers with real listeners: one that answers as OpenAI-compatible, one that answers
// something else, and a port where nothing listens.
describe('local model servers on loopback (issue 17)', () => {
  it('offers only the servers that answer with a model list, with their models', async () => {
    const server = await FakeOpenAIServer.start({ models: ['qwen2.5-coder:7b', 'llama3.1:8b'] });
    const other = http.createServer((_req, res) => res.end('<html>not an API</html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as { port: number }).port;
    try {
      const found = await discoverLocalServers([
        { provider: 'ollama', label: 'Ollama', baseUrl: server.url },
        { provider: 'lmstudio', label: 'LM Studio', baseUrl: `http://127.0.0.1:${otherPort}/v1` },
        { provider: 'vllm', label: 'vLLM', baseUrl: 'http://127.0.0.1:9/v1' },
      ]);
      assert.deepEqual(found, [{ provider: 'ollama', label: 'Ollama', baseUrl: server.url, models: ['qwen2.5-coder:7b', 'llama3.1:8b'] }]);
    } finally {
      await server.close();
      await new Promise((r) => other.close(r));
    }
  });

  it("asks the usual ports: Ollama 11434, LM Studio 1234, vLLM 8000, llama.cpp's server 8080", () => {
    const urls = defaultLocalCandidates().map((c) => c.baseUrl);
    for (const port of ['11434', '1234', '8000', '8080'])
      assert.ok(
        urls.some((u) => u.includes(`127.0.0.1:${port}`)),
        port,
      );
  });
});
