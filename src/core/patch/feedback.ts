// Error messages for hunks that cannot be placed. They go back to the model, so they show what was not found,
// where the closest text is (with the file's real lines and numbers), and what to send instead.
import { compareLine, NO_MATCH, prepareOldLine, type Alignment, type OldLine, type PreparedFile } from './align';
import { quote } from './envelope';
import type { Hunk } from './types';
import type { HunkLabel } from './matcher';

const MAX_SHOWN = 8;

export function hunkName(hunk: Hunk, label: HunkLabel): string {
  return `hunk ${label.number} of ${label.path} (patch line ${hunk.patchLine})`;
}

export function ambiguityMessage(hunk: Hunk, tied: Alignment[], label: HunkLabel): string {
  const places = tied
    .slice(0, 5)
    .map((a) => lineRange(a.start, a.end))
    .join(', ');
  const more = tied.length > 5 ? ` and ${tied.length - 5} more` : '';
  return (
    `${hunkName(hunk, label)}: the context and "-" lines match ${tied.length} places equally well ` +
    `(lines ${places}${more}), so the edit is ambiguous and nothing was changed. Add more unchanged context ` +
    'lines around the change, or an "@@ <enclosing class or function line>" header, so it matches exactly one place.'
  );
}

export function notFoundMessage(hunk: Hunk, old: OldLine[], file: PreparedFile, label: HunkLabel): string {
  const head = `${hunkName(hunk, label)}: `;
  const absent = old.filter((line) => !line.blank && !file.byKey.has(line.key)).map((line) => line.text);
  let message =
    absent.length > 0
      ? `these lines were not found in the file:\n${indentBlock(absent.slice(0, MAX_SHOWN))}\n`
      : 'each of its context and "-" lines occurs in the file, but not together as one block in this order.\n';
  const closest = closestWindow(old, file);
  if (closest) {
    const end = Math.min(file.lines.length, closest.start + Math.max(old.length, 1));
    const shown: string[] = [];
    for (let j = closest.start; j < end && shown.length < MAX_SHOWN + 4; j++) {
      shown.push(`${String(j + 1).padStart(5)} | ${file.lines[j].text}`);
    }
    message += `Closest match at lines ${lineRange(closest.start, end)}:\n${shown.join('\n')}\n`;
    const typoedRemovals: string[] = [];
    old.forEach((line, i) => {
      const j = closest.start + i;
      if (!line.isDelete || j >= file.lines.length || compareLine(line, file, j) !== NO_MATCH) return;
      if (compareLine(asContext(line), file, j) === NO_MATCH) return;
      typoedRemovals.push(`${quote(line.text)} vs the file's line ${j + 1} ${quote(file.lines[j].text)}`);
    });
    if (typoedRemovals.length > 0) {
      message += `A "-" line must match the file's line exactly (only whitespace may differ): ${typoedRemovals.join('; ')}.\n`;
    }
  } else if (absent.length === 0) {
    message = 'its lines were not found in the file.\n';
  }
  return head + message + 'Copy the context and "-" lines exactly from the current file (re-read it if it changed) and resend.';
}

function asContext(line: OldLine): OldLine {
  return prepareOldLine(line.text, false, false);
}

/** The window where the most old lines match line by line (typos allowed), if any non-blank line matches. */
function closestWindow(old: OldLine[], file: PreparedFile): { start: number } | undefined {
  let best: { start: number; score: number } | undefined;
  const asContextLines = old.map(asContext);
  const tried = new Set<number>();
  old.forEach((line, i) => {
    if (line.blank) return;
    for (const j of file.byKey.get(line.key) ?? []) {
      const start = Math.max(0, j - i);
      if (tried.has(start)) continue;
      tried.add(start);
      let score = 0;
      for (let k = 0; k < old.length && start + k < file.lines.length; k++) {
        if (!old[k].blank && compareLine(asContextLines[k], file, start + k) !== NO_MATCH) score++;
      }
      if (!best || score > best.score) best = { start, score };
    }
  });
  return best;
}

function lineRange(start: number, end: number): string {
  return end - start <= 1 ? `${start + 1}` : `${start + 1}–${end}`;
}

function indentBlock(lines: string[]): string {
  return lines.map((l) => `    ${l}`).join('\n');
}
