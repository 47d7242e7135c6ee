import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseGitStatus, type EnvironmentFacts, type GitSummary } from '../core/context/environment';
import { gitEnv, safeGitArgs, scrubEnvironment } from '../core/policy';

export interface EnvironmentOptions {
  /** The shell the user's terminals use (VS Code knows it); else $SHELL / %ComSpec%. */
  shell?: string;
  /** Ask git for the branch and status. False in Restricted Mode, where Fixpoint runs nothing. */
  git: boolean;
  /** Keys of the repository's own config, so git runs none of the programs it names (SAFETY §14). */
  gitConfigKeys?: () => Promise<readonly string[]>;
}

/** How long facts are reused: the system prompt is built per prompt, and git status need not run that often. */
const TTL_MS = 30_000;
const GIT_TIMEOUT_MS = 3_000;
const cache = new Map<string, { at: number; facts: Promise<EnvironmentFacts> }>();

/** The environment of `root` for the system prompt, cached for 30 s. */
export function environmentFacts(root: string, options: EnvironmentOptions): Promise<EnvironmentFacts> {
  const key = `${root}\0${options.git}`;
  const cached = cache.get(key);
  if (cached && Date.now() - cached.at < TTL_MS) return cached.facts;
  const facts = readFacts(root, options);
  cache.set(key, { at: Date.now(), facts });
  return facts;
}

async function readFacts(root: string, options: EnvironmentOptions): Promise<EnvironmentFacts> {
  const shell = options.shell || process.env.SHELL || process.env.ComSpec;
  return {
    platform: `${process.platform} (${os.arch()})`,
    ...(shell ? { shell: path.basename(shell).replace(/\.exe$/i, '') } : {}),
    date: new Date().toLocaleDateString('en-CA'),
    workingDirectory: root,
    ...(options.git ? await gitSummary(root, (await options.gitConfigKeys?.()) ?? []) : {}),
  };
}

/** Branch and status from git, with the overrides that keep a hostile .git/config from running anything. */
function gitSummary(root: string, configKeys: readonly string[]): Promise<{ git?: GitSummary }> {
  const env = scrubEnvironment(process.env);
  // An inherited GIT_DIR or GIT_WORK_TREE would describe another repository.
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return new Promise((resolve) => {
    execFile(
      'git',
      safeGitArgs(['status', '--porcelain=v1', '--branch', '--untracked-files=normal'], { configKeys }),
      { cwd: root, env: gitEnv(env, { configKeys }), timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      // Not a repository, no git, or too slow: the block simply has no git line.
      (err, stdout) => resolve(err ? {} : { git: parseGitStatus(stdout) }),
    );
  });
}
