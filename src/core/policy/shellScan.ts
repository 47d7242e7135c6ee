/**
 * A lexical scan of a shell command line, done before (and independently of) `shell-quote`.
 *
 * shell-quote turns a line into words and operators, but it is a tokenizer, not a shell: it silently expands
 * `$VAR` to "", reads a newline as a space, leaves backticks inside words and does not know brace or tilde
 * expansion. Each of those is a way to make a command do something other than what its words say, so this
 * scanner walks the line with bash's quoting rules and reports every such construct, plus the text inside
 * command and process substitutions so the caller can analyse it as a command in its own right.
 */

export interface ShellScan {
  /** Shell constructs found, as reasons a user can read ("command substitution $(...)"). Empty = plain words. */
  features: string[];
  /** Constructs that can run hidden commands and are treated as dangerous on their own. */
  dangerous: string[];
  /** Texts inside `$(...)`, backticks, `<(...)`, `>(...)` and `$((...))`. */
  substitutions: string[];
  /** Unquoted glob characters (`*`, `?`, `[`) are present. */
  hasGlob: boolean;
  /** The line with unquoted newlines replaced by ` ; `, so a tokenizer sees them as command separators. */
  separated: string;
  /** Quotes, substitutions or braces were left open: the line cannot be analysed. */
  unterminated: boolean;
}

const WORD_BREAK = new Set([' ', '\t', '\n', '\r', ';', '&', '|', '(', ')', '<', '>']);

export function scanShell(line: string): ShellScan {
  const features = new Set<string>();
  const dangerous = new Set<string>();
  const substitutions: string[] = [];
  let hasGlob = false;
  let unterminated = false;
  let separated = '';
  let quote: '' | "'" | '"' = '';

  // Jumps past a balanced `(`…`)` (or `{`…`}`) starting at `open`, honouring quotes; -1 when never closed.
  const closeOf = (open: number, openCh: string, closeCh: string): number => {
    let depth = 0;
    let q: '' | "'" | '"' = '';
    for (let j = open; j < line.length; j++) {
      const c = line[j];
      if (q) {
        if (c === q) q = '';
        else if (c === '\\' && q === '"') j++;
        continue;
      }
      if (c === '\\') j++;
      else if (c === "'" || c === '"') q = c;
      else if (c === openCh) depth++;
      else if (c === closeCh && --depth === 0) return j;
    }
    return -1;
  };

  const substitution = (start: number, openCh: string, closeCh: string, label: string): number => {
    const end = closeOf(start, openCh, closeCh);
    features.add(label);
    if (end < 0) {
      unterminated = true;
      return line.length;
    }
    substitutions.push(line.slice(start + 1, end));
    return end;
  };

  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    const code = c.charCodeAt(0);
    const atWordStart = i === 0 || (quote === '' && WORD_BREAK.has(line[i - 1]));
    if (c === '\n' || c === '\r') {
      features.add('a newline (a second command)');
      separated += quote ? c : ' ; ';
      continue;
    }
    if ((code < 0x20 && c !== '\t') || code === 0x7f) features.add('a control character');
    separated += c;

    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    // Inside double quotes only `\`, `$` and backticks are special.
    if (c === '\\') {
      if (line[i + 1] === '\n' || line[i + 1] === '\r') features.add('a newline (a second command)');
      if (i + 1 < line.length) separated += line[++i];
      continue;
    }
    if (c === '`') {
      const end = line.indexOf('`', i + 1);
      features.add('command substitution `...`');
      if (end < 0) unterminated = true;
      else substitutions.push(line.slice(i + 1, end));
      separated += line.slice(i + 1, end < 0 ? line.length : end + 1);
      i = end < 0 ? line.length : end;
      continue;
    }
    if (c === '$') {
      const next = line[i + 1];
      let end = i;
      if (next === '(' && line[i + 2] === '(') end = substitution(i + 1, '(', ')', 'arithmetic expansion $((...))');
      else if (next === '(') end = substitution(i + 1, '(', ')', 'command substitution $(...)');
      else if (next === '{') {
        end = closeOf(i + 1, '{', '}');
        features.add('parameter expansion ${...}');
        if (end < 0) {
          unterminated = true;
          end = line.length;
        } else {
          const inner = line.slice(i + 2, end);
          if (inner.startsWith('!')) dangerous.add('indirect expansion ${!...} (runs whatever a variable names)');
          if (/@[A-Za-z]/.test(inner)) dangerous.add('transforming expansion ${...@P} (can run hidden commands)');
          if (inner.includes('$(') || inner.includes('`')) substitutions.push(inner);
        }
      } else if (next === "'" && quote === '') features.add("ANSI-C quoting $'...' (can hide characters)");
      else if (next === '"' && quote === '') features.add('locale quoting $"..."');
      else if (next !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(next)) features.add('variable expansion $VAR');
      if (end > i) {
        separated += line.slice(i + 1, end + 1);
        i = end;
      }
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if ((c === '<' || c === '>') && line[i + 1] === '(') {
      const end = substitution(i + 1, '(', ')', 'process substitution <(...)');
      separated += line.slice(i + 1, end + 1);
      i = end;
      continue;
    }
    if (c === '*' || c === '?' || c === '[') hasGlob = true;
    if (c === '{' && isBraceExpansion(line, i)) features.add('brace expansion {a,b}');
    if (atWordStart && c === '~') features.add('tilde expansion ~ (home folder)');
    if (atWordStart && c === '#') features.add('a comment');
    if (atWordStart && c === '!') features.add('! (pipeline negation / history expansion)');
  }
  if (quote) unterminated = true;
  if (unterminated) features.add('unbalanced quotes or brackets');
  return { features: [...features], dangerous: [...dangerous], substitutions, hasGlob, separated, unterminated };
}

/** `{a,b}` or `{1..3}` within one unquoted word. */
function isBraceExpansion(line: string, open: number): boolean {
  let depth = 0;
  for (let j = open; j < line.length; j++) {
    const c = line[j];
    if (WORD_BREAK.has(c) || c === "'" || c === '"') return false;
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const inner = line.slice(open + 1, j);
      return inner.includes(',') || inner.includes('..');
    }
  }
  return false;
}
