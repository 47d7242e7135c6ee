import { formatLocations, positionTool } from './codeLookup';
import { ok } from './types';

/** More references than this are counted, not listed: the model narrows down or reads the files. */
const REFERENCES_CAP = 100;

export const findReferencesTool = positionTool(
  'find_references',
  "Every use of a symbol across the workspace (the definition included), from the editor's language server: resolved references, not text matches (without an editor: whole-word matches, approximate).",
  async (port, at, word, context) => {
    const found = await port.references(at);
    if (found.length === 0) return ok(`No references to "${word}" found from ${at.path}:${at.line}:${at.column}.`);
    const files = new Set(found.map((l) => l.path)).size;
    const heading = `${found.length} reference(s) to "${word}" in ${files} file(s):`;
    return ok(`${heading}\n${await formatLocations(found, context.workspace, REFERENCES_CAP, 'references')}`);
  },
);
