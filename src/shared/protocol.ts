// The one message protocol between the chat webview and the extension host.
// The webview is a renderer of host state: on `ready` the host answers with a full `state` snapshot, then
// streams small updates. Everything arriving from the webview is untrusted and validated here.

import type { ApprovalDecision, PlanStep } from '../core/domain';

export type { ApprovalDecision, PlanStep };

export type ToolStatus = 'pending' | 'running' | 'done' | 'failed';

/** Something the user can click in an error banner to fix the problem. */
export type FixAction = 'setApiKey' | 'openSettings' | 'retry';

export type Entry =
  | { kind: 'user'; id: string; text: string; checkpoint?: 'available' | 'restored' }
  | { kind: 'assistant'; id: string; text: string; streaming: boolean }
  | { kind: 'reasoning'; id: string; text: string; streaming: boolean }
  | {
      kind: 'tool';
      id: string;
      name: string;
      summary: string;
      status: ToolStatus;
      output?: string;
      durationMs?: number;
      /** When the tool started running (ms since epoch), so a rebuilt webview shows the right elapsed time. */
      startedAt?: number;
    }
  | { kind: 'error'; id: string; message: string; fix?: string; action?: FixAction }
  /** `details`: sections the user can open (a compaction's summary and what it replaced). */
  | { kind: 'notice'; id: string; text: string; details?: Array<{ title: string; text: string }> }
  /**
   * A task that can go on: cut off by a reload or crash (`interrupted`, button "Resume"), or out of its step,
   * time or cost budget (`budget`, button "Continue"). `done` once the user went on.
   */
  | { kind: 'resume'; id: string; reason: 'interrupted' | 'budget'; text: string; state: 'pending' | 'done' }
  | { kind: 'plan'; id: string; steps: PlanStep[] }
  /** The task ledger (goal, plan, decisions, files, checks) as every request carries it; one per task, updated in place. */
  | { kind: 'ledger'; id: string; text: string }
  | {
      kind: 'approval';
      id: string;
      /** The command with invisible characters made visible. */
      command: string;
      /** What "Always allow" would remember. */
      prefix: string;
      reasons: string[];
      /** A dangerous command (§10): shown with a warning; the CLI's --yes never approves it. */
      dangerous?: boolean;
      state: ApprovalState;
    }
  | { kind: 'proposal'; id: string; files: ProposalFile[]; state: 'pending' | 'decided'; verification?: ProposalVerification }
  | {
      kind: 'verification';
      id: string;
      command: string;
      /** Where the command came from ("package.json test script, pnpm-lock.yaml → pnpm test"). */
      why: string;
      status: 'running' | 'passed' | 'failed' | 'stopped';
      attempts: VerificationAttempt[];
      reason?: string;
    };

export interface VerificationAttempt {
  attempt: number;
  state: 'running' | 'passed' | 'failed' | 'timed-out' | 'cancelled';
  exitCode?: number;
  durationMs?: number;
  /** Failing tests / error locations, one line each. */
  failures: string[];
  /** The fix the model proposed after this attempt failed. */
  fix?: string;
}

/** The badge of a proposal verified before review, in an isolated copy of the workspace. */
export interface ProposalVerification {
  state: 'passed' | 'failed' | 'not-run';
  command?: string;
  summary?: string;
  sandboxed?: boolean;
}

export interface HistoryItem {
  id: string;
  title: string;
  /** ms since epoch of the last activity. */
  updatedAt: number;
  filesTouched: string[];
  /** The task's status as the list shows it (core/tasks/task.ts TaskStatus). */
  status: 'running' | 'waiting' | 'verifying' | 'done' | 'failed' | 'stopped' | 'interrupted';
  /** USD so far, when known. */
  cost?: number;
  current: boolean;
}

/** A provider preset as the setup card shows it (the presets themselves live in core/model/providers). */
export interface SetupProvider {
  id: string;
  label: string;
  baseUrl: string;
  needsKey: boolean;
}

/** One capability of the connection self-test: ok, failed (with the fix), or null for informational ones. */
export interface SetupCheck {
  name: string;
  ok: boolean | null;
  detail: string;
  fix?: string;
}

/** The onboarding card: shown until the endpoint answers once, or the user dismisses it. */
export interface SetupState {
  visible: boolean;
  providers: SetupProvider[];
  provider: string;
  baseUrl: string;
  model: string;
  hasKey: boolean;
  /** Model servers answering on this machine's usual ports, offered when nothing is configured yet. */
  localServers?: Array<{ provider: string; label: string; baseUrl: string; models: string[] }>;
  /** The sandbox doctor: whether commands can run sandboxed here, with the failing checks and their fixes. */
  sandbox?: { ok: boolean; summary: string; problems: Array<{ name: string; detail: string; fix?: string }> };
  /** Result of "Test connection": the models the endpoint lists, or the error with its fix. */
  test?:
    | { state: 'testing' }
    | { state: 'ok'; models: string[]; checks?: SetupCheck[] }
    | { state: 'error'; message: string; fix?: string; models?: string[]; checks?: SetupCheck[] };
}

/** The approval card's answers: allowed once, for this task, in this workspace, always — or denied. */
export type ApprovalState = 'pending' | 'allowed' | 'task' | 'workspace' | 'always' | 'denied';
export type FileDecision = 'pending' | 'accepted' | 'rejected' | 'partial' | 'stale';

export interface ProposalFile {
  path: string;
  kind: 'add' | 'delete' | 'update';
  movePath?: string;
  added: number;
  removed: number;
  hunks: number;
  status: FileDecision;
  /** A protected path (.git, .vscode, AGENTS.md…): shown with a warning, never auto-applied. */
  protected: boolean;
  /**
   * The change overwrites an existing file (`path` itself, or `movePath` after a move) instead of editing it;
   * `removedLines` of that file's lines are gone. Shown with a warning, never auto-applied.
   */
  replaces?: { path: string; removedLines: number };
}

/** Tokens of the tool definitions a request carries: the built-in tools and the MCP servers' (`mcpTools` of them). */
export interface ToolTokens {
  builtIn: number;
  mcp: number;
  mcpTools: number;
  /** Estimated from the definitions' size (the tokenizer was not loaded yet), not counted. */
  approximate?: boolean;
  /** What the repo map in the system prompt takes (issue 16), when the request carried one. */
  repoMap?: number;
}

export interface ViewState {
  entries: Entry[];
  busy: boolean;
  model: string;
  endpoint: string;
  contextWindow: number;
  /** Where that number comes from, e.g. "Ollama’s num_ctx for this model". */
  contextWindowSource?: string;
  contextUsed: number;
  /** Tokens the server billed for this task so far (sum of the usage it reported). */
  inputTokens: number;
  outputTokens: number;
  /** What the task cost so far (USD), when the server reports it or the user set prices. */
  cost?: number;
  /** What the tool definitions sent with each request take of the context (known once a run has started). */
  toolTokens?: ToolTokens;
  /** Why commands cannot run here (Restricted Mode), if they cannot. */
  restricted?: string;
}

export type HostToWebview =
  | { type: 'state'; state: ViewState }
  /** Adds an entry, or replaces the entry with the same id. */
  | { type: 'entry'; entry: Entry }
  /** Appends text to a streaming assistant or reasoning entry. */
  | { type: 'delta'; id: string; text: string }
  /** `model`: the model answering now (busy) or the configured one again (idle), for the header. */
  | { type: 'busy'; busy: boolean; model?: string }
  /** Tokens in the context now, and the task's billed totals as the server reported them. */
  | {
      type: 'usage';
      contextUsed: number;
      contextWindow: number;
      inputTokens: number;
      outputTokens: number;
      cost?: number;
      tools?: ToolTokens;
    }
  | { type: 'history'; items: HistoryItem[] }
  | { type: 'setup'; setup: SetupState }
  /** Completions for an `@` mention being typed in the composer. */
  | { type: 'mentions'; query: string; items: Array<{ label: string; detail: string }> };

export type WebviewToHost =
  | { type: 'ready' }
  /**
   * `fast`: answer with fixpoint.fastModel (the composer's Fast toggle). `background`: run it as a background
   * task in a worktree of its own (the Background toggle).
   */
  | { type: 'prompt'; text: string; fast?: boolean; background?: boolean }
  | { type: 'cancel' }
  /** The composer's Background toggle was switched on: a task's place can be made ready while the user types. */
  | { type: 'backgroundToggled' }
  | { type: 'newTask' }
  | { type: 'fix'; action: FixAction }
  | { type: 'openLink'; href: string }
  | { type: 'approve'; id: string; decision: ApprovalDecision }
  /** Accept or reject a proposal's file, or the whole proposal when `path` is absent. */
  | { type: 'review'; id: string; path?: string; decision: 'accept' | 'reject' }
  | { type: 'openDiff'; id: string; path: string }
  /** Revert (or re-apply) the agent's accepted edits of the turn started by user entry `id`. */
  | { type: 'checkpoint'; id: string; action: 'restore' | 'undo' }
  /** The resume card's button: continue the interrupted or paused task. */
  | { type: 'resume'; id: string }
  | { type: 'mentionQuery'; query: string }
  /** A code block's "Insert at cursor" / "Apply" (as a reviewable proposal to the active editor) button. */
  | { type: 'codeBlock'; action: 'insert' | 'apply'; code: string; language?: string }
  | { type: 'history'; action: 'list' }
  | { type: 'history'; action: 'open' | 'delete' | 'export'; id: string }
  | { type: 'history'; action: 'rename'; id: string; title: string }
  | { type: 'setup'; action: 'saveKey'; key: string }
  | { type: 'setup'; action: 'configure'; provider: string; baseUrl: string; model?: string }
  | { type: 'setup'; action: 'testConnection' | 'dismiss' };

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

const FIX_ACTIONS: readonly FixAction[] = ['setApiKey', 'openSettings', 'retry'];
const APPROVAL_DECISIONS: readonly ApprovalDecision[] = ['once', 'task', 'workspace', 'always', 'deny'];
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const isPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;
/** Prompts past this size are refused rather than forwarded (a runaway paste or a hostile webview). */
export const MAX_PROMPT_CHARS = 200_000;

/** Validates a message from the webview; anything malformed or unknown yields undefined and is dropped. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const msg = raw as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
    case 'cancel':
    case 'backgroundToggled':
    case 'newTask':
      return { type: msg.type };
    case 'prompt':
      return typeof msg.text === 'string' && msg.text.trim() !== '' && msg.text.length <= MAX_PROMPT_CHARS
        ? {
            type: 'prompt',
            text: msg.text,
            ...(msg.fast === true ? { fast: true } : {}),
            ...(msg.background === true ? { background: true } : {}),
          }
        : undefined;
    case 'fix':
      return FIX_ACTIONS.includes(msg.action as FixAction) ? { type: 'fix', action: msg.action as FixAction } : undefined;
    case 'openLink':
      return typeof msg.href === 'string' && msg.href.length <= 4096 ? { type: 'openLink', href: msg.href } : undefined;
    case 'approve':
      return isId(msg.id) && APPROVAL_DECISIONS.includes(msg.decision as ApprovalDecision)
        ? { type: 'approve', id: msg.id, decision: msg.decision as ApprovalDecision }
        : undefined;
    case 'review':
      if (!isId(msg.id) || (msg.decision !== 'accept' && msg.decision !== 'reject')) return undefined;
      if (msg.path !== undefined && !isPath(msg.path)) return undefined;
      return msg.path === undefined
        ? { type: 'review', id: msg.id, decision: msg.decision }
        : { type: 'review', id: msg.id, path: msg.path, decision: msg.decision };
    case 'mentionQuery':
      return typeof msg.query === 'string' && msg.query.length <= 500 ? { type: 'mentionQuery', query: msg.query } : undefined;
    case 'codeBlock':
      return (msg.action === 'insert' || msg.action === 'apply') && typeof msg.code === 'string' && msg.code.length <= MAX_PROMPT_CHARS
        ? {
            type: 'codeBlock',
            action: msg.action,
            code: msg.code,
            language: typeof msg.language === 'string' ? msg.language.slice(0, 40) : undefined,
          }
        : undefined;
    case 'history':
      return parseHistory(msg);
    case 'setup':
      return parseSetup(msg);
    case 'checkpoint':
      return isId(msg.id) && (msg.action === 'restore' || msg.action === 'undo')
        ? { type: 'checkpoint', id: msg.id, action: msg.action }
        : undefined;
    case 'resume':
      return isId(msg.id) ? { type: 'resume', id: msg.id } : undefined;
    case 'openDiff':
      return isId(msg.id) && isPath(msg.path) ? { type: 'openDiff', id: msg.id, path: msg.path } : undefined;
    default:
      return undefined;
  }
}

function parseHistory(msg: Record<string, unknown>): WebviewToHost | undefined {
  if (msg.action === 'list') return { type: 'history', action: 'list' };
  if (!isId(msg.id)) return undefined;
  if (msg.action === 'open' || msg.action === 'delete' || msg.action === 'export')
    return { type: 'history', action: msg.action, id: msg.id };
  if (msg.action === 'rename' && typeof msg.title === 'string' && msg.title.trim() && msg.title.length <= 200) {
    return { type: 'history', action: 'rename', id: msg.id, title: msg.title.trim() };
  }
  return undefined;
}

/** Where each provider's OpenAI-compatible API usually lives (the setup card's presets). */

function parseSetup(msg: Record<string, unknown>): WebviewToHost | undefined {
  switch (msg.action) {
    case 'testConnection':
    case 'dismiss':
      return { type: 'setup', action: msg.action };
    case 'saveKey':
      return typeof msg.key === 'string' && msg.key.length <= 1000 ? { type: 'setup', action: 'saveKey', key: msg.key } : undefined;
    case 'configure':
      // The host checks the id against its presets; here only the shape is validated.
      if (typeof msg.provider !== 'string' || msg.provider.length > 64) return undefined;
      if (typeof msg.baseUrl !== 'string' || msg.baseUrl.length > 2000) return undefined;
      if (msg.model !== undefined && (typeof msg.model !== 'string' || msg.model.length > 200)) return undefined;
      return {
        type: 'setup',
        action: 'configure',
        provider: msg.provider,
        baseUrl: msg.baseUrl,
        model: msg.model as string | undefined,
      };
    default:
      return undefined;
  }
}
