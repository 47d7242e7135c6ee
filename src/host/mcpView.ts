import * as vscode from 'vscode';
import { rowDescription, rowTooltip, type McpServerRow, type McpServerStatus } from '../core/mcp/serverStatus';
import type { HostMcp } from './mcp';

/** The view's item context values: which inline actions a row offers (package.json `view/item/context`). */
const CONTEXT: Record<McpServerStatus, string> = {
  idle: 'mcpServer.enabled',
  starting: 'mcpServer.enabled',
  running: 'mcpServer.enabled',
  crashed: 'mcpServer.enabled',
  stopped: 'mcpServer.enabled',
  disabled: 'mcpServer.disabled',
  needsConsent: 'mcpServer.needsConsent',
};

const ICON: Record<McpServerStatus, vscode.ThemeIcon> = {
  idle: new vscode.ThemeIcon('circle-outline'),
  starting: new vscode.ThemeIcon('sync~spin'),
  running: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  crashed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  stopped: new vscode.ThemeIcon('debug-pause'),
  disabled: new vscode.ThemeIcon('circle-slash'),
  needsConsent: new vscode.ThemeIcon('shield'),
};

/**
 * "MCP Servers" in the Fixpoint view container (issue 15): one row per configured server with its state, and
 * the actions on it — restart, its output (stderr), switch off or on for the workspace, allow a workspace
 * server. The rows come from HostMcp (core's McpServerStates); this only draws them.
 */
export class McpServersView implements vscode.TreeDataProvider<McpServerRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The rows last read (whether the view is worth showing). */
  private shown: McpServerRow[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly mcp: HostMcp) {
    // The mcp.json files are edited by hand (or by other tools): the view follows them, not only the settings.
    const user = vscode.Uri.file(mcp.userConfigFile());
    const watchers = [
      vscode.workspace.createFileSystemWatcher('**/.vscode/mcp.json'),
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(user, '..'), 'mcp.json')),
    ];
    this.subscriptions = [
      ...watchers,
      ...watchers.flatMap((w) => [w.onDidCreate, w.onDidChange, w.onDidDelete].map((on) => on(() => this.refresh()))),
      mcp.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('fixpoint.mcp')) this.refresh();
      }),
    ];
  }

  async getChildren(element?: McpServerRow): Promise<McpServerRow[]> {
    if (element) return [];
    return this.current();
  }

  getTreeItem(row: McpServerRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.name, vscode.TreeItemCollapsibleState.None);
    item.id = row.name;
    item.description = rowDescription(row);
    item.tooltip = rowTooltip(row);
    item.iconPath = ICON[row.status];
    item.contextValue = CONTEXT[row.status];
    item.command = { command: 'fixpoint.mcp.showOutput', title: 'Show Output', arguments: [row] };
    return item;
  }

  /** The rows as the view shows them now (read afresh); the view is shown only while there are any. */
  async current(): Promise<McpServerRow[]> {
    const rows = await this.mcp.rows();
    if (rows.length > 0 !== this.shown.length > 0)
      void vscode.commands.executeCommand('setContext', 'fixpoint.mcp.hasServers', rows.length > 0);
    this.shown = rows;
    return rows;
  }

  /** Redraws, and re-reads whether the view is worth showing (it is hidden, so not asked, while there is none). */
  refresh(): void {
    this.changed.fire();
    void this.current().catch(() => undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** The view and its commands; a command run from the palette asks which server. */
export function registerMcpView(mcp: HostMcp): vscode.Disposable[] {
  const view = new McpServersView(mcp);
  void view.current().catch(() => undefined); // Sets fixpoint.mcp.hasServers at activation.
  const pick = async (row?: McpServerRow): Promise<string | undefined> => {
    if (row?.name) return row.name;
    const rows = await view.current();
    const chosen = await vscode.window.showQuickPick(
      rows.map((r) => ({ label: r.name, description: rowDescription(r) })),
      { title: 'MCP server' },
    );
    return chosen?.label;
  };
  const on = (command: string, run: (name: string) => unknown) =>
    vscode.commands.registerCommand(command, async (row?: McpServerRow) => {
      const name = await pick(row);
      if (name) await run(name);
    });
  return [
    view,
    vscode.window.registerTreeDataProvider('fixpoint.mcpServers', view),
    on('fixpoint.mcp.restart', (name) => mcp.restart(name)),
    on('fixpoint.mcp.showOutput', (name) => mcp.showOutput(name)),
    on('fixpoint.mcp.disable', (name) => mcp.setEnabled(name, false)),
    on('fixpoint.mcp.enable', (name) => mcp.setEnabled(name, true)),
    on('fixpoint.mcp.allowServer', (name) => mcp.allowWorkspaceServers(name)),
    vscode.commands.registerCommand('fixpoint.mcp.refresh', () => view.refresh()),
    // Not in the palette: the rows as the view draws them, for the integration tests and for scripting.
    vscode.commands.registerCommand('fixpoint.mcp.servers', async () =>
      (await view.current()).map((row) => ({ ...row, description: rowDescription(row) })),
    ),
  ];
}
