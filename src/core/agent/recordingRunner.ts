import type { RunResult, Runner } from '../ports';

/** The last command or task the agent ran, and how many accepted writes there had been by then. */
export interface LastRun {
  /** The command line, or `task: <name>`. */
  command: string;
  passed: boolean;
  /** The length of the session's write log when the run ended. */
  writes: number;
}

/**
 * Wraps a Runner so that every run is reported: its output (for `@terminal`) and, as the last run, what ran and
 * whether it passed (so the check after accepted edits is not run again on exactly what the agent just ran).
 */
export function recordingRunner(runner: Runner, onRun: (output: string, run: Omit<LastRun, 'writes'>) => void): Runner {
  const record = async <T extends RunResult | undefined>(command: string, pending: Promise<T>): Promise<T> => {
    const result = await pending;
    if (result)
      onRun(result.output, { command, passed: result.exitCode === 0 && !result.timedOut && !result.cancelled && !result.skipped });
    return result;
  };
  return {
    canRun: () => runner.canRun(),
    run: (command, options) => record(command, runner.run(command, options)),
    runTask: (name, options) => record(`task: ${name}`, runner.runTask(name, options)),
    runSandboxed: runner.runSandboxed && ((command, options) => record(command, runner.runSandboxed!(command, options))),
    sandboxAvailable: runner.sandboxAvailable && (() => runner.sandboxAvailable!()),
  };
}
