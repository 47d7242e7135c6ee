import * as assert from 'node:assert/strict';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { activateFixpoint, setSetting, type TestApi } from './helpers';

type ErrorEntry = Extract<Entry, { kind: 'error' }>;

/** A broken setup shows an error entry that says how to fix it; the prompt never throws. */
describe('model errors in the chat', () => {
  let api: TestApi;

  before(async () => {
    api = await activateFixpoint();
  });
  beforeEach(() => api.newTask());
  after(async () => {
    api.newTask();
    await setSetting('baseUrl', undefined);
    await setSetting('model', undefined);
  });

  async function promptForError(text: string): Promise<ErrorEntry> {
    await api.prompt(text); // Resolves: errors are shown, not thrown.
    const state = api.snapshot();
    assert.equal(state.busy, false);
    const error = state.entries.find((e): e is ErrorEntry => e.kind === 'error');
    assert.ok(error, `an error entry is shown, got ${JSON.stringify(state.entries)}`);
    return error;
  }

  it('explains an unreachable endpoint and offers the settings', async function () {
    this.timeout(120_000); // Safety net: the session retries transient connection errors with backoff first.
    const gone = await FakeOpenAIServer.start();
    const url = gone.url;
    await gone.close(); // Nothing listens on this port any more.
    await setSetting('baseUrl', url);
    await setSetting('model', 'fake-model');

    const error = await promptForError('hi');
    assert.match(error.message, /Cannot reach/);
    assert.ok(error.message.includes(url), error.message);
    assert.match(error.fix ?? '', /fixpoint\.baseUrl/);
    assert.equal(error.action, 'openSettings');
  });

  it('asks for an API key when no endpoint and no key are configured', async () => {
    // The harness starts code-server without OPENAI_API_KEY/OPENAI_BASE_URL, and the profile is fresh.
    await setSetting('baseUrl', undefined);
    await setSetting('model', 'fake-model');

    const error = await promptForError('hi');
    assert.match(error.message, /No API key/);
    assert.match(error.fix ?? '', /Set API Key/);
    assert.equal(error.action, 'setApiKey');
  });

  it('points at the model setting when no model is configured', async () => {
    await setSetting('baseUrl', 'http://127.0.0.1:9/v1');
    await setSetting('model', '');

    const error = await promptForError('hi');
    assert.match(error.message, /No model/);
    assert.match(error.fix ?? '', /fixpoint\.model/);
    assert.equal(error.action, 'openSettings');
  });
});
