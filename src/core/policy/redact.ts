/**
 * Secrets in command output (issue 14, cause 4). A read-only command can still print a credential: `git remote
 * -v` with a token in the URL, `git show HEAD:.env`, `git grep KEY`, the API key in a process environment.
 * Everything a command prints passes through `redactSecrets` before it reaches the model: credentials in URLs,
 * well-known key formats, `NAME=value` lines whose name marks a secret, the exact values of the secrets
 * Fixpoint itself holds, and grep-style lines from files that may hold secrets.
 */
import { isSecretEnvName, isSecretPath } from './secrets';

const MASK = '[redacted]';

/** Key formats with a recognisable prefix (sources: each vendor's token documentation). */
const KEY_FORMATS: readonly RegExp[] = [
  /\bsk-(?:proj-|ant-|or-v1-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic, OpenRouter
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** `scheme://user:password@` and `https://token@` (a long user name is a token, as in `https://ghp_…@github.com`). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::([^/\s@]+))?@/gi;

/** `NAME=value`, `NAME: value`, `export NAME="value"` with a secret-looking name. */
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)(.+)$/;

/** The file a grep-style line (`path:line:text`, `rev:path:text` from git grep) comes from, if it names one. */
function grepSource(line: string): string | undefined {
  const [first, second] = line.split(':', 3);
  if (second === undefined || /\s/.test(first)) return undefined;
  if (isSecretPath(first)) return first;
  return !/\s/.test(second) && isSecretPath(second) ? second : undefined;
}

export interface Redaction {
  text: string;
  /** How many secrets were masked (0: the text is unchanged). */
  count: number;
}

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): Redaction {
  let count = 0;
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length < 8) continue; // Too short to be a credential; masking it would garble ordinary text.
    const parts = out.split(secret);
    count += parts.length - 1;
    out = parts.join(MASK);
  }
  for (const format of KEY_FORMATS) {
    out = out.replace(format, () => {
      count++;
      return MASK;
    });
  }
  out = out.replace(URL_CREDENTIALS, (match, scheme: string, user: string, password: string | undefined) => {
    if (password !== undefined) {
      count++;
      return `${scheme}${user}:${MASK}@`;
    }
    if (user.length >= 16 && !user.includes('.')) {
      count++;
      return `${scheme}${MASK}@`;
    }
    return match;
  });
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const source = grepSource(line);
    if (source) {
      lines[i] = `${line.slice(0, line.indexOf(source) + source.length)}: [line hidden: ${source} may hold secrets]`;
      count++;
      continue;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (assignment && isSecretEnvName(assignment[2]) && assignment[4].trim() !== '' && !assignment[4].includes(MASK)) {
      lines[i] = `${assignment[1]}${assignment[2]}${assignment[3]}${MASK}`;
      count++;
    }
  }
  return count === 0 ? { text, count } : { text: lines.join('\n'), count };
}
