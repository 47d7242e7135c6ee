import type { OutlineSymbol } from '../ports';
import { lookablePath } from './codePosition';
import { labelled, noServerReason, omissions, requireCodeIntelligence, textSearch } from './codeLookup';
import { ok, ToolError, type ToolDefinition } from './types';

/** Outline lines past this are counted, not listed: read_file a range for the rest. */
const OUTLINE_CAP = 300;

/**
 * Lines that usually start a definition in common languages, for the outline of a file no language server
 * reads (approximate, and labelled so).
 */
const DEFINITION_LINE =
  '^\\s*(export\\s+)?(default\\s+)?(pub(\\([a-z]+\\))?\\s+)?(async\\s+)?(def|class|function|fn|func|interface|struct|enum|trait|impl|type|module|namespace|object)\\s';

export const documentOutlineTool: ToolDefinition<{ path: string }> = {
  spec: {
    name: 'document_outline',
    description:
      "The symbols a file declares (classes, functions, methods… nested, with their line ranges), from the editor's language server (without an editor: from the syntax): a map of the file before reading it.",
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Workspace-relative file.' } },
      required: ['path'],
      additionalProperties: false,
    },
  },
  mutating: false,
  requires: 'codeIntelligence',
  summarize: (a) => a.path,
  async run(args, context) {
    const port = requireCodeIntelligence(context);
    const relative = await lookablePath(context.workspace, args.path);
    if (!(await context.workspace.readFile(relative)))
      throw new ToolError(`${relative} does not exist. Use list_files to find the right path.`);
    const status = await port.status(relative);
    if (status.state !== 'served') {
      const reason = `${noServerReason(relative, status)} — falling back to text search`;
      return textSearch(reason, `definition-like lines in ${relative}`, { pattern: DEFINITION_LINE, glob: relative }, context);
    }
    const symbols = await port.outline(relative);
    if (symbols.length === 0) return labelled(port, ok(`No symbols found in ${relative}.`));
    return labelled(port, ok(formatOutline(relative, symbols, OUTLINE_CAP)));
  },
};

/** One line per symbol, indented by nesting: `kind name detail (lines a-b)`, capped at `cap` lines. */
export function formatOutline(relative: string, symbols: OutlineSymbol[], cap: number): string {
  const lines: string[] = [];
  let total = 0;
  const visit = (symbol: OutlineSymbol, depth: number) => {
    total++;
    if (lines.length < cap) {
      const range = symbol.endLine > symbol.line ? `lines ${symbol.line}-${symbol.endLine}` : `line ${symbol.line}`;
      const detail = symbol.detail ? ` ${symbol.detail}` : '';
      lines.push(`${'  '.repeat(depth)}${symbol.kind} ${symbol.name}${detail} (${range})`);
    }
    for (const child of [...symbol.children].sort((a, b) => a.line - b.line)) visit(child, depth + 1);
  };
  for (const symbol of [...symbols].sort((a, b) => a.line - b.line)) visit(symbol, 0);
  return [`${relative}: ${total} symbol(s)`, ...lines, ...omissions(total - lines.length, 0, 'symbols')].join('\n');
}
