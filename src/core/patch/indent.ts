// Carries the file's indentation onto added lines when the model re-indented the whole hunk (for example it
// copied a method body 4 spaces deeper than the file has it). Context lines are always taken from the file, so
// only '+' lines need this.
import { isBlank, leadingWhitespace } from './normalize';

/** fileIndent = removePrefix stripped from the hunk's indentation, then addPrefix put in front. */
export interface IndentShift {
  remove: string;
  add: string;
}

export const NO_SHIFT: IndentShift = { remove: '', add: '' };

/** The shift between one hunk line and the file line it matched, or undefined for blank lines. */
export function shiftBetween(hunkText: string, fileText: string): IndentShift | undefined {
  if (isBlank(hunkText) || isBlank(fileText)) return undefined;
  const h = leadingWhitespace(hunkText);
  const f = leadingWhitespace(fileText);
  // Indentation changes at its outer end: keep the longest common suffix, the rest is the shift.
  let common = 0;
  while (common < h.length && common < f.length && h[h.length - 1 - common] === f[f.length - 1 - common]) common++;
  return { remove: h.slice(0, h.length - common), add: f.slice(0, f.length - common) };
}

export function sameShift(a: IndentShift, b: IndentShift): boolean {
  return a.remove === b.remove && a.add === b.add;
}

/** Applies a shift to an added line; undefined when the line is shallower than the shift (cannot be mapped). */
export function reindent(text: string, shift: IndentShift): string | undefined {
  if (shift.remove === '' && shift.add === '') return text;
  // A blank added line stays blank: never invent indentation on an empty line.
  if (text === '') return text;
  if (isBlank(text)) return text.startsWith(shift.remove) ? shift.add + text.slice(shift.remove.length) : text;
  if (!text.startsWith(shift.remove)) return undefined;
  return shift.add + text.slice(shift.remove.length);
}
