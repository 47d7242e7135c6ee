// Text plumbing: split a file into lines that remember their own terminators (so CRLF, LF, mixed endings and a
// missing final newline survive byte for byte), and the normalised forms the matcher compares.

export interface FileLine {
  text: string;
  /** '\n', '\r\n' or '' (last line without a final newline). */
  eol: string;
}

export interface SplitFile {
  bom: boolean;
  lines: FileLine[];
  /** Whether the file ended with a line terminator (an empty file counts as ending with one). */
  finalNewline: boolean;
  /** The most common terminator, used for lines that have no neighbour to copy from. */
  dominantEol: string;
}

const BOM = '\uFEFF';

export function splitFile(content: string): SplitFile {
  const bom = content.startsWith(BOM);
  const body = bom ? content.slice(1) : content;
  const lines: FileLine[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  while (start < body.length) {
    const nl = body.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ text: body.slice(start), eol: '' });
      break;
    }
    if (nl > start && body.charCodeAt(nl - 1) === 13) {
      lines.push({ text: body.slice(start, nl - 1), eol: '\r\n' });
      crlf++;
    } else {
      lines.push({ text: body.slice(start, nl), eol: '\n' });
      lf++;
    }
    start = nl + 1;
  }
  const finalNewline = lines.length === 0 || lines[lines.length - 1].eol !== '';
  return { bom, lines, finalNewline, dominantEol: crlf > lf ? '\r\n' : '\n' };
}

/** Joins lines back, forcing the original final-newline convention onto whatever line is now last. */
export function joinFile(file: Pick<SplitFile, 'bom' | 'finalNewline' | 'dominantEol'>, lines: FileLine[]): string {
  let out = file.bom ? BOM : '';
  for (let i = 0; i < lines.length; i++) {
    const { text, eol } = lines[i];
    const last = i === lines.length - 1;
    if (last && !file.finalNewline) out += text;
    else out += text + (eol === '' ? file.dominantEol : eol);
  }
  return out;
}

// Typographic characters models substitute for ASCII ones. Mapped only for comparison, never written.
const PUNCTUATION: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u00B4': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
};
const UNICODE_SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const PUNCTUATION_CHARS = /[\u2018\u2019\u201A\u201B\u2032\u00B4\u201C-\u201F\u2033\u00AB\u00BB\u2010-\u2015\u2212\u2026]/g;

/**
 * The loosest exact comparison form: typographic punctuation mapped to ASCII, every whitespace run collapsed
 * to one space, ends trimmed. Two lines with the same key differ only in ways that never change what code means
 * (except inside string literals, which is why context keeps the file's own text).
 */
export function looseKey(text: string): string {
  return punctuationToAscii(text).replace(/\s+/g, ' ').trim();
}

/** Typographic punctuation and Unicode spaces mapped to ASCII, zero-width characters removed. */
export function punctuationToAscii(text: string): string {
  if (!/[^\x00-\x7F]/.test(text)) return text;
  return text
    .replace(ZERO_WIDTH, '')
    .replace(UNICODE_SPACES, ' ')
    .replace(PUNCTUATION_CHARS, (c) => PUNCTUATION[c] ?? c);
}

export function leadingWhitespace(text: string): string {
  const m = /^[ \t]*/.exec(text);
  return m ? m[0] : '';
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

export function hasNul(content: string): boolean {
  return content.includes('\u0000');
}
