// Applies the hunks of one "*** Update File" section to a file's content, in memory.
// Hunks are placed one after the other on the evolving content (so a hunk may build on an earlier one), but
// each is searched in the whole file, so their order in the patch does not matter.
import { prepareFile, type Alignment, type PreparedFile } from './align';
import { PatchError } from './errors';
import { hunkName } from './feedback';
import { reindent } from './indent';
import { headerChainEnds, locateHunk, oldLinesOf, type HunkLabel } from './matcher';
import { joinFile, splitFile, type FileLine } from './normalize';
import type { Hunk } from './types';

export function applyHunks(content: string, hunks: Hunk[], path: string): string {
  const file = splitFile(content);
  let lines = file.lines;
  hunks.forEach((hunk, index) => {
    const label: HunkLabel = { number: index + 1, path };
    const old = oldLinesOf(hunk);
    if (old.length === 0) {
      lines = appendWithoutContext(hunk, lines, label, file.dominantEol);
      return;
    }
    const prepared = prepareFile(lines);
    const render = (a: Alignment): FileLine[] => buildReplacement(hunk, a, prepared, label, file.dominantEol);
    const outcomeOf = (a: Alignment): string => {
      try {
        return joinFile(file, [...lines.slice(0, a.start), ...render(a), ...lines.slice(a.end)]);
      } catch {
        return `unrenderable:${a.start}:${a.end}:${a.skips}`;
      }
    };
    const match = locateHunk(hunk, old, prepared, label, outcomeOf);
    lines = [...lines.slice(0, match.start), ...render(match), ...lines.slice(match.end)];
  });
  return joinFile(file, lines);
}

/**
 * A hunk with only '+' lines has nothing to locate: as in the format's reference implementation, its lines go
 * at the end of the file (the file's missing final newline, if it had none, stays missing). Its `@@` headers
 * must still occur in the file, or the model is thinking of code that is not there; and a unified-diff header
 * whose line number points before the end is refused, since line numbers are never trusted to place lines.
 */
function appendWithoutContext(hunk: Hunk, lines: FileLine[], label: HunkLabel, eol: string): FileLine[] {
  const placeElsewhere =
    'A hunk with only "+" lines is appended at the end of the file; to insert them anywhere else, include 1–3 ' +
    'unchanged lines from the file around the insertion as " " context lines.';
  if (hunk.headers.length > 0 && headerChainEnds(hunk.headers, prepareFile(lines)).length === 0) {
    const headers = hunk.headers.map((h) => `"@@ ${h}"`).join(', ');
    throw new PatchError(`${hunkName(hunk, label)}: ${headers} does not occur in the file (re-read it). ${placeElsewhere}`);
  }
  if (hunk.rangeHint && hunk.rangeHint.oldStart < lines.length) {
    throw new PatchError(
      `${hunkName(hunk, label)}: the hunk has only "+" lines and its header points at line ${hunk.rangeHint.oldStart} of ` +
        `${lines.length}, but line numbers do not place lines. ${placeElsewhere}`,
    );
  }
  return [...lines, ...hunk.lines.map((l) => ({ text: l.text, eol }))];
}

/**
 * The new lines for the matched window: context lines and any file lines the hunk left out come from the file
 * itself (never the model's copy), '-' lines are dropped, '+' lines are re-indented to the file's indentation
 * and take the line ending of their neighbours.
 */
function buildReplacement(hunk: Hunk, match: Alignment, file: PreparedFile, label: HunkLabel, dominantEol: string): FileLine[] {
  const out: FileLine[] = [];
  let oldIndex = 0;
  let lastFileIndex = match.start - 1;
  for (const line of hunk.lines) {
    if (line.kind === 'add') {
      const text = reindent(line.text, match.shift);
      if (text === undefined) {
        throw new PatchError(
          `${hunkName(hunk, label)}: the hunk is indented differently from the file, and the added line ` +
            `${JSON.stringify(line.text)} (patch line ${line.patchLine}) is shallower than that difference, so its ` +
            'indentation cannot be derived. Resend the hunk with the context lines indented exactly as in the file.',
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

function eolNear(lines: FileLine[], match: Alignment, oldIndex: number, dominantEol: string): string {
  const neighbour = oldIndex > 0 ? match.fileIndex[oldIndex - 1] : match.fileIndex[0];
  const eol = lines[neighbour]?.eol ?? '';
  return eol === '' ? dominantEol : eol;
}
