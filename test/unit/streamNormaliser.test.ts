// The stream normalisers without HTTP: chunk boundaries anywhere, and the shapes text tool calls come in.
import * as assert from 'node:assert/strict';
import { DEFAULT_RETRY, retryDelayMs } from '../../src/core/model/retry';
import { ChatStreamNormaliser } from '../../src/core/model/stream/chatStream';
import { ResponsesStreamNormaliser } from '../../src/core/model/stream/responsesStream';
import type { ModelEvent, ToolSpec } from '../../src/core/model/types';

const TOOLS: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a file',
    parameters: { type: 'object', properties: { path: { type: 'string' }, offset: { type: 'number' } } },
  },
];

/** Feeds `contents` as one chunk each through a Chat normaliser and sums up what came out. */
function normalise(contents: string[], tools: ToolSpec[] = TOOLS) {
  const normaliser = new ChatStreamNormaliser(tools);
  const out: ModelEvent[] = [];
  for (const content of contents) normaliser.push({ choices: [{ index: 0, delta: { content } }] }, out);
  normaliser.push({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }, out);
  normaliser.end(out);
  return {
    text: out.map((e) => (e.type === 'text' ? e.delta : '')).join(''),
    reasoning: out.map((e) => (e.type === 'reasoning' ? e.delta : '')).join(''),
    calls: out.flatMap((e) => (e.type === 'toolCall' ? [[e.call.name, e.call.arguments]] : [])),
  };
}

const CASES: Array<{ what: string; content: string; text: string; reasoning?: string; calls?: unknown[] }> = [
  { what: 'think block then answer', content: '<think>sum it</think>\n\nIt is 5.', text: 'It is 5.', reasoning: 'sum it' },
  { what: 'an empty think block (a model not thinking)', content: '<think>\n\n</think>\n\nHi.', text: 'Hi.', reasoning: '' },
  { what: 'reasoning with inner blank lines', content: '<think>\n a\n\n b</think>ok', text: 'ok', reasoning: 'a\n\n b' },
  {
    what: 'answer, then a Hermes block',
    content: 'Reading it.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.txt"}}\n</tool_call>',
    text: 'Reading it.\n',
    calls: [['read_file', JSON.stringify({ path: 'a.txt' })]],
  },
  {
    what: 'a bare JSON call',
    content: '  {"name": "read_file", "arguments": {"path": "a.txt"}}',
    text: '',
    calls: [['read_file', JSON.stringify({ path: 'a.txt' })]],
  },
  {
    what: 'a fenced JSON call',
    content: '```json\n{"name": "read_file", "parameters": {"path": "b.txt"}}\n```',
    text: '',
    calls: [['read_file', JSON.stringify({ path: 'b.txt' })]],
  },
  {
    what: 'Qwen3-Coder XML, typed by the schema',
    content:
      '<tool_call>\n<function=read_file>\n<parameter=path>\n12\n</parameter>\n<parameter=offset>\n40\n</parameter>\n</function>\n</tool_call>',
    text: '',
    calls: [['read_file', JSON.stringify({ path: '12', offset: 40 })]],
  },
  { what: 'JSON that is not a call to an offered tool', content: '{"name": "John", "age": 3}', text: '{"name": "John", "age": 3}' },
  { what: 'angle brackets that are no tag', content: 'Use a <toolbox> and a <think>.', text: 'Use a <toolbox> and a <think>.' },
  {
    what: 'a markdown link is not JSON',
    content: '[the docs](https://example.com) say so',
    text: '[the docs](https://example.com) say so',
  },
];

describe('stream normaliser: content split at any boundary', () => {
  for (const c of CASES) {
    it(`${c.what}: the same result however the content is chunked`, () => {
      const expected = { text: c.text, reasoning: c.reasoning ?? '', calls: c.calls ?? [] };
      assert.deepEqual(normalise([c.content]), expected, 'one chunk');
      assert.deepEqual(normalise([...c.content]), expected, 'one character per chunk');
      for (let at = 1; at < c.content.length; at++)
        assert.deepEqual(normalise([c.content.slice(0, at), c.content.slice(at)]), expected, `split at ${at}`);
    });
  }

  it('without tools offered, nothing in the text is a tool call', () => {
    const block = '<tool_call>{"name": "read_file", "arguments": {}}</tool_call>';
    assert.deepEqual(normalise([block], []), { text: block, reasoning: '', calls: [] });
  });

  it('an unreadable <tool_call> block still becomes a call, so the model hears about it', () => {
    assert.deepEqual(normalise(['<tool_call>read the file please</tool_call>']), {
      text: '',
      reasoning: '',
      calls: [['', 'read the file please']],
    });
  });

  it('a stream cut inside a text tool call fails instead of running half a call', () => {
    const normaliser = new ChatStreamNormaliser(TOOLS);
    normaliser.push({ choices: [{ index: 0, delta: { content: '<tool_call>{"name": "read_file", "argu' } }] }, []);
    assert.throws(() => normaliser.end([]), /stream ended before the tool call was complete/);
  });

  it("Gemini's thought signature on an answer is kept as reasoning state", () => {
    const normaliser = new ChatStreamNormaliser(undefined);
    const out: ModelEvent[] = [];
    // Shape from discuss.ai.google.dev thread 109823: extra_content arrives on the first delta of the answer.
    const extra = { google: { thought_signature: 'CrICAdHtim827fQ' } };
    normaliser.push({ choices: [{ index: 0, delta: { content: 'I can call it.', extra_content: extra }, finish_reason: 'stop' }] }, out);
    normaliser.end(out);
    assert.deepEqual(out.at(-1), { type: 'reasoningState', state: { extraContent: extra } });
  });
});

describe('stream normaliser: Responses answers sent whole', () => {
  it('output_text.done is the answer when no deltas came, and a repeat when they did', () => {
    const run = (events: object[]) => {
      const normaliser = new ResponsesStreamNormaliser(undefined);
      const out: ModelEvent[] = [];
      for (const event of events) normaliser.push(event, out);
      normaliser.end(out);
      return out.map((e) => (e.type === 'text' ? e.delta : '')).join('');
    };
    const done = { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Hello.' };
    assert.equal(run([done]), 'Hello.');
    assert.equal(
      run([{ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hello.' }, done]),
      'Hello.',
    );
  });
});

describe('retry backoff', () => {
  it('starts near 0.25 s after a 500 or a cut stream, doubles, is capped, and Retry-After wins', () => {
    for (let i = 0; i < 50; i++) {
      const first = retryDelayMs(1, DEFAULT_RETRY);
      assert.ok(first >= 187 && first <= 313, `first retry after ${first} ms`);
      const second = retryDelayMs(2, DEFAULT_RETRY);
      assert.ok(second >= 375 && second <= 625, `second retry after ${second} ms`);
    }
    assert.equal(retryDelayMs(20, DEFAULT_RETRY), DEFAULT_RETRY.maxDelayMs);
    assert.equal(retryDelayMs(1, DEFAULT_RETRY, 3), 3000);
  });
});
