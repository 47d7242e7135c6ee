import { formatLocations, positionTool } from './codeLookup';
import { ok } from './types';

export const goToDefinitionTool = positionTool(
  'go_to_definition',
  "Where a symbol is defined, from the editor's language server (without an editor: by name from the syntax, approximate).",
  async (port, at, word, context) => {
    const found = await port.definitions(at);
    if (found.length === 0) return ok(`No definition of "${word}" found from ${at.path}:${at.line}:${at.column}.`);
    const heading = found.length === 1 ? `Definition of "${word}":` : `${found.length} definitions of "${word}":`;
    return ok(`${heading}\n${await formatLocations(found, context.workspace, 20, 'definitions')}`);
  },
);
