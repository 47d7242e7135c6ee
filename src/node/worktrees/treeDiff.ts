/**
 * What a task changed, as git sees it: the files that differ between two trees (its base commit and a tree
 * of its worktree now, or the commit it was kept as), with both contents when they are text.
 */
import type { TaskFileDelta } from '../../core/tasks/taskWorkspace';
import { git, gitBytes, type GitOptions } from '../sandbox/workingTree';

/** Larger files are reported, not proposed: a review of a multi-megabyte text is not a review. */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;
const ABSENT = /^0+$/;
const REGULAR = new Set(['100644', '100755']);

/**
 * The files under `subdir` (repository-relative, '' for all) that differ between `from` and `to`, with
 * paths relative to `subdir`. Run in any folder of the repository (git reads its object store only).
 */
export async function treeChanges(
  cwd: string,
  from: string,
  to: string,
  subdir: string,
  options: GitOptions = {},
): Promise<TaskFileDelta[]> {
  const prefix = subdir ? `${subdir.split('\\').join('/')}/` : '';
  const raw = await git(
    ['diff-tree', '-r', '-z', '--no-renames', from, to, ...(prefix ? ['--', `:(top,literal)${prefix}`] : [])],
    cwd,
    options,
  );
  const fields = raw.split('\0');
  const entries: Array<{ path: string; modeA: string; modeB: string; shaA: string; shaB: string }> = [];
  // Raw format: ":<mode a> <mode b> <sha a> <sha b> <status>" NUL "<path>" NUL.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [modeA, modeB, shaA, shaB] = fields[i].slice(1).split(' ');
    entries.push({ path: fields[i + 1].slice(prefix.length), modeA, modeB, shaA, shaB });
  }
  const wanted = entries.flatMap((e) => [e, { modeA: e.modeB, shaA: e.shaB }]).filter((s) => REGULAR.has(s.modeA) && !ABSENT.test(s.shaA));
  const blobs = await readBlobs(
    cwd,
    wanted.map((s) => s.shaA),
    options,
  );
  return entries.map((e) => {
    const base = side(e.modeA, e.shaA, blobs);
    const task = side(e.modeB, e.shaB, blobs);
    const notText = base.notText ?? task.notText;
    return notText ? { path: e.path, base: undefined, task: undefined, notText } : { path: e.path, base: base.text, task: task.text };
  });
}

function side(mode: string, sha: string, blobs: Map<string, Buffer>): { text?: string; notText?: string } {
  if (ABSENT.test(sha)) return {};
  if (mode === '120000') return { notText: 'a symbolic link' };
  if (mode === '160000') return { notText: 'a submodule' };
  const bytes = blobs.get(sha);
  if (!bytes) return { notText: 'its content could not be read' };
  if (bytes.length > MAX_TEXT_BYTES) return { notText: 'larger than 2 MB' };
  if (bytes.includes(0)) return { notText: 'a binary file' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { notText: 'not UTF-8 text' };
  }
}

/** Blobs by id, in one `git cat-file --batch` (one process, not one per file). */
async function readBlobs(cwd: string, shas: readonly string[], options: GitOptions): Promise<Map<string, Buffer>> {
  const unique = [...new Set(shas)];
  const blobs = new Map<string, Buffer>();
  if (!unique.length) return blobs;
  const out = await gitBytes(['cat-file', '--batch'], cwd, { ...options, input: `${unique.join('\n')}\n` });
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) break;
    const [sha, type, size] = out.subarray(at, nl).toString('utf8').split(' ');
    at = nl + 1;
    if (type === 'missing' || size === undefined) continue;
    const length = Number(size);
    if (type === 'blob') blobs.set(sha, out.subarray(at, at + length));
    at += length + 1; // the content, then a newline
  }
  return blobs;
}
