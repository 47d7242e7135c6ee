import { POSITION_PROPERTIES, summarizePosition, type PositionArgs } from './codePosition';
import { atPosition, formatLocations } from './codeLookup';
import { ok, type ToolDefinition } from './types';

export const goToDefinitionTool: ToolDefinition<PositionArgs> = {
  spec: {
    name: 'go_to_definition',
    description:
      "Where a symbol is defined, from the editor's language server. Give the file, the line and the symbol's name on that line (or a column).",
    parameters: { type: 'object', properties: POSITION_PROPERTIES, required: ['path', 'line'], additionalProperties: false },
  },
  mutating: false,
  requires: 'codeIntelligence',
  summarize: summarizePosition,
  run: (args, context) =>
    atPosition(args, context, async (port, at, word) => {
      const found = await port.definitions(at);
      if (found.length === 0) return ok(`No definition of "${word}" found from ${at.path}:${at.line}:${at.column}.`);
      const heading = found.length === 1 ? `Definition of "${word}":` : `${found.length} definitions of "${word}":`;
      return ok(`${heading}\n${await formatLocations(found, context.workspace, 20, 'definitions')}`);
    }),
};
