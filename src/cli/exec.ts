import { parseArgs } from 'node:util';
import { approvalSettingsOf } from '../core/policy';
import { budgetFrom } from '../core/tasks/budget';
import { TaskWorkspaceUnavailable } from '../core/tasks/taskWorkspace';
import { openCliSession, UsageError, type CliOptions, type CliSession } from './cliSession';
import { USAGE } from './usage';
import { resumeOptions, reviewHint, startInWorktree, sweepWorktrees } from './worktreeTasks';

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

/**
 * `fixpoint exec "<task>"`: the agent loop in a terminal; the task is recorded for `fixpoint tasks`/`resume`.
 * With `--worktree` it runs in a git worktree of its own on a new branch, and says how to bring it back.
 */
export function runExec(argv: string[]): Promise<number> {
  let background: Awaited<ReturnType<typeof startInWorktree>> | undefined;
  return withSession(
    argv,
    'task',
    async ({ session }, task) => {
      // Recorded with the task from its first save, so `fixpoint tasks` shows the branch even after a crash.
      if (background) session.tasks.summary = { ...session.tasks.summary, workspace: background.info };
      try {
        return await session.prompt(task);
      } finally {
        if (background) process.stderr.write(reviewHint(background.id, background.info));
      }
    },
    async (options, task, worktree) => {
      if (!worktree) return options;
      background = await startInWorktree(options, task);
      return background.options;
    },
  );
}

/** `fixpoint resume <id>`: continues a stored task of this workspace from its last recorded step. */
export function runResume(argv: string[]): Promise<number> {
  return withSession(
    argv,
    'id',
    async ({ session }, id) => {
      if (!(await session.restore(id))) {
        process.stderr.write(`No task "${id}" in this workspace (see fixpoint tasks).\n`);
        return 'failed';
      }
      // A task waiting on an approval or review shows that card again; answering it continues the task.
      const answered = session.whenAnswered();
      if (answered) return answered;
      const { status } = session.tasks.current();
      const end = await session.resume();
      if (end === 'nothing') process.stderr.write(`Task ${id} is ${status}: there is nothing to resume.\n`);
      return end === 'nothing' ? (status === 'done' ? 'answered' : 'failed') : end;
    },
    // A task in a worktree resumes there.
    (options, id) => resumeOptions(options, id),
  );
}

async function withSession(
  argv: string[],
  positional: 'task' | 'id',
  act: (cli: CliSession, argument: string) => Promise<string>,
  /** Where the session runs (a task's worktree), decided before it opens. */
  prepare: (options: CliOptions, argument: string, worktree: boolean) => Promise<CliOptions> = async (o) => o,
): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv, positional);
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  let options: CliOptions;
  try {
    // Start-up: worktrees of tasks that no longer exist (a crash, a deleted task) are removed first.
    await sweepWorktrees(parsed.options.cwd ?? process.cwd());
    options = await prepare(parsed.options, parsed.argument, parsed.worktree);
  } catch (err) {
    process.stderr.write(
      err instanceof TaskWorkspaceUnavailable ? `Cannot run the task in a worktree: ${err.message}\n` : `${(err as Error).message}\n`,
    );
    return 1;
  }
  let cli: CliSession;
  try {
    cli = await openCliSession(options);
  } catch (err) {
    // The session could not be set up from what was given (an unreadable --mcp-config, …): bad usage.
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  try {
    const end = await act(cli, parsed.argument);
    return end === 'answered' && !cli.failed() ? 0 : 1;
  } finally {
    await cli.dispose();
  }
}

function parseCliArgs(argv: string[], positional: 'task' | 'id') {
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
      'budget-steps': { type: 'string' },
      'budget-minutes': { type: 'string' },
      'budget-cost': { type: 'string' },
      verify: { type: 'string' },
      approval: { type: 'string' },
      edits: { type: 'string' },
      commands: { type: 'string' },
      'verify-command': { type: 'string' },
      'mcp-config': { type: 'string' },
      'show-reasoning': { type: 'boolean' },
      worktree: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const argument = positionals.join(' ').trim();
  if (!argument)
    throw new UsageError(
      positional === 'task'
        ? 'fixpoint exec needs a task, e.g. fixpoint exec "make the failing test pass"'
        : 'fixpoint resume needs a task id (see fixpoint tasks)',
    );
  const maxSteps = positiveNumber('max-steps', values['max-steps'], true) ?? 50;
  // --approval is the preset of both; --edits / --commands set one each.
  const preset = approvalSettingsOf(choice('approval', values.approval, 'review'));
  const options: CliOptions = {
    cwd: values.cwd,
    model: values.model,
    fast: values.fast,
    baseUrl: values['base-url'],
    wire: choice('wire', values.wire, 'chat'),
    yes: values.yes === true,
    allow: values.allow ?? [],
    maxSteps,
    budget: budgetFrom({
      maxSteps: positiveNumber('budget-steps', values['budget-steps'], true),
      maxMinutes: positiveNumber('budget-minutes', values['budget-minutes']),
      maxCost: positiveNumber('budget-cost', values['budget-cost']),
    }),
    approval: { edits: choice('edits', values.edits, preset.edits), commands: choice('commands', values.commands, preset.commands) },
    verify: choice('verify', values.verify, 'after-accept'),
    verifyCommand: values['verify-command'],
    mcpConfig: values['mcp-config'],
    showReasoning: values['show-reasoning'] === true,
  };
  return { options, argument, worktree: values.worktree === true };
}

function positiveNumber(name: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}`);
  return n;
}
