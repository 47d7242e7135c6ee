import { POSITION_PROPERTIES, summarizePosition, type PositionArgs } from './codePosition';
import { atPosition, formatLocations } from './codeLookup';
import { ok, type ToolDefinition } from './types';

/** More references than this are counted, not listed: the model narrows down or reads the files. */
const REFERENCES_CAP = 100;

export const findReferencesTool: ToolDefinition<PositionArgs> = {
  spec: {
    name: 'find_references',
    description:
      "Every use of a symbol across the workspace (the definition included), from the editor's language server: resolved references, not text matches. Give the file, the line and the symbol's name on that line (or a column).",
    parameters: { type: 'object', properties: POSITION_PROPERTIES, required: ['path', 'line'], additionalProperties: false },
  },
  mutating: false,
  requires: 'codeIntelligence',
  summarize: summarizePosition,
  run: (args, context) =>
    atPosition(args, context, async (port, at, word) => {
      const found = await port.references(at);
      if (found.length === 0) return ok(`No references to "${word}" found from ${at.path}:${at.line}:${at.column}.`);
      const files = new Set(found.map((l) => l.path)).size;
      const heading = `${found.length} reference(s) to "${word}" in ${files} file(s):`;
      return ok(`${heading}\n${await formatLocations(found, context.workspace, REFERENCES_CAP, 'references')}`);
    }),
};
