// Scores how well a hunk's old lines (context and "-" lines) fit the file at one start position.
//
// Per line, from strict to loose: exact; trailing whitespace differs; indentation differs; only typographic
// punctuation/whitespace runs differ (`looseKey`); a small typo (context lines only). Inside the window the
// file may also hold a line the hunk left out ("dropped context line"). A small dynamic programme finds the
// cheapest alignment; the caller decides whether that is good enough and unique.
import { looseKey, type FileLine } from './normalize';
import { boundedEditDistance, typoBudget } from './similarity';

export const enum Level {
  Exact = 0,
  TrailingWhitespace = 1,
  Indentation = 2,
  Loose = 3,
  Typo = 4,
}
export const NO_MATCH = 99;

/** A line the hunk expects in the file, pre-normalised once. */
export interface OldLine {
  text: string;
  isDelete: boolean;
  trimmedEnd: string;
  trimmed: string;
  key: string;
  blank: boolean;
  /** '+' lines sit between this old line and the previous one: the gap before it must not hide a file line. */
  addedBefore: boolean;
}

/** The file, pre-normalised once per hunk. */
export interface PreparedFile {
  lines: FileLine[];
  trimmedEnd: string[];
  trimmed: string[];
  keys: string[];
  /** looseKey → file line indices, for finding candidate positions. */
  byKey: Map<string, number[]>;
}

export function prepareFile(lines: FileLine[]): PreparedFile {
  const trimmedEnd: string[] = [];
  const trimmed: string[] = [];
  const keys: string[] = [];
  const byKey = new Map<string, number[]>();
  for (let j = 0; j < lines.length; j++) {
    const text = lines[j].text;
    trimmedEnd.push(text.trimEnd());
    trimmed.push(text.trim());
    const key = looseKey(text);
    keys.push(key);
    if (key === '') continue;
    const list = byKey.get(key);
    if (list) list.push(j);
    else byKey.set(key, [j]);
  }
  return { lines, trimmedEnd, trimmed, keys, byKey };
}

export function prepareOldLine(text: string, isDelete: boolean, addedBefore: boolean): OldLine {
  const key = looseKey(text);
  return { text, isDelete, trimmedEnd: text.trimEnd(), trimmed: text.trim(), key, blank: key === '', addedBefore };
}

export function compareLine(old: OldLine, file: PreparedFile, j: number): number {
  const text = file.lines[j].text;
  if (old.text === text) return Level.Exact;
  if (old.blank) return file.keys[j] === '' ? Level.TrailingWhitespace : NO_MATCH;
  if (old.trimmedEnd === file.trimmedEnd[j]) return Level.TrailingWhitespace;
  if (old.trimmed === file.trimmed[j]) return Level.Indentation;
  const fileKey = file.keys[j];
  if (old.key === fileKey) return Level.Loose;
  // A "-" line must really be the line it names: never delete a line that merely looks similar.
  if (old.isDelete || fileKey === '') return NO_MATCH;
  const budget = typoBudget(Math.min(old.key.length, fileKey.length));
  if (budget === 0) return NO_MATCH;
  return boundedEditDistance(old.key, fileKey, budget) <= budget ? Level.Typo : NO_MATCH;
}

export interface Alignment {
  start: number;
  /** One past the last file line of the window. */
  end: number;
  /** File line index for each old line. */
  fileIndex: number[];
  /** Worst per-line level (0–4); skips count as fuzzy too, see `fuzzy`. */
  worstLevel: number;
  typos: number;
  skips: number;
  /** Old lines that are not blank and matched at Loose or better: the anchors a fuzzy match relies on. */
  anchors: number;
  cost: number;
  /** True when the match needed a typo or a dropped context line. */
  fuzzy: boolean;
}

const LEVEL_COST = [0, 1, 1, 2, 50];
const SKIP_COST = 60;
const INF = Number.MAX_SAFE_INTEGER;

/** How many file lines a hunk may silently leave out of its context. */
export function maxSkipsFor(oldCount: number): number {
  return oldCount < 3 ? 0 : 1 + Math.floor(oldCount / 12);
}

/** Cheapest alignment of `old` against the file with the first old line on file line `start`, or undefined. */
export function alignAt(old: OldLine[], file: PreparedFile, start: number, maxSkips: number): Alignment | undefined {
  const m = old.length;
  const n = file.lines.length;
  if (start < 0 || start + m > n) return undefined;
  const width = maxSkips + 1;
  const cost = new Array<number>((m + 1) * width).fill(INF);
  const viaSkip = new Uint8Array((m + 1) * width);
  cost[0] = 0;
  for (let i = 0; i <= m; i++) {
    for (let k = 0; k < width; k++) {
      const here = i * width + k;
      // Leave out file line start+i+k-1 before old line i: only strictly inside the hunk, between two lines
      // where the result is unambiguous (no '+' lines to place around it, not inside a run of '-' lines).
      if (k > 0 && i > 0 && i < m && cost[here - 1] < INF && skipAllowed(old, i)) {
        const c = cost[here - 1] + SKIP_COST;
        if (c < cost[here]) {
          cost[here] = c;
          viaSkip[here] = 1;
        }
      }
      if (i === m || cost[here] === INF) continue;
      const j = start + i + k;
      if (j >= n) continue;
      const level = compareLine(old[i], file, j);
      if (level === NO_MATCH) continue;
      const next = here + width;
      const c = cost[here] + LEVEL_COST[level];
      if (c < cost[next]) {
        cost[next] = c;
        viaSkip[next] = 0;
      }
    }
  }
  let bestK = -1;
  for (let k = 0; k < width; k++) {
    if (cost[m * width + k] < INF && (bestK < 0 || cost[m * width + k] < cost[m * width + bestK])) bestK = k;
  }
  if (bestK < 0) return undefined;
  const fileIndex = new Array<number>(m);
  let k = bestK;
  for (let i = m; i > 0; ) {
    if (viaSkip[i * width + k]) {
      k--;
      continue;
    }
    i--;
    fileIndex[i] = start + i + k;
  }
  return summarize(old, file, start, fileIndex, bestK, cost[m * width + bestK]);
}

function skipAllowed(old: OldLine[], i: number): boolean {
  if (old[i].addedBefore) return false;
  return !(old[i - 1].isDelete && old[i].isDelete);
}

function summarize(
  old: OldLine[],
  file: PreparedFile,
  start: number,
  fileIndex: number[],
  skips: number,
  cost: number,
): Alignment {
  let worstLevel = 0;
  let typos = 0;
  let anchors = 0;
  for (let i = 0; i < old.length; i++) {
    const level = compareLine(old[i], file, fileIndex[i]);
    if (level > worstLevel) worstLevel = level;
    if (level === Level.Typo) typos++;
    else if (!old[i].blank) anchors++;
  }
  const end = old.length === 0 ? start : fileIndex[old.length - 1] + 1;
  return { start, end, fileIndex, worstLevel, typos, skips, anchors, cost, fuzzy: typos > 0 || skips > 0 };
}
