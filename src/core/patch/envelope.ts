// Finds the `*** Begin Patch` … `*** End Patch` envelope inside what the model sent, tolerating the wrappers
// models commonly put around it: Markdown fences, a shell heredoc (`apply_patch <<'EOF'`), blank lines, a
// missing `*** End Patch`. Everything else around the envelope is an error: guessing would risk applying
// half of a patch.
import { PatchError } from './errors';

export interface Envelope {
  /** Index of the first body line (just after `*** Begin Patch`, or the first file marker when it is missing). */
  bodyStart: number;
  /** Index one past the last body line (the `*** End Patch` line, or the end of the meaningful text). */
  bodyEnd: number;
}

const BEGIN = /^\*\*\*\s*begin\s+patch\s*$/i;
const END = /^\*\*\*\s*end\s+patch\s*$/i;
const FILE_MARKER = /^\*\*\*\s*(add|update|delete)\s+file\s*:/i;
const FENCE = /^\s*(`{3,}|~{3,})[\w+-]*\s*$/;
// `apply_patch <<'EOF'`, `cat <<"PATCH" | apply_patch`, `apply_patch <<-EOF` …: remember the terminator word.
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/;

export function isBeginMarker(line: string): boolean {
  return BEGIN.test(line.trim());
}

export function isEndMarker(line: string): boolean {
  return END.test(line.trim());
}

export function findEnvelope(lines: string[]): Envelope {
  let i = skipBlank(lines, 0, lines.length);
  const closers: string[] = [];
  // At most a fence and a heredoc (in either order) may precede the envelope.
  for (let wrappers = 0; wrappers < 2 && i < lines.length; wrappers++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    const heredoc = HEREDOC.exec(line);
    if (fence) {
      closers.push(fence[1]);
    } else if (heredoc && !line.trim().startsWith('***')) {
      closers.push(heredoc[2]);
    } else {
      break;
    }
    i = skipBlank(lines, i + 1, lines.length);
  }
  if (i >= lines.length) {
    throw new PatchError('The patch is empty: expected "*** Begin Patch" followed by file operations and "*** End Patch".');
  }
  let bodyStart: number;
  if (isBeginMarker(lines[i])) {
    bodyStart = i + 1;
  } else if (FILE_MARKER.test(lines[i].trim())) {
    bodyStart = i; // A missing `*** Begin Patch` is harmless when the first line is a file marker.
  } else {
    throw new PatchError(`line ${i + 1}: expected "*** Begin Patch" as the first line of the patch, found ${quote(lines[i])}.`);
  }

  // Walk back from the end over blank lines and the closers of the wrappers we saw.
  let last = lines.length - 1;
  // Walking backwards, the outermost wrapper (opened first) closes first.
  let nextCloser = 0;
  while (last >= bodyStart) {
    const t = lines[last].trim();
    if (t === '') {
      last--;
    } else if (nextCloser < closers.length && isCloser(t, closers[nextCloser])) {
      nextCloser++;
      last--;
    } else {
      break;
    }
  }
  if (last >= bodyStart && isEndMarker(lines[last])) {
    return { bodyStart, bodyEnd: last };
  }
  // No `*** End Patch` at the end. If there is one earlier, text follows it: refuse rather than guess.
  for (let k = bodyStart; k <= last; k++) {
    if (lines[k].startsWith('***') && isEndMarker(lines[k])) {
      throw new PatchError(
        `line ${k + 2}: unexpected text after "*** End Patch" (${quote(lines[k + 1] ?? '')}). ` +
          'Send one patch per call, ending with "*** End Patch".',
      );
    }
  }
  return { bodyStart, bodyEnd: last + 1 };
}

function isCloser(trimmed: string, closer: string): boolean {
  if (closer.startsWith('`') || closer.startsWith('~')) {
    return trimmed.startsWith(closer) && /^(`+|~+)$/.test(trimmed);
  }
  return trimmed === closer;
}

function skipBlank(lines: string[], from: number, to: number): number {
  let i = from;
  while (i < to && lines[i].trim() === '') i++;
  return i;
}

/** Quotes a patch or file line for an error message, shortened so one message stays readable. */
export function quote(text: string, max = 120): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
