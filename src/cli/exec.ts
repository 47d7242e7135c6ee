import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ChatSession } from '../core/agent/session';
import { systemPrompt } from '../core/agent/prompts';
import { collectAgentsRules } from '../core/context/agentsRules';
import { layoutSummary } from '../core/context/promptContext';
import { detectContextWindow } from '../core/model/contextWindow';
import { OpenAIModelClient } from '../core/model/openaiClient';
import { approvalSettingsOf } from '../core/policy';
import { DEFAULT_CHECKPOINT_MEGABYTES } from '../core/review/checkpoints';
import type { ModelSettings } from '../core/model/types';
import type { Runner } from '../core/ports';
import { FsFileWriter } from '../node/fsWriter';
import { GitWorkspaceSnapshots } from '../node/gitSnapshots';
import { environmentFacts } from '../node/environment';
import { NodeWorkspace } from '../node/nodeWorkspace';
import { runProcess } from '../node/processRunner';
import { detectSandbox } from '../node/sandbox';
import { runInSandbox } from '../node/sandboxedRun';
import { NodeVerifier } from '../node/verifier';
import { USAGE } from './usage';
import { readFile } from 'node:fs/promises';
import { parseMcpServers } from '../core/mcp/config';
import { mcpToolsForRun } from '../core/mcp/mcpTools';
import { NodeMcpServers } from '../node/mcp/servers';
import { terminalRenderer } from './render';

const CHOICES = {
  wire: ['chat', 'responses'],
  approval: ['review', 'auto-edit', 'full-auto'],
  edits: ['review', 'auto-apply-verified'],
  commands: ['ask', 'sandbox'],
  verify: ['after-accept', 'before-review', 'off'],
} as const;

function choice<K extends keyof typeof CHOICES>(
  name: K,
  value: string | undefined,
  fallback: (typeof CHOICES)[K][number],
): (typeof CHOICES)[K][number] {
  if (value === undefined) return fallback;
  if (!(CHOICES[name] as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${CHOICES[name].join(', ')}, not "${value}"`);
  return value as (typeof CHOICES)[K][number];
}

class UsageError extends Error {}

/** `fixpoint exec "<task>"`: the agent loop in a terminal. */
export async function runExec(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseExecArgs(argv);
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, task, maxSteps, wire, approval, verify } = options;
  const env = process.env;
  const settings: ModelSettings = {
    baseURL: values['base-url'] || env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    model: values.model ?? (values.fast ? env.FIXPOINT_FAST_MODEL || 'gpt-5-mini' : env.FIXPOINT_MODEL || 'gpt-5'),
    wireApi: wire,
  };
  // The window the server really runs the model with (a local server's is often far below 192k), unless set.
  const detected = env.FIXPOINT_CONTEXT_WINDOW ? undefined : await detectContextWindow(settings);
  if (detected) process.stderr.write(`Context window: ${detected.tokens} tokens (from ${detected.source}).\n`);
  const root = path.resolve(values.cwd ?? process.cwd());
  const workspace = new NodeWorkspace({ root });
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
  let mcp: NodeMcpServers | undefined;
  try {
    mcp = values['mcp-config'] ? await mcpServersFrom(values['mcp-config'], root) : undefined;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const readline = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  let failed = false;
  const allow = values.allow ?? [];
  const session: ChatSession = new ChatSession({
    resolveSettings: async () => settings,
    createClient: (s) => new OpenAIModelClient(s),
    post: terminalRenderer({
      out: process.stdout,
      err: process.stderr,
      ask: readline ? (question) => readline.question(question) : undefined,
      approveAll: values.yes === true,
      session: () => session,
      onError: () => (failed = true),
      showReasoning: values['show-reasoning'] === true || process.stderr.isTTY === true,
      dim: process.stderr.isTTY === true,
    }),
    systemPrompt: async () =>
      systemPrompt({
        workspaceName: path.basename(root),
        layout: await layoutSummary(workspace),
        rules: await collectAgentsRules(workspace),
        environment: await environmentFacts(root, {
          git: true,
          gitConfigKeys: async () => (await workspace.gitConfig(root)).map((e) => e.key),
        }),
      }),
    promptContext: async () => '',
    workspace,
    runner,
    writer: new FsFileWriter(root),
    // The same checkpoints as the extension, kept per workspace in ~/.cache/fixpoint/checkpoints/.
    snapshots: {
      store: new GitWorkspaceSnapshots(root, GitWorkspaceSnapshots.cacheDirFor(root)),
      maxBytes: () => (Number(env.FIXPOINT_CHECKPOINT_MEGABYTES) || DEFAULT_CHECKPOINT_MEGABYTES) * 1024 * 1024,
    },
    // The CLI keeps workspace and "always" grants for this run (the extension keeps them in the user's storage).
    grants: { commandRules: () => ({ allow, deny: [] }), remember: async (rule) => void allow.push(rule) },
    approvalSettings: () => approval,
    agentOptions: () => ({ maxSteps, contextWindow: Number(env.FIXPOINT_CONTEXT_WINDOW) || detected?.tokens || 192_000 }),
    verifier: new NodeVerifier({
      workspace,
      runner,
      settings: () => ({ command: values['verify-command'], when: verify, maxAttempts: 3, timeoutMs: 600_000 }),
    }),
    extraTools:
      mcp &&
      ((signal) =>
        mcpToolsForRun(mcp!, { signal, onProblem: (server, message) => void process.stderr.write(`[mcp ${server}] ${message}\n`) })),
  });
  process.once('SIGINT', () => session.cancel());
  try {
    const end = await session.prompt(task);
    return end === 'answered' && !failed ? 0 : 1;
  } finally {
    readline?.close();
    await mcp?.dispose();
  }
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

function parseExecArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      fast: { type: 'boolean' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      wire: { type: 'string' },
      cwd: { type: 'string' },
      yes: { type: 'boolean' },
      allow: { type: 'string', multiple: true },
      'max-steps': { type: 'string' },
      verify: { type: 'string' },
      approval: { type: 'string' },
      edits: { type: 'string' },
      commands: { type: 'string' },
      'verify-command': { type: 'string' },
      'mcp-config': { type: 'string' },
      'show-reasoning': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const task = positionals.join(' ').trim();
  if (!task) throw new UsageError('fixpoint exec needs a task, e.g. fixpoint exec "make the failing test pass"');
  const maxSteps = values['max-steps'] === undefined ? 50 : Number(values['max-steps']);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new UsageError('--max-steps must be a positive integer');
  return {
    values,
    task,
    maxSteps,
    wire: choice('wire', values.wire, 'chat'),
    // --approval is the preset of both; --edits / --commands set one each.
    approval: ((preset) => ({
      edits: choice('edits', values.edits, preset.edits),
      commands: choice('commands', values.commands, preset.commands),
    }))(approvalSettingsOf(choice('approval', values.approval, 'review'))),
    verify: choice('verify', values.verify, 'after-accept'),
  };
}
