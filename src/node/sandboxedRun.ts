import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RunResult } from '../core/ports';
import { isProtectedPath } from '../core/policy';
import { runProcess, type ProcessRunOptions } from './processRunner';
import * as os from 'node:os';
import { detectSandbox, sandboxArgv } from './sandbox';
import { defaultHiddenPaths } from './sandbox/boundary';

/**
 * Runs a command under bubblewrap with the workspace writable (its protected paths read-only), the rest of the
 * system read-only with host sockets and credentials hidden, and no network; undefined when no sandbox is
 * available here, so the caller asks instead.
 *
 * A protected path that does not exist yet cannot be bound read-only (the mount point would have to be
 * created in the user's tree), so one the command created (`.vscode/`, `.github/workflows/`, `AGENTS.md`…)
 * is removed afterwards and the output says so: a sandboxed command never plants what a later one runs.
 */
export async function runInSandbox(
  root: string,
  command: string,
  options: ProcessRunOptions,
  /** Host paths to hide besides the defaults (sockets, credentials), e.g. from `fixpoint.sandbox.hiddenPaths`. */
  extraHidden: readonly string[] = [],
): Promise<RunResult | undefined> {
  const sandbox = await detectSandbox();
  if (!sandbox.available) return undefined;
  const before = await protectedEntries(root);
  const result = await runProcess(command, {
    ...options,
    wrapper: sandboxArgv(options.cwd, {
      bwrapPath: sandbox.path,
      writableRoot: root,
      hidden: [...defaultHiddenPaths(), ...extraHidden.map(expandHome)],
    }),
  });
  const planted = (await protectedEntries(root)).filter((p) => !before.includes(p));
  for (const p of planted) await fs.rm(path.join(root, p), { recursive: true, force: true });
  if (planted.length === 0) return result;
  const note = `\n[Fixpoint removed ${planted.join(', ')}: protected paths cannot be created from the sandbox; propose them as an edit instead.]`;
  return { ...result, output: result.output + note };
}

async function protectedEntries(root: string): Promise<string[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const out = names.filter((name) => isProtectedPath(name));
  const workflows = await fs.stat(path.join(root, '.github', 'workflows')).then(
    () => true,
    () => false,
  );
  if (workflows) out.push('.github/workflows');
  return out;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}
