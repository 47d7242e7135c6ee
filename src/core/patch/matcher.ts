// Locates one hunk in the file. Order-invariant: every hunk is searched in the whole file, not only after the
// previous one. The rules that keep false applies at zero:
//  * a match is ranked by its worst line: exact < trailing whitespace < indentation < punctuation/whitespace
//    runs < fuzzy (a typo in a context line, or a context line the hunk left out);
//  * the match must be unique at the best rank, otherwise the hunk is refused as ambiguous;
//  * a fuzzy match needs enough anchor lines that matched without typos, and any other fuzzy candidate makes
//    it ambiguous;
//  * "-" lines never match through a typo (see align.ts).
import { alignAt, maxSkipsFor, prepareOldLine, type Alignment, type OldLine, type PreparedFile } from './align';
import { PatchError } from './errors';
import { ambiguityMessage, hunkName, notFoundMessage } from './feedback';
import { looseKey } from './normalize';
import type { Hunk } from './types';

export interface HunkLabel {
  /** 1-based position of the hunk in its file section. */
  number: number;
  path: string;
}

const FUZZY_CLASS = 4;

export function oldLinesOf(hunk: Hunk): OldLine[] {
  const old: OldLine[] = [];
  let addedSinceLast = false;
  for (const line of hunk.lines) {
    if (line.kind === 'add') {
      addedSinceLast = true;
      continue;
    }
    old.push(prepareOldLine(line.text, line.kind === 'delete', addedSinceLast && old.length > 0));
    addedSinceLast = false;
  }
  return old;
}

/**
 * Finds where the hunk applies. `outcomeOf` renders the file a candidate would produce: candidates tied at the
 * best rank are only ambiguous if they would produce different files.
 */
export function locateHunk(
  hunk: Hunk,
  old: OldLine[],
  file: PreparedFile,
  label: HunkLabel,
  outcomeOf: (a: Alignment) => string,
): Alignment {
  const maxSkips = maxSkipsFor(old.length);
  const candidates: Alignment[] = [];
  for (const start of candidateStarts(old, file, maxSkips)) {
    for (const alignment of alignAt(old, file, start, maxSkips)) {
      if (!alignment.fuzzy || fuzzyIsAnchored(alignment, old)) candidates.push(alignment);
    }
  }
  if (candidates.length === 0) throw new PatchError(notFoundMessage(hunk, old, file, label));

  let pool = narrowByHeaders(candidates, hunk.headers, file);
  if (hunk.endOfFile) pool = narrowToEndOfFile(hunk, pool, file, label);
  const best = Math.min(...pool.map(rankOf));
  const tied = pool.filter((c) => rankOf(c) === best).sort((a, b) => a.cost - b.cost);
  if (tied.length === 1) return tied[0];
  const outcomes = new Set(tied.map(outcomeOf));
  if (outcomes.size > 1) throw new PatchError(ambiguityMessage(hunk, distinctWindows(tied), label));
  return tied[0];
}

/** Two readings of the same window (say, with and without a skipped line) are one place for the message. */
function distinctWindows(tied: Alignment[]): Alignment[] {
  const seen = new Set<string>();
  return tied.filter((a) => {
    const key = `${a.start}:${a.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function rankOf(a: Alignment): number {
  return a.fuzzy ? FUZZY_CLASS : a.worstLevel;
}

/**
 * A fuzzy match must rest on solid ground: at least two non-blank lines matched without typos, at least two
 * anchors per deviation, and typos in at most a quarter of the lines. This is what tells a miscopied hunk
 * from fabricated context that happens to resemble the file.
 */
function fuzzyIsAnchored(a: Alignment, old: OldLine[]): boolean {
  const nonBlank = old.reduce((n, line) => n + (line.blank ? 0 : 1), 0);
  const deviations = a.typos + a.skips;
  return a.anchors >= 2 && a.anchors >= 2 * deviations && a.typos <= Math.max(1, Math.floor(nonBlank / 4));
}

/** Start positions worth aligning: wherever some non-blank old line's loose form occurs in the file. */
function candidateStarts(old: OldLine[], file: PreparedFile, maxSkips: number): number[] {
  const n = file.lines.length;
  const m = old.length;
  const seen = new Uint8Array(Math.max(0, n - m + 1));
  const starts: number[] = [];
  const add = (s: number): void => {
    if (s >= 0 && s <= n - m && !seen[s]) {
      seen[s] = 1;
      starts.push(s);
    }
  };
  let anyAnchor = false;
  for (let i = 0; i < m; i++) {
    if (old[i].blank) continue;
    anyAnchor = true;
    const hits = file.byKey.get(old[i].key);
    if (!hits) continue;
    for (const j of hits) {
      for (let k = 0; k <= Math.min(maxSkips, i); k++) add(j - i - k);
    }
  }
  if (!anyAnchor) for (let s = 0; s <= n - m; s++) add(s); // only blank lines: every position is a candidate
  return starts;
}

/**
 * `@@ <line>` headers name an enclosing class/function. For each place the headers occur in order, keep the
 * best candidate that follows them. Headers not found in the file are only a hint, so they are ignored.
 */
function narrowByHeaders(candidates: Alignment[], headers: string[], file: PreparedFile): Alignment[] {
  if (headers.length === 0) return candidates;
  const picks = new Set<Alignment>();
  for (const from of headerChainEnds(headers, file)) {
    let pick: Alignment | undefined;
    for (const c of candidates) {
      if (c.start < from) continue;
      if (!pick || rankOf(c) < rankOf(pick) || (rankOf(c) === rankOf(pick) && c.start < pick.start)) pick = c;
    }
    if (pick) picks.add(pick);
  }
  return picks.size > 0 ? [...picks] : candidates;
}

/** For each place where all `headers` occur in order, the line of the last one; empty when they do not. */
export function headerChainEnds(headers: string[], file: PreparedFile): number[] {
  const occurrences = headers.map((h) => headerOccurrences(h, file));
  if (occurrences.some((o) => o.length === 0)) return [];
  const ends: number[] = [];
  for (const first of occurrences[0]) {
    let pos: number | undefined = first;
    for (let h = 1; h < occurrences.length && pos !== undefined; h++) {
      const after: number = pos;
      pos = occurrences[h].find((p) => p > after);
    }
    if (pos !== undefined) ends.push(pos);
  }
  return ends;
}

function headerOccurrences(header: string, file: PreparedFile): number[] {
  const key = looseKey(header);
  if (key === '') return [];
  const exact = file.byKey.get(key);
  if (exact) return exact;
  // Models often shorten the header ("def foo" for "def foo(self, x):"): accept a prefix, then a substring.
  const prefix: number[] = [];
  const inside: number[] = [];
  file.keys.forEach((k, j) => {
    if (k.startsWith(key)) prefix.push(j);
    else if (key.length >= 4 && k.includes(key)) inside.push(j);
  });
  return prefix.length > 0 ? prefix : inside;
}

/**
 * `*** End of File`: prefer candidates that end at the file's end (trailing blank lines aside). If none does,
 * the claim is only a hint, unless the hunk ends with '+' lines: then it decides where they go, and placing
 * them anywhere but the end would be a guess.
 */
function narrowToEndOfFile(hunk: Hunk, pool: Alignment[], file: PreparedFile, label: HunkLabel): Alignment[] {
  let end = file.lines.length;
  while (end > 0 && file.keys[end - 1] === '') end--;
  const atEnd = pool.filter((c) => c.end >= end);
  if (atEnd.length > 0) return atEnd;
  if (hunk.lines[hunk.lines.length - 1]?.kind === 'add') {
    throw new PatchError(
      `${hunkName(hunk, label)}: the hunk ends with "*** End of File", but its last context line is not the ` +
        `file's last line (it matches at line ${pool[0].end} of ${file.lines.length}). Re-read the end of the file ` +
        'and resend the hunk with the real last lines as context.',
    );
  }
  return pool;
}
