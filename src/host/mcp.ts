import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { McpConfigError, parseMcpServers } from '../core/mcp/config';
import { mcpToolsForRun } from '../core/mcp/mcpTools';
import type { McpServerEntry } from '../core/mcp/types';
import type { ToolDefinition } from '../core/tools/types';
import { NodeMcpServers } from '../node/mcp/servers';

const CONSENT_KEY = (root: string) => `fixpoint.mcp.allowed:${root}`;

/**
 * MCP servers in VS Code (issue 15), from `fixpoint.mcp.servers` (user settings), the user's `mcp.json` and the
 * workspace's `.vscode/mcp.json` (VS Code's own format, so a server is configured once for every tool).
 * Workspace servers run programs the repository chose: never in Restricted Mode, and only after the user
 * allowed that server (remembered per workspace and configuration, revocable). Inputs come from Secret
 * Storage or a password prompt and are never logged. Servers start when a task first needs tools.
 */
export class HostMcp implements vscode.Disposable {
  private servers: NodeMcpServers | undefined;
  private configKey = '';
  private asked = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly root: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** The tools of every usable server, for one run. */
  async tools(signal: AbortSignal): Promise<ToolDefinition<Record<string, unknown>>[]> {
    // Consent is decided on the configuration as written (inputs not yet asked for): nothing of a workspace
    // server runs, and no input is prompted for, before the user allowed it.
    const written = await this.entries(false);
    void this.askAboutWorkspaceServers(written.filter((e) => e.source === 'workspace' && !this.isAllowed(e)));
    const usable = new Set(written.filter((e) => e.source !== 'workspace' || this.isAllowed(e)).map((e) => e.name));
    const allowed = (await this.entries(true)).filter((e) => usable.has(e.name));
    const key = JSON.stringify(allowed);
    if (key !== this.configKey) {
      await this.servers?.dispose();
      this.configKey = key;
      this.servers =
        allowed.length === 0
          ? undefined
          : new NodeMcpServers(allowed, {
              onStderr: (server, text) => this.output.append(`[mcp ${server}] ${text}`),
              onEvent: (e) => {
                this.output.appendLine(`[mcp ${e.server}] ${e.state}${e.detail ? `: ${e.detail}` : ''}`);
                if (e.state === 'crashed')
                  void this.warn(`The MCP server "${e.server}" stopped working. Fixpoint restarts it on next use.`);
              },
            });
    }
    if (!this.servers) return [];
    const disabled = vscode.workspace.getConfiguration('fixpoint.mcp').get<string[]>('disabled') ?? [];
    return mcpToolsForRun(this.servers, {
      disabled,
      signal,
      onProblem: (server, message) => this.output.appendLine(`[mcp ${server}] ${message}`),
    });
  }

  /** "Fixpoint: Allow Workspace MCP Servers": the user allows the servers this workspace defines, as they are now. */
  async allowWorkspaceServers(): Promise<string[]> {
    const workspace = (await this.entries(false)).filter((e) => e.source === 'workspace');
    const allowed = new Set([...(this.context.globalState.get<string[]>(CONSENT_KEY(this.root)) ?? []), ...workspace.map(consentId)]);
    await this.context.globalState.update(CONSENT_KEY(this.root), [...allowed]);
    return workspace.map((e) => e.name);
  }

  async dispose(): Promise<void> {
    await this.servers?.dispose();
  }

  private isAllowed(entry: McpServerEntry): boolean {
    return (this.context.globalState.get<string[]>(CONSENT_KEY(this.root)) ?? []).includes(consentId(entry));
  }

  /** The configured servers; `resolveInputs` false leaves `${input:…}` as written (for consent, without prompting). */
  private async entries(resolveInputs: boolean): Promise<McpServerEntry[]> {
    const resolveInput = resolveInputs
      ? (id: string, description?: string) => this.input(id, description)
      : async (id: string) => `\${input:${id}}`;
    const context = { workspaceFolder: this.root, env: process.env, resolveInput };
    const settings = vscode.workspace.getConfiguration('fixpoint.mcp').inspect<object>('servers')?.globalValue;
    const userFile = path.join(path.dirname(path.dirname(this.context.globalStorageUri.fsPath)), 'mcp.json');
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
    const names = fresh.map((e) => `"${e.name}" (${describe(e)})`).join(', ');
    const choice = await vscode.window.showWarningMessage(
      `This workspace's .vscode/mcp.json defines MCP servers that run programs: ${names}. Fixpoint starts them only if you allow it.`,
      'Allow',
      'Not Now',
    );
    if (choice === 'Allow') await this.allowWorkspaceServers();
  }

  private async warn(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(`Fixpoint: ${message}`, 'Show Output');
    if (choice === 'Show Output') this.output.show(true);
  }
}

/** A consent is for a server as configured: a changed command or URL asks again. */
function consentId(entry: McpServerEntry): string {
  return `${entry.name}:${createHash('sha256').update(JSON.stringify(entry.config)).digest('hex').slice(0, 16)}`;
}

function describe(entry: McpServerEntry): string {
  return entry.config.type === 'stdio' ? [entry.config.command, ...entry.config.args].join(' ').slice(0, 120) : entry.config.url;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined; // Missing or unreadable: no servers from there (a JSON error is not worth a crash).
  }
}
