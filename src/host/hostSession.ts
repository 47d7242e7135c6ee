import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatSession } from '../core/agent/session';
import { systemPrompt } from '../core/agent/prompts';
import { collectAgentsRules } from '../core/context/agentsRules';
import { layoutSummary } from '../core/context/promptContext';
import { repoMapForRequest, type RepoMap } from '../core/context/repoMap';
import { OpenAIModelClient } from '../core/model/openaiClient';
import { countTokens } from '../core/agent/tokens';
import type { ApprovalSettings, CodeIntelligence, FileWriter, Runner, Store, TaskFiles, Workspace } from '../core/ports';
import type { HostToWebview } from '../shared/protocol';
import { environmentFacts } from '../node/environment';
import { GitWorkspaceSnapshots } from '../node/gitSnapshots';
import { NodeVerifier } from '../node/verifier';
import type { HostGrantStore } from './grants';
import type { HostMcp } from './mcp';
import {
  agentOptions,
  approvalSettings,
  checkpointMaxBytes,
  contextWindowSource,
  readModelSettings,
  repoMapTokens,
  taskBudget,
  verificationTasks,
  verifySettings,
  type ApiKeyCache,
} from './settings';

/** What every session of this window shares: the settings and key, the grants, the MCP servers, the task store. */
export interface HostSessionEnv {
  apiKeys: ApiKeyCache;
  grants: HostGrantStore;
  mcp: HostMcp;
  tasks: { files: TaskFiles; legacy?: Store };
}

/** Where one session works: the user's folder (the chat) or a background task's own worktree. */
export interface SessionPlace {
  root: string;
  /** The workspace's name in the system prompt. */
  name: string;
  workspace: Workspace;
  runner: Runner;
  writer: FileWriter;
  codeIntelligence?: CodeIntelligence;
  repoMap?: RepoMap;
  /** Context attached to each prompt (the chat's editor selection and problems; a background task has none). */
  promptContext(): Promise<string>;
  post(msg: HostToWebview): void;
  /** Where checkpoints are kept; none: no checkpoints. */
  checkpointsDir?: string;
  /** The first task's id (a background task's, chosen with its worktree). */
  taskId?: string;
  /** Whether the workspace's VS Code tasks may be the check (they run in the user's folder, not a worktree). */
  workspaceTasks: boolean;
  /** A background task's approval settings (its edits may apply in its own worktree); default: the user's. */
  approvalSettings?(): ApprovalSettings;
}

/**
 * The one place a session of the extension is assembled — the chat's, and each background task's — so they
 * differ only in where they work, never in how the model, the policy, the checks or the store are wired.
 */
export function createHostSession(env: HostSessionEnv, place: SessionPlace): ChatSession {
  const { workspace, runner, root } = place;
  // The repo map of the latest system prompt, and what it takes (the meter shows it).
  let repoMapShare: number | undefined;
  const repoMapFor = async (session: ChatSession): Promise<string | undefined> => {
    const map =
      place.repoMap && (await repoMapForRequest(place.repoMap, repoMapTokens(), session.snapshot().entries, workspace.openEditors()));
    repoMapShare = map ? countTokens(map) : undefined;
    return map;
  };
  const session: ChatSession = new ChatSession({
    resolveSettings: () => readModelSettings(env.apiKeys),
    createClient: (settings) => new OpenAIModelClient(settings),
    post: place.post,
    systemPrompt: async () =>
      systemPrompt({
        workspaceName: place.name,
        layout: await layoutSummary(workspace),
        rules: await collectAgentsRules(workspace, workspace.openEditors().active),
        canRunCommands: vscode.workspace.isTrusted,
        repoMap: await repoMapFor(session),
        // Restricted Mode runs nothing, not even git status.
        environment: await environmentFacts(root, {
          shell: vscode.env.shell,
          git: vscode.workspace.isTrusted,
          gitConfigKeys: async () => (await workspace.gitConfig(root)).map((e) => e.key),
        }),
      }),
    promptContext: place.promptContext,
    workspace,
    runner,
    writer: place.writer,
    codeIntelligence: place.codeIntelligence,
    extraTools: (signal) => env.mcp.tools(signal),
    contextWindowSource,
    repoMapTokens: () => repoMapShare,
    grants: env.grants,
    approvalSettings: place.approvalSettings ?? approvalSettings,
    agentOptions,
    tasks: env.tasks,
    taskId: place.taskId,
    taskBudget,
    snapshots: place.checkpointsDir
      ? { store: new GitWorkspaceSnapshots(root, place.checkpointsDir), maxBytes: checkpointMaxBytes }
      : undefined,
    verifier: new NodeVerifier({
      workspace,
      runner,
      settings: verifySettings,
      tasks: place.workspaceTasks ? verificationTasks : undefined,
    }),
  });
  return session;
}

/** A background task's checkpoints live next to the chat's, one store per task (its worktree is its own tree). */
export function taskCheckpointsDir(storage: string, taskId: string): string {
  return path.join(storage, 'checkpoints-tasks', taskId.replace(/[^A-Za-z0-9_.-]/g, '_'));
}
