/**
 * One MCP server, run with the official SDK client (issue 15): started on first use, its tool list kept
 * current (`notifications/tools/list_changed`), restarted with backoff when it dies (a call in flight is
 * answered with an error, never retried — it may have had effects), stopped on dispose. A server that never
 * answers times out with a clear message; its stderr is kept for the user.
 *
 * Stop: a cancelled call sends `notifications/cancelled`, and a stdio server is then stopped too, to start
 * again when next needed. Many servers ignore the notice (the reference server's long operation runs on),
 * and the user who pressed Stop expects the work to end, not to go on writing files unseen; the price is a
 * restart (a few hundred ms) and the server's in-memory state. A remote (HTTP) server only gets the notice.
 *
 * Requests from the server that Fixpoint does not serve — sampling (asking Fixpoint's model), elicitation
 * (asking the user), roots — are refused with a clear JSON-RPC error; none is declared as a capability, so a
 * well-behaved server does not send them.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallResult, McpServerConfig, McpServerEvent, McpToolInfo } from '../../core/mcp/types';

export interface ConnectionOptions {
  /** Start-up (initialize handshake) limit. */
  startTimeoutMs?: number;
  /** Most time one tool call may take (progress notifications extend it). */
  callTimeoutMs?: number;
  /** Told about state changes (starting, running, crashed with stderr, stopped) and refused server requests. */
  onEvent?(event: McpServerEvent): void;
  /** Lines the server wrote to stderr. */
  onStderr?(server: string, text: string): void;
}

const STDERR_KEEP = 8_000;
const BACKOFF_MS = [250, 1_000, 5_000, 30_000];
/** What each server-to-client request Fixpoint refuses would have asked for, for the error and the notice. */
const UNSUPPORTED: Record<string, string> = {
  'sampling/createMessage': "sampling (a completion from Fixpoint's model)",
  'elicitation/create': 'elicitation (input from the user)',
  'roots/list': 'roots (the workspace folders)',
};

export class McpConnection {
  private client: Client | undefined;
  private transportInUse: Transport | undefined;
  private starting: Promise<Client> | undefined;
  private tools: McpToolInfo[] | undefined;
  private stderr = '';
  private crashes = 0;
  private notBefore = 0;
  private disposed = false;

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly options: ConnectionOptions = {},
  ) {}

  /** The server's process id (stdio servers), for the output channel and for diagnosing a hung server. */
  get pid(): number | undefined {
    return this.transportInUse instanceof StdioClientTransport ? (this.transportInUse.pid ?? undefined) : undefined;
  }

  /** What the server wrote to stderr lately (for the error message and the output channel). */
  recentStderr(): string {
    return this.stderr;
  }

  async listTools(signal?: AbortSignal): Promise<McpToolInfo[]> {
    const client = await this.ensureStarted();
    if (!this.tools) {
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: this.options.startTimeoutMs ?? 15_000 });
        tools.push(...(page.tools as McpToolInfo[]));
        cursor = page.nextCursor;
      } while (cursor);
      this.tools = tools;
      if (this.client === client) this.options.onEvent?.({ server: this.name, state: 'running', tools: tools.length });
    }
    return this.tools;
  }

  async callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    const client = await this.ensureStarted();
    // A signal per call: the SDK leaves its abort listener on the signal it is given, and a task's signal
    // lives for many calls. The SDK sends notifications/cancelled when it aborts, so the server can stop.
    const call = new AbortController();
    const onAbort = () => call.abort(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: call.signal,
        timeout: this.options.callTimeoutMs ?? 10 * 60_000,
        resetTimeoutOnProgress: true,
        onprogress: () => undefined,
      });
      return result as McpCallResult;
    } catch (err) {
      if (call.signal.aborted) void this.stopAfterCancel(client, tool);
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The user asked for a fresh start (the servers view's Restart): the process is stopped now, and started
   * again — without the crash backoff — on next use.
   */
  async restart(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.tools = undefined;
    this.notBefore = 0;
    this.crashes = 0;
    await client?.close().catch(() => undefined);
    this.options.onEvent?.({ server: this.name, state: 'stopped', detail: 'restarted by the user; starts when next needed' });
  }

  /** See the file's comment: the cancellation notice has gone out; a local server's process is stopped too. */
  private async stopAfterCancel(client: Client, tool: string): Promise<void> {
    if (!(this.transportInUse instanceof StdioClientTransport) || this.client !== client) return;
    this.client = undefined;
    this.tools = undefined;
    this.options.onEvent?.({
      server: this.name,
      state: 'stopped',
      detail: `stopped with the task (its call of ${tool} was cancelled); starts again when next needed`,
    });
    await client.close().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    await client?.close().catch(() => undefined);
    this.options.onEvent?.({ server: this.name, state: 'stopped' });
  }

  private ensureStarted(): Promise<Client> {
    if (this.disposed) return Promise.reject(new Error(`the MCP server "${this.name}" was stopped`));
    if (this.client) return Promise.resolve(this.client);
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      return Promise.reject(
        new Error(`the MCP server "${this.name}" crashed; restarting in ${Math.ceil(wait / 1000)} s${this.stderrNote()}`),
      );
    }
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Client> {
    const client = new Client({ name: 'fixpoint', version: '0.1.0' }, { capabilities: {} });
    this.options.onEvent?.({ server: this.name, state: 'starting' });
    const transport = this.transport();
    this.transportInUse = transport;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.tools = undefined;
      // Listed again now, so the servers view shows the new count (the next run would list them anyway).
      void this.listTools().catch(() => undefined);
    });
    client.fallbackRequestHandler = async (request) => {
      const what = UNSUPPORTED[request.method] ?? `"${request.method}"`;
      this.options.onEvent?.({ server: this.name, state: 'refused', detail: `asked for ${what}, which Fixpoint does not support` });
      throw new McpError(ErrorCode.MethodNotFound, `Fixpoint does not support ${what}; the request was refused.`);
    };
    client.onclose = () => this.closed(client);
    try {
      await client.connect(transport, { timeout: this.options.startTimeoutMs ?? 15_000 });
    } catch (err) {
      await client.close().catch(() => undefined);
      this.crashed(`could not start: ${(err as Error).message}`);
      throw new Error(`the MCP server "${this.name}" did not start: ${(err as Error).message}${this.stderrNote()}`, { cause: err });
    }
    this.client = client;
    this.crashes = 0;
    this.options.onEvent?.({ server: this.name, state: 'running' });
    return client;
  }

  private transport(): Transport {
    const config = this.config;
    if (config.type === 'stdio') {
      // A minimal environment (PATH, HOME, …) plus what the configuration gives: Fixpoint's own credentials
      // never reach a server that was not given them.
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        cwd: config.cwd,
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.stderr = (this.stderr + text).slice(-STDERR_KEEP);
        this.options.onStderr?.(this.name, text);
      });
      return transport;
    }
    const url = new URL(config.url);
    const requestInit = { headers: config.headers };
    return config.type === 'sse' ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
  }

  /** The connection closed: on purpose (dispose), or the server died — then the next use restarts it, after a backoff. */
  private closed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.tools = undefined;
    if (!this.disposed) this.crashed('the server exited');
  }

  private crashed(detail: string): void {
    const backoff = BACKOFF_MS[Math.min(this.crashes, BACKOFF_MS.length - 1)];
    this.notBefore = Date.now() + backoff;
    this.crashes++;
    this.options.onEvent?.({ server: this.name, state: 'crashed', detail: `${detail}${this.stderrNote()}`, retryInMs: backoff });
  }

  private stderrNote(): string {
    const tail = this.stderr.trim().split('\n').slice(-5).join('\n');
    return tail ? `\n(its stderr: ${tail})` : '';
  }
}
