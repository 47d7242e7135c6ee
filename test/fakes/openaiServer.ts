// A local OpenAI-compatible server for tests: the real `openai` SDK talks HTTP to it. It replays a scripted
// queue of model turns over both wire formats (Chat Completions and Responses, streaming or not), records every
// request for assertions, and injects faults on demand. Only the model is fake; the transport is real.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Sent verbatim, so a test can script malformed JSON. */
  arguments: string;
}

export interface ScriptedTurn {
  /** Answer text, streamed in chunks of `chunkSize` characters (default 8) unless `chunks` is given. */
  text?: string;
  chunks?: string[];
  chunkSize?: number;
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  /** Token usage to report; `cost` is added as gateways like OpenRouter do (not OpenAI). */
  usage?: { input: number; output: number; cost?: number };
  /** Delay before each SSE chunk. */
  chunkDelayMs?: number;
  /** Answer with this HTTP error instead of a turn. */
  fault?: { status: number; retryAfter?: string; message?: string; code?: string };
  /** Destroy the connection after this many SSE chunks. */
  cutAfterChunks?: number;
  /** Stop sending (but keep the connection open) after this many SSE chunks. */
  stallAfterChunks?: number;
  /**
   * A recorded stream to replay instead of the scripted fields: each string is written to the socket exactly
   * as given (one write each), with no `[DONE]` added — so a fixture decides every byte, including error
   * events, odd field shapes and events split across writes.
   */
  rawSse?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary JSON, asserted by tests
  /** When the request body had arrived (ms since epoch, performance.timeOrigin based). */
  receivedAt: number;
  /** When the first SSE chunk of the answer was written (ms since epoch, performance.timeOrigin based). */
  firstChunkAt?: number;
}

export interface FakeServerOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  port?: number;
  models?: string[];
  /**
   * JSON answers for other endpoints, keyed "METHOD /path" — e.g. a server's model-info endpoints
   * (`POST /api/show` for Ollama, `GET /api/v0/models/<id>` for LM Studio), or a `GET /v1/models` with the
   * fields vLLM and OpenRouter add. Checked before the built-in routes.
   */
  routes?: Record<string, object>;
}

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedTurn[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    private readonly options: FakeServerOptions,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
    const server = http.createServer();
    const instance = new FakeOpenAIServer(server, options);
    server.on('request', (req, res) => void instance.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL to give the SDK (`baseURL`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  enqueue(...turns: ScriptedTurn[]): void {
    this.queue.push(...turns);
  }

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
  }

  /** Resolves once at least `count` model requests have arrived. */
  async waitForRequests(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.modelRequests().length < count) {
      if (Date.now() > deadline) throw new Error(`fake server: expected ${count} requests, got ${this.modelRequests().length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions') || r.path.endsWith('/responses'));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const receivedAt = performance.timeOrigin + performance.now();
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendJson(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
    }
    const path = (req.url ?? '').split('?')[0];
    const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, receivedAt };
    this.requests.push(record);
    for (const wake of this.waiters.splice(0)) wake();

    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendJson(res, 401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    }
    const routed = this.options.routes?.[`${req.method} ${path}`];
    if (routed) return sendJson(res, 200, routed);
    if (req.method === 'GET' && path === '/v1/models') {
      const models = this.options.models ?? ['fake-model', 'fake-fast-model'];
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fixpoint-tests' })),
      });
    }
    const wire = path === '/v1/chat/completions' ? 'chat' : path === '/v1/responses' ? 'responses' : undefined;
    if (req.method !== 'POST' || !wire) {
      return sendJson(res, 404, { error: { message: `fake server: no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    }
    const turn = this.queue.shift();
    if (!turn) {
      return sendJson(res, 500, { error: { message: 'fake server: no scripted turn left', type: 'server_error' } });
    }
    if (turn.fault) {
      const headers: Record<string, string> = turn.fault.retryAfter ? { 'retry-after': turn.fault.retryAfter } : {};
      return sendJson(
        res,
        turn.fault.status,
        { error: { message: turn.fault.message ?? `scripted ${turn.fault.status}`, type: 'scripted', code: turn.fault.code ?? null } },
        headers,
      );
    }
    const model = String((body as { model?: unknown })?.model ?? 'fake-model');
    const stream = (body as { stream?: unknown })?.stream === true;
    if (!stream) {
      return sendJson(res, 200, wire === 'chat' ? chatCompletion(turn, model) : responseObject(turn, model));
    }
    if (turn.rawSse) return this.streamWrites(res, record, turn, turn.rawSse);
    const events = wire === 'chat' ? chatChunks(turn, model) : responsesEvents(turn, model);
    const writes = events.map((event) => {
      const type = wire === 'responses' ? (event as { type?: string }).type : undefined;
      return `${type ? `event: ${type}\n` : ''}data: ${JSON.stringify(event)}\n\n`;
    });
    await this.streamWrites(res, record, turn, wire === 'chat' ? [...writes, 'data: [DONE]\n\n'] : writes);
  }

  /** Writes an SSE body, honouring the turn's delay, cut and stall faults (counted in writes). */
  private async streamWrites(res: http.ServerResponse, record: RecordedRequest, turn: ScriptedTurn, writes: string[]): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let sent = 0;
    for (const write of writes) {
      if (turn.cutAfterChunks !== undefined && sent >= turn.cutAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (turn.stallAfterChunks !== undefined && sent >= turn.stallAfterChunks) return; // left open until the client gives up
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
      if (res.destroyed || res.writableEnded) return;
      res.write(write);
      if (sent === 0) record.firstChunkAt = performance.timeOrigin + performance.now();
      sent++;
    }
    res.end();
  }
}

function split(turn: ScriptedTurn): string[] {
  if (turn.chunks) return turn.chunks;
  const text = turn.text ?? '';
  const size = turn.chunkSize ?? 8;
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function callId(call: ScriptedToolCall, index: number): string {
  return call.id ?? `call_${index + 1}`;
}

function chatChunks(turn: ScriptedTurn, model: string): object[] {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model };
  const chunk = (delta: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out: object[] = [chunk({ role: 'assistant', content: '' })];
  if (turn.reasoning) out.push(chunk({ reasoning_content: turn.reasoning }));
  for (const piece of split(turn)) out.push(chunk({ content: piece }));
  (turn.toolCalls ?? []).forEach((call, index) => {
    out.push(chunk({ tool_calls: [{ index, id: callId(call, index), type: 'function', function: { name: call.name, arguments: '' } }] }));
    const half = Math.ceil(call.arguments.length / 2);
    // Arguments arrive in fragments, as real servers send them.
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) out.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  out.push(chunk({}, turn.toolCalls?.length ? 'tool_calls' : 'stop'));
  if (turn.usage) out.push({ ...base, choices: [], usage: usageChat(turn) });
  return out;
}

function usageChat(turn: ScriptedTurn) {
  const u = turn.usage ?? { input: 0, output: 0 };
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    ...(u.cost !== undefined ? { cost: u.cost } : {}),
  };
}

function chatCompletion(turn: ScriptedTurn, model: string): object {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        finish_reason: turn.toolCalls?.length ? 'tool_calls' : 'stop',
        message: {
          role: 'assistant',
          content: split(turn).join('') || null,
          tool_calls: turn.toolCalls?.map((c, i) => ({
            id: callId(c, i),
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        },
      },
    ],
    usage: usageChat(turn),
  };
}

function responseOutput(turn: ScriptedTurn): object[] {
  const output: object[] = [];
  const text = split(turn).join('');
  if (text)
    output.push({
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [] }],
    });
  (turn.toolCalls ?? []).forEach((c, i) =>
    output.push({
      type: 'function_call',
      id: `fc_${i + 1}`,
      call_id: callId(c, i),
      name: c.name,
      arguments: c.arguments,
      status: 'completed',
    }),
  );
  return output;
}

function responseObject(turn: ScriptedTurn, model: string, status = 'completed'): object {
  const u = turn.usage ?? { input: 0, output: 0 };
  return {
    id: 'resp_fake',
    object: 'response',
    created_at: 0,
    status,
    model,
    output: status === 'completed' ? responseOutput(turn) : [],
    usage: {
      input_tokens: u.input,
      output_tokens: u.output,
      total_tokens: u.input + u.output,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function responsesEvents(turn: ScriptedTurn, model: string): object[] {
  let seq = 0;
  const ev = (type: string, rest: object) => ({ type, sequence_number: seq++, ...rest });
  const out: object[] = [ev('response.created', { response: responseObject(turn, model, 'in_progress') })];
  if (turn.reasoning) {
    out.push(ev('response.reasoning_summary_text.delta', { item_id: 'rs_1', output_index: 0, summary_index: 0, delta: turn.reasoning }));
  }
  const pieces = split(turn);
  if (pieces.length) {
    out.push(
      ev('response.output_item.added', {
        output_index: 0,
        item: { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] },
      }),
    );
    for (const delta of pieces)
      out.push(ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta, logprobs: [] }));
  }
  (turn.toolCalls ?? []).forEach((c, i) => {
    const item = {
      type: 'function_call',
      id: `fc_${i + 1}`,
      call_id: callId(c, i),
      name: c.name,
      arguments: c.arguments,
      status: 'completed',
    };
    out.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: i + 1, delta: c.arguments }));
    out.push(ev('response.output_item.done', { output_index: i + 1, item }));
  });
  out.push(ev('response.completed', { response: responseObject(turn, model) }));
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
