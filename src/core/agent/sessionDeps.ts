import type { HostToWebview } from '../../shared/protocol';
import type { ModelClient, ModelSettings } from '../model/types';
import type {
  ApprovalSettings,
  CodeIntelligence,
  FileWriter,
  Runner,
  Store,
  TaskFiles,
  Verifier,
  Workspace,
  WorkspaceSnapshots,
} from '../ports';
import type { TaskBudget } from '../tasks/task';
import type { AgentOptions } from './loop';
import type { ToolDefinition } from '../tools/types';
import type { GrantStore } from '../policy/grants';

export interface PromptOptions {
  /** Use the fast model (quick asks, quick fixes). */
  fast?: boolean;
}

export interface SessionDeps {
  /** Current settings (configuration + secret key), read fresh for every request. */
  resolveSettings(): Promise<ModelSettings>;
  createClient(settings: ModelSettings): ModelClient;
  post(msg: HostToWebview): void;
  systemPrompt(): Promise<string>;
  /** Context attached to each prompt: selection, open editors, diagnostics (may be empty). */
  promptContext(): Promise<string>;
  workspace: Workspace;
  runner: Runner;
  writer: FileWriter;
  /** The editor's language features, for the code-intelligence tools; none in the CLI (they are not offered). */
  codeIntelligence?: CodeIntelligence;
  /** Tokens of the repo map the latest system prompt carried (for the meter), if it carried one. */
  repoMapTokens?(): number | undefined;
  /** Where the context window's number comes from (a setting, what the server reported, the default). */
  contextWindowSource?(): string;
  /** Tools beyond the built-in ones (MCP servers' tools), asked for at the start of each run. */
  extraTools?(signal: AbortSignal): Promise<ToolDefinition<Record<string, unknown>>[]>;
  /** The user's allow/deny rules and this workspace's grants; where lasting approvals are kept. */
  grants: GrantStore;
  agentOptions(): Partial<AgentOptions>;
  /**
   * Where the workspace's tasks are kept (an append-only log per task, so they survive reloads and crashes and
   * can be resumed); `legacy` holds tasks saved by versions before it, migrated once. None: nothing is kept.
   */
  tasks?: { files: TaskFiles; legacy?: Store };
  /** The id of the session's first task (a background task's, chosen with its worktree); default: a new one. */
  taskId?: string;
  /** The step, time and cost limits a new task starts with (fixpoint.tasks.*); none: unlimited. */
  taskBudget?(): TaskBudget | undefined;
  /** User-scope approval settings (edits, commands); both ask when absent. */
  approvalSettings?(): ApprovalSettings;
  /** Runs the project's checks after accepted edits or before review; none means edits are not verified. */
  verifier?: Verifier;
  /** Where checkpoints snapshot the workspace, and their bound (fixpoint.checkpoints.maxMegabytes); none: no checkpoints. */
  snapshots?: { store: WorkspaceSnapshots; maxBytes(): number };
}
