import { POSITION_PROPERTIES, summarizePosition, type PositionArgs } from './codePosition';
import { atPosition } from './codeLookup';
import { ok, type ToolDefinition } from './types';

/** Hover texts past this are cut: a signature and its documentation fit well within it. */
const HOVER_CHARS = 4000;

export const typeInfoTool: ToolDefinition<PositionArgs> = {
  spec: {
    name: 'type_info',
    description:
      "The type or signature of a symbol and its documentation (the editor's hover), from the language server. Give the file, the line and the symbol's name on that line (or a column).",
    parameters: { type: 'object', properties: POSITION_PROPERTIES, required: ['path', 'line'], additionalProperties: false },
  },
  mutating: false,
  requires: 'codeIntelligence',
  summarize: summarizePosition,
  run: (args, context) =>
    atPosition(args, context, async (port, at, word) => {
      const texts = (await port.hover(at)).map(plainHover).filter((t) => t !== '');
      if (texts.length === 0) return ok(`The language server has no type information for "${word}" at ${at.path}:${at.line}:${at.column}.`);
      const text = texts.join('\n\n');
      return ok(`"${word}" (${at.path}:${at.line}:${at.column}):\n${text.length > HOVER_CHARS ? `${text.slice(0, HOVER_CHARS)}…` : text}`);
    }),
};

/** Hover Markdown made compact: code fences dropped (their code kept), runs of blank lines collapsed. */
export function plainHover(markdown: string): string {
  return markdown
    .replace(/^```[\w+-]*[ \t]*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
