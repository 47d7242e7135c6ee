import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { FileTags, SymbolKindName, SyntaxTagger, TagDefinition } from '../../core/ports';
import { SYMBOL_KINDS } from '../../core/ports';
import { CAPTURE_KINDS, LANGUAGES, languageOfPath, type LanguageSpec } from './languages';
import { grammar, treeSitter, type Node, type Parser, type Query } from './runtime';

/** Larger files are generated or minified more often than written: parsing them costs much and tells little. */
const MAX_CHARS = 512 * 1024;

interface Reader {
  parser: Parser;
  query: Query;
  spec: LanguageSpec;
}

/** Definitions by tree-sitter, identifier counts by a scan of the text; grammars load on first use. */
export class TreeSitterTagger implements SyntaxTagger {
  private readonly readers = new Map<string, Promise<Reader>>();

  constructor(private readonly root: string) {}

  language(relative: string): string | undefined {
    return languageOfPath(relative);
  }

  async versions(paths: readonly string[]): Promise<Array<string | undefined>> {
    // Synchronous on purpose: thousands of stats through the thread pool take several times longer than
    // this loop (a few milliseconds for 2,000 files), and the repo map asks on every request.
    return paths.map((p) => {
      const s = statSync(path.join(this.root, p), { throwIfNoEntry: false });
      return s?.isFile() ? `${s.size}:${s.mtimeMs}` : undefined;
    });
  }

  async tags(relative: string, text: string): Promise<FileTags | undefined> {
    const language = languageOfPath(relative);
    if (!language || text.length > MAX_CHARS) return undefined;
    const { parser, query, spec } = await this.reader(language);
    const tree = parser.parse(text);
    if (!tree) return undefined;
    try {
      return { definitions: definitionsOf(tree.rootNode, query, spec), identifiers: countIdentifiers(text) };
    } finally {
      // Trees live in the WASM heap, which JavaScript's garbage collector does not see.
      tree.delete();
    }
  }

  private reader(language: string): Promise<Reader> {
    let reader = this.readers.get(language);
    if (!reader) {
      const spec = LANGUAGES[language];
      reader = (async () => {
        const [ts, lang] = await Promise.all([treeSitter(), grammar(spec.grammar)]);
        const parser = new ts.Parser();
        parser.setLanguage(lang);
        return { parser, query: new ts.Query(lang, spec.query), spec };
      })();
      reader.catch(() => this.readers.delete(language));
      this.readers.set(language, reader);
    }
    return reader;
  }
}

/**
 * Identifier occurrences, by a scan of the text rather than of the syntax tree: the repo map only counts how
 * often a name that is defined somewhere appears, which the scan tells as well at a tenth of the cost (a
 * name in a comment is usually a reference too).
 */
export function countIdentifiers(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [word] of text.matchAll(/[A-Za-z_$][\w$]*/g)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

interface Found extends TagDefinition {
  start: number;
  end: number;
}

function definitionsOf(root: Node, query: Query, spec: LanguageSpec): TagDefinition[] {
  const found: Found[] = [];
  for (const match of query.matches(root)) {
    const definition = match.captures.find((c) => c.name.startsWith('definition.'));
    const name = match.captures.find((c) => c.name === 'name');
    if (!definition || !name) continue;
    const node = definition.node;
    let kind = kindOf(definition.name.slice('definition.'.length));
    // A function's locals, and the members of a type written inline in its parameters, are not definitions.
    if ((kind === 'variable' || kind === 'property') && isLocal(node, spec.localScopes)) continue;
    if (kind === 'variable') kind = variableKind(node, name.node);
    found.push({
      name: node.type === 'impl_item' ? implName(node) : name.node.text,
      kind,
      line: name.node.startPosition.row + 1,
      column: name.node.startPosition.column + 1,
      startLine: node.startPosition.row + 1,
      endLine: node.endPosition.row + 1,
      start: node.startIndex,
      end: node.endIndex,
    });
  }
  // Outer definitions first, so each one's parent is on the stack when it is reached.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const stack: Array<{ index: number; found: Found; parent?: number }> = [];
  const out: TagDefinition[] = [];
  for (const f of found) {
    while (stack.length && stack[stack.length - 1].found.end < f.end) stack.pop();
    const top = stack[stack.length - 1];
    // One declaration of several names (`const a = 1, b = 2`) makes siblings; the same one matched twice, one entry.
    const same = top !== undefined && top.found.start === f.start && top.found.end === f.end;
    if (same && top.found.name === f.name) continue;
    const parent = same ? top.parent : top?.index;
    const container = parent === undefined ? undefined : out[parent];
    const kind = f.kind === 'function' && container && spec.containers?.has(container.kind) ? 'method' : f.kind;
    const { start: _start, end: _end, ...definition } = f;
    out.push({ ...definition, kind, ...(parent !== undefined ? { parent } : {}) });
    if (!same) stack.push({ index: out.length - 1, found: f, parent });
  }
  return out;
}

function kindOf(capture: string): SymbolKindName {
  const kind = Object.hasOwn(CAPTURE_KINDS, capture) ? CAPTURE_KINDS[capture] : capture;
  return (SYMBOL_KINDS as readonly string[]).includes(kind) ? (kind as SymbolKindName) : 'variable';
}

/** Whether a variable is declared inside a function body (a local, not a definition of the module). */
function isLocal(node: Node, scopes: ReadonlySet<string>): boolean {
  for (let n = node.parent; n; n = n.parent) if (scopes.has(n.type)) return true;
  return false;
}

/** `const f = () => …` is a function; other `const`s (and Python's UPPER_CASE names) are constants. */
function variableKind(declaration: Node, name: Node): SymbolKindName {
  const value = name.parent?.childForFieldName('value');
  if (value && /^(arrow_function|function_expression|function|generator_function)$/.test(value.type)) return 'function';
  if (declaration.firstChild?.type === 'const' || /^[A-Z][A-Z0-9_]+$/.test(name.text)) return 'constant';
  return 'variable';
}

/** A Rust impl block by its header: `impl Shape for Circle`. */
function implName(node: Node): string {
  const body = node.childForFieldName('body');
  const header = body ? node.text.slice(0, body.startIndex - node.startIndex) : node.text;
  return header.replace(/\s+/g, ' ').trim();
}
