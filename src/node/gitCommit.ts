import { execFile } from 'node:child_process';
import { gitEnv, safeGitArgs, scrubEnvironment } from '../core/policy';

const GIT_TIMEOUT_MS = 30_000;

function git(root: string, args: string[]): Promise<string> {
  const env = scrubEnvironment(process.env);
  // An inherited GIT_DIR or GIT_WORK_TREE would commit into another repository.
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return new Promise((resolve, reject) =>
    execFile('git', safeGitArgs(args), { cwd: root, env: gitEnv(env), timeout: GIT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout.trim()),
    ),
  );
}

/**
 * Commits exactly `paths` (workspace-relative, as written by an accepted proposal) on the current branch with
 * `message` — `git commit --only`, so whatever else the user has staged stays staged and out of the commit.
 * Hooks do not run (a repository's hooks are its code, and the user did not ask to run it); nothing is pushed
 * and no history is rewritten. Resolves with the new commit, or why none was made.
 */
export async function commitAccepted(
  root: string,
  paths: readonly string[],
  message: string,
): Promise<{ commit?: string; skipped?: string }> {
  if (!paths.length) return { skipped: 'nothing was written' };
  try {
    await git(root, ['rev-parse', '--show-toplevel']);
  } catch {
    return { skipped: 'the workspace is not a git repository' };
  }
  if (!(await git(root, ['status', '--porcelain=v1', '--untracked-files=all', '--', ...paths])))
    return { skipped: 'the accepted change left the files as committed' };
  // New files are not tracked yet: they are added (intent only), so `--only` can take them.
  const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...paths])).split('\0').filter(Boolean);
  if (untracked.length) await git(root, ['add', '--intent-to-add', '--', ...untracked]);
  await git(root, ['commit', '--only', '--no-verify', '--quiet', '-m', message, '--', ...paths]);
  return { commit: await git(root, ['rev-parse', 'HEAD']) };
}
