import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeUsage } from '../core/tasks/budget';
import { age } from '../core/tasks/taskRows';
import { DurableTasks } from '../core/tasks/durableTasks';
import { TaskLedger } from '../core/tasks/ledger';
import type { TaskSummary } from '../core/tasks/task';
import { NodeTaskFiles } from '../node/taskFiles';
import { TASKS_USAGE } from './usage';
import { runWorktreeCommand, unapplyChange } from './worktreeTasks';

/** `fixpoint tasks [--json]` and `fixpoint tasks show <id>`: the workspace's stored tasks, as the CLI and extension keep them. */
export async function runTasks(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { cwd: { type: 'string' }, json: { type: 'boolean' }, yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${TASKS_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${TASKS_USAGE}\n`);
    return 0;
  }
  const root = path.resolve(values.cwd ?? process.cwd());
  const tasks = new DurableTasks(NodeTaskFiles.forWorkspace(root));
  const [sub, id] = positionals;
  if (sub === undefined || sub === 'list') {
    const list = await tasks.list();
    if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else process.stdout.write(list.length ? `${formatTaskList(list, Date.now())}\n` : `No tasks recorded for ${root} yet.\n`);
    return 0;
  }
  if ((sub === 'apply' || sub === 'keep' || sub === 'discard') && id) {
    return runWorktreeCommand(sub, root, id, { yes: values.yes === true, out: process.stdout, err: process.stderr });
  }
  if (sub === 'unapply' && id) return unapplyChange(root, id, { yes: false, out: process.stdout, err: process.stderr });
  if (sub === 'show' && id) {
    const loaded = await tasks.load(id);
    if (!loaded) {
      process.stderr.write(`No task "${id}" in this workspace (see fixpoint tasks).\n`);
      return 1;
    }
    const summary = (await tasks.list()).find((s) => s.id === id) ?? loaded.state.summary;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ summary, ledger: loaded.state.ledger, audit: loaded.state.audit }, null, 2)}\n`);
      return 0;
    }
    const ledger = new TaskLedger(() => summary.filesTouched);
    ledger.restore(loaded.state.ledger);
    process.stdout.write(
      [
        `${summary.id}  ${summary.title || '(untitled)'}`,
        `status: ${summary.status}${summary.waitingFor ? ` (for ${summary.waitingFor})` : ''}`,
        `used: ${describeUsage(summary.usage)}, ${summary.usage.inputTokens} tokens in, ${summary.usage.outputTokens} out`,
        `started ${new Date(summary.createdAt).toISOString()}, last active ${new Date(summary.updatedAt).toISOString()}`,
        ...(summary.workspace
          ? [`worktree: ${summary.workspace.root}, branch ${branchOf(summary)}, base ${summary.workspace.base.slice(0, 10)}`]
          : []),
        '',
        ledger.render() ?? `Goal: ${summary.goal}`,
        ...(summary.status === 'interrupted' || summary.waitingFor ? ['', `To go on: fixpoint resume ${summary.id}`] : []),
      ].join('\n') + '\n',
    );
    return 0;
  }
  process.stderr.write(`${TASKS_USAGE}\n`);
  return 2;
}

/** One line per task: id, status, its checks (once any ran), age, cost, the branch (when a task ran in a worktree), title. */
export function formatTaskList(list: readonly TaskSummary[], now: number): string {
  const branches = list.some((s) => s.workspace);
  const checks = list.some((s) => s.checks);
  const rows = list.map((s) => [
    s.id,
    s.status + (s.waitingFor ? ` (${s.waitingFor})` : ''),
    ...(checks ? [s.checks ?? '-'] : []),
    age(now - s.updatedAt),
    s.usage.cost !== undefined ? `$${s.usage.cost.toFixed(2)}` : '-',
    ...(branches ? [branchOf(s)] : []),
    s.title || '(untitled)',
  ]);
  const header = ['ID', 'STATUS', ...(checks ? ['CHECKS'] : []), 'AGE', 'COST', ...(branches ? ['BRANCH'] : []), 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** The task's branch, and what became of it once kept or discarded; '-' for a task in the folder itself. */
function branchOf(s: TaskSummary): string {
  const w = s.workspace;
  return w ? `${w.branch}${w.state === 'active' ? '' : ` (${w.state})`}` : '-';
}
