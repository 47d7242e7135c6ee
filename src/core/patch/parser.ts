/*
 * Parser for the `apply_patch` text format (OpenAI Codex CLI envelope).
 *
 * Grammar accepted (NL = "\n" or "\r\n"; markers are matched ignoring case and surrounding whitespace):
 *
 *   Wrapped    := [ Fence NL ] [ Heredoc NL ] Patch [ HeredocEnd NL ] [ FenceEnd NL ]
 *   Patch      := [ "*** Begin Patch" NL ] { FileOp } [ "*** End Patch" [ NL ] ]
 *   FileOp     := AddFile | DeleteFile | UpdateFile
 *   AddFile    := "*** Add File: " path NL { "+" line NL }
 *   DeleteFile := "*** Delete File: " path NL
 *   UpdateFile := "*** Update File: " path NL [ "*** Move to: " newPath NL ] { Hunk }
 *   Hunk       := { Header NL } { BodyLine NL } [ "*** End of File" NL ]
 *   Header     := "@@" [ " " text ]                       -- Codex: a class/function line, stackable
 *               | "@@ -" a [ "," b ] " +" c [ "," d ] " @@" [ " " text ]   -- unified diff: numbers are hints
 *   BodyLine   := " " text      -- context (kept from the file, never from the patch)
 *               | "-" text      -- line to remove
 *               | "+" text      -- line to add
 *               | ""            -- tolerated: a blank context line without its space
 *               | "\" text      -- tolerated and ignored: "\ No newline at end of file"
 *               | other         -- tolerated: a context line whose leading space was dropped
 *
 * The first hunk of an UpdateFile may omit its "@@". `*** Begin Patch` may be missing when the first line is a
 * file marker; `*** End Patch` may be missing at the end. Blank lines between operations are ignored, and so are
 * blank unprefixed lines at the end of a hunk (they are formatting; dropping trailing context never changes
 * the result, only how precisely the hunk is located). Anything else raises a PatchError naming the patch line
 * and what was expected there.
 */
import { findEnvelope, quote } from './envelope';
import { PatchError } from './errors';
import type { FileOp, Hunk, HunkLine, ParsedPatch, RangeHint, UpdateFileOp } from './types';

const OP_MARKER = /^\*\*\*\s*(add|update|delete)\s+file\s*:(.*)$/i;
const MOVE_MARKER = /^\*\*\*\s*move\s+to\s*:(.*)$/i;
const EOF_MARKER = /^\*\*\*\s*end\s+of\s+file\s*$/i;
const UNIFIED_HEADER = /^@@\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@(.*)$/;

export function parsePatch(text: string): ParsedPatch {
  if (text.includes('\u0000')) {
    throw new PatchError('The patch contains NUL bytes: apply_patch edits text files only.');
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { bodyStart, bodyEnd } = findEnvelope(lines);
  const reader = new LineReader(lines, bodyStart, bodyEnd);
  const ops: FileOp[] = [];
  while (reader.skipBlankLines()) {
    const lineNo = reader.lineNo;
    const marker = OP_MARKER.exec(reader.peek().trim());
    if (!marker) {
      throw new PatchError(
        `line ${lineNo}: expected "*** Add File: <path>", "*** Update File: <path>", "*** Delete File: <path>" ` +
          `or "*** End Patch", found ${quote(reader.peek())}.`,
      );
    }
    reader.next();
    const kind = marker[1].toLowerCase();
    const path = parsePath(marker[2], lineNo);
    if (kind === 'add') ops.push({ kind: 'add', path, lines: parseAddBody(reader), patchLine: lineNo });
    else if (kind === 'delete') ops.push({ kind: 'delete', path, patchLine: lineNo });
    else ops.push(parseUpdate(reader, path, lineNo));
  }
  if (ops.length === 0) {
    throw new PatchError('The patch has no file operations: add "*** Update File: <path>" (or Add/Delete) sections.');
  }
  return { ops };
}

/** Cursor over the body lines; `lineNo` is 1-based in the original text. */
class LineReader {
  constructor(
    private readonly lines: string[],
    private index: number,
    private readonly end: number,
  ) {}
  get lineNo(): number {
    return this.index + 1;
  }
  done(): boolean {
    return this.index >= this.end;
  }
  peek(): string {
    return this.lines[this.index];
  }
  next(): string {
    return this.lines[this.index++];
  }
  /** Skips blank lines; returns whether a non-blank line remains. */
  skipBlankLines(): boolean {
    while (!this.done() && this.peek().trim() === '') this.index++;
    return !this.done();
  }
}

function isOpMarker(line: string): boolean {
  return OP_MARKER.test(line.trim());
}

function parsePath(raw: string, lineNo: number): string {
  let path = raw.trim();
  if (path.length >= 2 && /^(["'`]).*\1$/.test(path)) path = path.slice(1, -1).trim();
  if (path === '') throw new PatchError(`line ${lineNo}: the file marker has no path; write it as "*** Update File: src/app.ts".`);
  return path;
}

function parseAddBody(reader: LineReader): string[] {
  const out: string[] = [];
  let blanks = 0; // unprefixed blank lines: kept only if more "+" lines follow
  while (!reader.done() && !isOpMarker(reader.peek())) {
    const lineNo = reader.lineNo;
    const line = reader.next();
    if (line.startsWith('+')) {
      for (; blanks > 0; blanks--) out.push('');
      out.push(line.slice(1));
    } else if (line.trim() === '') {
      blanks++;
    } else {
      throw new PatchError(`line ${lineNo}: every line of an added file must start with "+", found ${quote(line)}.`);
    }
  }
  return out;
}

function parseUpdate(reader: LineReader, path: string, markerLine: number): UpdateFileOp {
  const op: UpdateFileOp = { kind: 'update', path, hunks: [], patchLine: markerLine };
  if (reader.skipBlankLines()) {
    const move = MOVE_MARKER.exec(reader.peek().trim());
    if (move) {
      op.movePath = parsePath(move[1], reader.lineNo);
      reader.next();
    }
  }
  let current: Hunk | undefined;
  const close = (): void => {
    if (!current) return;
    trimTrailingImplicitBlanks(current);
    if (current.lines.length === 0) {
      throw new PatchError(
        `line ${current.patchLine}: this @@ hunk has no lines; follow it with " " context, "-" removed and "+" added lines.`,
      );
    }
    current = undefined;
  };
  while (!reader.done()) {
    const line = reader.peek();
    if (isOpMarker(line)) break;
    const lineNo = reader.lineNo;
    const trimmedEnd = line.trimEnd();
    if (trimmedEnd.startsWith('***') && EOF_MARKER.test(trimmedEnd)) {
      if (!current) throw new PatchError(`line ${lineNo}: "*** End of File" must directly follow the lines of a hunk.`);
      current.endOfFile = true;
      close();
      reader.next();
      continue;
    }
    const headerText = current && current.lines.length > 0 ? trimmedEnd : line.trim();
    if (headerText.startsWith('@@')) {
      if (current && current.lines.length > 0) close();
      if (!current) {
        current = { headers: [], lines: [], endOfFile: false, patchLine: lineNo };
        op.hunks.push(current);
      }
      addHeader(current, headerText);
      reader.next();
      continue;
    }
    if (trimmedEnd.startsWith('***')) {
      throw new PatchError(
        `line ${lineNo}: unknown marker ${quote(line)}; expected a hunk line (" ", "-", "+"), "@@", ` +
          '"*** End of File", or the next "*** Update File:"/"*** Add File:"/"*** Delete File:".',
      );
    }
    reader.next();
    if (line.startsWith('\\')) continue; // "\ No newline at end of file": final newline is preserved anyway
    if (!current) {
      if (line.trim() === '') continue; // blank lines before the first hunk are formatting
      current = { headers: [], lines: [], endOfFile: false, patchLine: lineNo };
      op.hunks.push(current);
    }
    current.lines.push(bodyLine(line, lineNo));
  }
  close();
  if (op.hunks.length === 0 && op.movePath === undefined) {
    throw new PatchError(`line ${markerLine}: "*** Update File: ${path}" has no hunks; add "@@" hunks with context, "-" and "+" lines.`);
  }
  return op;
}

/** Marks lines that were blank and unprefixed, so they can be dropped when they end a hunk. */
const implicitBlank = new WeakSet<HunkLine>();

function bodyLine(line: string, patchLine: number): HunkLine {
  const first = line.charAt(0);
  if (first === '+') return { kind: 'add', text: line.slice(1), patchLine };
  if (first === '-') return { kind: 'delete', text: line.slice(1), patchLine };
  if (first === ' ') return { kind: 'context', text: line.slice(1), patchLine };
  const hunkLine: HunkLine = { kind: 'context', text: line, patchLine };
  if (line.trim() === '') implicitBlank.add(hunkLine);
  return hunkLine;
}

function trimTrailingImplicitBlanks(hunk: Hunk): void {
  while (hunk.lines.length > 0 && implicitBlank.has(hunk.lines[hunk.lines.length - 1])) hunk.lines.pop();
}

function addHeader(hunk: Hunk, header: string): void {
  const unified = UNIFIED_HEADER.exec(header);
  if (unified) {
    const hint: RangeHint = {
      oldStart: Number(unified[1]),
      oldLines: unified[2] === undefined ? 1 : Number(unified[2]),
      newStart: Number(unified[3]),
      newLines: unified[4] === undefined ? 1 : Number(unified[4]),
    };
    hunk.rangeHint = hint;
    const section = unified[5].trim();
    if (section !== '') hunk.headers.push(section);
    return;
  }
  // "@@ text" or "@@ text @@" (some models close the header like a unified diff).
  const text = header
    .slice(2)
    .replace(/\s*@@\s*$/, '')
    .trim();
  if (text !== '') hunk.headers.push(text);
}
