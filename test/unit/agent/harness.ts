// A ChatSession wired to real parts (a temp folder, Node fs, real processes, the real openai SDK talking to
// the fake server); only the model's turns are scripted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession } from '../../../src/core/agent/session';
import type { SessionDeps } from '../../../src/core/agent/sessionDeps';
import type { AgentOptions } from '../../../src/core/agent/loop';
import { OpenAIModelClient } from '../../../src/core/model/openaiClient';
import type { ApprovalMode, Runner } from '../../../src/core/ports';
import type { TaskBudget } from '../../../src/core/tasks/task';
import { approvalSettingsOf } from '../../../src/core/policy';
import { detectSandbox } from '../../../src/node/sandbox';
import { runInSandbox } from '../../../src/node/sandboxedRun';
import type { ModelSettings } from '../../../src/core/model/types';
import { FsFileWriter } from '../../../src/node/fsWriter';
import { GitWorkspaceSnapshots } from '../../../src/node/gitSnapshots';
import { NodeVerifier } from '../../../src/node/verifier';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { runProcess } from '../../../src/node/processRunner';
import type { Entry, HostToWebview } from '../../../src/shared/protocol';
import { FakeOpenAIServer } from '../../fakes/openaiServer';

export interface AgentHarness {
  server: FakeOpenAIServer;
  session: ChatSession;
  settings: ModelSettings;
  root: string;
  posted: HostToWebview[];
  allow: string[];
  /** Called for each approval card; default: deny. */
  onApproval: (entry: Extract<Entry, { kind: 'approval' }>) => void;
  /** Called for each new proposal card; default: nothing (the test decides). */
  onProposal: (entry: Extract<Entry, { kind: 'proposal' }>) => void;
  entries(kind?: Entry['kind']): Entry[];
  dispose(): Promise<void>;
}

export interface HarnessExtras {
  root?: string;
  /** Where tasks are kept (a folder of durable task files; a session re-created on it is a reload). */
  tasks?: SessionDeps['tasks'];
  /** The step, time and cost limits a new task starts with. */
  taskBudget?: TaskBudget;
  /** The first task's id (a background task's). */
  taskId?: string;
  verify?: { when: 'after-accept' | 'before-review' | 'off'; command?: string; maxAttempts?: number };
  approvalMode?: ApprovalMode;
  /** The checkpoint store of an earlier harness (a session re-created after a reload). */
  checkpointDir?: string;
  extraTools?: SessionDeps['extraTools'];
}

export async function createAgentHarness(
  files: Record<string, string> = {},
  options: Partial<AgentOptions> = {},
  reuse: HarnessExtras = {},
): Promise<AgentHarness> {
  const root = reuse.root ?? fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-agent-')));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  const server = await FakeOpenAIServer.start();
  const workspace = new NodeWorkspace({ root });
  const runner: Runner = {
    canRun: () => ({ ok: true }),
    run: (command, o) => runProcess(command, o),
    runSandboxed: (command, o) => runInSandbox(root, command, o),
    sandboxAvailable: async () => (await detectSandbox()).available,
    runTask: async () => ({ exitCode: 1, output: 'no tasks', durationMs: 0 }),
  };
  const allow: string[] = [];
  // Checkpoints live outside the workspace, as in the extension's storage.
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-checkpoints-'));
  const seen = new Set<string>();
  const harness: AgentHarness = {
    server,
    root,
    settings: { baseURL: server.url, model: 'fake-model', wireApi: 'chat' },
    posted: [],
    allow,
    session: undefined as unknown as ChatSession,
    onApproval: (entry) => harness.session.approve(entry.id, 'deny'),
    onProposal: () => undefined,
    entries: (kind) => harness.session.snapshot().entries.filter((e) => !kind || e.kind === kind),
    async dispose() {
      harness.session.newTask();
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(checkpointDir, { recursive: true, force: true });
    },
  };
  harness.session = new ChatSession({
    resolveSettings: async () => harness.settings,
    createClient: (s) => new OpenAIModelClient(s),
    post: (msg) => {
      harness.posted.push(msg);
      if (msg.type !== 'entry' || seen.has(msg.entry.id)) return;
      const entry = msg.entry;
      if (entry.kind === 'approval' && entry.state === 'pending') {
        seen.add(entry.id);
        queueMicrotask(() => harness.onApproval(entry));
      }
      if (entry.kind === 'proposal' && entry.state === 'pending') {
        seen.add(entry.id);
        queueMicrotask(() => harness.onProposal(entry));
      }
    },
    systemPrompt: async () => 'You are a test agent.',
    promptContext: async () => '',
    workspace,
    runner,
    writer: new FsFileWriter(root),
    grants: { commandRules: () => ({ allow, deny: [] }), remember: async (rule) => void allow.push(rule) },
    approvalSettings: () => approvalSettingsOf(reuse.approvalMode ?? 'review'),
    agentOptions: () => ({ retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 2000 }, ...options }),
    tasks: reuse.tasks,
    taskBudget: () => reuse.taskBudget,
    taskId: reuse.taskId,
    extraTools: reuse.extraTools,
    snapshots: { store: new GitWorkspaceSnapshots(root, reuse.checkpointDir ?? checkpointDir), maxBytes: () => 100 * 1024 * 1024 },
    verifier: reuse.verify
      ? new NodeVerifier({
          workspace,
          runner,
          settings: () => ({
            when: reuse.verify!.when,
            command: reuse.verify!.command,
            maxAttempts: reuse.verify!.maxAttempts ?? 3,
            timeoutMs: 60_000,
          }),
        })
      : undefined,
  });
  return harness;
}

/** The tool results the model received in request `index` (0-based), by call id. */
export function toolResults(server: FakeOpenAIServer, index: number): Record<string, string> {
  const messages = server.modelRequests()[index].body.messages as Array<{ role: string; tool_call_id?: string; content: string }>;
  return Object.fromEntries(messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id, m.content]));
}

/** apply_patch arguments for a patch body (the file operations between Begin and End Patch). */
export function patchArgs(body: string): string {
  return JSON.stringify({ patch: `*** Begin Patch\n${body}*** End Patch\n` });
}
