/**
 * What the user's working tree holds, mirrored elsewhere: the part shared by shadow copies (verify before
 * review) and task worktrees (background tasks). Git is asked which files the working tree holds that it does
 * not ignore (tracked ones with their uncommitted changes, untracked non-ignored ones); those are copied from
 * the working tree itself (reflinks where the filesystem has them), so the copy is byte-identical even with
 * LFS, smudge filters or autocrlf; dependency folders are linked, not copied. See shadow.ts for why.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createIgnoreFilter, gitEnv, safeGitArgs, scrubEnvironment } from '../../core/policy';
import { COPY_FLAGS } from './shadowStore';

/** Folder names linked into the copy instead of copied, wherever a project manifest sits beside them. */
export const DEPENDENCY_FOLDERS = ['node_modules', '.venv', 'venv'];
const MANIFESTS = new Set(['package.json', 'pyproject.toml', 'requirements.txt', 'setup.py', 'Pipfile']);
const COPY_CONCURRENCY = 24;
/**
 * For a copy nobody waits for (a spare worktree): node's file work shares libuv's four threads, so a copy
 * holding two of them leaves the rest to the sessions' own reads and writes.
 */
export const BACKGROUND_COPY_CONCURRENCY = 2;

/** Environment for Fixpoint's own git: secrets scrubbed, and no inherited GIT_DIR & co. aiming it elsewhere. */
export function ownGitEnv(): Record<string, string> {
  const base = scrubEnvironment(process.env);
  for (const name of Object.keys(base)) if (name.startsWith('GIT_')) delete base[name];
  return gitEnv(base);
}

export interface GitOptions {
  signal?: AbortSignal;
  /** Added to Fixpoint's own git environment (e.g. a private GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Written to git's stdin. */
  input?: string;
  /** Keys of the repository's config, so its filter and diff drivers are neutralised (policy/git.ts). */
  configKeys?: readonly string[];
}

/** Fixpoint's own git: the safe `-c` overrides, no pager, no inherited GIT_* variables. */
export async function git(args: string[], cwd: string, options: GitOptions | AbortSignal = {}): Promise<string> {
  return (await gitBytes(args, cwd, options)).toString('utf8');
}

/** The same, with the output as bytes (blobs that may not be text). */
export function gitBytes(args: string[], cwd: string, options: GitOptions | AbortSignal = {}): Promise<Buffer> {
  const o: GitOptions = options instanceof AbortSignal ? { signal: options } : options;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      safeGitArgs(args, { configKeys: o.configKeys }),
      { cwd, env: { ...ownGitEnv(), ...o.env }, signal: o.signal, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' },
      (err, stdout, stderr) =>
        err ? reject(new Error(`git ${args[0]} failed: ${stderr.toString('utf8').trim() || err.message}`)) : resolve(stdout),
    );
    // A git that exits before reading its input (an error, or none expected) must not crash the process.
    child.stdin?.on('error', () => undefined);
    if (o.input === undefined) child.stdin?.end();
    else child.stdin?.end(o.input);
  });
}

export async function gitTopLevel(workspace: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const top = (await git(['rev-parse', '--show-toplevel'], workspace, signal)).trim();
    return top ? await fs.realpath(top) : undefined;
  } catch {
    if (signal?.aborted) throw signal.reason;
    return undefined; // not a repository, or no git: copy with ignore rules
  }
}

/** A file to mirror; `kind` is what git's index says it is (a hint: the working tree decides). */
export interface ListedFile {
  path: string;
  kind: 'file' | 'link' | 'gitlink' | 'unknown';
}

export async function gitFiles(repo: string, signal?: AbortSignal): Promise<ListedFile[]> {
  const excludes = DEPENDENCY_FOLDERS.map((name) => `--exclude=${name}/`);
  const [tracked, untracked] = await Promise.all([
    git(['ls-files', '-z', '--stage'], repo, signal),
    git(['ls-files', '-z', '--others', '--exclude-standard', ...excludes], repo, signal),
  ]);
  const files = new Map<string, ListedFile>();
  // `<mode> <object> <stage>\t<path>`; a merge conflict lists a path once per stage.
  for (const entry of tracked.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const mode = entry.slice(0, 6);
    files.set(entry.slice(tab + 1), {
      path: entry.slice(tab + 1),
      kind: mode === '120000' ? 'link' : mode === '160000' ? 'gitlink' : 'file',
    });
  }
  // A nested repository is listed as `dir/`.
  for (const p of untracked.split('\0')) if (p !== '') files.set(p.replace(/\/$/, ''), { path: p.replace(/\/$/, ''), kind: 'unknown' });
  return [...files.values()];
}

// Folders that are not repositories: the files the ignore rules allow (.gitignore, .fixpointignore).
export async function walkFiles(root: string, exclude: readonly string[], signal?: AbortSignal): Promise<ListedFile[]> {
  const ignored = await createIgnoreFilter(root, { exclude });
  const files: ListedFile[] = [];
  const queue = [''];
  while (queue.length) {
    if (signal?.aborted) throw signal.reason;
    const dir = queue.shift()!;
    for (const entry of await fs.readdir(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!DEPENDENCY_FOLDERS.includes(entry.name) && !ignored(`${relative}/`)) queue.push(relative);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !ignored(relative))
        files.push({ path: relative, kind: entry.isFile() ? 'file' : 'link' });
    }
  }
  return files;
}

// Copying and linking

/** Copies `files` (relative to `source`) into `top`; returns the links it had to make (submodules). */
async function copyFiles(
  source: string,
  top: string,
  files: readonly ListedFile[],
  signal: AbortSignal | undefined,
  concurrency: number,
): Promise<Array<{ path: string; target: string }>> {
  const dirs = new Set<string>();
  for (const file of files) for (let d = path.posix.dirname(file.path); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  for (const dir of [...dirs].sort()) await fs.mkdir(path.join(top, dir), { recursive: true });

  const links: Array<{ path: string; target: string }> = [];
  const copyOne = async (file: ListedFile) => {
    const from = path.join(source, file.path);
    const to = path.join(top, file.path);
    if (file.kind === 'file') {
      // The common case in one call, without an lstat first (half the syscalls on a 5,000-file tree).
      try {
        return await fs.copyFile(from, to, COPY_FLAGS);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // deleted in the working tree
        // Anything else (now a folder, …): look at what is there.
      }
    }
    const info = await fs.lstat(from).catch(() => undefined);
    if (!info) return;
    if (info.isSymbolicLink()) await fs.symlink(await fs.readlink(from), to);
    else if (info.isFile()) await fs.copyFile(from, to, COPY_FLAGS);
    else if (info.isDirectory()) {
      // A submodule or nested repository: linked rather than mirrored; read-only under the sandbox.
      await fs.symlink(from, to);
      links.push({ path: to, target: from });
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      if (signal?.aborted) throw signal.reason;
      await copyOne(files[next++]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return links;
}

/** Links dependency folders that sit beside a manifest (root, and each package of a monorepo). */
async function linkDependencies(
  source: string,
  top: string,
  files: readonly ListedFile[],
): Promise<Array<{ path: string; target: string }>> {
  const homes = new Set(['.']);
  for (const file of files) if (MANIFESTS.has(path.posix.basename(file.path))) homes.add(path.posix.dirname(file.path));
  const links: Array<{ path: string; target: string }> = [];
  for (const home of homes) {
    for (const name of DEPENDENCY_FOLDERS) {
      const from = path.join(source, home, name);
      const to = path.join(top, home, name);
      const exists = async (p: string) =>
        fs.lstat(p).then(
          () => true,
          () => false,
        );
      if (!(await exists(from)) || (await exists(to))) continue;
      const target = await fs.realpath(from).catch(() => undefined);
      if (!target || !(await fs.stat(target)).isDirectory()) continue;
      await fs.symlink(target, to);
      links.push({ path: to, target });
    }
  }
  return links;
}

/**
 * Copies `files` (relative to `source`) into `top` and links the dependency folders beside each manifest;
 * returns every link made into the user's tree (submodules, nested repositories, dependency folders).
 */
export async function mirrorFiles(
  source: string,
  top: string,
  files: readonly ListedFile[],
  signal?: AbortSignal,
  concurrency = COPY_CONCURRENCY,
): Promise<Array<{ path: string; target: string }>> {
  const links = await copyFiles(source, top, files, signal, concurrency);
  links.push(...(await linkDependencies(source, top, files)));
  return links;
}
