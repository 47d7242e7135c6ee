// What the code-intelligence tools share: the port check, the flow of a position query, compact results that
// honour the secret and ignore rules, and the labelled text-search fallback when no language server answers.
import * as path from 'node:path';
import type { CodeIntelligence, CodeLocation, CodePosition, LanguageServerStatus, Workspace } from '../ports';
import { isSecretPath } from '../policy';
import { POSITION_PROPERTIES, resolvePosition, summarizePosition, type PositionArgs } from './codePosition';
import { decodeUtf8 } from './text';
import { ok, ToolError, type ToolContext, type ToolDefinition, type ToolOutcome } from './types';

/** Longest quoted source line in a result. */
const LINE_CHARS = 200;

export const NEEDS_EDITOR = 'Code intelligence is not available here; use search and read_file instead.';

export function requireCodeIntelligence(context: ToolContext): CodeIntelligence {
  if (!context.codeIntelligence) throw new ToolError(NEEDS_EDITOR);
  return context.codeIntelligence;
}

/** Why a file gets a text search instead of an answer, in the words the model (and the user) read. */
export function noServerReason(file: string, status: Exclude<LanguageServerStatus, { state: 'served' }>): string {
  const extension = path.extname(file);
  const files = extension ? `${extension} files` : `files like ${path.basename(file)}`;
  return status.state === 'none'
    ? `no language features for ${files} yet`
    : `the ${status.language} language server gave no answer for ${file} (it may still be starting)`;
}

/**
 * A position tool's flow: the port, the file and the position; a text search for the word when no language
 * server answers for the file; otherwise `ask`, with a note when the symbol was on another line.
 */
/**
 * A read-only tool that answers about the symbol at a position (definition, references, hover): one spec
 * shape, one way to resolve the position and to fall back when no language server serves the file.
 */
export function positionTool(
  name: string,
  description: string,
  answer: (port: CodeIntelligence, at: CodePosition, word: string, context: ToolContext) => Promise<ToolOutcome>,
): ToolDefinition<PositionArgs> {
  return {
    spec: {
      name,
      description: `${description} Give the file, the line and the symbol's name on that line (or a column).`,
      parameters: { type: 'object', properties: POSITION_PROPERTIES, required: ['path', 'line'], additionalProperties: false },
    },
    mutating: false,
    requires: 'codeIntelligence',
    summarize: summarizePosition,
    run: (args, context) => atPosition(args, context, (port, at, word) => answer(port, at, word, context)),
  };
}

export async function atPosition(
  args: PositionArgs,
  context: ToolContext,
  ask: (port: CodeIntelligence, at: CodePosition, word: string) => Promise<ToolOutcome>,
): Promise<ToolOutcome> {
  const port = requireCodeIntelligence(context);
  const { position, word, note } = await resolvePosition(args, context.workspace);
  const status = await port.status(position.path);
  if (status.state !== 'served') return textSearchFallback(word, noServerReason(position.path, status), context);
  const outcome = await ask(port, position, word);
  return labelled(port, note ? { ...outcome, output: `${note}\n${outcome.output}` } : outcome);
}

/** An answer of a syntax-only backend (the CLI's), marked as approximate in its first line. */
export function labelled(port: CodeIntelligence, outcome: ToolOutcome): ToolOutcome {
  return port.approximate ? { ...outcome, output: `(${port.approximate})\n${outcome.output}` } : outcome;
}

/** Splits off what the model must not see: hits in secret files and in files the ignore rules exclude. */
export async function visibleOnly<T>(
  items: T[],
  locationOf: (item: T) => CodeLocation,
  workspace: Workspace,
): Promise<{ shown: T[]; hidden: number }> {
  const shown: T[] = [];
  for (const item of items) {
    const location = locationOf(item);
    if (location.outsideWorkspace || (!isSecretPath(location.path) && !(await workspace.isIgnored(location.path)))) shown.push(item);
  }
  return { shown, hidden: items.length - shown.length };
}

/** `path:line:column` of a location; a file outside the workspace by its name only. */
export function locationLabel(location: CodeLocation): string {
  const where = `${location.line}:${location.column}`;
  return location.outsideWorkspace ? `(outside the workspace) ${path.basename(location.path)}:${where}` : `${location.path}:${where}`;
}

/** Trailer lines saying what a capped or filtered list leaves out. */
export function omissions(more: number, hidden: number, noun: string): string[] {
  return [
    ...(more > 0 ? [`[${more} more ${noun} not shown]`] : []),
    ...(hidden > 0 ? [`[${hidden} in secret or ignored files not shown]`] : []),
  ];
}

/** One line per location, `path:line:column: source line`, in path and line order, capped at `cap`. */
export async function formatLocations(locations: CodeLocation[], workspace: Workspace, cap: number, noun: string): Promise<string> {
  const unique = [...new Map(locations.map((l) => [`${l.outsideWorkspace ? '!' : ''}${l.path}:${l.line}:${l.column}`, l])).values()];
  unique.sort((a, b) => Number(a.outsideWorkspace ?? false) - Number(b.outsideWorkspace ?? false) || compare(a, b));
  const { shown, hidden } = await visibleOnly(unique, (l) => l, workspace);
  const lines = new Map<string, Promise<string[] | undefined>>();
  const out: string[] = [];
  for (const location of shown.slice(0, cap)) {
    if (location.outsideWorkspace) {
      out.push(locationLabel(location));
      continue;
    }
    if (!lines.has(location.path)) lines.set(location.path, fileLines(workspace, location.path));
    const text = (await lines.get(location.path))?.[location.line - 1]?.trim();
    out.push(text ? `${locationLabel(location)}: ${clipLine(text)}` : locationLabel(location));
  }
  return [...out, ...omissions(shown.length - cap, hidden, noun)].join('\n');
}

/**
 * The fallback when no language server answers: ripgrep for the word (as a whole word), clearly labelled as
 * text matches rather than resolved symbols.
 */
export async function textSearchFallback(word: string, reason: string, context: ToolContext, glob?: string): Promise<ToolOutcome> {
  const pattern = /^[\p{L}\p{N}_$]+$/u.test(word) ? `\\b${word.replace(/\$/g, '\\$')}\\b` : escapeRegex(word);
  return textSearch(`${reason} — falling back to text search`, `"${word}"`, { pattern, glob }, context);
}

/** A labelled regex search (secret files left out), for the fallbacks. */
export async function textSearch(
  label: string,
  what: string,
  query: { pattern: string; glob?: string },
  { workspace, signal }: ToolContext,
): Promise<ToolOutcome> {
  const cap = 50;
  const { hits, truncated } = await workspace.search({ ...query, regex: true, max: cap + 1 }, signal);
  const visible = hits.filter((h) => !isSecretPath(h.path));
  if (visible.length === 0) return ok(`${label}: no text matches ${what}.`);
  const lines = visible.slice(0, cap).map((h) => `${h.path}:${h.line}: ${clipLine(h.text.trim())}`);
  const more = visible.length > cap || truncated ? ['[more text matches not shown: narrow the search]'] : [];
  return ok([`${label} (text matches of ${what}, approximate: not resolved by a language server):`, ...lines, ...more].join('\n'));
}

async function fileLines(workspace: Workspace, relative: string): Promise<string[] | undefined> {
  const bytes = await workspace.readFile(relative);
  return bytes && decodeUtf8(bytes)?.split(/\r?\n/);
}

function compare(a: CodeLocation, b: CodeLocation): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column;
}

function clipLine(text: string): string {
  return text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}…` : text;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
