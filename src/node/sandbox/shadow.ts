/**
 * Shadow workspaces for "verify before review" (issue 5): a private copy of the workspace where a pending
 * proposal is applied and verified before the user sees it.
 *
 * Git repositories — why not `git worktree add`: it registers the worktree in the user's `.git/worktrees`
 * (visible in `git worktree list`, and left behind on a crash). `git stash create`, `--work-tree=… checkout`
 * and `git apply` against the user's repo all risk the index or refs. Instead the user's repository is only
 * *read*, with `GIT_OPTIONAL_LOCKS=0` so not even the index's stat cache is refreshed:
 *   1. `git ls-files --cached --others --exclude-standard` lists exactly what the user's working tree holds
 *      that git does not ignore (tracked files, with their uncommitted changes, plus untracked non-ignored ones);
 *   2. those files are copied from the working tree (reflinks where the filesystem has them). Copying the
 *      working tree, rather than checking out HEAD and replaying `git diff`, gives byte-identical files even
 *      with LFS, smudge filters or autocrlf, and needs no patch to apply cleanly;
 *   3. the shadow gets its own `.git`: `git init`, the user's object store as an *alternate* (read-only
 *      sharing, nothing copied), a detached HEAD at the user's commit and `read-tree HEAD`, so `git status` and
 *      `git diff` inside the shadow show the user's uncommitted changes, as in the real workspace.
 * Other folders: the files the ignore rules allow (.gitignore, .fixpointignore) are copied.
 *
 * Dependency folders (`node_modules`, `.venv`, `venv`) are symlinked: copying them is the slow part and they
 * are inputs, not outputs. Build outputs such as Rust's `target/` or `dist/` are neither copied nor linked:
 * linking would make the shadow's build write into the user's tree (or fail on the sandbox's read-only view),
 * and copying gigabytes defeats the purpose; the first build in a shadow is therefore a cold one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SHADOW_PREFIX, defaultShadowBase, diskShadowBase, ensureShadowBase, removeShadow, writeOwner } from './shadowStore';
import { git, gitFiles, gitTopLevel, mirrorFiles, walkFiles } from './workingTree';

export { cleanupStaleShadows, defaultShadowBase } from './shadowStore';
export { DEPENDENCY_FOLDERS } from './workingTree';

export interface ShadowFileOp {
  /** Relative to the workspace root, '/' separated. */
  path: string;
  /** New content; undefined deletes the file. */
  content: string | Uint8Array | undefined;
  renameFrom?: string;
}

export interface Shadow {
  /** The workspace root inside the shadow: run verification here. */
  readonly path: string;
  /** The shadow's top folder (the mirrored repository root; equals `path` unless the workspace is a subfolder). */
  readonly top: string;
  /** Symlinks the shadow holds into the user's tree; a sandbox must keep their targets visible (read-only). */
  readonly links: ReadonlyArray<{ path: string; target: string }>;
  /** Everything outside the shadow it needs to read: link targets and the user's git object store. */
  readonly readOnlyPaths: readonly string[];
  readonly kind: 'git' | 'copy';
  /** Files copied, for diagnostics and benchmarks. */
  readonly fileCount: number;
  apply(ops: readonly ShadowFileOp[]): Promise<void>;
  dispose(): Promise<void>;
}

export interface CreateShadowOptions {
  signal?: AbortSignal;
  /** Parent folder of all shadows; defaults to the per-user temp folder (tests pass their own). */
  baseDir?: string;
  /** fixpoint.exclude globs, for workspaces that are not git repositories. */
  exclude?: readonly string[];
}

export async function createShadow(root: string, options: CreateShadowOptions = {}): Promise<Shadow> {
  try {
    return await createShadowIn(root, options.baseDir ?? defaultShadowBase(), options);
  } catch (err) {
    // Memory (tmpfs) ran out for a big tree: the disk is slower but roomier.
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC' || options.baseDir || defaultShadowBase() === diskShadowBase()) throw err;
    return createShadowIn(root, diskShadowBase(), options);
  }
}

async function createShadowIn(root: string, baseDir: string, options: CreateShadowOptions): Promise<Shadow> {
  const signal = options.signal;
  const workspace = await fs.realpath(root);
  const base = await ensureShadowBase(baseDir);
  const top = path.join(base, `${SHADOW_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  await writeOwner(top, workspace);
  await fs.mkdir(top, { mode: 0o700 });
  try {
    const repo = await gitTopLevel(workspace, signal);
    const source = repo ?? workspace;
    const files = repo ? await gitFiles(repo, signal) : await walkFiles(workspace, options.exclude ?? [], signal);
    const links = await mirrorFiles(source, top, files, signal);
    const objects = repo
      ? await initShadowGit(
          repo,
          top,
          links.map((l) => path.relative(top, l.path)),
          signal,
        )
      : undefined;
    const shadowPath = path.join(top, path.relative(source, workspace));
    const readOnlyPaths = [...new Set([...links.map((l) => l.target), ...(objects ? [objects] : [])])];
    return makeShadow({ top, path: shadowPath, links, readOnlyPaths, kind: repo ? 'git' : 'copy', fileCount: files.length });
  } catch (err) {
    await removeShadow(top);
    throw err;
  }
}

function makeShadow(facts: Omit<Shadow, 'apply' | 'dispose'>): Shadow {
  let disposed: Promise<void> | undefined;
  return {
    ...facts,
    apply: (ops) => applyOps(facts.top, facts.path, ops),
    dispose: () => (disposed ??= removeShadow(facts.top)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Git: read-only questions to the user's repository, then a private .git in the shadow.

/** Returns the user's object store, which the shadow's git reads through its alternates file. */
async function initShadowGit(repo: string, top: string, linked: readonly string[], signal?: AbortSignal): Promise<string> {
  const commonDir = (await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], repo, signal)).trim();
  const head = await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], repo, signal).then(
    (s) => s.trim(),
    () => undefined,
  );
  await git(['init', '-q', '--template=', '.'], top, signal);
  const objects = path.join(top, '.git', 'objects');
  await fs.mkdir(path.join(objects, 'info'), { recursive: true });
  const userObjects = path.join(commonDir, 'objects');
  await fs.writeFile(path.join(objects, 'info', 'alternates'), `${userObjects}\n`);
  // A shallow clone's boundary commits must be known, or history commands fail in the shadow.
  await fs.copyFile(path.join(commonDir, 'shallow'), path.join(top, '.git', 'shallow')).catch(() => undefined);
  // `node_modules/` in .gitignore matches folders, not the links standing in for them: hide the links from
  // the shadow's `git status` (the shadow's own exclude file; the user's is not touched).
  await fs.mkdir(path.join(top, '.git', 'info'), { recursive: true });
  await fs.writeFile(
    path.join(top, '.git', 'info', 'exclude'),
    linked
      .map(
        (p) =>
          `/${p
            .split(path.sep)
            .join('/')
            .replace(/[[\]*?\\]/g, '\\$&')}\n`,
      )
      .join(''),
  );
  if (head) {
    await git(['update-ref', '--no-deref', 'HEAD', head], top, signal);
    await git(['read-tree', 'HEAD'], top, signal);
  } // else a repository without commits: everything is untracked, as for the user
  return userObjects;
}

// ---------------------------------------------------------------------------------------------------------
// Applying a proposal

/**
 * Writes `ops` into the shadow. Paths are relative to the workspace; anything that would land outside the
 * shadow — `..`, absolute paths, `.git`, or a parent folder that is a link into the user's tree such as
 * `node_modules/` — is refused before anything is written. Files are replaced by rename, so a symlink at the
 * target is replaced rather than followed.
 */
async function applyOps(top: string, shadowPath: string, ops: readonly ShadowFileOp[]): Promise<void> {
  const realTop = await fs.realpath(top);
  const resolved: Array<{ op: ShadowFileOp; target: string; from?: string }> = [];
  for (const op of ops) {
    resolved.push({
      op,
      target: await insideShadow(realTop, shadowPath, op.path),
      from: op.renameFrom ? await insideShadow(realTop, shadowPath, op.renameFrom) : undefined,
    });
  }
  for (const { op, target, from } of resolved) {
    if (op.content === undefined) {
      await fs.rm(target, { force: true });
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.fixpoint-${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, op.content);
    const mode = await fs.stat(from ?? target).then(
      (s) => s.mode & 0o7777,
      () => undefined,
    );
    if (mode !== undefined) await fs.chmod(temp, mode);
    await fs.rename(temp, target);
    if (from && from !== target) await fs.rm(from, { force: true });
  }
}

async function insideShadow(realTop: string, shadowPath: string, relative: string): Promise<string> {
  const normal = path.posix.normalize(relative.replace(/\\/g, '/'));
  const refuse = (why: string) => new Error(`refusing to write "${relative}" in the shadow: ${why}`);
  if (path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) throw refuse('outside the workspace');
  if (normal.split('/').some((seg) => seg.toLowerCase() === '.git')) throw refuse('.git is not written');
  const target = path.join(shadowPath, normal);
  // The deepest existing ancestor, resolved, must still be inside the shadow (no escaping through links).
  let dir = path.dirname(target);
  for (;;) {
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real !== undefined) {
      if (real !== realTop && !real.startsWith(`${realTop}${path.sep}`)) throw refuse('its folder links outside the shadow');
      return target;
    }
    dir = path.dirname(dir);
  }
}
