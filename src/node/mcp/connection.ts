/**
 * One MCP server, run with the official SDK client (issue 15): started on first use, its tool list kept
 * current (`notifications/tools/list_changed`), restarted with backoff when it dies (a call in flight is
 * answered with an error, never retried — it may have had effects), stopped on dispose. A server that never
 * answers times out with a clear message; its stderr is kept for the user.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallResult, McpServerConfig, McpToolInfo } from '../../core/mcp/types';

export interface ConnectionOptions {
  /** Start-up (initialize handshake) limit. */
  startTimeoutMs?: number;
  /** Most time one tool call may take (progress notifications extend it). */
  callTimeoutMs?: number;
  /** Told about state changes: started, crashed (with stderr), restarting, stopped. */
  onEvent?(event: { server: string; state: 'running' | 'crashed' | 'stopped'; detail?: string }): void;
  /** Lines the server wrote to stderr. */
  onStderr?(server: string, text: string): void;
}

const STDERR_KEEP = 8_000;
const BACKOFF_MS = [250, 1_000, 5_000, 30_000];

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
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
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
    const transport = this.transport();
    this.transportInUse = transport;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.tools = undefined;
    });
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
    this.notBefore = Date.now() + BACKOFF_MS[Math.min(this.crashes, BACKOFF_MS.length - 1)];
    this.crashes++;
    this.options.onEvent?.({ server: this.name, state: 'crashed', detail: `${detail}${this.stderrNote()}` });
  }

  private stderrNote(): string {
    const tail = this.stderr.trim().split('\n').slice(-5).join('\n');
    return tail ? `\n(its stderr: ${tail})` : '';
  }
}
