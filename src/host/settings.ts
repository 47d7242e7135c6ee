import * as vscode from 'vscode';
import { DEFAULT_REPO_MAP_TOKENS } from '../core/context/repoMap';
import { budgetFrom } from '../core/tasks/budget';
import type { TaskBudget } from '../core/tasks/task';
import { detectContextWindow, type DetectedWindow } from '../core/model/contextWindow';
import type { ModelSettings, WireApi } from '../core/model/types';
import { DEFAULT_AGENT_OPTIONS } from '../core/agent/loop';
import type { TaskCandidate } from '../core/verify';
import { approvalSettingsOf, type ApprovalSettings } from '../core/policy';
import type { VerifySettings } from '../node/verifier';
import { DEFAULT_CHECKPOINT_MEGABYTES } from '../core/review/checkpoints';

export const API_KEY_SECRET = 'fixpoint.apiKey';

const EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

function price(value: { input?: unknown; output?: unknown } | undefined): ModelSettings['pricePerMillion'] {
  const input = Number(value?.input);
  const output = Number(value?.output);
  return Number.isFinite(input) && Number.isFinite(output) && input >= 0 && output >= 0 && (input > 0 || output > 0)
    ? { input, output }
    : undefined;
}
function reasoningEffort(value: string | undefined): ModelSettings['reasoningEffort'] {
  return EFFORTS.find((e) => e === value);
}

/** Reads the model settings: configuration first, then the environment; the key from SecretStorage. */
/**
 * The stored API key, read once and kept current. Reading SecretStorage can take a second in a freshly opened
 * window; a quick fix must not wait for that on every request.
 */
export class ApiKeyCache implements vscode.Disposable {
  private value: Promise<string | undefined>;
  private readonly listener: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.value = this.read();
    this.listener = secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) this.value = this.read();
    });
  }

  get(): Promise<string | undefined> {
    return this.value;
  }

  /** Re-reads after Fixpoint itself stored or deleted the key (not relying on the change event's timing). */
  refresh(): void {
    this.value = this.read();
  }

  private read(): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(API_KEY_SECRET)).catch(() => undefined);
  }

  dispose(): void {
    this.listener.dispose();
  }
}

export async function readModelSettings(apiKeys: ApiKeyCache): Promise<ModelSettings> {
  const config = vscode.workspace.getConfiguration('fixpoint');
  const wire = config.get<string>('wireApi');
  const settings: ModelSettings = {
    // User scope only: a cloned repository's settings must not send the key to its own server.
    baseURL: config.inspect<string>('baseUrl')?.globalValue?.trim() || process.env.OPENAI_BASE_URL || undefined,
    apiKey: (await apiKeys.get()) || process.env.OPENAI_API_KEY || undefined,
    model: config.get<string>('model') ?? '',
    fastModel: config.get<string>('fastModel') || undefined,
    wireApi: (wire === 'responses' ? 'responses' : 'chat') satisfies WireApi,
    reasoningEffort: reasoningEffort(config.get<string>('reasoningEffort')),
    pricePerMillion: price(config.get<{ input?: unknown; output?: unknown }>('pricePerMillionTokens')),
    // "auto" (or anything else): the provider's profile decides from the model's name.
    images: config.get<string>('modelImages') === 'on' ? true : config.get<string>('modelImages') === 'off' ? false : undefined,
  };
  // A new endpoint or model is also asked for its real window (in the background; contextWindow() reads it).
  detectWindowOf(settings);
  return settings;
}

/** The window the configured endpoint reported for the configured model, once asked (see contextWindow()). */
let detected: { endpoint: string; window: DetectedWindow | undefined } | undefined;

/** Asks the endpoint for its real context window, in the background, once per endpoint and model. */
function detectWindowOf(settings: ModelSettings): void {
  const endpoint = `${settings.baseURL ?? ''}\0${settings.model}`;
  if (detected?.endpoint === endpoint) return;
  const asked = { endpoint, window: undefined as DetectedWindow | undefined };
  detected = asked;
  void detectContextWindow(settings).then((window) => (asked.window = window));
}

/**
 * The context window the meter and compaction use: fixpoint.contextWindow when the user set it, else the one
 * the server reported (local servers often run a model far below the 192k default), else the default.
 */
export function contextWindow(): number {
  const setting = vscode.workspace.getConfiguration('fixpoint').inspect<number>('contextWindow');
  const chosen = setting?.workspaceFolderValue ?? setting?.workspaceValue ?? setting?.globalValue;
  return chosen ?? detected?.window?.tokens ?? setting?.defaultValue ?? DEFAULT_AGENT_OPTIONS.contextWindow;
}

/** Where contextWindow() took its number from, for the meter's tooltip. */
export function contextWindowSource(): string {
  const setting = vscode.workspace.getConfiguration('fixpoint').inspect<number>('contextWindow');
  if ((setting?.workspaceFolderValue ?? setting?.workspaceValue ?? setting?.globalValue) !== undefined)
    return 'your fixpoint.contextWindow setting';
  return detected?.window?.source ?? 'the default (the server did not report its window)';
}

export async function promptForApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Fixpoint: API key',
    prompt: 'Stored in VS Code Secret Storage. Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return false;
  if (key.trim() === '') await secrets.delete(API_KEY_SECRET);
  else await secrets.store(API_KEY_SECRET, key.trim());
  return true;
}

/** Command allow/deny prefixes: user scope only, so a workspace cannot widen the agent's permissions. */
export function commandRules(): { allow: string[]; deny: string[] } {
  const config = vscode.workspace.getConfiguration('fixpoint.commands');
  const userValue = (key: string) => config.inspect<string[]>(key)?.globalValue ?? [];
  return { allow: userValue('allow'), deny: userValue('deny') };
}

export async function allowCommandPrefix(prefix: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('fixpoint.commands');
  const current = config.inspect<string[]>('allow')?.globalValue ?? [];
  if (!current.includes(prefix)) await config.update('allow', [...current, prefix], vscode.ConfigurationTarget.Global);
}

export function agentOptions(): { maxSteps: number; contextWindow: number; autoCompact: boolean } {
  const config = vscode.workspace.getConfiguration('fixpoint');
  return {
    maxSteps: config.get<number>('maxSteps') ?? DEFAULT_AGENT_OPTIONS.maxSteps,
    contextWindow: contextWindow(),
    autoCompact: config.get<boolean>('autoCompact') ?? DEFAULT_AGENT_OPTIONS.autoCompact,
  };
}

/** fixpoint.tasks.maxSteps / maxMinutes / maxCost: the budget a new task starts with (0 = no limit). */
export function taskBudget(): TaskBudget | undefined {
  const config = vscode.workspace.getConfiguration('fixpoint.tasks');
  return budgetFrom({ maxSteps: config.get('maxSteps'), maxMinutes: config.get('maxMinutes'), maxCost: config.get('maxCost') });
}

/** fixpoint.tasks.maxParallel: how many background tasks run at once (more are queued). */
export function maxParallelTasks(): number {
  return Math.max(1, vscode.workspace.getConfiguration('fixpoint.tasks').get<number>('maxParallel') ?? 3);
}

/** fixpoint.tasks.spareWorktree: keep a spare worktree ready so the next background task starts at once. */
export function spareWorktree(): boolean {
  return vscode.workspace.getConfiguration('fixpoint.tasks').get<boolean>('spareWorktree') ?? true;
}

/**
 * A background task's approval settings: the user's, except that with fixpoint.tasks.backgroundEdits set to
 * `apply-in-worktree` (user settings only: a workspace must not choose it) its edits apply in its own worktree
 * unreviewed, because the whole change is reviewed when it comes back.
 */
export function backgroundApprovalSettings(): ApprovalSettings {
  const chosen = vscode.workspace.getConfiguration('fixpoint.tasks').inspect<string>('backgroundEdits')?.globalValue;
  const user = approvalSettings();
  return chosen === 'apply-in-worktree' ? { ...user, edits: 'apply-in-task-worktree' } : user;
}

/** fixpoint.checkpoints.maxMegabytes in bytes: how much disk the snapshots behind checkpoints may take. */
export function checkpointMaxBytes(): number {
  const megabytes = vscode.workspace.getConfiguration('fixpoint.checkpoints').get<number>('maxMegabytes') ?? DEFAULT_CHECKPOINT_MEGABYTES;
  return Math.max(1, megabytes) * 1024 * 1024;
}

export function verifySettings(): VerifySettings {
  const config = vscode.workspace.getConfiguration('fixpoint.verify');
  const when = config.get<string>('when');
  return {
    command: config.get<string>('command') || undefined,
    when: when === 'off' || when === 'before-review' ? when : 'after-accept',
    maxAttempts: Math.max(1, config.get<number>('maxAttempts') ?? 3),
    timeoutMs: Math.max(1000, config.get<number>('timeoutMs') ?? 600_000),
  };
}

/** VS Code tasks in the test and build groups, for choosing the verification check. */
export async function verificationTasks(): Promise<TaskCandidate[]> {
  const tasks = await vscode.tasks.fetchTasks();
  return tasks.flatMap((task): TaskCandidate[] => {
    const group = task.group?.id === vscode.TaskGroup.Test.id ? 'test' : task.group?.id === vscode.TaskGroup.Build.id ? 'build' : undefined;
    return group ? [{ name: task.source === 'Workspace' ? task.name : `${task.source}: ${task.name}`, group, source: task.source }] : [];
  });
}

/**
 * How edits and commands are approved, from user settings only: a workspace cannot widen the agent's
 * permissions (SAFETY §5). The earlier single `fixpoint.approvalMode` still counts until it is migrated.
 */
export function approvalSettings(): ApprovalSettings {
  const config = vscode.workspace.getConfiguration('fixpoint');
  const legacy = legacyApprovalMode(config);
  const edits = config.inspect<string>('edits.approval')?.globalValue;
  const commands = config.inspect<string>('commands.approval')?.globalValue;
  return {
    edits: edits === 'review' || edits === 'auto-apply-verified' ? edits : legacy.edits,
    commands: commands === 'ask' || commands === 'sandbox' ? commands : legacy.commands,
  };
}

function legacyApprovalMode(config: vscode.WorkspaceConfiguration): ApprovalSettings {
  const value = config.inspect<string>('approvalMode')?.globalValue;
  return approvalSettingsOf(value === 'auto-edit' || value === 'full-auto' ? value : 'review');
}

/** Moves a user's `fixpoint.approvalMode` to the two settings that replace it (once; nothing else is touched). */
export async function migrateApprovalMode(): Promise<void> {
  const config = vscode.workspace.getConfiguration('fixpoint');
  if (config.inspect<string>('approvalMode')?.globalValue === undefined) return;
  const { edits, commands } = approvalSettings();
  await config.update('edits.approval', edits, vscode.ConfigurationTarget.Global);
  await config.update('commands.approval', commands, vscode.ConfigurationTarget.Global);
  await config.update('approvalMode', undefined, vscode.ConfigurationTarget.Global);
}

/** fixpoint.context.repoMapTokens: the repo map's budget in the system prompt (0: no map). */
export function repoMapTokens(): number {
  const tokens = vscode.workspace.getConfiguration('fixpoint').get<number>('context.repoMapTokens', DEFAULT_REPO_MAP_TOKENS);
  return Number.isFinite(tokens) ? Math.max(0, tokens) : DEFAULT_REPO_MAP_TOKENS;
}
