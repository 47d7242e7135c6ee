// Turns a parsed patch into exact new file contents (and diffs) against a PatchSource. Never writes.
import { diffLines, formatPatch, structuredPatch } from 'diff';
import { PatchError } from './errors';
import { applyHunks } from './hunks';
import { hasNul } from './normalize';
import { parsePatch } from './parser';
import type { AddFileOp, FileChange, ParsedPatch, PatchResult, PatchSource, UpdateFileOp } from './types';
import { Overlay, type OverlayChange } from './workspace';

export async function applyPatch(patch: string | ParsedPatch, source: PatchSource): Promise<PatchResult> {
  const parsed = typeof patch === 'string' ? parsePatch(patch) : patch;
  const overlay = new Overlay(source);
  for (const op of parsed.ops) {
    if (op.kind === 'add') await addFile(op, overlay);
    else if (op.kind === 'delete') {
      await requireTextFile(overlay, op.path, op.patchLine, 'delete');
      overlay.remove(op.path);
    } else await updateFile(op, overlay);
  }
  const files = overlay.changes().map(withDiff);
  return { files, diff: files.map((f) => f.diff).join('') };
}

/**
 * A proposal from whole new file contents (an editor's rename, say) rather than a patch: the same diffs and
 * hunks as a patch's, so it is reviewed hunk by hunk like any edit. Unchanged files are left out; an absent
 * `oldContent` adds the file, an absent `newContent` deletes it.
 */
export function changesFromContents(files: Array<{ path: string; oldContent?: string; newContent?: string }>): PatchResult {
  const changes = files
    .filter((f) => f.oldContent !== f.newContent)
    .map((f) => withDiff({ kind: f.oldContent === undefined ? 'add' : f.newContent === undefined ? 'delete' : 'update', ...f }));
  return { files: changes, diff: changes.map((f) => f.diff).join('') };
}

// An Add File onto an existing path, or a Move onto one, replaces that file, as the format's reference
// implementation does; the change is marked (`replaces`) so the review and the model are told.
async function addFile(op: AddFileOp, overlay: Overlay): Promise<void> {
  const existing = await overlay.read(op.path);
  if (existing !== undefined) refuseBinary(existing, op.path, op.patchLine, `replace ${op.path}`);
  if (op.lines.some((l) => hasNul(l))) throw new PatchError(`line ${op.patchLine}: ${op.path}: added lines contain NUL bytes.`);
  overlay.write(op.path, op.lines.length === 0 ? '' : op.lines.join('\n') + '\n', null);
}

async function updateFile(op: UpdateFileOp, overlay: Overlay): Promise<void> {
  const content = await requireTextFile(overlay, op.path, op.patchLine, 'update');
  const newContent = applyHunks(content, op.hunks, op.path);
  const origin = await overlay.originOf(op.path);
  if (op.movePath === undefined || op.movePath === op.path) {
    overlay.write(op.path, newContent, origin);
    return;
  }
  const target = await overlay.read(op.movePath);
  if (target !== undefined) refuseBinary(target, op.movePath, op.patchLine, `move ${op.path} onto ${op.movePath}`);
  overlay.remove(op.path);
  overlay.write(op.movePath, newContent, origin);
}

async function requireTextFile(overlay: Overlay, path: string, patchLine: number, verb: string): Promise<string> {
  const content = await overlay.read(path);
  if (content === undefined) {
    const hint = verb === 'update' ? ` To create it, use "*** Add File: ${path}" with every line prefixed by "+".` : '';
    throw new PatchError(`line ${patchLine}: cannot ${verb} ${path}: the file does not exist.${hint}`);
  }
  refuseBinary(content, path, patchLine, `${verb} ${path}`);
  return content;
}

function refuseBinary(content: string, path: string, patchLine: number, action: string): void {
  if (hasNul(content)) {
    throw new PatchError(
      `line ${patchLine}: cannot ${action}: ${path} is a binary file (it contains NUL bytes); apply_patch edits text files only.`,
    );
  }
}

const HEADERS = { includeIndex: false, includeUnderline: false, includeFileHeaders: true };

function withDiff(change: OverlayChange): FileChange {
  const oldName = change.kind === 'add' ? '/dev/null' : `a/${change.path}`;
  const newName = change.kind === 'delete' ? '/dev/null' : `b/${change.movePath ?? change.path}`;
  const structured = structuredPatch(oldName, newName, change.oldContent ?? '', change.newContent ?? '', undefined, undefined, {
    context: 3,
  });
  const diff = structured.hunks.length > 0 || change.movePath ? formatPatch(structured, HEADERS) : '';
  const { replaces, ...rest } = change;
  if (!replaces) return { ...rest, hunks: structured.hunks, diff };
  const removedLines = diffLines(replaces.content, change.newContent ?? '').reduce((n, part) => n + (part.removed ? part.count : 0), 0);
  return { ...rest, hunks: structured.hunks, diff, replaces: { ...replaces, removedLines } };
}
