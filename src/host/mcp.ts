import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { McpConfigError, parseMcpServers } from '../core/mcp/config';
import { mcpToolsForRun } from '../core/mcp/mcpTools';
import { describeTarget, McpServerStates, type McpServerGate, type McpServerRow } from '../core/mcp/serverStatus';
import type { McpServerEntry, McpServerEvent } from '../core/mcp/types';
import type { ToolDefinition } from '../core/tools/types';
import { NodeMcpServers } from '../node/mcp/servers';

const CONSENT_KEY = (root: string) => `fixpoint.mcp.allowed:${root}`;

/**
 * MCP servers in VS Code (issue 15), from `fixpoint.mcp.servers` (user settings), the user's `mcp.json` and the
 * workspace's `.vscode/mcp.json` (VS Code's own format, so a server is configured once for every tool).
 * Workspace servers run programs the repository chose: never in Restricted Mode, and only after the user
 * allowed that server (remembered per workspace and configuration, revocable). Inputs come from Secret
 * Storage or a password prompt and are never logged. Servers start when a task first needs tools. Each
 * server's stderr and lifecycle go to its own output channel; its state to the "MCP Servers" view.
 */
export class HostMcp implements vscode.Disposable {
  private servers: NodeMcpServers | undefined;
  private configKey = '';
  private asked = new Set<string>();
  private readonly states = new McpServerStates();
  private readonly channels = new Map<string, vscode.OutputChannel>();
  /** Refused requests already shown to the user (once per server and kind, not on every call). */
  private readonly refusalsShown = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a server's state changed (the view re-reads rows()). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly root: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** Every configured server with its state, for the view (reads the configuration; starts nothing). */
  async rows(): Promise<McpServerRow[]> {
    const written = await this.entries(false, true);
    const disabled = this.disabled();
    return this.states.rows(written.map((entry) => ({ entry, gate: this.gate(entry, disabled) })));
  }

  /** Restart: stop the server if it runs and start it again now, so the view shows whether it comes up. */
  async restart(name: string): Promise<void> {
    const connection = this.servers?.connection(name);
    if (!connection) {
      await this.tools(new AbortController().signal); // Not started yet (or the configuration changed): start them.
      return;
    }
    await connection.restart();
    await connection.listTools().catch(() => undefined); // A failure is reported through the connection's events.
  }

  /** Switches a whole server off (or on again) for this workspace: `name/*` in fixpoint.mcp.disabled. */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    // A workspace value replaces the user's list rather than adding to it, so the effective list is written;
    // none at all once it is the user's list again.
    const config = vscode.workspace.getConfiguration('fixpoint.mcp');
    const rest = this.disabled().filter((d) => d !== `${name}/*`);
    const value = enabled ? rest : [...rest, `${name}/*`];
    const inherited = config.inspect<string[]>('disabled')?.globalValue ?? [];
    await config.update(
      'disabled',
      JSON.stringify(value) === JSON.stringify(inherited) ? undefined : value,
      vscode.ConfigurationTarget.Workspace,
    );
    if (!enabled) await this.servers?.connection(name)?.dispose();
    this.changed.fire();
  }

  showOutput(name: string): void {
    this.channel(name).show(true);
  }

  /** The tools of every usable server, for one run. */
  async tools(signal: AbortSignal): Promise<ToolDefinition<Record<string, unknown>>[]> {
    // Consent is decided on the configuration as written (inputs not yet asked for): nothing of a workspace
    // server runs, and no input is prompted for, before the user allowed it. A server switched off as a whole
    // is not started at all.
    const written = await this.entries(false);
    void this.askAboutWorkspaceServers(written.filter((e) => e.source === 'workspace' && !this.isAllowed(e)));
    const disabled = this.disabled();
    const usable = new Set(written.filter((e) => this.gate(e, disabled) === 'usable').map((e) => e.name));
    const allowed = (await this.entries(true)).filter((e) => usable.has(e.name));
    const key = JSON.stringify(allowed);
    if (key !== this.configKey) {
      await this.servers?.dispose();
      this.states.clear();
      this.configKey = key;
      this.servers =
        allowed.length === 0
          ? undefined
          : new NodeMcpServers(allowed, {
              onStderr: (server, text) => this.channel(server).append(text),
              onEvent: (e) => this.onEvent(e),
            });
      this.changed.fire();
    }
    if (!this.servers) return [];
    return mcpToolsForRun(this.servers, {
      disabled,
      signal,
      onProblem: (server, message) =>
        server === '*' ? this.output.appendLine(`[mcp] ${message}`) : this.channel(server).appendLine(`[fixpoint] ${message}`),
    });
  }

  private onEvent(e: McpServerEvent): void {
    this.states.apply(e);
    this.changed.fire();
    const detail = 'detail' in e && e.detail ? `: ${e.detail}` : 'tools' in e && e.tools !== undefined ? ` (${e.tools} tools)` : '';
    this.channel(e.server).appendLine(`[fixpoint] ${e.state}${detail}`);
    if (e.state === 'crashed') void this.warn(`The MCP server "${e.server}" stopped working. Fixpoint restarts it on next use.`, e.server);
    if (e.state === 'refused' && !this.refusalsShown.has(`${e.server}:${e.detail}`)) {
      this.refusalsShown.add(`${e.server}:${e.detail}`);
      void this.warn(`The MCP server "${e.server}" ${e.detail}; the request was refused.`, e.server);
    }
  }

  private gate(entry: McpServerEntry, disabled: readonly string[]): McpServerGate {
    if (disabled.includes(`${entry.name}/*`)) return 'disabled';
    return entry.source !== 'workspace' || this.isAllowed(entry) ? 'usable' : 'needsConsent';
  }

  private disabled(): string[] {
    return vscode.workspace.getConfiguration('fixpoint.mcp').get<string[]>('disabled') ?? [];
  }

  /** A server's own output channel: its stderr as it writes it, and Fixpoint's notes on its lifecycle. */
  private channel(server: string): vscode.OutputChannel {
    let channel = this.channels.get(server);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Fixpoint MCP: ${server}`);
      this.channels.set(server, channel);
    }
    return channel;
  }

  /**
   * "Fixpoint: Allow Workspace MCP Servers": the user allows the servers this workspace defines, as they are
   * now (only `name`, from the servers view).
   */
  async allowWorkspaceServers(name?: string): Promise<string[]> {
    const workspace = (await this.entries(false)).filter((e) => e.source === 'workspace' && (name === undefined || e.name === name));
    const allowed = new Set([...(this.context.globalState.get<string[]>(CONSENT_KEY(this.root)) ?? []), ...workspace.map(consentId)]);
    await this.context.globalState.update(CONSENT_KEY(this.root), [...allowed]);
    this.changed.fire();
    return workspace.map((e) => e.name);
  }

  async dispose(): Promise<void> {
    await this.servers?.dispose();
    for (const channel of this.channels.values()) channel.dispose();
    this.changed.dispose();
  }

  /** VS Code's own user-level mcp.json (next to its settings.json), which Fixpoint reads too. */
  userConfigFile(): string {
    return path.join(path.dirname(path.dirname(this.context.globalStorageUri.fsPath)), 'mcp.json');
  }

  private isAllowed(entry: McpServerEntry): boolean {
    return (this.context.globalState.get<string[]>(CONSENT_KEY(this.root)) ?? []).includes(consentId(entry));
  }

  /**
   * The configured servers; `resolveInputs` false leaves `${input:…}` as written (for consent, without
   * prompting); `quiet` does not warn about configuration errors.
   */
  private async entries(resolveInputs: boolean, quiet = false): Promise<McpServerEntry[]> {
    const resolveInput = resolveInputs
      ? (id: string, description?: string) => this.input(id, description)
      : async (id: string) => `\${input:${id}}`;
    const context = { workspaceFolder: this.root, env: process.env, resolveInput };
    const settings = vscode.workspace.getConfiguration('fixpoint.mcp').inspect<object>('servers')?.globalValue;
    const userFile = this.userConfigFile();
    const documents: Array<[unknown, 'user' | 'workspace', string]> = [
      [settings, 'user', 'fixpoint.mcp.servers'],
      [await readJson(userFile), 'user', userFile],
      ...(vscode.workspace.isTrusted
        ? [[await readJson(path.join(this.root, '.vscode', 'mcp.json')), 'workspace', '.vscode/mcp.json'] as [unknown, 'workspace', string]]
        : []),
    ];
    const entries: McpServerEntry[] = [];
    for (const [document, source, where] of documents) {
      try {
        for (const entry of await parseMcpServers(document, source, context)) {
          if (!entries.some((e) => e.name === entry.name)) entries.push(entry);
        }
      } catch (err) {
        if (!(err instanceof McpConfigError)) throw err;
        if (quiet) continue; // The view re-reads the configuration often; the problem was said when a task read it.
        this.output.appendLine(`[mcp] ${where}: ${err.message}`);
        void this.warn(`MCP configuration in ${where}: ${err.message}`);
      }
    }
    return entries;
  }

  /** An `${input:id}`: kept in Secret Storage once given (never in settings, logs or the model's context). */
  private async input(id: string, description?: string): Promise<string | undefined> {
    const key = `fixpoint.mcp.input.${id}`;
    const stored = await this.context.secrets.get(key);
    if (stored !== undefined) return stored;
    const value = await vscode.window.showInputBox({
      title: `MCP input "${id}"`,
      prompt: description,
      password: true,
      ignoreFocusOut: true,
    });
    if (value !== undefined) await this.context.secrets.store(key, value);
    return value;
  }

  private async askAboutWorkspaceServers(pending: McpServerEntry[]): Promise<void> {
    const fresh = pending.filter((e) => !this.asked.has(consentId(e)));
    if (fresh.length === 0) return;
    for (const e of fresh) this.asked.add(consentId(e));
    const names = fresh.map((e) => `"${e.name}" (${describeTarget(e).slice(0, 120)})`).join(', ');
    const choice = await vscode.window.showWarningMessage(
      `This workspace's .vscode/mcp.json defines MCP servers that run programs: ${names}. Fixpoint starts them only if you allow it.`,
      'Allow',
      'Not Now',
    );
    if (choice === 'Allow') await this.allowWorkspaceServers();
  }

  private async warn(message: string, server?: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(`Fixpoint: ${message}`, 'Show Output');
    if (choice === 'Show Output') (server ? this.channel(server) : this.output).show(true);
  }
}

/** A consent is for a server as configured: a changed command or URL asks again. */
function consentId(entry: McpServerEntry): string {
  return `${entry.name}:${createHash('sha256').update(JSON.stringify(entry.config)).digest('hex').slice(0, 16)}`;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined; // Missing or unreadable: no servers from there (a JSON error is not worth a crash).
  }
}
