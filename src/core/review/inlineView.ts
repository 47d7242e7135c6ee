import type { FileChange } from '../patch/types';
import type { PendingDecision } from './proposal';

export interface InlineHunk {
  index: number;
  /** 0-based lines of the view this hunk spans (its changed lines, not its context). */
  startLine: number;
  endLine: number;
  addedLines: number[];
  removedLines: number[];
  decision: PendingDecision;
}

export interface InlineView {
  /** The file with every hunk expanded in place: removed lines followed by added lines. */
  text: string;
  hunks: InlineHunk[];
}

/**
 * A read-only rendering of a proposed file change for inline review: the whole file, with each hunk's removed
 * lines kept (to be decorated red) and its added lines inserted (green), so the user sees the change in
 * context without the real file being touched.
 */
export function buildInlineView(change: FileChange, decisions: readonly PendingDecision[]): InlineView {
  const out: string[] = [];
  const hunks: InlineHunk[] = [];
  const lines = (text: string | undefined) => (text === undefined || text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/));
  if (change.kind !== 'update') {
    const body = lines(change.kind === 'add' ? change.newContent : change.oldContent);
    const indexes = body.map((_, i) => i);
    hunks.push({
      index: 0,
      startLine: 0,
      endLine: Math.max(0, body.length - 1),
      addedLines: change.kind === 'add' ? indexes : [],
      removedLines: change.kind === 'delete' ? indexes : [],
      decision: decisions[0] ?? 'pending',
    });
    return { text: body.join('\n'), hunks };
  }
  const old = lines(change.oldContent);
  let oldIndex = 0;
  change.hunks.forEach((hunk, index) => {
    const hunkOldStart = Math.max(0, hunk.oldStart - 1);
    while (oldIndex < hunkOldStart && oldIndex < old.length) out.push(old[oldIndex++]);
    const added: number[] = [];
    const removed: number[] = [];
    for (const line of hunk.lines) {
      const marker = line[0];
      const text = line.slice(1).replace(/\r$/, '');
      if (marker === '\\') continue; // "\ No newline at end of file"
      if (marker === '+') added.push(out.length);
      else if (marker === '-') removed.push(out.length);
      if (marker === '+' || marker === '-' || marker === ' ') out.push(text);
      if (marker === '-' || marker === ' ') oldIndex++;
    }
    const changed = [...removed, ...added];
    hunks.push({
      index,
      startLine: changed.length ? Math.min(...changed) : out.length - 1,
      endLine: changed.length ? Math.max(...changed) : out.length - 1,
      addedLines: added,
      removedLines: removed,
      decision: decisions[index] ?? 'pending',
    });
  });
  while (oldIndex < old.length) out.push(old[oldIndex++]);
  return { text: out.join('\n'), hunks };
}
