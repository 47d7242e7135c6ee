import { execFile } from 'node:child_process';
import { gitEnv, parseGitConfigList, scrubEnvironment, type GitConfigEntry } from '../core/policy';

/**
 * The configuration git itself reads in `cwd` (issue 14, cause 1): includes, `includeIf`, worktree config,
 * `.git` as a `gitdir:` file, nested repositories — everything a hand parser of `.git/config` misses. Run with
 * the same overrides as every other git (reading config runs no program). No git, or no repository: no entries.
 */
export function readGitConfig(cwd: string, timeoutMs = 5_000): Promise<GitConfigEntry[]> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['config', '--list', '--show-scope', '--show-origin', '--includes', '-z'],
      { cwd, env: gitEnv(scrubEnvironment(process.env)), timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => resolve(err && !stdout ? [] : parseGitConfigList(stdout)),
    );
  });
}
