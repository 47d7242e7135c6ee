/**
 * Invisible Unicode (SAFETY §21).
 *
 * Characters that render as nothing (or reorder what is around them) let a rules file, a tool's output, a diff
 * or a command say something different to the model, or to the user approving it, from what it looks like.
 * `findInvisible` lists them so an approval prompt can flag them; `revealInvisible` rewrites them as visible
 * escapes such as `⟨U+202E⟩` so the user sees exactly what is there.
 */

export type InvisibleKind = 'tag' | 'bidi' | 'zero-width';

export interface InvisibleChar {
  /** UTF-16 offset of the character in the text. */
  index: number;
  /** The code point, e.g. 0x202e. */
  codePoint: number;
  kind: InvisibleKind;
  /** `U+202E` style label. */
  label: string;
}

/** Classifies one code point, or returns undefined when it is an ordinary character. */
export function invisibleKind(codePoint: number): InvisibleKind | undefined {
  // Unicode tag characters: an invisible copy of ASCII, used to hide whole instructions ("ASCII smuggling").
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'tag';
  // Bidi embeddings/overrides and isolates ("Trojan Source"), the LRM/RLM marks and the Arabic letter mark.
  if (codePoint >= 0x202a && codePoint <= 0x202e) return 'bidi';
  if (codePoint >= 0x2066 && codePoint <= 0x2069) return 'bidi';
  if (codePoint === 0x200e || codePoint === 0x200f || codePoint === 0x061c) return 'bidi';
  // Zero-width space / non-joiner / joiner, word joiner, and the BOM used as a zero-width no-break space.
  if (codePoint >= 0x200b && codePoint <= 0x200d) return 'zero-width';
  if (codePoint === 0x2060 || codePoint === 0xfeff) return 'zero-width';
  return undefined;
}

export function formatCodePoint(codePoint: number): string {
  return 'U+' + codePoint.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Every invisible character in `text`. A U+FEFF at offset 0 is a byte-order mark, which editors handle and
 * which preserving line endings/BOM (§7) needs to keep, so it is not reported.
 */
export function findInvisible(text: string): InvisibleChar[] {
  const found: InvisibleChar[] = [];
  let index = 0;
  for (const ch of text) {
    const codePoint = ch.codePointAt(0)!;
    const kind = invisibleKind(codePoint);
    if (kind && !(codePoint === 0xfeff && index === 0)) {
      found.push({ index, codePoint, kind, label: formatCodePoint(codePoint) });
    }
    index += ch.length;
  }
  return found;
}

export function hasInvisible(text: string): boolean {
  return findInvisible(text).length > 0;
}

/**
 * `text` with each invisible character replaced by `⟨U+XXXX⟩`. Tag characters mirror ASCII, so their hidden
 * letter is shown too (`⟨U+E0041 'A'⟩`): a user should be able to read the smuggled message.
 */
export function revealInvisible(text: string): string {
  const hits = findInvisible(text);
  if (hits.length === 0) return text;
  let out = '';
  let last = 0;
  for (const hit of hits) {
    out += text.slice(last, hit.index);
    out += `⟨${hit.label}${tagLetter(hit.codePoint)}⟩`;
    last = hit.index + (hit.codePoint > 0xffff ? 2 : 1);
  }
  return out + text.slice(last);
}

function tagLetter(codePoint: number): string {
  if (codePoint < 0xe0020 || codePoint > 0xe007e) return '';
  return ` '${String.fromCharCode(codePoint - 0xe0000)}'`;
}
