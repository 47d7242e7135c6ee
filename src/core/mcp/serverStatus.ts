/**
 * What the "MCP Servers" view shows of each configured server (issue 15: servers never fail silently): its
 * state as the connection reported it — starting, running with N tools, crashed (the last error, restarting
 * on next use), stopped with a task — or why it does not run: switched off for the workspace, or a
 * workspace server waiting for the user's consent. Front ends render the rows; the decisions are here.
 */
import type { McpConfigSource, McpServerEntry, McpServerEvent } from './types';

export type McpServerStatus = 'idle' | 'starting' | 'running' | 'crashed' | 'stopped' | 'disabled' | 'needsConsent';

export interface McpServerRow {
  name: string;
  source: McpConfigSource;
  /** The command line or URL, as configured. */
  target: string;
  status: McpServerStatus;
  tools?: number;
  /** The last error (crashed), why it stopped, or what it is waiting for. */
  detail?: string;
  /** The latest request of the server that Fixpoint refused (sampling, elicitation…). */
  refused?: string;
}

/** Why a configured server is not started, when it is not. */
export type McpServerGate = 'usable' | 'disabled' | 'needsConsent';

interface Live {
  status: 'starting' | 'running' | 'crashed' | 'stopped';
  tools?: number;
  detail?: string;
  refused?: string;
  /** When a crashed server may start again (ms since epoch). */
  retryAt?: number;
}

export class McpServerStates {
  private readonly live = new Map<string, Live>();

  apply(event: McpServerEvent, now = Date.now()): void {
    const was = this.live.get(event.server);
    switch (event.state) {
      case 'refused':
        this.live.set(event.server, { ...(was ?? { status: 'running' }), refused: event.detail });
        return;
      case 'running':
        this.live.set(event.server, {
          status: 'running',
          tools: event.tools ?? (was?.status === 'running' ? was.tools : undefined),
          refused: was?.refused,
        });
        return;
      case 'crashed':
        this.live.set(event.server, { status: 'crashed', detail: event.detail, retryAt: now + event.retryInMs, refused: was?.refused });
        return;
      case 'starting':
        // A restart after a crash keeps the crash's error in view until the server runs again.
        this.live.set(event.server, {
          status: 'starting',
          detail: was?.status === 'crashed' ? was.detail : undefined,
          refused: was?.refused,
        });
        return;
      case 'stopped':
        this.live.set(event.server, { status: 'stopped', detail: event.detail, refused: was?.refused });
        return;
    }
  }

  /** Forgets what the servers reported (the configuration changed: they were all stopped). */
  clear(): void {
    this.live.clear();
  }

  rows(entries: ReadonlyArray<{ entry: McpServerEntry; gate: McpServerGate }>): McpServerRow[] {
    return entries.map(({ entry, gate }) => {
      const row: McpServerRow = { name: entry.name, source: entry.source, target: describeTarget(entry), status: 'idle' };
      if (gate === 'disabled')
        return { ...row, status: 'disabled', detail: `switched off for this workspace (fixpoint.mcp.disabled: "${entry.name}/*")` };
      if (gate === 'needsConsent')
        return { ...row, status: 'needsConsent', detail: 'defined by this workspace’s .vscode/mcp.json; runs only once you allow it' };
      const live = this.live.get(entry.name);
      if (!live) return { ...row, detail: 'starts when a task first needs tools' };
      return { ...row, status: live.status, tools: live.tools, detail: live.detail, refused: live.refused };
    });
  }
}

/** One line for the view: "running · 12 tools", "crashed — the server exited", … */
export function rowDescription(row: McpServerRow): string {
  switch (row.status) {
    case 'idle':
      return 'not started';
    case 'starting':
      return row.detail ? 'restarting' : 'starting…';
    case 'running':
      return row.tools === undefined ? 'running' : `running · ${row.tools} tool${row.tools === 1 ? '' : 's'}`;
    case 'crashed':
      return `crashed — ${firstLine(row.detail)}`;
    case 'stopped':
      return 'stopped';
    case 'disabled':
      return 'disabled';
    case 'needsConsent':
      return 'needs your consent';
  }
}

/** The tooltip: where it comes from, what it runs, and the full detail (stderr tail included). */
export function rowTooltip(row: McpServerRow): string {
  const from = row.source === 'workspace' ? '.vscode/mcp.json' : row.source === 'cli' ? '--mcp-config' : 'user settings / mcp.json';
  return [`${row.name} (${from})`, row.target, rowDescription(row), row.detail, row.refused ? `Refused: ${row.refused}` : undefined]
    .filter(Boolean)
    .join('\n');
}

export function describeTarget(entry: McpServerEntry): string {
  return entry.config.type === 'stdio' ? [entry.config.command, ...entry.config.args].join(' ').slice(0, 200) : entry.config.url;
}

const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0].slice(0, 120);
