/**
 * Secrets and ignore rules (SAFETY §9, §17).
 *
 * - `isSecretPath`: files that usually hold credentials are never sent to the model unless the user names
 *   them explicitly (the caller decides what "explicitly" means; this only recognises the files).
 * - `createIgnoreFilter`: `.gitignore` (root and nested), `.fixpointignore` and `fixpoint.exclude` globs.
 * - `scrubEnvironment`: the API key and other credentials are removed from the environment of every command
 *   the agent runs, so a prompt-injected `env` or `curl -d "$OPENAI_API_KEY"` has nothing to leak.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { minimatch } from 'minimatch';
import { foldPath } from './paths';

// ---------------------------------------------------------------------------------------------------------
// Secret files

/**
 * `.env` templates are meant to be committed, hold placeholders rather than values, and tell the model which
 * settings exist, so they are *not* secret. Every other `.env*` file is.
 */
const ENV_TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist', '.defaults', '.schema'];

const SECRET_NAMES = new Set([
  '.npmrc', // registry auth tokens
  '.pypirc',
  '.netrc',
  '_netrc',
  '.git-credentials',
  '.htpasswd',
  '.pgpass',
  '.dockercfg',
  'credentials', // ~/.aws/credentials style, and gcloud
  'credentials.json',
  'secrets.json',
  'secrets.yml',
  'secrets.yaml',
  'terraform.tfvars',
  'terraform.tfstate', // state files embed resource secrets in clear text
]);

const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.ppk', '.kdbx', '.tfvars', '.tfstate', '.env'];

const SSH_KEY_PREFIXES = ['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519'];

/** Path segments whose contents are all credentials. */
const SECRET_FOLDERS: ReadonlyArray<readonly string[]> = [['.ssh'], ['.aws'], ['.gnupg'], ['.docker', 'config.json'], ['.kube', 'config']];

/** Whether `relative` names a file that usually holds credentials (compared case- and Unicode-folded). */
export function isSecretPath(relative: string): boolean {
  const folded = foldPath(relative);
  if (folded === '') return false;
  const segments = folded.split('/');
  const name = segments[segments.length - 1];

  for (const folder of SECRET_FOLDERS) {
    for (let i = 0; i + folder.length <= segments.length; i++) {
      if (folder.every((part, j) => segments[i + j] === part)) return true;
    }
  }
  if (name === '.env' || name.startsWith('.env.')) {
    return !ENV_TEMPLATE_SUFFIXES.some((suffix) => name.endsWith(suffix));
  }
  if (SECRET_NAMES.has(name)) return true;
  if (SECRET_EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length)) return true;
  if (SSH_KEY_PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Ignore rules

export interface IgnoreFilterOptions {
  /** `fixpoint.exclude` globs (minimatch, workspace-relative; a glob without `/` matches a name at any depth). */
  exclude?: readonly string[];
  /** Upper bound on folders visited while looking for nested ignore files, so a huge tree cannot stall us. */
  maxFolders?: number;
}

/** A rule set read from one folder's `.gitignore` + `.fixpointignore`; `base` is '' or `a/b/`. */
type Ignore = ReturnType<typeof ignore>;
interface RuleSet {
  base: string;
  rules: Ignore;
}

const IGNORE_FILES = ['.gitignore', '.fixpointignore'];

/**
 * Builds `(relative) => ignored` for the workspace at `root`. Paths are workspace-relative with `/` separators;
 * a trailing `/` marks a folder (as in gitignore, `build/` only matches folders). `.git` is always ignored.
 *
 * Nested ignore files apply to their own folder, deeper rules win, and nothing inside an ignored folder can be
 * re-included — git's rules. Ignored folders are not searched for further ignore files (git does not read them
 * either), which also keeps the walk away from `node_modules`.
 */
export async function createIgnoreFilter(root: string, options: IgnoreFilterOptions = {}): Promise<(relative: string) => boolean> {
  const maxFolders = options.maxFolders ?? 20_000;
  const sets: RuleSet[] = [];
  const excludes = (options.exclude ?? []).filter((g) => g.trim() !== '');

  const isIgnored = (relative: string): boolean => {
    const normal = relative.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    if (normal === '' || normal === '.') return false;
    const isDir = normal.endsWith('/');
    const parts = normal.split('/').filter((p) => p !== '');
    // Check each ancestor folder first: an ignored folder hides everything below it.
    for (let i = 1; i <= parts.length; i++) {
      const last = i === parts.length;
      const prefix = parts.slice(0, i).join('/') + (last && !isDir ? '' : '/');
      if (parts[i - 1] === '.git') return true;
      if (excludes.some((glob) => matchesGlob(prefix.replace(/\/$/, ''), glob))) return true;
      if (ruleSetsSay(sets, prefix)) return true;
    }
    return false;
  };

  // Breadth-first walk collecting ignore files, skipping folders already ignored.
  const queue: string[] = [''];
  let visited = 0;
  while (queue.length > 0 && visited < maxFolders) {
    const base = queue.shift()!;
    visited++;
    const folder = path.join(root, base);
    let entries: import('node:fs').Dirent[] | undefined;
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      entries = undefined; // unlistable: its ignore files may still be readable
    }
    // Only the ignore files the folder has are read: trying every name in every folder was most of the walk.
    const present = entries ? IGNORE_FILES.filter((file) => entries.some((e) => e.name === file && !e.isDirectory())) : IGNORE_FILES;
    const rules = ignore({ allowRelativePaths: true });
    let found = false;
    for (const file of present) {
      const text = await readText(path.join(folder, file));
      if (text !== undefined) {
        rules.add(text);
        found = true;
      }
    }
    if (found) sets.push({ base, rules });
    if (!entries) continue;
    for (const entry of entries) {
      if (!entry.isDirectory()) continue; // symlinked folders are not followed
      const child = `${base}${entry.name}/`;
      if (!isIgnored(child)) queue.push(child);
    }
  }
  return isIgnored;
}

/** Applies the rule sets that cover `prefix`, shallow to deep: a deeper match (ignore or `!` re-include) wins. */
function ruleSetsSay(sets: readonly RuleSet[], prefix: string): boolean {
  let ignored = false;
  for (const set of sets) {
    if (!prefix.startsWith(set.base) || prefix === set.base) continue;
    const result = set.rules.test(prefix.slice(set.base.length));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function matchesGlob(relative: string, glob: string): boolean {
  return minimatch(relative, glob, { dot: true, matchBase: !glob.includes('/') });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Environment scrubbing

/** Name segments (split on `_` and other non-alphanumerics, upper-cased) that mark a credential. */
const SECRET_ENV_SEGMENTS = new Set([
  'KEY',
  'APIKEY',
  'TOKEN',
  'AUTHTOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'PAT',
  'COOKIE',
  'PRIVATE',
]);

/**
 * Exact names that do not follow the segment convention. `SSH_AUTH_SOCK` is matched by `AUTH` on purpose: the
 * agent's commands should not be able to use the user's SSH agent to push or log in somewhere.
 */
const SECRET_ENV_NAMES = new Set(['SSHPASS', 'MYSQL_PWD', 'NETRC', 'KUBECONFIG']);

/** Whether an environment variable name looks like it carries a credential. */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_ENV_NAMES.has(upper)) return true;
  // Segments also count when glued to a prefix (`PGPASSWORD`, `GHTOKEN`), for the unambiguous words.
  return upper.split(/[^A-Z0-9]+/).some((segment) => SECRET_ENV_SEGMENTS.has(segment) || /(PASSWORD|TOKEN|SECRET|APIKEY)$/.test(segment));
}

/** `scheme://user:password@host` — a password embedded in a URL (e.g. `DATABASE_URL`). */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/**
 * A copy of `env` without credentials: variables whose name marks a secret (`OPENAI_API_KEY`, `*_TOKEN`,
 * `*_SECRET`, `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`, …) and variables whose value is a URL with
 * an embedded password. Everything else, including `PATH` and `HOME`, is kept.
 */
export function scrubEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isSecretEnvName(name) || URL_WITH_PASSWORD.test(value)) continue;
    out[name] = value;
  }
  return out;
}

/** The values of the credentials in `env` (what `scrubEnvironment` removes), to mask them wherever they show up. */
export function secretEnvironmentValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) if (value && isSecretEnvName(name)) out.push(value);
  return out;
}
