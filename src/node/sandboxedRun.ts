import type { RunResult } from '../core/ports';
import { runProcess, type ProcessRunOptions } from './processRunner';
import { detectSandbox, sandboxArgv } from './sandbox';

/**
 * Runs a command under bubblewrap with the workspace writable (its `.git` read-only), the rest of the system
 * read-only and no network; undefined when no sandbox is available here, so the caller asks instead.
 */
export async function runInSandbox(root: string, command: string, options: ProcessRunOptions): Promise<RunResult | undefined> {
  const sandbox = await detectSandbox();
  if (!sandbox.available) return undefined;
  return runProcess(command, { ...options, wrapper: sandboxArgv(options.cwd, { bwrapPath: sandbox.path, writableRoot: root }) });
}
