// The agent loop against recorded-style provider streams (test/fixtures/streams): what reaches the history,
// the transcript and the next request.
import * as assert from 'node:assert/strict';
import { sseFixture } from '../../fakes/sseFixtures';
import { createAgentHarness, toolResults, type AgentHarness } from './harness';

describe('agent loop with real provider streams', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('Mistral array content never becomes "[object Object]" in the chat or the history', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ rawSse: sseFixture('mistral-magistral-thinking') }, { text: 'Still 5.' });
    assert.equal(await h.session.prompt('add 2 and 3'), 'answered');
    assert.equal(await h.session.prompt('again?'), 'answered');
    const entries = h.entries();
    assert.deepEqual(
      entries.filter((e) => e.kind === 'reasoning' || e.kind === 'assistant').map((e) => (e as { text: string }).text),
      ['The user wants both numbers added together.', "I'll both add them: 2 + 3 = 5.", 'Still 5.'],
    );
    const history = h.server.modelRequests()[1].body.messages;
    assert.equal(history.find((m: { role: string }) => m.role === 'assistant').content, "I'll both add them: 2 + 3 = 5.");
    assert.doesNotMatch(JSON.stringify([entries, history]), /\[object Object\]/);
  });

  it('a tool call the server rejected after HTTP 200 (Groq tool_use_failed) is retried once, with a correction only in that request', async () => {
    h = await createAgentHarness({ 'a.txt': 'alpha\n' });
    h.server.enqueue(
      { rawSse: sseFixture('groq-tool-use-failed') },
      { toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.txt"}' }] },
      { text: 'It says alpha.' },
    );
    assert.equal(await h.session.prompt('read a.txt'), 'answered');
    const requests = h.server.modelRequests();
    assert.equal(requests.length, 3);
    const retried = requests[1].body.messages.at(-1);
    assert.equal(retried.role, 'user');
    assert.match(retried.content, /malformed: Failed to call a function[^]*You wrote: <function=read_file>\{"path": "a\.txt"<\/function>/);
    assert.doesNotMatch(JSON.stringify(requests[2].body.messages), /was malformed/, 'the correction is not kept in the history');
    assert.match(toolResults(h.server, 2).c1, /alpha/);
    assert.ok(h.entries('notice').some((e) => e.kind === 'notice' && /malformed tool call.*Asking it once more/.test(e.text)));
    assert.equal(h.entries('error').length, 0);
  });

  it('a second rejected tool call ends the turn with what happened, never "refused"', async () => {
    h = await createAgentHarness();
    h.server.enqueue({ rawSse: sseFixture('groq-tool-use-failed') }, { rawSse: sseFixture('groq-tool-use-failed') });
    assert.equal(await h.session.prompt('read a.txt'), 'failed');
    assert.equal(h.server.modelRequests().length, 2);
    const [error] = h.entries('error');
    assert.ok(error?.kind === 'error');
    assert.match(error.message, /The model wrote a malformed tool call, which .* rejected/);
    assert.doesNotMatch(error.message, /refused/);
  });

  it('OpenRouter reasoning_details are kept on the assistant turn and sent back with it', async () => {
    h = await createAgentHarness({ 'a.txt': 'alpha\n' });
    h.server.enqueue({ rawSse: sseFixture('openrouter-reasoning-details') }, { text: 'Done.' });
    assert.equal(await h.session.prompt('read a.txt'), 'answered');
    const assistant = h.server.modelRequests()[1].body.messages.find((m: { role: string }) => m.role === 'assistant');
    assert.deepEqual(
      assistant.reasoning_details.map((d: { type: string }) => d.type),
      ['reasoning.text', 'reasoning.encrypted'],
    );
    assert.equal(assistant.tool_calls[0].id, 'tool_read_file_7hX2');
  });

  it('Responses: the encrypted reasoning of a tool turn goes back as input on the next request', async () => {
    h = await createAgentHarness({ 'a.txt': 'alpha\n' });
    h.settings = { ...h.settings, wireApi: 'responses', model: 'gpt-5' };
    h.server.enqueue({ rawSse: sseFixture('responses-reasoning-encrypted') }, { text: 'Done.' });
    assert.equal(await h.session.prompt('read a.txt'), 'answered');
    const input = h.server.modelRequests()[1].body.input as Array<{ type?: string; encrypted_content?: string; output?: string }>;
    const reasoning = input.findIndex((i) => i.type === 'reasoning');
    assert.equal(input[reasoning].encrypted_content, 'gAAAAABo8enc-reasoning-1');
    assert.equal(input[reasoning + 1].type, 'function_call', 'the reasoning item precedes the call it led to');
    assert.match(input.at(-1)?.output ?? '', /alpha/);
  });
});
