/**
 * The user's own allow and deny prefixes (`npm test`, `git push`), matched on parsed words so that
 * `npm test; rm -rf /` is not "a command starting with npm test".
 */
import { parse } from 'shell-quote';
import { baseName } from './commandRules';

/** Rules are parsed like commands; a rule that is not plain words (`npm test; x`) is ignored. */
export function parseRules(rules: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const rule of rules) {
    try {
      const words = parse(rule, (name: string) => `$${name}`);
      if (words.length > 0 && words.every((w): w is string => typeof w === 'string')) out.push(words);
    } catch {
      // An unparseable rule allows and denies nothing.
    }
  }
  return out;
}

/**
 * Word-prefix match: `npm test` matches `npm test -- --grep x`, not `npm tests` or `npm`. Deny rules compare
 * the program by base name, so `rm` also denies `/bin/rm`; allow rules need the exact spelling.
 */
export function matchesPrefix(argv: readonly string[], rule: readonly string[], byBaseName: boolean): boolean {
  if (rule.length > argv.length) return false;
  return rule.every((word, i) => (i === 0 && byBaseName ? baseName(argv[0]) === baseName(word) : argv[i] === word));
}
