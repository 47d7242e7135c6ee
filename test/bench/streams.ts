// Stream parsing (issue 17), for a 20,000-delta reply:
//   (a) throughput through the whole client path — the real openai SDK reading SSE from the local fake server
//       over loopback, then Fixpoint's normaliser — next to the SDK alone on the same stream (goal ≥ 50,000
//       deltas/s through Fixpoint);
//   (b) latency the normaliser adds per delta: each chunk's push() timed on its own, for plain answer text,
//       reasoning, text with tools offered (scanned for tool-call markup) and tool-call argument fragments
//       (goal p99 < 0.2 ms).
import OpenAI from 'openai';
import { OpenAIModelClient } from '../../src/core/model/openaiClient';
import { ChatStreamNormaliser } from '../../src/core/model/stream/chatStream';
import { ResponsesStreamNormaliser } from '../../src/core/model/stream/responsesStream';
import type { ModelEvent, ToolSpec, WireApi } from '../../src/core/model/types';
import { FakeOpenAIServer } from '../fakes/openaiServer';

const DELTAS = 20_000;
const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'r', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
/** Word-sized deltas with some markdown, the way models stream an answer. */
const words = Array.from({ length: DELTAS }, (_, i) => (i % 12 === 0 ? '\n- item ' : i % 7 === 0 ? ' `code`' : ` word${i % 100}`));

async function throughput(server: FakeOpenAIServer, wireApi: WireApi): Promise<void> {
  const runs = { sdk: [] as number[], fixpoint: [] as number[] };
  for (let run = 0; run < 3; run++) {
    server.enqueue({ chunks: words });
    const sdk = new OpenAI({ apiKey: 'x', baseURL: server.url, maxRetries: 0 });
    let t = performance.now();
    let seen = 0;
    if (wireApi === 'chat') {
      for await (const chunk of await sdk.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'go' }],
        stream: true,
      }))
        if (chunk.choices[0]?.delta?.content) seen++;
    } else {
      for await (const event of await sdk.responses.create({ model: 'm', input: 'go', stream: true }))
        if (event.type === 'response.output_text.delta') seen++;
    }
    runs.sdk.push(performance.now() - t);
    if (seen !== DELTAS) throw new Error(`SDK saw ${seen} deltas`);

    server.enqueue({ chunks: words });
    const client = new OpenAIModelClient({ baseURL: server.url, model: 'm', wireApi });
    t = performance.now();
    let text = 0;
    for await (const event of client.stream({ items: [{ role: 'user', content: 'go' }], tools: TOOLS }, new AbortController().signal))
      if (event.type === 'text') text++;
    runs.fixpoint.push(performance.now() - t);
    if (text < DELTAS - 1) throw new Error(`Fixpoint emitted ${text} text deltas`);
  }
  const best = (xs: number[]) => Math.min(...xs);
  const rate = (ms: number) => Math.round(DELTAS / (ms / 1000)).toLocaleString('en-US');
  console.log(
    `(a) ${wireApi} wire, ${DELTAS.toLocaleString('en-US')}-delta reply over loopback (best of 3): Fixpoint ${rate(best(runs.fixpoint))} deltas/s ` +
      `(${best(runs.fixpoint).toFixed(0)} ms) vs the SDK alone ${rate(best(runs.sdk))} deltas/s (${best(runs.sdk).toFixed(0)} ms); ` +
      `added ${(((best(runs.fixpoint) - best(runs.sdk)) / DELTAS) * 1000).toFixed(2)} µs per delta`,
  );
}

/** Times every push() of a chunk sequence; reports p50 / p99 / max in microseconds. */
function perDelta(
  name: string,
  make: () => { push(chunk: unknown, out: ModelEvent[]): void; end(out: ModelEvent[]): void },
  chunks: object[],
): void {
  // Warm the JIT on a throw-away normaliser first, so the figures are the steady state the agent runs in.
  const warm = make();
  for (const chunk of chunks) warm.push(chunk, []);
  const normaliser = make();
  const times: number[] = [];
  const out: ModelEvent[] = [];
  for (const chunk of chunks) {
    const t = performance.now();
    normaliser.push(chunk, out);
    times.push(performance.now() - t);
    out.length = 0;
  }
  normaliser.end(out);
  const us = (ms: number) => (ms * 1000).toFixed(1);
  const total = times.reduce((a, b) => a + b, 0);
  console.log(
    `(b) ${name}: p50 ${us(pct(times, 50))} µs, p99 ${us(pct(times, 99))} µs, max ${us(Math.max(...times))} µs per delta; ` +
      `${Math.round(chunks.length / (total / 1000)).toLocaleString('en-US')} deltas/s in the normaliser alone`,
  );
}

function chat(delta: object, finish: string | null = null): object {
  return { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function main(): Promise<void> {
  const server = await FakeOpenAIServer.start();
  try {
    await throughput(server, 'chat');
    await throughput(server, 'responses');
  } finally {
    await server.close();
  }
  const answer = words.map((w) => chat({ content: w }));
  perDelta('chat answer text, no tools offered', () => new ChatStreamNormaliser(undefined), answer);
  perDelta('chat answer text, tools offered (scanned for tool-call markup)', () => new ChatStreamNormaliser(TOOLS), [
    ...words.map((w, i) => chat({ content: i % 50 === 0 ? `${w} a <b> tag` : w })),
    chat({}, 'stop'),
  ]);
  perDelta(
    'chat reasoning_content',
    () => new ChatStreamNormaliser(TOOLS),
    words.map((w) => chat({ reasoning_content: w })),
  );
  const args = JSON.stringify({ path: 'x'.repeat(DELTAS) });
  perDelta('chat tool-call argument fragments', () => new ChatStreamNormaliser(TOOLS), [
    chat({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
    ...Array.from({ length: DELTAS }, (_, i) => chat({ tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 1) } }] })),
    chat({ tool_calls: [{ index: 0, function: { arguments: args.slice(DELTAS) } }] }, 'tool_calls'),
  ]);
  perDelta(
    'responses output_text.delta',
    () => new ResponsesStreamNormaliser(TOOLS),
    words.map((delta, i) => ({
      type: 'response.output_text.delta',
      sequence_number: i,
      item_id: 'msg',
      output_index: 0,
      content_index: 0,
      delta,
    })),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
