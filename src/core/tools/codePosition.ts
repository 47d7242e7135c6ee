// Where a code-intelligence tool looks: a line and a column, or a symbol's name on a line. Models count columns
// badly, so the name is found on the line for them (or on a line or two around it, where they often are off).
import type { CodePosition, Workspace } from '../ports';
import { isSecretPath } from '../policy';
import { workspacePath } from './readFile';
import { decodeUtf8, isProbablyBinary } from './text';
import { ToolError } from './types';

export interface PositionArgs {
  path: string;
  line: number;
  symbol?: string;
  column?: number;
}

/** The JSON Schema properties every position tool takes. */
export const POSITION_PROPERTIES = {
  path: { type: 'string', description: 'Workspace-relative file.' },
  line: { type: 'integer', minimum: 1, description: '1-based line.' },
  symbol: { type: 'string', description: 'The name on that line to ask about (easier than a column).' },
  column: { type: 'integer', minimum: 1, description: '1-based column; with symbol, picks among repeated occurrences on the line.' },
};

/** How many lines above and below the given one a symbol is still looked for. */
const NEARBY_LINES = 3;

export interface ResolvedPosition {
  position: CodePosition;
  /** The identifier at the position, for messages and the text-search fallback. */
  word: string;
  /** Set when the symbol was found on another line than the one given: said to the model. */
  note?: string;
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;

/**
 * The 1-based column of `symbol` on `lineText` as a whole word (not inside a longer name); with several
 * occurrences, the one nearest `near` (a 1-based column), else the first. Undefined when it is not there.
 */
export function symbolColumn(lineText: string, symbol: string, near?: number): number | undefined {
  const columns: number[] = [];
  for (let i = lineText.indexOf(symbol); i >= 0; i = lineText.indexOf(symbol, i + 1)) {
    const before = lineText[i - 1];
    const after = lineText[i + symbol.length];
    const boundedStart = !IDENTIFIER_CHAR.test(symbol[0]) || before === undefined || !IDENTIFIER_CHAR.test(before);
    const boundedEnd = !IDENTIFIER_CHAR.test(symbol.at(-1) ?? '') || after === undefined || !IDENTIFIER_CHAR.test(after);
    if (boundedStart && boundedEnd) columns.push(i + 1);
  }
  if (columns.length === 0) return undefined;
  if (near === undefined) return columns[0];
  // An occurrence the column points into wins; otherwise the nearest start.
  const distance = (c: number) => (near >= c && near < c + symbol.length ? -1 : Math.abs(c - near));
  return columns.reduce((best, c) => (distance(c) < distance(best) ? c : best));
}

/** The identifier at (or just before) a 1-based column, or undefined when the column is not on one. */
export function wordAt(lineText: string, column: number): string | undefined {
  let start = column - 1;
  if (!IDENTIFIER_CHAR.test(lineText[start] ?? '') && IDENTIFIER_CHAR.test(lineText[start - 1] ?? '')) start--;
  if (!IDENTIFIER_CHAR.test(lineText[start] ?? '')) return undefined;
  let end = start;
  while (start > 0 && IDENTIFIER_CHAR.test(lineText[start - 1])) start--;
  while (end < lineText.length && IDENTIFIER_CHAR.test(lineText[end])) end++;
  return lineText.slice(start, end);
}

/** What models send for a name: `area()`, `Shape.area`, `ns::f` are looked for as `area`, `area`, `f` too. */
function nameVariants(symbol: string): string[] {
  const trimmed = symbol.trim().replace(/\(\)$/, '');
  const last = trimmed.split(/\.|::|->|#/).pop() ?? trimmed;
  return [...new Set([trimmed, last])].filter((s) => s !== '');
}

/** Finds the position in the file's lines; pure, so the rules are tested without a workspace. */
export function resolveInLines(path: string, lines: string[], args: Omit<PositionArgs, 'path'>): ResolvedPosition {
  const { line, symbol, column } = args;
  if (line > lines.length) throw new ToolError(`${path} has only ${lines.length} lines; line ${line} is past the end.`);
  const text = lines[line - 1];
  if (symbol !== undefined) {
    const names = nameVariants(symbol);
    if (names.length === 0) throw new ToolError('symbol must not be empty.');
    for (let offset = 0; offset <= NEARBY_LINES; offset++) {
      for (const candidate of offset === 0 ? [line] : [line - offset, line + offset]) {
        if (candidate < 1 || candidate > lines.length) continue;
        for (const name of names) {
          const found = symbolColumn(lines[candidate - 1], name, candidate === line ? column : undefined);
          if (found === undefined) continue;
          const position = { path, line: candidate, column: found };
          return candidate === line
            ? { position, word: name }
            : { position, word: name, note: `(Note: "${name}" is not on line ${line}; used line ${candidate}.)` };
        }
      }
    }
    throw new ToolError(
      `"${symbol}" does not occur on line ${line} of ${path} (or within ${NEARBY_LINES} lines of it). Line ${line} is: ${clip(text)}`,
    );
  }
  if (column === undefined) throw new ToolError('Give the symbol name on that line (or a 1-based column).');
  if (column > text.length + 1)
    throw new ToolError(`Line ${line} of ${path} has only ${text.length} characters; column ${column} is past its end.`);
  const word = wordAt(text, column);
  if (word === undefined) throw new ToolError(`Column ${column} of line ${line} is not on a name. Line ${line} is: ${clip(text)}`);
  return { position: { path, line, column }, word };
}

/**
 * A file the code-intelligence tools may look into, as its canonical workspace-relative path: inside the
 * workspace, not a secret, not excluded by the ignore rules (the same rules as read_file).
 */
export async function lookablePath(workspace: Workspace, input: string): Promise<string> {
  const relative = await workspacePath(workspace.root, input);
  if (isSecretPath(relative)) throw new ToolError(`${relative} looks like a secret (keys, .env files) and is not looked into.`);
  if (await workspace.isIgnored(relative))
    throw new ToolError(`${relative} is excluded by .gitignore, .fixpointignore or fixpoint.exclude and is not looked into.`);
  return relative;
}

/** Checks the file, reads its current text (the editor buffer if open) and resolves the position in it. */
export async function resolvePosition(args: PositionArgs, workspace: Workspace): Promise<ResolvedPosition> {
  const relative = await lookablePath(workspace, args.path);
  const bytes = await workspace.readFile(relative);
  if (!bytes) throw new ToolError(`${relative} does not exist. Use list_files or find_symbol to find the right path.`);
  const text = isProbablyBinary(bytes) ? undefined : decodeUtf8(bytes);
  if (text === undefined) throw new ToolError(`${relative} is not a UTF-8 text file.`);
  return resolveInLines(relative, text.replace(/^\uFEFF/, '').split(/\r?\n/), args);
}

export function summarizePosition(args: PositionArgs): string {
  return `${args.path}:${args.line}${args.symbol ? ` ${args.symbol}` : args.column ? `:${args.column}` : ''}`;
}

function clip(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
