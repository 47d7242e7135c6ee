import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ChatSession } from '../core/agent/session';
import { systemPrompt } from '../core/agent/prompts';
import { collectAgentsRules } from '../core/context/agentsRules';
import { layoutSummary } from '../core/context/promptContext';
import { OpenAIModelClient } from '../core/model/openaiClient';
import type { ModelSettings } from '../core/model/types';
import type { Runner } from '../core/ports';
import { FsFileWriter } from '../node/fsWriter';
import { NodeWorkspace } from '../node/nodeWorkspace';
import { runProcess } from '../node/processRunner';
import { NodeVerifier } from '../node/verifier';
import { runInSandbox } from '../node/sandboxedRun';
import { terminalRenderer } from './render';

const USAGE = `Usage: fixpoint [options] <prompt…>

The Fixpoint agent from the terminal, with the same core as the VS Code extension. Edits are shown as
diffs and applied only when you accept them; commands ask before they run.

Options:
  --fast                 use the fast model (FIXPOINT_FAST_MODEL, default gpt-5-mini) for a quick ask
  --model <name>         model to use (default FIXPOINT_MODEL or gpt-5)
  --base-url <url>       OpenAI-compatible endpoint (default OPENAI_BASE_URL, else OpenAI)
  --wire <chat|responses>  wire format (default chat)
  --cwd <dir>            workspace folder (default: the current folder)
  --yes                  accept every proposed edit without asking
  --allow <prefix>       run commands starting with this prefix without asking (repeatable)
  --max-steps <n>        most model turns for this request (default 50)
  --approval <mode>      review (default), auto-edit (verified edits apply by themselves) or full-auto
                         (also runs unflagged commands without asking, inside the sandbox only)
  --verify <when>        after-accept (default), before-review (isolated, sandboxed copy) or off
  --verify-command <cmd> the check to run (default: detected, e.g. the package.json test script)
  -h, --help             show this help

The API key is read from OPENAI_API_KEY. Without a terminal to ask, edits are rejected unless --yes is
given, and commands are denied unless allowed with --allow.`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
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
        'verify-command': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.wire && values.wire !== 'chat' && values.wire !== 'responses') {
    process.stderr.write(`--wire must be "chat" or "responses", not "${values.wire}"\n`);
    return 2;
  }
  const maxSteps = values['max-steps'] === undefined ? 50 : Number(values['max-steps']);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    process.stderr.write(`--max-steps must be a positive integer\n`);
    return 2;
  }
  const verifyWhen = values.verify ?? 'after-accept';
  if (verifyWhen !== 'after-accept' && verifyWhen !== 'before-review' && verifyWhen !== 'off') {
    process.stderr.write(`--verify must be after-accept, before-review or off, not "${verifyWhen}"\n`);
    return 2;
  }
  const approval = values.approval ?? 'review';
  if (approval !== 'review' && approval !== 'auto-edit' && approval !== 'full-auto') {
    process.stderr.write(`--approval must be review, auto-edit or full-auto, not "${approval}"\n`);
    return 2;
  }
  const env = process.env;
  const settings: ModelSettings = {
    baseURL: values['base-url'] || env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    model: values.model ?? (values.fast ? env.FIXPOINT_FAST_MODEL || 'gpt-5-mini' : env.FIXPOINT_MODEL || 'gpt-5'),
    wireApi: values.wire === 'responses' ? 'responses' : 'chat',
  };
  const root = path.resolve(values.cwd ?? process.cwd());
  const workspace = new NodeWorkspace({ root });
  const runner: Runner = {
    canRun: () => ({ ok: true }),
    run: (command, options) => runProcess(command, { ...options, onOutput: (text) => process.stderr.write(text) }),
    runSandboxed: (command, options) => runInSandbox(root, command, { ...options, onOutput: (text) => process.stderr.write(text) }),
    runTask: async (name) => ({ exitCode: undefined, durationMs: 0, output: `VS Code tasks are not available in the CLI; run the command behind "${name}" with run_command.` }),
  };
  const interactive = process.stdin.isTTY === true;
  const readline = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  let failed = false;
  const allow = values.allow ?? [];
  const session: ChatSession = new ChatSession({
    resolveSettings: async () => settings,
    createClient: (s) => new OpenAIModelClient(s),
    post: terminalRenderer({
      out: process.stdout,
      err: process.stderr,
      ask: readline ? (question) => readline.question(question) : undefined,
      autoAcceptEdits: values.yes === true,
      session: () => session,
      onError: () => (failed = true),
    }),
    systemPrompt: async () => systemPrompt({ workspaceName: path.basename(root), layout: await layoutSummary(workspace), rules: await collectAgentsRules(workspace) }),
    promptContext: async () => '',
    workspace,
    runner,
    writer: new FsFileWriter(root),
    commandRules: () => ({ allow, deny: [] }),
    approvalMode: () => approval,
    allowPrefix: async (prefix) => void allow.push(prefix),
    agentOptions: () => ({ maxSteps, contextWindow: Number(env.FIXPOINT_CONTEXT_WINDOW) || 192_000 }),
    verifier: new NodeVerifier({
      workspace,
      runner,
      settings: () => ({ command: values['verify-command'], when: verifyWhen, maxAttempts: 3, timeoutMs: 600_000 }),
      approveUnsandboxed: async (command, reason, signal) =>
        (await session.approver.approveCommand({ command: `${command}   (outside any sandbox)`, prefix: command, reasons: [reason] }, signal)) !== 'deny',
    }),
  });
  process.once('SIGINT', () => session.cancel());
  try {
    const end = await session.prompt(positionals.join(' '));
    return failed || (end !== 'answered') ? 1 : 0;
  } finally {
    readline?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
