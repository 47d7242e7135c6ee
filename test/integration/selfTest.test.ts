import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SelfTestReport } from '../../src/core/model/selfTest';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { activateFixpoint, setSetting, waitFor, type TestApi } from './helpers';

// "Fixpoint: Test Connection" (the setup card's test) in VS Code, against the fake server dressed as Ollama,
// LM Studio and vLLM: their model-info answers as documented (see test/unit/contextWindow.test.ts).
describe('connection self-test in VS Code (issue 17)', () => {
  let server: FakeOpenAIServer | undefined;
  let api: TestApi;
  before(async () => {
    api = await activateFixpoint();
  });
  afterEach(async () => {
    await setSetting('baseUrl', undefined);
    await setSetting('model', undefined);
    await server?.close();
  });

  const cases: Array<[label: string, routes: Record<string, object>, window: RegExp]> = [
    [
      'Ollama-like',
      {
        'POST /api/show': { parameters: 'num_ctx 16384', model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 } },
      },
      /16,384 tokens \(Ollama/,
    ],
    [
      'LM Studio-like',
      {
        'GET /api/v0/models/fake-model': {
          id: 'fake-model',
          type: 'llm',
          state: 'loaded',
          max_context_length: 131072,
          loaded_context_length: 4096,
        },
      },
      /4,096 tokens \(LM Studio/,
    ],
    [
      'vLLM-like',
      { 'GET /v1/models': { object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'vllm', max_model_len: 32768 }] } },
      /32,768 tokens \(the server’s max_model_len/,
    ],
  ];
  for (const [label, routes, window] of cases) {
    it(`${label}: every capability checked, the detected window shown`, async () => {
      server = await FakeOpenAIServer.start({ routes });
      server.enqueue(
        { text: 'ready' },
        { toolCalls: [{ id: 'probe', name: 'report_status', arguments: '{"status":"ok"}' }] },
        { text: 'recorded' },
      );
      await setSetting('baseUrl', server.url);
      await setSetting('model', 'fake-model');
      const report = await vscode.commands.executeCommand<SelfTestReport | undefined>('fixpoint.testConnection');
      assert.ok(report, 'the settings were complete, so the self-test ran');
      assert.deepEqual(
        report.checks.map((c) => [c.name, c.ok]),
        [
          ['the endpoint answers', true],
          ['the model is served', true],
          ['streaming works', true],
          ['a tool call round-trips', true],
          ['reasoning', null],
          ['context window', true],
        ],
      );
      assert.match(report.checks.at(-1)!.detail, window);
      assert.equal(server.modelRequests().length, 3, 'hello, the tool call, and its result sent back');
      // The meter uses the detected window and says where it came from.
      const state = await waitFor('the detected window in the chat state', () => {
        const snapshot = api.snapshot();
        return window.test(`${snapshot.contextWindow.toLocaleString('en-US')} tokens (${snapshot.contextWindowSource ?? ''}`)
          ? snapshot
          : undefined;
      });
      assert.ok(state.contextWindowSource);
    });
  }
});
