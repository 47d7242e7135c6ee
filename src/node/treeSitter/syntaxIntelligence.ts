import type {
  CodeIntelligence,
  CodeLocation,
  CodePosition,
  FileTags,
  LanguageServerStatus,
  OutlineSymbol,
  RenamedFile,
  SyntaxTagger,
  WorkspaceSymbol,
  Workspace,
} from '../../core/ports';
import type { TagIndex } from '../../core/context/tagIndex';
import { symbolColumn, wordAt } from '../../core/tools/codePosition';
import { decodeUtf8 } from '../../core/tools/text';
import { extensionsOf, languageOfPath } from './languages';

/** Most workspace symbols returned for one query (the tool shows fewer). */
const SYMBOLS_MAX = 500;
/** Most text matches looked at for references. */
const REFERENCES_MAX = 2000;
/** Signature lines quoted for type_info. */
const SIGNATURE_LINES = 6;

export const SYNTAX_ONLY =
  'approximate: from the syntax (tree-sitter) and text search, without a language server — same-named symbols are not told apart';

/**
 * The code-intelligence port without an editor (the CLI): definitions, outlines and symbols from tree-sitter,
 * references from a whole-word ripgrep search in files of the same language. Nothing here knows types or
 * scopes, which `approximate` says with every answer; renames need a language server and are refused.
 */
export class SyntaxCodeIntelligence implements CodeIntelligence {
  readonly approximate = SYNTAX_ONLY;

  constructor(
    private readonly workspace: Workspace,
    private readonly tagger: SyntaxTagger,
    private readonly index: TagIndex,
  ) {}

  async status(path: string): Promise<LanguageServerStatus> {
    return languageOfPath(path) ? { state: 'served' } : { state: 'none', language: path.slice(path.lastIndexOf('.') + 1) };
  }

  async workspaceSymbols(query: string): Promise<WorkspaceSymbol[]> {
    await this.index.refresh();
    const lower = query.toLowerCase();
    const found: WorkspaceSymbol[] = [];
    for (const [path, tags] of this.index.entries()) {
      for (const d of tags.definitions) {
        if (!d.name.toLowerCase().includes(lower)) continue;
        const container = d.parent === undefined ? undefined : tags.definitions[d.parent].name;
        found.push({ name: d.name, kind: d.kind, ...(container ? { container } : {}), location: { path, line: d.line, column: d.column } });
        if (found.length >= SYMBOLS_MAX) return found;
      }
    }
    return found;
  }

  async outline(path: string): Promise<OutlineSymbol[]> {
    const tags = await this.tagsOf(path);
    if (!tags) return [];
    const nodes: OutlineSymbol[] = tags.definitions.map((d) => ({
      name: d.name,
      kind: d.kind,
      line: d.startLine,
      endLine: d.endLine,
      children: [],
    }));
    const roots: OutlineSymbol[] = [];
    tags.definitions.forEach((d, i) => (d.parent === undefined ? roots : nodes[d.parent].children).push(nodes[i]));
    return roots;
  }

  /** Definitions by the name at the position: in the same file first, then everywhere else in the language. */
  async definitions(at: CodePosition): Promise<CodeLocation[]> {
    const word = await this.wordAt(at);
    if (!word) return [];
    await this.index.refresh();
    const family = new Set(extensionsOf(languageOfPath(at.path) ?? ''));
    const found: CodeLocation[] = [];
    for (const [path, tags] of this.index.entries()) {
      if (!family.has(path.slice(path.lastIndexOf('.') + 1))) continue;
      for (const d of tags.definitions) if (d.name === word) found.push({ path, line: d.line, column: d.column });
    }
    return found.sort((a, b) => Number(b.path === at.path) - Number(a.path === at.path));
  }

  /** Every whole-word occurrence of the name in files of the same language (comments and strings included). */
  async references(at: CodePosition): Promise<CodeLocation[]> {
    const word = await this.wordAt(at);
    if (!word) return [];
    const extensions = extensionsOf(languageOfPath(at.path) ?? '');
    const glob = extensions.length > 1 ? `*.{${extensions.join(',')}}` : `*.${extensions[0]}`;
    const pattern = `(^|[^\\w$])${word.replace(/\$/g, '\\$')}($|[^\\w$])`;
    const { hits } = await this.workspace.search({ pattern, regex: true, glob, max: REFERENCES_MAX });
    // Search hits carry trimmed lines: columns are counted on the file's own.
    const files = new Map<string, Promise<string[] | undefined>>();
    const found: CodeLocation[] = [];
    for (const hit of hits) {
      if (!files.has(hit.path)) files.set(hit.path, this.lines(hit.path));
      const text = (await files.get(hit.path))?.[hit.line - 1] ?? hit.text;
      for (const column of columnsOf(text, word)) found.push({ path: hit.path, line: hit.line, column });
    }
    return found;
  }

  /** The declaration lines of the definitions by that name (the signature, as written), with a doc comment above. */
  async hover(at: CodePosition): Promise<string[]> {
    const texts: string[] = [];
    for (const location of (await this.definitions(at)).slice(0, 3)) {
      const lines = await this.lines(location.path);
      const tags = this.index.get(location.path);
      const definition = tags?.definitions.find((d) => d.line === location.line && d.column === location.column);
      if (!lines || !definition) continue;
      const start = docStart(lines, definition.startLine);
      const end = Math.min(
        signatureEnd(lines, definition.startLine, definition.endLine),
        start + SIGNATURE_LINES + (definition.startLine - start),
      );
      const language = languageOfPath(location.path) ?? '';
      texts.push(`${location.path}:${definition.startLine}\n\`\`\`${language}\n${lines.slice(start - 1, end).join('\n')}\n\`\`\``);
    }
    return texts;
  }

  async rename(): Promise<{ ok: true; files: RenamedFile[] } | { ok: false; reason: string }> {
    return { ok: false, reason: RENAME_NEEDS_SERVER };
  }

  private async tagsOf(path: string): Promise<FileTags | undefined> {
    const text = await this.text(path);
    return text === undefined ? undefined : this.tagger.tags(path, text);
  }

  private async wordAt(at: CodePosition): Promise<string | undefined> {
    const line = (await this.lines(at.path))?.[at.line - 1];
    return line === undefined ? undefined : wordAt(line, at.column);
  }

  private async lines(path: string): Promise<string[] | undefined> {
    return (await this.text(path))?.split(/\r?\n/);
  }

  private async text(path: string): Promise<string | undefined> {
    const bytes = await this.workspace.readFile(path);
    return bytes && decodeUtf8(bytes)?.replace(/^\uFEFF/, '');
  }
}

export const RENAME_NEEDS_SERVER =
  'a rename needs a language server: syntax alone cannot tell which of the same-named symbols are this one, and an approximate rename that still compiles could pass verification and be applied by itself';

/** The 1-based columns of whole-word occurrences of `word` on a line. */
function columnsOf(text: string, word: string): number[] {
  const columns: number[] = [];
  for (let near = 1; ;) {
    const column = symbolColumn(text.slice(near - 1), word);
    if (column === undefined) return columns;
    columns.push(near - 1 + column);
    near += column - 1 + word.length;
  }
}

/** The first line of the comment block right above a definition (its documentation), else the definition's line. */
function docStart(lines: string[], line: number): number {
  let start = line;
  while (start > 1 && /^\s*(\/\/|\/\*|\*|#|\*\/|\/\/\/|@)/.test(lines[start - 2])) start--;
  return start;
}

/** Where a definition's header ends: the first line opening its body (`{`, a Python `:`), or its last line. */
function signatureEnd(lines: string[], start: number, end: number): number {
  for (let line = start; line <= end; line++) if (/[{:;=]\s*$|\{/.test(lines[line - 1])) return line;
  return end;
}
