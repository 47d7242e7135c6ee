import type { RunResult, Runner } from '../ports';

/** Wraps a Runner so that the output of every command that ran is reported (for `@terminal`). */
export function recordingRunner(runner: Runner, onOutput: (output: string) => void): Runner {
  const record = async <T extends RunResult | undefined>(pending: Promise<T>): Promise<T> => {
    const result = await pending;
    if (result) onOutput(result.output);
    return result;
  };
  return {
    canRun: () => runner.canRun(),
    run: (command, options) => record(runner.run(command, options)),
    runTask: (name, options) => record(runner.runTask(name, options)),
    runSandboxed: runner.runSandboxed && ((command, options) => record(runner.runSandboxed!(command, options))),
  };
}
