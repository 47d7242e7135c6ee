import { SYMBOL_KINDS, type SymbolKindName, type WorkspaceSymbol } from '../ports';
import { labelled, locationLabel, omissions, requireCodeIntelligence, textSearchFallback, visibleOnly } from './codeLookup';
import { ok, ToolError, type ToolDefinition } from './types';

const SYMBOLS_CAP = 50;

interface FindSymbolArgs {
  query: string;
  kind?: SymbolKindName;
}

export const findSymbolTool: ToolDefinition<FindSymbolArgs> = {
  spec: {
    name: 'find_symbol',
    description:
      "Find where classes, functions, methods, types… are declared, by name, across the workspace (the editor's language servers, else the syntax; exact matches first).",
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'The name or part of it.' },
        kind: { type: 'string', enum: [...SYMBOL_KINDS], description: 'Only symbols of this kind.' },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  mutating: false,
  requires: 'codeIntelligence',
  summarize: (a) => `${JSON.stringify(a.query)}${a.kind ? ` (${a.kind})` : ''}`,
  async run(args, context) {
    const port = requireCodeIntelligence(context);
    const query = args.query.trim();
    if (query === '') throw new ToolError('query must not be empty.');
    const found = (await port.workspaceSymbols(query)).filter((s) => !args.kind || s.kind === args.kind);
    if (found.length === 0) {
      const kind = args.kind ? ` of kind ${args.kind}` : '';
      // TypeScript and others index only the projects of files opened so far, so a miss is not proof of absence.
      return textSearchFallback(query, `no language server knows a symbol${kind} matching "${query}"`, context);
    }
    const { shown, hidden } = await visibleOnly(rankByName(found, query), (s) => s.location, context.workspace);
    const lines = shown.slice(0, SYMBOLS_CAP).map(symbolLine);
    return labelled(port, ok([...lines, ...omissions(shown.length - SYMBOLS_CAP, hidden, 'symbols')].join('\n')));
  },
};

/** Servers match fuzzily: exact names first, then names starting with the query, then the rest, each by path. */
export function rankByName(symbols: WorkspaceSymbol[], query: string): WorkspaceSymbol[] {
  const lower = query.toLowerCase();
  // TypeScript names functions `area()`: the parentheses are not part of the name.
  const rank = ({ name: shown }: WorkspaceSymbol) => {
    const name = shown.replace(/\(\)$/, '');
    return name === query ? 0 : name.toLowerCase() === lower ? 1 : name.toLowerCase().startsWith(lower) ? 2 : 3;
  };
  return [...symbols].sort(
    (a, b) => rank(a) - rank(b) || a.location.path.localeCompare(b.location.path) || a.location.line - b.location.line,
  );
}

function symbolLine(symbol: WorkspaceSymbol): string {
  const container = symbol.container ? ` in ${symbol.container}` : '';
  return `${symbol.kind} ${symbol.name}${container} — ${locationLabel(symbol.location)}`;
}
