import { approveTask, describeRun } from './runCommand';
import type { ToolDefinition } from './types';

const DEFAULT_TIMEOUT_MS = 600_000;

export const runTaskTool: ToolDefinition<{ name: string }> = {
  spec: {
    name: 'run_task',
    description: 'Run a VS Code task (from tasks.json or a task provider, e.g. "npm: test") by name. Returns the exit code and output.',
    parameters: {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
  },
  mutating: true,
  summarize: (a) => a.name,
  async run(args, context) {
    // A task runs project code just like a command, so it goes through the same approval.
    await approveTask(args.name, context);
    const run = () => context.runner.runTask(args.name, { timeoutMs: DEFAULT_TIMEOUT_MS, signal: context.signal });
    return describeRun(context.recordChange ? await context.recordChange(run) : await run(), context);
  },
};
