// Scores how well a hunk's old lines (context and "-" lines) fit the file at one start position.
//
// Per line, from strict to loose: exact; trailing whitespace differs; indentation differs; only typographic
// punctuation/whitespace runs differ (`looseKey`); a small typo (context lines only). Indentation may differ
// only by the one shift the whole hunk has (a re-indented hunk); a context line indented differently from the
// rest counts as a typo, a "-" line as no match. Inside the window the file may also hold a line the hunk left
// out ("dropped context line"). A small dynamic programme finds the cheapest alignments; the caller decides
// whether one is good enough and unique.
import { NO_SHIFT, sameShift, shiftBetween, type IndentShift } from './indent';
import { leadingWhitespace, looseKey, punctuationToAscii, type FileLine } from './normalize';
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
  /** Trimmed, punctuation mapped to ASCII, inner whitespace kept: what typo distances are measured on. */
  typoKey: string;
  indent: string;
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
  typoKeys: string[];
  indents: string[];
  /** looseKey → file line indices, for finding candidate positions. */
  byKey: Map<string, number[]>;
}

export function prepareFile(lines: FileLine[]): PreparedFile {
  const trimmedEnd: string[] = [];
  const trimmed: string[] = [];
  const keys: string[] = [];
  const typoKeys: string[] = [];
  const indents: string[] = [];
  const byKey = new Map<string, number[]>();
  for (let j = 0; j < lines.length; j++) {
    const text = lines[j].text;
    trimmedEnd.push(text.trimEnd());
    trimmed.push(text.trim());
    const key = looseKey(text);
    keys.push(key);
    typoKeys.push(punctuationToAscii(text).trim());
    indents.push(leadingWhitespace(text));
    if (key === '') continue;
    const list = byKey.get(key);
    if (list) list.push(j);
    else byKey.set(key, [j]);
  }
  return { lines, trimmedEnd, trimmed, keys, typoKeys, indents, byKey };
}

export function prepareOldLine(text: string, isDelete: boolean, addedBefore: boolean): OldLine {
  const key = looseKey(text);
  return {
    text,
    isDelete,
    trimmedEnd: text.trimEnd(),
    trimmed: text.trim(),
    key,
    typoKey: punctuationToAscii(text).trim(),
    indent: leadingWhitespace(text),
    blank: key === '',
    addedBefore,
  };
}

export function compareLine(old: OldLine, file: PreparedFile, j: number, shift: IndentShift = NO_SHIFT): number {
  const text = file.lines[j].text;
  const fileKey = file.keys[j];
  if (old.blank) return fileKey !== '' ? NO_MATCH : old.text === text ? Level.Exact : Level.TrailingWhitespace;
  if (fileKey === '') return NO_MATCH;
  let level: number;
  if (old.text === text) level = Level.Exact;
  else if (old.trimmedEnd === file.trimmedEnd[j]) level = Level.TrailingWhitespace;
  else if (old.trimmed === file.trimmed[j]) level = Level.Indentation;
  else if (old.key === fileKey) level = Level.Loose;
  // A "-" line must really be the line it names: never delete a line that merely looks similar.
  else if (old.isDelete || !isTypo(old, file, j)) return NO_MATCH;
  else level = Level.Typo;
  if (!indentFits(old.indent, file.indents[j], shift)) return old.isDelete ? NO_MATCH : Level.Typo;
  return shift === NO_SHIFT || level >= Level.Indentation ? level : Level.Indentation;
}

function isTypo(old: OldLine, file: PreparedFile, j: number): boolean {
  const budget = typoBudget(Math.min(old.key.length, file.keys[j].length));
  return budget > 0 && boundedEditDistance(old.typoKey, file.typoKeys[j], budget) <= budget;
}

/** Whether the file's indentation is the hunk line's indentation moved by the hunk's shift. */
function indentFits(oldIndent: string, fileIndent: string, shift: IndentShift): boolean {
  if (shift === NO_SHIFT) return oldIndent === fileIndent;
  return oldIndent.startsWith(shift.remove) && fileIndent === shift.add + oldIndent.slice(shift.remove.length);
}

/**
 * The indentation shift of the hunk at this position: a vote among lines whose text matches apart from
 * indentation, weighted by length so that long lines outvote braces. Ties keep "no shift".
 */
export function dominantShift(old: OldLine[], file: PreparedFile, start: number, maxSkips: number): IndentShift {
  const votes: { shift: IndentShift; weight: number }[] = [];
  for (let i = 0; i < old.length; i++) {
    if (old[i].blank) continue;
    for (let k = 0; k <= maxSkips; k++) {
      const j = start + i + k;
      if (j >= file.lines.length || file.keys[j] !== old[i].key) continue;
      const shift = shiftBetween(old[i].text, file.lines[j].text);
      if (!shift) continue;
      const vote = votes.find((v) => sameShift(v.shift, shift));
      if (vote) vote.weight += old[i].key.length;
      else votes.push({ shift, weight: old[i].key.length });
      break;
    }
  }
  let best: { shift: IndentShift; weight: number } | undefined;
  for (const v of votes) {
    const isNone = v.shift.remove === '' && v.shift.add === '';
    if (!best || v.weight > best.weight || (v.weight === best.weight && isNone)) best = v;
  }
  return !best || (best.shift.remove === '' && best.shift.add === '') ? NO_SHIFT : best.shift;
}

export interface Alignment {
  start: number;
  /** One past the last file line of the window. */
  end: number;
  /** File line index for each old line. */
  fileIndex: number[];
  /** Indentation shift from the hunk to the file, applied to '+' lines. */
  shift: IndentShift;
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
  return oldCount < 2 ? 0 : 1 + Math.floor(oldCount / 12);
}

/**
 * Alignments of `old` with the first old line on file line `start`: the cheapest one for each number of
 * skipped file lines, so that a fuzzy reading with a skip and one without both reach the ambiguity check.
 */
export function alignAt(old: OldLine[], file: PreparedFile, start: number, maxSkips: number): Alignment[] {
  const m = old.length;
  const n = file.lines.length;
  if (start < 0 || start + m > n) return [];
  const shift = dominantShift(old, file, start, maxSkips);
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
      const level = compareLine(old[i], file, j, shift);
      if (level === NO_MATCH) continue;
      const next = here + width;
      const c = cost[here] + LEVEL_COST[level];
      if (c < cost[next]) {
        cost[next] = c;
        viaSkip[next] = 0;
      }
    }
  }
  const found: Alignment[] = [];
  for (let skips = 0; skips < width; skips++) {
    const total = cost[m * width + skips];
    if (total === INF) continue;
    const fileIndex = new Array<number>(m);
    let k = skips;
    for (let i = m; i > 0;) {
      if (viaSkip[i * width + k]) {
        k--;
        continue;
      }
      i--;
      fileIndex[i] = start + i + k;
    }
    found.push(summarize(old, file, start, fileIndex, skips, total, shift));
  }
  return found;
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
  shift: IndentShift,
): Alignment {
  let worstLevel = 0;
  let typos = 0;
  let anchors = 0;
  for (let i = 0; i < old.length; i++) {
    const level = compareLine(old[i], file, fileIndex[i], shift);
    if (level > worstLevel) worstLevel = level;
    if (level === Level.Typo) typos++;
    else if (!old[i].blank) anchors++;
  }
  const end = old.length === 0 ? start : fileIndex[old.length - 1] + 1;
  return { start, end, fileIndex, shift, worstLevel, typos, skips, anchors, cost, fuzzy: typos > 0 || skips > 0 };
}
