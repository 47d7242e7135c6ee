/**
 * Path policy (SAFETY §1–4).
 *
 * Every path a tool receives comes from the model, which is untrusted. `resolveWorkspacePath` turns it into an
 * absolute path that is provably inside the workspace *after* symlinks are resolved, or into a refusal the model
 * can act on. `protectedPathReason` says whether a workspace-relative path is one that must never be written
 * without an explicit approval, whatever the approval mode.
 */
import { lstatSync, promises as fs, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

export type ResolvedPath = { ok: true; absolute: string; relative: string } | { ok: false; reason: string };

const HINT = 'Use a path relative to the workspace root, e.g. "src/index.ts".';

/**
 * Resolves `input` against the workspace `root`.
 *
 * - NUL bytes, `~` (the shell's home folder, which tools do not expand) and `..` escapes are refused.
 * - An absolute path is accepted only if it lies inside the root.
 * - Both ends are canonicalised with `realpath`: the root, and the deepest existing ancestor of the target, so
 *   a file that does not exist yet under a symlinked parent folder is still checked, and a symlink pointing
 *   outside the workspace is refused (§2). A dangling symlink is refused because writing through it would
 *   create its (unchecked) target.
 * - `\` is read as a separator on every platform: models write Windows paths, and on POSIX a file name that
 *   contains a backslash is rare enough not to be worth the ambiguity.
 *
 * `relative` uses `/` separators and is `.` for the root itself.
 */
export async function resolveWorkspacePath(root: string, input: string): Promise<ResolvedPath> {
  if (typeof input !== 'string' || input.trim() === '') {
    return { ok: false, reason: `The path is empty. ${HINT}` };
  }
  if (input.includes('\0')) {
    return { ok: false, reason: `The path contains a NUL byte, which no file name can contain. ${HINT}` };
  }
  const cleaned = input.replace(/\\/g, '/');
  if (cleaned === '~' || cleaned.startsWith('~/') || /^~[^/]*\//.test(cleaned) || /^~[^/]*$/.test(cleaned)) {
    return { ok: false, reason: `"${input}" refers to a home folder, which is outside the workspace. ${HINT}` };
  }

  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (err) {
    return { ok: false, reason: `The workspace root "${root}" cannot be resolved (${errCode(err)}).` };
  }

  if (!path.isAbsolute(cleaned) && isAbsoluteAnywhere(cleaned)) {
    return { ok: false, reason: `"${input}" is an absolute path for another platform. ${HINT}` };
  }
  const absoluteInput = path.isAbsolute(cleaned);
  const lexical = absoluteInput ? path.resolve(cleaned) : path.resolve(root, cleaned);
  // First a lexical check against both spellings of the root, for a clear message on `../` and foreign
  // absolute paths before touching the disk. (An absolute input may spell the root through a symlink.)
  if (!isInside(path.resolve(root), lexical) && !isInside(realRoot, lexical)) {
    return {
      ok: false,
      reason: absoluteInput
        ? `"${input}" is an absolute path outside the workspace; only files inside the workspace can be used. ${HINT}`
        : `"${input}" goes outside the workspace with "..". ${HINT}`,
    };
  }

  const canonical = await canonicalise(lexical);
  if (!canonical.ok) return { ok: false, reason: `"${input}": ${canonical.reason}` };
  if (!isInside(realRoot, canonical.path)) {
    return {
      ok: false,
      reason:
        `"${input}" resolves through a symbolic link to "${canonical.path}", which is outside the workspace; ` +
        'files reached through links that leave the workspace cannot be used.',
    };
  }
  const relative = path.relative(realRoot, canonical.path).split(path.sep).join('/') || '.';
  return { ok: true, absolute: canonical.path, relative };
}

/**
 * realpath of the deepest existing ancestor, with the missing tail appended. The tail does not exist, so it
 * contains no symlinks; `path.resolve` already removed `.` and `..` from it.
 */
async function canonicalise(target: string): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
  const tail: string[] = [];
  let current = target;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return { ok: true, path: tail.length ? path.join(real, ...tail.reverse()) : real };
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOTDIR') return { ok: false, reason: 'a parent in the path is a file, not a folder.' };
      if (code === 'ELOOP') return { ok: false, reason: 'the path contains a symbolic link loop.' };
      if (code !== 'ENOENT') return { ok: false, reason: `the path cannot be resolved (${code}).` };
      // realpath also says ENOENT for a dangling symlink: its target is unknown ground, so refuse it.
      if (await isSymlink(current)) {
        return { ok: false, reason: 'the path is a symbolic link whose target does not exist; it cannot be used.' };
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return { ok: false, reason: 'no part of the path exists.' };
    tail.push(path.basename(current));
    current = parent;
  }
}

async function isSymlink(p: string): Promise<boolean> {
  try {
    return (await fs.lstat(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** POSIX absolute, a Windows drive path (`C:/x`, `C:x`) or a UNC path (`//server/share`). */
function isAbsoluteAnywhere(p: string): boolean {
  return path.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('//');
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

// ---------------------------------------------------------------------------------------------------------
// Protected paths (§3, §4)

/**
 * Folds a workspace-relative path to the form the protected-path rules are written in, so spelling variants
 * that reach the same file on some file system still match:
 * - `\` → `/`, empty and `.` segments dropped, `..` resolved;
 * - Unicode NFKC (NFD forms as stored by macOS, and compatibility look-alikes such as full-width letters);
 * - case folded through upper then lower case, which also folds `ſ` → `s` and the Kelvin sign → `k`, as
 *   case-insensitive file systems do;
 * - trailing dots and spaces dropped from each segment, and anything from a `:` on (NTFS alternate data
 *   streams such as `.git::$INDEX_ALLOCATION`), as Windows does.
 */
export function foldPath(relative: string): string {
  const folded = relative.normalize('NFKC').toUpperCase().toLowerCase().replace(/\\/g, '/');
  const out: string[] = [];
  for (let segment of folded.split('/')) {
    const colon = segment.indexOf(':');
    if (colon >= 0) segment = segment.slice(0, colon);
    segment = segment.replace(/[. ]+$/, '');
    // A segment made only of dots and spaces folds to ''. Treat "." and ".." as the path operators they are.
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

// Why each entry is protected; the reason is shown next to the approval warning.
const PROTECTED_SEGMENTS: ReadonlyMap<string, string> = new Map([
  ['.git', 'Git internals (hooks and config run code)'],
  ['.vscode', 'VS Code workspace settings and tasks (they can run code)'],
  ['.husky', 'Git hooks (they run code on commit)'],
  ['.fixpoint', "Fixpoint's own configuration"],
  ['.devcontainer', 'dev container definition (runs code when the container is built)'],
]);

const PROTECTED_NAMES: ReadonlyMap<string, string> = new Map([
  ['agents.md', 'agent instructions read by coding agents'],
  ['.fixpointignore', "Fixpoint's own ignore rules"],
  ['.gitattributes', 'Git attributes (select filter drivers that run code)'],
  ['.gitmodules', 'Git submodule definitions'],
  ['.envrc', 'direnv script (runs automatically in the shell)'],
]);

/**
 * Why `relative` is protected (§4), or undefined. Protected files are never auto-applied: they are always
 * shown with a warning and need an explicit approval in every approval mode.
 */
export function protectedPathReason(relative: string): string | undefined {
  const folded = foldPath(relative);
  if (folded === '') return undefined;
  const segments = folded.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const reason = PROTECTED_SEGMENTS.get(segment);
    // A `.git` *file* (a gitdir link in worktrees and submodules) is as sensitive as the folder.
    if (reason) return reason;
    // Windows 8.3 short names (`GIT~1` for `.git`) reach the same folder under another name.
    if (/^[^.~]{1,6}~\d+$/.test(segment)) return 'possible Windows short name of a protected folder';
    if (segment === '.github' && segments[i + 1] === 'workflows') return 'GitHub Actions workflows (run in CI)';
  }
  const name = segments[segments.length - 1];
  const nameReason = PROTECTED_NAMES.get(name);
  if (nameReason) return nameReason;
  if (name.endsWith('.code-workspace')) return 'VS Code workspace file (settings and tasks)';
  return undefined;
}

export function isProtectedPath(relative: string): boolean {
  return protectedPathReason(relative) !== undefined;
}

/**
 * Git directories inside the workspace that are not named `.git` (issue 14, cause 6): with `.git` a `gitdir:`
 * file (`git init --separate-git-dir`, worktrees, submodules), the real config and hooks live elsewhere —
 * `.gitstore/config` is as dangerous to write as `.git/config`. Workspace-relative and folded; read from the
 * file each time, so a changed link is never missed.
 */
export function gitDirsInside(root: string): string[] {
  let text: string;
  try {
    if (!lstatSync(path.join(root, '.git')).isFile()) return [];
    text = readFileSync(path.join(root, '.git'), 'utf8');
  } catch {
    return [];
  }
  const target = /^gitdir:\s*(.+)$/m.exec(text)?.[1]?.trim();
  if (!target) return [];
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(path.resolve(root, target));
  } catch {
    return [];
  }
  const relative = path.relative(realRoot, real);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? [foldPath(relative.split(path.sep).join('/'))] : [];
}

/** `protectedPathReason`, plus the git directory behind a `gitdir:` file of the workspace at `root`. */
export function protectedPathReasonIn(root: string, relative: string): string | undefined {
  const byName = protectedPathReason(relative);
  if (byName) return byName;
  const folded = foldPath(relative);
  return gitDirsInside(root).some((dir) => folded === dir || folded.startsWith(`${dir}/`))
    ? "the repository's git directory (its config and hooks run code), named by the .git file"
    : undefined;
}
