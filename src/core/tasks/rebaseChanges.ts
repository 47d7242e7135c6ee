/**
 * Review & apply (issue 13): a background task's whole change (its workspace against its base) turned into
 * ordinary FileChange proposals for the user's folder, rebased onto whatever the user changed meanwhile.
 *
 * Per file this is a three-way merge of base (what the task started from), task (what it left) and current
 * (the user's folder now), line by line. Where only the task changed a region, its lines are proposed; where
 * only the user did, the user's lines stay. Where both changed the same region — or adjacent ones, as git
 * counts them — and differently, the proposal keeps the user's lines untouched and adds the task's version
 * after them between conflict markers, so accepting that hunk never overwrites the user's text and rejecting
 * it leaves the file as it is. Files that cannot be merged as text (binary, or deleted on one side and changed
 * on the other) are listed, never proposed.
 */
import { diffArrays } from 'diff';
import { changesFromContents } from '../patch';
import type { FileChange } from '../patch/types';
import type { TaskFileDelta } from './taskWorkspace';

export interface RebasedTaskChanges {
  changes: FileChange[];
  /** Changes whose hunks (indices into that change's `hunks`) carry conflict markers. */
  conflicts: Array<{ path: string; hunks: number[] }>;
  /** Files of the task not proposed, and why (the user is told; the task's branch still has them). */
  skipped: Array<{ path: string; why: string }>;
}

export interface ConflictLabels {
  /** Names the user's side in the markers, e.g. "your version". */
  current: string;
  /** Names the task's side, e.g. the task's branch. */
  task: string;
}

const MARKER = /^\+(<{7}|={7}|>{7})( |$)/;

/** `read` gives the user's file as it is now (undefined: no such file). */
export async function rebaseTaskChanges(
  deltas: readonly TaskFileDelta[],
  read: (path: string) => Promise<string | undefined>,
  labels: ConflictLabels,
): Promise<RebasedTaskChanges> {
  const files: Array<{ path: string; oldContent?: string; newContent?: string }> = [];
  const skipped: RebasedTaskChanges['skipped'] = [];
  const conflicted = new Set<string>();
  for (const delta of deltas) {
    if (delta.notText) {
      skipped.push({ path: delta.path, why: delta.notText });
      continue;
    }
    const { base, task, path } = delta;
    if (base === task) continue;
    const current = await read(path);
    if (current === task) continue; // already as the task left it
    if (current !== undefined && current.includes('\0')) {
      skipped.push({ path, why: 'your copy is a binary file' });
      continue;
    }
    if (task === undefined) {
      if (current === base) files.push({ path, oldContent: current });
      else skipped.push({ path, why: 'the task deleted it and you changed it since: left as you have it' });
      continue;
    }
    if (current === undefined) {
      if (base === undefined) files.push({ path, newContent: task });
      else skipped.push({ path, why: 'you deleted it since the task started: it is not re-created' });
      continue;
    }
    if (current === base) {
      files.push({ path, oldContent: current, newContent: task });
      continue;
    }
    const merged = mergeThreeWay(base ?? '', current, task, labels);
    if (merged.conflicts > 0) conflicted.add(path);
    if (merged.text !== current) files.push({ path, oldContent: current, newContent: merged.text });
  }
  const changes = changesFromContents(files).files;
  const conflicts = changes
    .filter((c) => conflicted.has(c.path))
    .map((c) => ({
      path: c.path,
      hunks: c.hunks.flatMap((h, i) => (h.lines.some((l) => MARKER.test(l)) ? [i] : [])),
    }));
  return { changes, conflicts, skipped };
}

/** A region of base lines [start, end) that one side replaced by `lines`. */
interface Region {
  start: number;
  end: number;
  lines: string[];
  side: 'current' | 'task';
}

/**
 * The user's text with the task's changes merged in; `conflicts` counts the regions where both changed the
 * same lines differently (kept as the user has them, with the task's version between markers after them).
 */
export function mergeThreeWay(base: string, current: string, task: string, labels: ConflictLabels): { text: string; conflicts: number } {
  const baseLines = splitLines(base);
  const regions = [
    ...changedRegions(baseLines, splitLines(current), 'current'),
    ...changedRegions(baseLines, splitLines(task), 'task'),
  ].sort((a, b) => a.start - b.start || a.end - b.end);
  // Regions that overlap or touch (share a boundary) form one group: both sides there need a decision.
  const groups: Array<{ start: number; end: number; regions: Region[] }> = [];
  for (const region of regions) {
    const last = groups.at(-1);
    if (last && region.start <= last.end) {
      last.end = Math.max(last.end, region.end);
      last.regions.push(region);
    } else groups.push({ start: region.start, end: region.end, regions: [region] });
  }
  const eol = /\r\n/.test(current) ? '\r\n' : '\n';
  const out: string[] = [];
  let at = 0;
  let conflicts = 0;
  for (const group of groups) {
    out.push(...baseLines.slice(at, group.start));
    at = group.end;
    const mine = sideOf(baseLines, group, 'current');
    const theirs = sideOf(baseLines, group, 'task');
    if (!group.regions.some((r) => r.side === 'task') || sameLines(mine, theirs)) {
      out.push(...mine);
      continue;
    }
    if (!group.regions.some((r) => r.side === 'current')) {
      out.push(...theirs);
      continue;
    }
    conflicts++;
    out.push(
      `<<<<<<< ${labels.current}${eol}`,
      ...terminated(mine, eol),
      `=======${eol}`,
      ...terminated(theirs, eol),
      `>>>>>>> ${labels.task}${eol}`,
    );
  }
  out.push(...baseLines.slice(at));
  return { text: out.join(''), conflicts };
}

/** The lines one side has for base[group.start, group.end): base with that side's regions applied. */
function sideOf(base: readonly string[], group: { start: number; end: number; regions: Region[] }, side: Region['side']): string[] {
  const lines: string[] = [];
  let at = group.start;
  for (const region of group.regions) {
    if (region.side !== side) continue;
    lines.push(...base.slice(at, region.start), ...region.lines);
    at = region.end;
  }
  lines.push(...base.slice(at, group.end));
  return lines;
}

function changedRegions(base: readonly string[], other: readonly string[], side: Region['side']): Region[] {
  const regions: Region[] = [];
  let open: Region | undefined;
  let at = 0;
  for (const part of diffArrays(base as string[], other as string[])) {
    if (!part.added && !part.removed) {
      if (open) regions.push(open);
      open = undefined;
      at += part.value.length;
      continue;
    }
    open ??= { start: at, end: at, lines: [], side };
    if (part.removed) {
      at += part.value.length;
      open.end = at;
    } else open.lines.push(...part.value);
  }
  if (open) regions.push(open);
  return regions;
}

/** Lines with their terminators, so CRLF and a missing final newline survive the merge byte for byte. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Inside conflict markers every line needs its terminator, or the marker would join the last line. */
function terminated(lines: readonly string[], eol: string): string[] {
  return lines.map((l) => (l.endsWith('\n') ? l : l + eol));
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
