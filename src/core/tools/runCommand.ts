import { parse } from 'shell-quote';
import type { RunResult } from '../ports';
import { workspacePath } from './readFile';
import { capHeadTail, stripAnsi } from './text';
import { settleDecision } from './settleDecision';
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
    const cwd = cwdRelative ? `${context.workspace.root}/${cwdRelative}` : context.workspace.root;
    const { where, mayWrite } = await approveCommand(args.command, cwd, context);
    const options = { cwd, timeoutMs: args.timeout_ms ?? DEFAULT_TIMEOUT_MS, signal: context.signal };
    // Only the built-in read-only commands run without a checkpoint: anything else may change files.
    const run = (): Promise<RunResult | undefined> =>
      where === 'sandbox'
        ? (context.runner.runSandboxed?.(args.command, options) ?? Promise.resolve(undefined))
        : context.runner.run(args.command, options);
    const result = mayWrite && context.recordChange ? await context.recordChange(run) : await run();
    if (!result) throw new ToolError('The sandbox could not start, so the command did not run. Ask the user to run it.');
    return describeRun(result, context, where === 'sandbox' ? ' (in the sandbox: workspace writable, network off)' : '');
  },
};

/** What asking for a command needs (tools and the verifier share it). */
export type ApprovalContext = Pick<ToolContext, 'runner' | 'approver' | 'policy' | 'grant' | 'audit' | 'signal'>;

/** Where an approved command runs, and whether it may write (anything but the built-in read-only list). */
export interface ApprovedCommand {
  where: 'host' | 'sandbox';
  mayWrite: boolean;
}

/**
 * The one path from "the agent wants to run this" to "it may run there": the runner may run at all, the
 * approval engine decides, and the user answers when it asks. Throws a ToolError when refused. A command the
 * user approved runs on the host (their terminal), never silently sandboxed.
 */
export async function approveCommand(command: string, cwd: string, context: ApprovalContext): Promise<ApprovedCommand> {
  const allowed = context.runner.canRun();
  if (!allowed.ok) throw new ToolError(`Commands cannot run here: ${allowed.reason}`);
  const decision = await context.policy.decideCommand(command, cwd);
  const prefix = suggestedPrefix(command);
  const where = await settleDecision(
    decision,
    {
      kind: 'command',
      what: command,
      args: `${cwd}\0${command}`,
      card: { command, prefix, reasons: decision.why, dangerous: decision.risk === 'dangerous' },
      refused: {
        byRule: `The user's policy denies this command (${decision.why.join('; ')}).`,
        byPolicy: `Not run: ${decision.why.join('; ')}. Ask the user to run it, or switch to review mode.`,
        byUser: 'The user denied running this command. Do not retry it; ask or choose another approach.',
      },
    },
    context,
  );
  return { where, mayWrite: decision.risk !== 'safe' };
}

/** A VS Code task runs project code: the same engine, always asked. */
export async function approveTask(name: string, context: ApprovalContext): Promise<void> {
  const allowed = context.runner.canRun();
  if (!allowed.ok) throw new ToolError(`Tasks cannot run here: ${allowed.reason}`);
  const decision = context.policy.decideTask(name);
  const command = `task: ${name}`;
  const refusedByPolicy = `The user's policy denies this task (${decision.why.join('; ')}).`;
  await settleDecision(
    decision,
    {
      kind: 'task',
      what: name,
      card: { command, prefix: command, reasons: decision.why, dangerous: false },
      refused: {
        byRule: refusedByPolicy,
        byPolicy: refusedByPolicy,
        byUser: 'The user denied running this task. Do not retry it; ask or choose another approach.',
      },
    },
    context,
  );
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

/** The tool result for a run: status line and capped output, with secrets masked by the approval engine. */
export function describeRun(result: RunResult, context: Pick<ToolContext, 'policy'>, where = ''): ToolOutcome {
  if (result.skipped) return { ok: false, output: `did not run: ${result.output}` };
  const output = capHeadTail(context.policy.filterOutput(stripAnsi(result.output).trimEnd()), OUTPUT_CAP_CHARS);
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
