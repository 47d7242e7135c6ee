import { parse } from 'shell-quote';
import { classifyCommand, gitConfigRunsCode, type CommandClassification } from '../policy';
import type { RunResult } from '../ports';
import { workspacePath } from './readFile';
import { capHeadTail, stripAnsi } from './text';
import { ToolError, type ToolContext, type ToolDefinition, type ToolOutcome } from './types';

/** Output handed back to the model is capped; head and tail are kept. */
export const OUTPUT_CAP_CHARS = 16_000;
const DEFAULT_TIMEOUT_MS = 120_000;

interface RunArgs {
  command: string;
  cwd?: string;
  timeout_ms?: number;
}

export const runCommandTool: ToolDefinition<RunArgs> = {
  spec: {
    name: 'run_command',
    description:
      "Run a shell command in the workspace (VS Code's integrated terminal). The user approves commands that are not read-only. Returns the exit code and output.",
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string' },
        cwd: { type: 'string', description: 'Workspace-relative folder. Default: the root.' },
        timeout_ms: { type: 'integer', minimum: 1000, maximum: 3_600_000 },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
  mutating: true,
  summarize: (a) => a.command,
  async run(args, context) {
    const cwdRelative = args.cwd ? await workspacePath(context.workspace.root, args.cwd) : '';
    const verdict = await allowedVerdict(args.command, context);
    if (context.approvalMode() === 'full-auto' && verdict.risk === 'dangerous') {
      throw new ToolError(
        `Full-auto mode never runs commands like this (${verdict.reasons.join('; ')}). Ask the user to run it, or switch to review mode.`,
      );
    }
    const cwd = cwdRelative ? `${context.workspace.root}/${cwdRelative}` : context.workspace.root;
    const options = { cwd, timeoutMs: args.timeout_ms ?? DEFAULT_TIMEOUT_MS, signal: context.signal };
    if (context.approvalMode() === 'full-auto' && verdict.decision === 'ask') {
      // Full-auto runs unflagged commands without asking, but only where the sandbox contains them.
      const sandboxed = await context.runner.runSandboxed?.(args.command, options);
      if (sandboxed) return describeRun(sandboxed, ' (in the sandbox: workspace writable, network off)');
    }
    await askUnlessAllowed(args.command, verdict, context);
    return describeRun(await context.runner.run(args.command, options));
  },
};

/** What asking for a command needs (tools and the verifier share it). */
export type ApprovalContext = Pick<ToolContext, 'runner' | 'approver' | 'commandRules' | 'allowPrefix' | 'signal' | 'workspace'>;

/** Checks the runner may run at all, then the policy's verdict (knowing whether git would run the repo's programs, §14); throws on a refusal. */
async function allowedVerdict(command: string, context: Omit<ApprovalContext, 'approver' | 'allowPrefix' | 'signal'>) {
  const allowed = context.runner.canRun();
  if (!allowed.ok) throw new ToolError(`Commands cannot run here: ${allowed.reason}`);
  const verdict = classifyCommand(command, {
    ...context.commandRules(),
    gitConfigRunsCode: gitConfigRunsCode(await context.workspace.gitConfigKeys()),
  });
  if (verdict.decision === 'deny') throw new ToolError(`The user's policy denies this command (${verdict.reasons.join('; ')}).`);
  return verdict;
}

/** Checks the runner, then the policy, then (unless auto-allowed) asks the user; throws a ToolError when refused. */
export async function approve(command: string, context: ApprovalContext): Promise<void> {
  await askUnlessAllowed(command, await allowedVerdict(command, context), context);
}

async function askUnlessAllowed(command: string, verdict: CommandClassification, context: ApprovalContext): Promise<void> {
  if (verdict.decision === 'allow') return;
  const prefix = suggestedPrefix(command);
  const answer = await context.approver.approveCommand({ command, prefix, reasons: verdict.reasons }, context.signal);
  if (answer === 'deny') throw new ToolError('The user denied running this command. Do not retry it; ask or choose another approach.');
  if (answer === 'always') await context.allowPrefix(prefix);
}

/**
 * The prefix "Always allow" remembers: the program and its subcommand words (`npm test`, `cargo build`),
 * stopping at the first flag, path or quoted value, so allowing `npm test` never allows `npm exec …`.
 * A command with shell operators yields itself: the policy never auto-allows those anyway.
 */
export function suggestedPrefix(command: string): string {
  let tokens;
  try {
    tokens = parse(command);
  } catch {
    return command.trim();
  }
  if (tokens.some((t) => typeof t !== 'string')) return command.trim();
  const words: string[] = [];
  for (const token of tokens as string[]) {
    if (words.length >= 2 || !/^[A-Za-z0-9_][A-Za-z0-9_.:@+-]*$/.test(token)) break;
    words.push(token);
  }
  return words.length ? words.join(' ') : command.trim();
}

export function describeRun(result: RunResult, where = ''): ToolOutcome {
  const output = capHeadTail(stripAnsi(result.output).trimEnd(), OUTPUT_CAP_CHARS);
  const seconds = (result.durationMs / 1000).toFixed(1);
  const status = result.cancelled
    ? 'cancelled by the user'
    : result.timedOut
      ? `timed out after ${seconds}s and was killed`
      : result.exitCode === undefined
        ? `finished in ${seconds}s (exit code unknown)`
        : `exit code ${result.exitCode} in ${seconds}s${where}`;
  return { ok: result.exitCode === 0 && !result.timedOut && !result.cancelled, output: `${status}\n${output || '(no output)'}` };
}
