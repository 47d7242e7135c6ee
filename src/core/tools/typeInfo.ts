import { positionTool } from './codeLookup';
import { ok } from './types';

/** Hover texts past this are cut: a signature and its documentation fit well within it. */
const HOVER_CHARS = 4000;

export const typeInfoTool = positionTool(
  'type_info',
  "The type or signature of a symbol and its documentation (the editor's hover), from the language server (without an editor: the declaration as written).",
  async (port, at, word) => {
    const texts = (await port.hover(at)).map(plainHover).filter((t) => t !== '');
    if (texts.length === 0) return ok(`The language server has no type information for "${word}" at ${at.path}:${at.line}:${at.column}.`);
    const text = texts.join('\n\n');
    return ok(`"${word}" (${at.path}:${at.line}:${at.column}):\n${text.length > HOVER_CHARS ? `${text.slice(0, HOVER_CHARS)}…` : text}`);
  },
);

/** Hover Markdown made compact: code fences dropped (their code kept), runs of blank lines collapsed. */
export function plainHover(markdown: string): string {
  return markdown
    .replace(/^```[\w+-]*[ \t]*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
