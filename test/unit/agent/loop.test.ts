import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countTokens } from '../../../src/core/agent/tokens';
import { ok, type ToolDefinition } from '../../../src/core/tools/types';
import { createAgentHarness, toolResults, type AgentHarness } from './harness';

describe('agent loop', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('runs tool calls, feeds results back and ends with the answer', async () => {
    h = await createAgentHarness({ 'src/app.ts': 'export const answer = 42;\n', 'README.md': '# demo\n' });
    h.server.enqueue(
      {
        text: 'Let me look.',
        toolCalls: [
          { id: 'c1', name: 'list_files', arguments: '{}' },
          { id: 'c2', name: 'read_file', arguments: '{"path":"src/app.ts"}' },
        ],
      },
      { toolCalls: [{ id: 'c3', name: 'search', arguments: '{"pattern":"answer"}' }] },
      { text: 'The answer is 42.' },
    );
    assert.equal(await h.session.prompt('what is the answer?'), 'answered');
    const first = toolResults(h.server, 1);
    assert.match(first.c1, /README\.md\nsrc\/app\.ts/);
    assert.match(first.c2, /1\texport const answer = 42;/);
    assert.match(toolResults(h.server, 2).c3, /src\/app\.ts:1: export const answer = 42;/);
    const cards = h.entries('tool');
    assert.deepEqual(
      cards.map((c) => c.kind === 'tool' && [c.name, c.status]),
      [
        ['list_files', 'done'],
        ['read_file', 'done'],
        ['search', 'done'],
      ],
    );
    assert.equal(
      h.entries('assistant').at(-1)?.kind === 'assistant' && (h.entries('assistant').at(-1) as { text: string }).text,
      'The answer is 42.',
    );
  });

  it('SAFETY §23: malformed JSON, unknown tools and bad arguments go back to the model, no side effect', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n' });
    h.server.enqueue(
      {
        toolCalls: [
          // Two objects run together (what grouping fragments by index alone produces) cannot be repaired.
          { id: 'bad1', name: 'read_file', arguments: '{"path": "a.txt"}{"path": "b.txt"}' },
          { id: 'bad2', name: 'delete_everything', arguments: '{}' },
          { id: 'bad3', name: 'read_file', arguments: '{"file":"a.txt"}' },
          { id: 'bad3', name: 'apply_patch', arguments: '{}' },
        ],
      },
      { text: 'Sorry.' },
    );
    await h.session.prompt('go');
    const results = toolResults(h.server, 1);
    assert.match(results.bad1, /not a valid JSON object/);
    assert.match(results.bad2, /unknown tool "delete_everything"/);
    assert.match(results.bad3, /arguments\.path is required|not a known argument/);
    assert.equal(Object.keys(results).length, 4, 'the duplicate id got its own result');
    assert.equal(fs.readFileSync(path.join(h.root, 'a.txt'), 'utf8'), 'a\n');
  });

  it('malformed tool-call JSON is repaired (jsonrepair) before it counts as a mistake; the result says what was repaired', async () => {
    h = await createAgentHarness({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    h.server.enqueue(
      {
        toolCalls: [
          { id: 'cut', name: 'read_file', arguments: '{"path": "a.txt"' },
          { id: 'quoted', name: 'read_file', arguments: "{'path': 'b.txt',}" },
          { id: 'string', name: 'read_file', arguments: JSON.stringify(JSON.stringify({ path: 'a.txt' })) },
        ],
      },
      { text: 'Read both.' },
    );
    assert.equal(await h.session.prompt('read them'), 'answered');
    const results = toolResults(h.server, 1);
    assert.match(results.cut, /^Note: the arguments were not valid JSON and were read as \{"path": "a\.txt"\}\.[^]*1\talpha/);
    assert.match(results.quoted, /^Note: the arguments were not valid JSON[^]*1\tbeta/);
    assert.match(results.string, /^Note: the arguments were a JSON string holding the object[^]*1\talpha/);
    // The history sent back carries the repaired JSON, which strict servers parse.
    const calls = h.server.modelRequests()[1].body.messages.find((m: { role: string }) => m.role === 'assistant').tool_calls;
    assert.deepEqual(
      calls.map((c: { function: { arguments: string } }) => JSON.parse(c.function.arguments)),
      [{ path: 'a.txt' }, { path: 'b.txt' }, { path: 'a.txt' }],
    );
    assert.ok(h.entries('tool').every((e) => e.kind === 'tool' && e.status === 'done'));
  });

  it('SAFETY §23: consecutive invalid calls are capped', async () => {
    h = await createAgentHarness({}, { maxConsecutiveMistakes: 3 });
    for (let i = 0; i < 5; i++) h.server.enqueue({ toolCalls: [{ id: `x${i}`, name: 'nope', arguments: '{}' }] });
    assert.equal(await h.session.prompt('go'), 'mistakes');
    assert.equal(h.server.modelRequests().length, 3);
    assert.ok(h.entries('error').some((e) => e.kind === 'error' && /invalid tool calls in a row/.test(e.message)));
  });

  it('SAFETY §24: 429 with Retry-After and 5xx are retried visibly; a tool never runs twice', async () => {
    h = await createAgentHarness();
    h.allow.push('node -e');
    const script = `node -e "require('fs').appendFileSync('count.txt','x')"`;
    h.server.enqueue(
      { toolCalls: [{ id: 'run', name: 'run_command', arguments: JSON.stringify({ command: script }) }] },
      { fault: { status: 429, retryAfter: '0.05', message: 'rate limited' } },
      { fault: { status: 503, message: 'overloaded' } },
      { text: 'done' },
    );
    assert.equal(await h.session.prompt('count'), 'answered');
    assert.equal(fs.readFileSync(path.join(h.root, 'count.txt'), 'utf8'), 'x');
    const notices = h.entries('notice').map((e) => (e.kind === 'notice' ? e.text : ''));
    assert.ok(
      notices.some((t) => /Rate limited.*Retrying in 0\.1s/.test(t)),
      notices.join('|'),
    );
    assert.ok(
      notices.some((t) => /failed \(503\).*Retrying/.test(t)),
      notices.join('|'),
    );
    assert.equal(h.server.modelRequests().length, 4);
  });

  it('SAFETY §25: a stream that dies mid tool call runs nothing and is retried', async () => {
    h = await createAgentHarness();
    h.allow.push('node -e');
    const call = {
      id: 'w',
      name: 'run_command',
      arguments: JSON.stringify({ command: `node -e "require('fs').writeFileSync('ran.txt','1')"` }),
    };
    h.server.enqueue({ toolCalls: [call], cutAfterChunks: 2 }, { text: 'recovered' });
    assert.equal(await h.session.prompt('go'), 'answered');
    assert.equal(fs.existsSync(path.join(h.root, 'ran.txt')), false);
  });

  it('SAFETY §25: a stalled stream times out, discards the partial call and lets the user retry', async () => {
    h = await createAgentHarness({}, { streamIdleTimeoutMs: 300 });
    h.server.enqueue({ toolCalls: [{ name: 'list_files', arguments: '{}' }], stallAfterChunks: 2 }, { text: 'second try works' });
    assert.equal(await h.session.prompt('go'), 'failed');
    assert.equal(h.entries('tool').length, 0);
    assert.ok(h.entries('error').some((e) => e.kind === 'error' && /stalled/.test(e.message) && e.action === 'retry'));
    await h.session.retry();
    assert.ok(h.entries('assistant').some((e) => e.kind === 'assistant' && e.text === 'second try works'));
  });

  it('SAFETY §26: a context-length 400 compacts and retries, keeping call/result pairs', async () => {
    h = await createAgentHarness({ 'big.txt': 'word '.repeat(3000) + '\n' });
    h.server.enqueue(
      { toolCalls: [{ id: 'r1', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { toolCalls: [{ id: 'r2', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { toolCalls: [{ id: 'r3', name: 'list_files', arguments: '{}' }] },
      { toolCalls: [{ id: 'r4', name: 'list_files', arguments: '{}' }] },
      { toolCalls: [{ id: 'r5', name: 'list_files', arguments: '{}' }] },
      { fault: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens." } },
      { text: '- read big.txt twice; it is a long list of words.' },
      { text: 'fits now' },
    );
    assert.equal(await h.session.prompt('read it'), 'answered');
    const last = h.server.modelRequests().at(-1)!.body.messages as Array<{
      role: string;
      content: string | null;
      tool_calls?: Array<{ id: string }>;
      tool_call_id?: string;
    }>;
    const callIds = last.flatMap((m) => m.tool_calls?.map((c) => c.id) ?? []);
    const resultIds = last.filter((m) => m.role === 'tool').map((m) => m.tool_call_id);
    assert.deepEqual(resultIds, callIds, 'every call still has its result, in order');
    assert.ok(
      last.some((m) => m.role === 'user' && /Summary of the earlier conversation[\s\S]*read big\.txt twice/.test(m.content ?? '')),
      'older turns were summarised by the model',
    );
    assert.equal(last.filter((m) => m.role === 'user')[0].content, 'read it', 'the original request is kept verbatim');
    const summaryRequest = h.server.modelRequests().at(-2)!.body;
    assert.equal(summaryRequest.tools, undefined, 'the summary call offers no tools');
    assert.ok(h.entries('notice').some((e) => e.kind === 'notice' && /compacted/i.test(e.text)));
  });

  it('SAFETY §27: Stop during a command kills it and the next turn works', async () => {
    h = await createAgentHarness();
    h.allow.push('sleep');
    h.server.enqueue({ toolCalls: [{ id: 's', name: 'run_command', arguments: '{"command":"sleep 30"}' }] }, { text: 'next works' });
    const running = h.session.prompt('sleep');
    while (!h.entries('tool').some((e) => e.kind === 'tool' && e.status === 'running')) await new Promise((r) => setTimeout(r, 10));
    const stoppedAt = Date.now();
    h.session.cancel();
    assert.equal(await running, 'stopped');
    assert.ok(Date.now() - stoppedAt < 5000, 'stopped promptly');
    assert.ok(h.entries('tool').some((e) => e.kind === 'tool' && e.status === 'failed' && /cancelled|Interrupted/.test(e.output ?? '')));
    assert.equal(await h.session.prompt('again'), 'answered');
    const messages = h.server.modelRequests().at(-1)!.body.messages as Array<{ role: string; tool_call_id?: string }>;
    assert.ok(
      messages.some((m) => m.role === 'tool' && m.tool_call_id === 's'),
      'the interrupted call has a result',
    );
  });

  it('pauses at the step limit', async () => {
    h = await createAgentHarness({}, { maxSteps: 2 });
    h.server.enqueue({ toolCalls: [{ name: 'list_files', arguments: '{}' }] }, { toolCalls: [{ name: 'list_files', arguments: '{}' }] });
    assert.equal(await h.session.prompt('loop'), 'step-limit');
    const card = h.entries('resume')[0];
    assert.ok(card?.kind === 'resume' && card.state === 'pending' && /Paused after 2 steps/.test(card.text), 'a Continue card');
    assert.deepEqual(h.session.tasks.current().status, 'waiting');
    // Continue goes on from where the task paused: the next request carries both earlier results.
    h.server.enqueue({ text: 'Done.' });
    assert.equal(await h.session.resume(card.id), 'answered');
    const messages = h.server.modelRequests().at(-1)!.body.messages as Array<{ role: string }>;
    assert.equal(messages.filter((m) => m.role === 'tool').length, 2);
    assert.ok(h.entries('resume').every((e) => e.kind === 'resume' && e.state === 'done'));
    assert.equal(h.session.tasks.current().status, 'done');
  });

  it('update_plan shows a checklist', async () => {
    h = await createAgentHarness();
    h.server.enqueue(
      {
        toolCalls: [
          {
            name: 'update_plan',
            arguments: JSON.stringify({
              steps: [
                { text: 'read', status: 'completed' },
                { text: 'fix', status: 'in_progress' },
              ],
            }),
          },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('plan');
    const plan = h.entries('plan')[0];
    assert.ok(plan?.kind === 'plan' && plan.steps.length === 2 && plan.steps[1].status === 'in_progress');
  });
});

describe('compaction', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('passing 80% of the window, older turns are summarised by the model; the request and recent turns stay verbatim', async () => {
    h = await createAgentHarness({ 'big.txt': 'token '.repeat(1500) + '\n' }, { contextWindow: 3000 });
    h.server.enqueue(
      { toolCalls: [{ id: 'a', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { toolCalls: [{ id: 'b', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { text: '- big.txt holds 1,500 repetitions of "token".' }, // the summary
      { text: 'done' },
    );
    assert.equal(await h.session.prompt('inspect big.txt'), 'answered');
    const requests = h.server.modelRequests();
    const final = requests.at(-1)!.body.messages as Array<{
      role: string;
      content: string | null;
      tool_call_id?: string;
      tool_calls?: Array<{ id: string }>;
    }>;
    assert.equal(final[1].content, 'inspect big.txt');
    assert.match(final[2].content ?? '', /Summary of the earlier conversation[\s\S]*1,500 repetitions/);
    const calls = final.flatMap((m) => m.tool_calls?.map((c) => c.id) ?? []);
    assert.deepEqual(
      final.filter((m) => m.role === 'tool').map((m) => m.tool_call_id),
      calls,
      'no orphaned tool result',
    );
    const notice = h
      .entries('notice')
      .find((e) => e.kind === 'notice' && /Context compacted: \d+ → \d+ tokens \(summarised older turns/.test(e.text));
    // The compaction can be inspected: the summary the model wrote, and what it replaced.
    assert.ok(notice?.kind === 'notice' && notice.details, 'the notice carries what was summarised');
    assert.deepEqual(
      notice.details.map((d) => d.title.replace(/\d+/, 'N')),
      ['Summary', 'What was summarised (N messages)'],
    );
    assert.match(notice.details[0].text, /1,500 repetitions/);
    assert.match(notice.details[1].text, /\[assistant\]\n→ read_file\(\{"path":"big\.txt"\}\)/);
    assert.match(notice.details[1].text, /\[tool result\]\n/);
  });

  it('the budget leaves room for what every request carries: large tool definitions compact the history sooner', async () => {
    // An MCP-like tool whose schema takes ~15,000 tokens: with it, two reads of ~9,000 tokens no longer fit in
    // 80% of a 40,000-token window (without it they would, and the summary request would be missing).
    const bulky: ToolDefinition = {
      spec: { name: 'mcp__docs__search', description: 'word '.repeat(15_000), parameters: { type: 'object', properties: {} } },
      mutating: false,
      summarize: () => 'search',
      run: async () => ok('nothing'),
    };
    h = await createAgentHarness(
      { 'big.txt': 'token '.repeat(9_000) + '\n' },
      { contextWindow: 40_000 },
      { extraTools: async () => [bulky] },
    );
    h.server.enqueue(
      { toolCalls: [{ id: 'a', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { toolCalls: [{ id: 'b', name: 'read_file', arguments: '{"path":"big.txt"}' }] },
      { text: '- big.txt holds 9,000 repetitions of "token".' }, // the summary
      { text: 'done' },
    );
    assert.equal(await h.session.prompt('inspect big.txt'), 'answered');
    const requests = h.server.modelRequests();
    assert.equal(requests.length, 4, 'the history was summarised before the third request');
    assert.match(JSON.stringify(requests[2].body.messages), /Summarise|summar/i);
    const sent = requests.at(-1)!.body as { messages: unknown; tools: unknown };
    const tokens = countTokens(JSON.stringify(sent.messages)) + countTokens(JSON.stringify(sent.tools));
    assert.ok(tokens < 40_000 * 0.8, `the request with its tools fits the budget (${tokens} tokens)`);
  });

  it('/compact summarises on demand, and autoCompact: false leaves the history alone until an overflow', async () => {
    h = await createAgentHarness({}, { contextWindow: 192_000, autoCompact: false });
    h.server.enqueue({ text: 'one' }, { text: 'two' }, { text: 'three' }, { text: '- the user said one, two, three.' });
    await h.session.prompt('first');
    await h.session.prompt('second');
    await h.session.prompt('third');
    assert.equal(await h.session.prompt('/compact'), 'answered');
    h.server.enqueue({ text: 'four' });
    await h.session.prompt('fourth');
    const messages = h.server.modelRequests().at(-1)!.body.messages as Array<{ role: string; content: string }>;
    assert.equal(messages[1].content, 'first');
    assert.match(messages[2].content, /Summary of the earlier conversation[\s\S]*one, two, three/);
    assert.equal(messages.at(-1)!.content, 'fourth');
  });
});
