// Where a streaming Markdown text can be cut into "finished" blocks (rendered once and kept) and an unfinished
// tail (re-rendered on each frame). Pure string code: no DOM, unit-tested in Node.
//
// A cut is made only where parsing the two halves separately gives the same result as parsing the whole:
// at the start of a line that follows a blank line outside any fenced code block, when that line is complete,
// starts in column 0 and does not continue a list (a list item or an indented line after a blank line can
// belong to the list above). Reference-style link definitions are the one thing a later block can change in an
// earlier one; texts that have them are rendered whole once finished (see hasLinkDefinitions).

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^([-*+]|\d{1,9}[.)])(\s|$)/;

/**
 * The largest offset `cut` (from ≤ cut ≤ text.length) such that text.slice(from, cut) is a run of complete
 * blocks. `from` must itself be 0 or a previous cut. Returns `from` when no new block is complete.
 */
export function finishedBlocksEnd(text: string, from = 0): number {
  let cut = from;
  let fence: { char: string; length: number } | undefined;
  let afterBlank = false;
  let lineStart = from;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) break; // The last line is still arriving.
    const line = text.slice(lineStart, newline);
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length && line.slice(close[0].length).trim() === '')
        fence = undefined;
      afterBlank = false;
    } else if (line.trim() === '') {
      afterBlank = true;
    } else {
      if (afterBlank && lineStart > from && /^\S/.test(line) && !LIST_ITEM.test(line)) cut = lineStart;
      afterBlank = false;
      const open = FENCE.exec(line);
      // A backtick fence's info string may not contain backticks (CommonMark); then it is inline code.
      if (open && !(open[1][0] === '`' && line.slice(open[0].length).includes('`'))) fence = { char: open[1][0], length: open[1].length };
    }
    lineStart = newline + 1;
  }
  return cut;
}

/** Whether the text defines a reference-style link (`[label]: url`), which earlier blocks may use. */
export function hasLinkDefinitions(text: string): boolean {
  return /^ {0,3}\[[^\]\n]+\]:\s*\S/m.test(text);
}
