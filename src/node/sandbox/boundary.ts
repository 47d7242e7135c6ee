/**
 * What the sandbox hides and keeps read-only beyond "everything read-only but the workspace" (issue 14,
 * cause 5; SAFETY §4, §15):
 * - the host's sockets (`/run`, `$XDG_RUNTIME_DIR`: D-Bus, the Docker and SSH agents, VS Code's IPC) and the
 *   user's credential locations (`~/.ssh`, `~/.aws`, `~/.config/gh`, `~/.netrc`, …) are replaced by empty
 *   ones: a read-only bind still lets a program connect to a socket or read a key;
 * - the workspace's protected paths (`.git`, `.vscode/`, `.husky/`, `.github/workflows/`, `AGENTS.md`,
 *   `.envrc`, …, and the real git dir behind a `gitdir:` file) stay read-only inside the writable tree.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProtectedPath } from '../../core/policy';

/** Credential files and folders under the home folder (each vendor's documented default location). */
const HOME_CREDENTIALS = [
  '.ssh',
  '.aws',
  '.azure',
  '.gnupg',
  '.kube',
  '.docker',
  '.netrc',
  '_netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.git-credential-cache',
  '.cache/git',
  '.config/gh',
  '.config/gcloud',
  '.config/git/credentials',
  '.config/hub',
  '.password-store',
  '.vault-token',
  '.terraform.d/credentials.tfrc.json',
];

/** Folders of host sockets. `/var/run` is normally a link to `/run`; both are listed for systems where it is not. */
const SOCKET_FOLDERS = ['/run', '/var/run'];

/** Kept visible inside a hidden `/run`: on NixOS the system's programs live there. */
const RUN_KEEP = ['/run/current-system', '/run/wrappers', '/run/booted-system'];

/** The default hidden list: host socket folders, the user's runtime folder, credential locations. */
export function defaultHiddenPaths(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  return [...SOCKET_FOLDERS, ...(env.XDG_RUNTIME_DIR ? [env.XDG_RUNTIME_DIR] : []), ...HOME_CREDENTIALS.map((p) => path.join(home, p))];
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * bwrap arguments that cover each existing hidden path: an empty tmpfs over a folder, /dev/null over a file
 * (or socket). Paths inside the writable tree are left alone (the workspace's own files are its own).
 */
export function hideArgs(hidden: readonly string[], writableRoot: string): string[] {
  const args: string[] = [];
  const seen = new Set<string>();
  let hidesRun = false;
  for (const p of hidden) {
    const target = real(p);
    if (!target || seen.has(target) || target === '/' || isWithin(writableRoot, target) || isWithin(target, writableRoot)) continue;
    seen.add(target);
    if (target === '/run') hidesRun = true;
    if (statSync(target).isDirectory()) args.push('--tmpfs', target);
    else args.push('--ro-bind', '/dev/null', target);
  }
  if (hidesRun) for (const keep of RUN_KEEP) if (existsSync(keep)) args.push('--ro-bind-try', keep, keep);
  return args;
}

/**
 * The protected paths that exist at the top of the writable tree (and `.github/workflows`), plus the git dir a
 * `.git` file points to, when it lies inside the tree: each is bound read-only over the writable bind.
 */
export function protectedPathsIn(writableRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(writableRoot);
  } catch {
    return [];
  }
  const out = names.filter((name) => isProtectedPath(name)).map((name) => path.join(writableRoot, name));
  const workflows = path.join(writableRoot, '.github', 'workflows');
  if (existsSync(workflows)) out.push(workflows);
  const gitDir = gitDirBehindFile(writableRoot);
  if (gitDir && isWithin(writableRoot, gitDir)) out.push(gitDir);
  return out;
}

/** The real git dir named by `<root>/.git` when that is a `gitdir:` file (worktrees, submodules, --separate-git-dir). */
export function gitDirBehindFile(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  try {
    if (!lstatSync(dotGit).isFile()) return undefined;
    const target = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    return target ? real(path.resolve(root, target)) : undefined;
  } catch {
    return undefined;
  }
}

function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
