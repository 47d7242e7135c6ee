/**
 * File arguments of a read-only command, checked on disk the way `read_file` checks its path (issue 14, cause
 * 3): the spelling alone cannot tell that `notes` is a symlink to `~/.ssh/id_rsa`, that `build.log` is ignored
 * by `.fixpointignore`, or that `id_rs?` expands to `id_rsa`. Each argument is resolved from the command's
 * folder (a glob expanded as bash would), realpath'd, and must stay inside the workspace, name no secret file
 * and not be ignored.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { resolveWorkspacePath } from './paths';
import { isSecretPath } from './secrets';

export interface FileArgumentFacts {
  /** Absolute workspace root. */
  readonly root: string;
  /** Whether .gitignore / .fixpointignore / fixpoint.exclude hide this workspace-relative file from the agent. */
  isIgnored(relative: string): Promise<boolean>;
}

/** Findings for `args` (words of one command run in `cwd`); empty when every argument is an ordinary workspace file. */
export async function fileArgumentFindings(args: readonly string[], cwd: string, facts: FileArgumentFacts): Promise<string[]> {
  const findings: string[] = [];
  const words: string[] = [];
  for (const arg of args) {
    if (!GLOB.test(arg)) {
      words.push(arg);
      continue;
    }
    const matches = await expandGlob(arg, cwd);
    if (matches === 'too many') findings.push(`\`${arg}\` matches more than ${MAX_MATCHES} files, too many to check`);
    else words.push(...matches);
  }
  // Checked together: each is a few file-system calls, and a long `cat a b c …` should not pay them in series.
  const perWord = await Promise.all(words.map((arg) => wordFinding(arg, cwd, facts)));
  for (const finding of perWord) if (finding) findings.push(finding);
  return [...new Set(findings)];
}

async function wordFinding(arg: string, cwd: string, facts: FileArgumentFacts): Promise<string | undefined> {
  const resolved = await resolveWorkspacePath(facts.root, path.resolve(cwd, arg));
  if (!resolved.ok) {
    // Words that are not files (a pattern, a revision) resolve to nothing outside: only links and real
    // escapes are findings here; spelled-out escapes were reported by the command policy already.
    return /symbolic link|outside the workspace/.test(resolved.reason)
      ? `reads \`${arg}\`, outside the workspace (${linkNote(resolved.reason)})`
      : undefined;
  }
  if (resolved.relative === '.') return undefined;
  if (isSecretPath(resolved.relative)) return `reads \`${arg}\`, which is \`${resolved.relative}\` and may hold secrets`;
  if (await facts.isIgnored(resolved.relative)) return `reads \`${arg}\`, which your ignore rules hide from the agent`;
  return undefined;
}

function linkNote(reason: string): string {
  return /symbolic link/.test(reason) ? 'through a symbolic link' : 'an absolute path';
}

const GLOB = /[*?[]/;
const MAX_MATCHES = 1000;

/**
 * What bash expands `pattern` to in `cwd`: segment by segment, `*` and `?` never matching `/`, hidden names
 * only for a segment that starts with a dot (no dotglob). No match leaves the word as it is (bash's default),
 * so the literal word is checked instead.
 */
async function expandGlob(pattern: string, cwd: string): Promise<string[] | 'too many'> {
  const absolute = path.isAbsolute(pattern);
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? '/' : ''];
  for (const segment of absolute ? segments.slice(1) : segments) {
    const next: string[] = [];
    for (const base of bases) {
      if (!GLOB.test(segment)) {
        next.push(path.join(base, segment));
        continue;
      }
      let names: string[];
      try {
        names = await fs.readdir(path.resolve(cwd, base || '.'));
      } catch {
        continue;
      }
      for (const name of names) {
        if (minimatch(name, segment, { dot: segment.startsWith('.') })) next.push(path.join(base, name));
      }
      if (next.length > MAX_MATCHES) return 'too many';
    }
    bases = next;
  }
  return bases.length > 0 ? bases : [pattern];
}
