// Applies the hunks of one "*** Update File" section to a file's content, in memory.
// Hunks are placed one after the other on the evolving content (so a hunk may build on an earlier one), but
// each is searched in the whole file, so their order in the patch does not matter.
import { prepareFile, type Alignment, type OldLine, type PreparedFile } from './align';
import { PatchError } from './errors';
import { hunkName } from './feedback';
import { NO_SHIFT, reindent, sameShift, shiftBetween, type IndentShift } from './indent';
import { locateHunk, oldLinesOf, type HunkLabel } from './matcher';
import { joinFile, splitFile, type FileLine } from './normalize';
import type { Hunk } from './types';

export function applyHunks(content: string, hunks: Hunk[], path: string): string {
  const file = splitFile(content);
  let lines = file.lines;
  hunks.forEach((hunk, index) => {
    const label: HunkLabel = { number: index + 1, path };
    const old = oldLinesOf(hunk);
    if (old.length === 0) {
      lines = insertWithoutContext(hunk, lines, label, file.dominantEol);
      return;
    }
    const prepared = prepareFile(lines);
    const match = locateHunk(hunk, old, prepared, label);
    const replacement = buildReplacement(hunk, old, match, prepared, label, file.dominantEol);
    lines = [...lines.slice(0, match.start), ...replacement, ...lines.slice(match.end)];
  });
  return joinFile(file, lines);
}

/** A hunk with only '+' lines can go into an empty file or, with `*** End of File`, at the end. */
function insertWithoutContext(hunk: Hunk, lines: FileLine[], label: HunkLabel, eol: string): FileLine[] {
  const added = hunk.lines.map((l) => ({ text: l.text, eol }));
  if (lines.length === 0) return added;
  if (hunk.endOfFile) return [...lines, ...added];
  throw new PatchError(
    `${hunkName(hunk, label)}: the hunk has only "+" lines, so there is no way to tell where they go. Include ` +
      '1–3 unchanged lines from the file around the insertion as " " context lines, or end the hunk with ' +
      '"*** End of File" to append at the end.',
  );
}

/**
 * The new lines for the matched window: context lines and any file lines the hunk left out come from the file
 * itself (never the model's copy), '-' lines are dropped, '+' lines are re-indented to the file's indentation
 * and take the line ending of their neighbours.
 */
function buildReplacement(
  hunk: Hunk,
  old: OldLine[],
  match: Alignment,
  file: PreparedFile,
  label: HunkLabel,
  dominantEol: string,
): FileLine[] {
  const shifts = old.map((o, i) => shiftBetween(o.text, file.lines[match.fileIndex[i]].text));
  const distinct: IndentShift[] = [];
  for (const s of shifts) if (s && !distinct.some((d) => sameShift(d, s))) distinct.push(s);

  const out: FileLine[] = [];
  let oldIndex = 0;
  let lastFileIndex = match.start - 1;
  for (const line of hunk.lines) {
    if (line.kind === 'add') {
      const shift = distinct.length <= 1 ? (distinct[0] ?? NO_SHIFT) : nearestShift(shifts, oldIndex);
      const text = shift ? reindent(line.text, shift) : undefined;
      if (text === undefined) {
        throw new PatchError(
          `${hunkName(hunk, label)}: the hunk's indentation differs from the file's in inconsistent ways, so the ` +
            `indentation of the added line ${JSON.stringify(line.text)} (patch line ${line.patchLine}) cannot be ` +
            'derived. Resend the hunk with the context lines indented exactly as in the file.',
        );
      }
      out.push({ text, eol: eolNear(file.lines, match, oldIndex, dominantEol) });
      continue;
    }
    const j = match.fileIndex[oldIndex];
    for (let q = lastFileIndex + 1; q < j; q++) out.push(file.lines[q]); // context the hunk left out
    if (line.kind === 'context') out.push(file.lines[j]);
    lastFileIndex = j;
    oldIndex++;
  }
  return out;
}

/** When shifts differ across the hunk, use the one around the added line; refuse if its neighbours disagree. */
function nearestShift(shifts: (IndentShift | undefined)[], oldIndex: number): IndentShift | undefined {
  let before: IndentShift | undefined;
  for (let i = oldIndex - 1; i >= 0 && !before; i--) before = shifts[i];
  let after: IndentShift | undefined;
  for (let i = oldIndex; i < shifts.length && !after; i++) after = shifts[i];
  if (before && after && !sameShift(before, after)) return undefined;
  return before ?? after;
}

function eolNear(lines: FileLine[], match: Alignment, oldIndex: number, dominantEol: string): string {
  const neighbour = oldIndex > 0 ? match.fileIndex[oldIndex - 1] : match.fileIndex[0];
  const eol = lines[neighbour]?.eol ?? '';
  return eol === '' ? dominantEol : eol;
}
