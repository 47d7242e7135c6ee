import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readFile } from 'node:fs/promises';
import { ChatSession } from '../core/agent/session';
import { systemPrompt } from '../core/agent/prompts';
import { collectAgentsRules } from '../core/context/agentsRules';
import { layoutSummary } from '../core/context/promptContext';
import { DEFAULT_REPO_MAP_TOKENS, repoMapForRequest } from '../core/context/repoMap';
import { detectContextWindow } from '../core/model/contextWindow';
import { OpenAIModelClient } from '../core/model/openaiClient';
import { DEFAULT_CHECKPOINT_MEGABYTES } from '../core/review/checkpoints';
import type { ModelSettings, WireApi } from '../core/model/types';
import type { ApprovalSettings, Runner } from '../core/ports';
import type { TaskBudget } from '../core/tasks/task';
import { parseMcpServers } from '../core/mcp/config';
import { mcpToolsForRun } from '../core/mcp/mcpTools';
import { FsFileWriter } from '../node/fsWriter';
import { GitWorkspaceSnapshots } from '../node/gitSnapshots';
import { environmentFacts } from '../node/environment';
import { NodeWorkspace } from '../node/nodeWorkspace';
import { syntaxServices } from '../node/treeSitter';
import { runProcess } from '../node/processRunner';
import { detectSandbox } from '../node/sandbox';
import { runInSandbox } from '../node/sandboxedRun';
import { NodeTaskFiles } from '../node/taskFiles';
import { NodeVerifier } from '../node/verifier';
import { NodeMcpServers } from '../node/mcp/servers';
import { terminalRenderer } from './render';

export class UsageError extends Error {}

/** What `exec` and `resume` agree on: the model, the approvals, the checks, the tools. */
export interface CliOptions {
  cwd?: string;
  model?: string;
  fast?: boolean;
  baseUrl?: string;
  wire: WireApi;
  yes: boolean;
  allow: string[];
  maxSteps: number;
  budget?: TaskBudget;
  approval: ApprovalSettings;
  verify: 'after-accept' | 'before-review' | 'off';
  verifyCommand?: string;
  mcpConfig?: string;
  showReasoning: boolean;
  /** The folder whose task list the task belongs to, when it runs elsewhere (the user's folder, for a worktree). */
  tasksFor?: string;
  /** The task's id when it was chosen beforehand (with its worktree). */
  taskId?: string;
}

export interface CliSession {
  session: ChatSession;
  /** Whether an error card was shown (the exit code says so). */
  failed(): boolean;
  dispose(): Promise<void>;
}

/**
 * The agent in a terminal: the same ChatSession as the extension, with the workspace's durable tasks kept in
 * ~/.local/state/fixpoint/tasks/<workspace hash>/ (so `fixpoint tasks` and `fixpoint resume` find them).
 */
export async function openCliSession(options: CliOptions): Promise<CliSession> {
  const env = process.env;
  const settings: ModelSettings = {
    baseURL: options.baseUrl || env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    model: options.model ?? (options.fast ? env.FIXPOINT_FAST_MODEL || 'gpt-5-mini' : env.FIXPOINT_MODEL || 'gpt-5'),
    wireApi: options.wire,
  };
  // The window the server really runs the model with (a local server's is often far below 192k), unless set.
  const detected = env.FIXPOINT_CONTEXT_WINDOW ? undefined : await detectContextWindow(settings);
  if (detected) process.stderr.write(`Context window: ${detected.tokens} tokens (from ${detected.source}).\n`);
  const root = path.resolve(options.cwd ?? process.cwd());
  const workspace = new NodeWorkspace({ root });
  // No language servers here: the code-intelligence tools answer from tree-sitter and ripgrep (labelled approximate).
  const syntax = syntaxServices(workspace);
  const repoMapTokens = Number(env.FIXPOINT_REPO_MAP_TOKENS ?? DEFAULT_REPO_MAP_TOKENS);
  const echo = (text: string) => void process.stderr.write(text);
  const runner: Runner = {
    canRun: () => ({ ok: true }),
    run: (command, o) => runProcess(command, { ...o, onOutput: echo }),
    runSandboxed: (command, o) =>
      runInSandbox(root, command, { ...o, onOutput: echo }, (env.FIXPOINT_SANDBOX_HIDE ?? '').split(path.delimiter).filter(Boolean)),
    sandboxAvailable: async () => (await detectSandbox()).available,
    runTask: async (name) => ({
      exitCode: undefined,
      durationMs: 0,
      output: `VS Code tasks are not available in the CLI; run the command behind "${name}" with run_command.`,
      skipped: true,
    }),
  };
  const mcp = options.mcpConfig ? await mcpServersFrom(options.mcpConfig, root) : undefined;
  const readline = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  let failed = false;
  const allow = [...options.allow];
  const session: ChatSession = new ChatSession({
    resolveSettings: async () => settings,
    createClient: (s) => new OpenAIModelClient(s),
    post: terminalRenderer({
      out: process.stdout,
      err: process.stderr,
      ask: readline ? (question) => readline.question(question) : undefined,
      approveAll: options.yes,
      session: () => session,
      onError: () => (failed = true),
      showReasoning: options.showReasoning || process.stderr.isTTY === true,
      dim: process.stderr.isTTY === true,
    }),
    systemPrompt: async () =>
      systemPrompt({
        workspaceName: path.basename(root),
        layout: await layoutSummary(workspace),
        rules: await collectAgentsRules(workspace),
        repoMap: await repoMapForRequest(syntax.repoMap, repoMapTokens, session.snapshot().entries),
        environment: await environmentFacts(root, {
          git: true,
          gitConfigKeys: async () => (await workspace.gitConfig(root)).map((e) => e.key),
        }),
      }),
    promptContext: async () => '',
    workspace,
    codeIntelligence: syntax.codeIntelligence,
    runner,
    writer: new FsFileWriter(root),
    // The same checkpoints as the extension, kept per workspace in ~/.cache/fixpoint/checkpoints/.
    snapshots: {
      store: new GitWorkspaceSnapshots(root, GitWorkspaceSnapshots.cacheDirFor(root)),
      maxBytes: () => (Number(env.FIXPOINT_CHECKPOINT_MEGABYTES) || DEFAULT_CHECKPOINT_MEGABYTES) * 1024 * 1024,
    },
    tasks: { files: NodeTaskFiles.forWorkspace(options.tasksFor ?? root) },
    taskId: options.taskId,
    taskBudget: () => options.budget,
    // The CLI keeps workspace and "always" grants for this run (the extension keeps them in the user's storage).
    grants: { commandRules: () => ({ allow, deny: [] }), remember: async (rule) => void allow.push(rule) },
    approvalSettings: () => options.approval,
    agentOptions: () => ({ maxSteps: options.maxSteps, contextWindow: Number(env.FIXPOINT_CONTEXT_WINDOW) || detected?.tokens || 192_000 }),
    verifier: new NodeVerifier({
      workspace,
      runner,
      settings: () => ({ command: options.verifyCommand, when: options.verify, maxAttempts: 3, timeoutMs: 600_000 }),
    }),
    extraTools:
      mcp &&
      ((signal) =>
        mcpToolsForRun(mcp, { signal, onProblem: (server, message) => void process.stderr.write(`[mcp ${server}] ${message}\n`) })),
  });
  const onInterrupt = () => session.cancel();
  process.once('SIGINT', onInterrupt);
  return {
    session,
    failed: () => failed,
    dispose: async () => {
      process.off('SIGINT', onInterrupt);
      readline?.close();
      await session.save();
      await mcp?.dispose();
    },
  };
}

/** `--mcp-config FILE`: servers in mcp.json's format; `${input:id}` from FIXPOINT_MCP_INPUT_<ID>. */
async function mcpServersFrom(file: string, root: string): Promise<NodeMcpServers> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path.resolve(file), 'utf8'));
  } catch (err) {
    throw new UsageError(`--mcp-config ${file}: ${(err as Error).message}`, { cause: err });
  }
  const entries = await parseMcpServers(document, 'cli', {
    workspaceFolder: root,
    env: process.env,
    resolveInput: async (id) => process.env[`FIXPOINT_MCP_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`],
  });
  return new NodeMcpServers(entries, { onStderr: () => undefined });
}
