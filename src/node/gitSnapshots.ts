import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SnapshotDifference, WorkspaceSnapshots } from '../core/ports';
import { gitEnv, safeGitArgs, scrubEnvironment } from '../core/policy';

/**
 * Attributes of the private store, which win over the workspace's own `.gitattributes`: no end-of-line
 * conversion, filter, ident or encoding, so a snapshot holds the bytes on disk and a restore writes them back
 * unchanged; no diff or merge driver either, so nothing the repository configures ever runs.
 */
const ATTRIBUTES = '* -text -eol -filter -ident -working-tree-encoding -diff -merge\n';
const REF_PREFIX = 'refs/fixpoint/';
const ABSENT_SHA = /^0+$/;
/** Nested repositories are recorded as links (mode 160000) and never restored: their own git owns them. */
const GITLINK = '160000';

/**
 * Workspace snapshots in a private git object store: a separate GIT_DIR (in the extension's storage, or the
 * CLI's cache) with the workspace as work tree and an index of its own. The user's `.git`, index, branches and
 * stash are never read or written, and the folder does not have to be a repository.
 *
 * Ignore rules are git's own: the workspace's `.gitignore` files (nested ones and negations included, with the
 * exact semantics the user's git has), plus — copied into the store's `info/exclude` before every snapshot —
 * the repository's `.git/info/exclude` and the root `.fixpointignore`. Git's C walk with a warm index hashes
 * only files whose stat changed, which is what keeps a snapshot of a large tree cheap.
 *
 * Snapshot ids are tree ids; each is kept alive by a ref `refs/fixpoint/<group>/<tree>`, so pruning a task's
 * checkpoints is dropping its refs and letting `git gc --prune=now` free what nothing else shares.
 */
export class GitWorkspaceSnapshots implements WorkspaceSnapshots {
  private ready: Promise<void> | undefined;
  private excludes: string | undefined;
  private readonly env: Record<string, string>;

  constructor(
    private readonly root: string,
    private readonly gitDir: string,
  ) {
    // Any GIT_* the process inherited (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE…) would point git elsewhere.
    const base = Object.fromEntries(Object.entries(scrubEnvironment(process.env)).filter(([name]) => !name.startsWith('GIT_')));
    this.env = {
      ...gitEnv(base),
      GIT_DIR: gitDir,
      GIT_WORK_TREE: root,
      GIT_INDEX_FILE: path.join(gitDir, 'index'),
      // The user's global config may define filter drivers (git-lfs) or hooks; the store needs none of it.
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_LITERAL_PATHSPECS: '1',
    };
  }

  /** The CLI's store for `root`: $XDG_CACHE_HOME (default ~/.cache)/fixpoint/checkpoints/<hash of the workspace path>. */
  static cacheDirFor(root: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
    const key = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
    const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
    return path.join(cache, 'fixpoint', 'checkpoints', key);
  }

  async take(group: string): Promise<string> {
    await this.open();
    await this.syncExcludes();
    await this.git(['-c', 'advice.addEmbeddedRepo=false', 'add', '--all', '--ignore-errors', '--', '.']);
    const tree = (await this.git(['write-tree'])).toString('utf8').trim();
    await this.git(['update-ref', `${REF_PREFIX}${groupName(group)}/${tree}`, tree]);
    await this.touchGroup(groupName(group));
    return tree;
  }

  async compare(from: string, to: string): Promise<SnapshotDifference[]> {
    if (from === to) return [];
    await this.open();
    const fields = (await this.git(['diff-tree', '-r', '-z', '--no-renames', from, to])).toString('utf8').split('\0');
    const out: SnapshotDifference[] = [];
    // Raw format: ":<mode a> <mode b> <sha a> <sha b> <status>" NUL "<path>" NUL.
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [modeA, modeB, shaA, shaB] = fields[i].slice(1).split(' ');
      if (modeA === GITLINK || modeB === GITLINK) continue;
      out.push({ path: fields[i + 1], from: contentId(modeA, shaA), to: contentId(modeB, shaB) });
    }
    return out;
  }

  async readText(id: string): Promise<string | undefined> {
    const [mode, sha] = id.split(':');
    if (mode !== '100644') return undefined;
    await this.open();
    const bytes = await this.git(['cat-file', 'blob', sha]);
    if (bytes.includes(0)) return undefined;
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }

  async checkout(snapshot: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.open();
    await this.git(
      ['restore', `--source=${snapshot}`, '--worktree', '--pathspec-from-file=-', '--pathspec-file-nul'],
      Buffer.from(paths.join('\0')),
    );
  }

  async usage(): Promise<number> {
    if (!(await exists(path.join(this.gitDir, 'HEAD')))) return 0;
    await this.open();
    // Loose objects, packs and garbage, in KiB: counted by git itself, without walking thousands of files.
    const counts = (await this.git(['count-objects', '-v'])).toString('utf8');
    const kib = [...counts.matchAll(/^(size|size-pack|size-garbage): (\d+)$/gm)].reduce((sum, m) => sum + Number(m[2]), 0);
    return kib * 1024;
  }

  async prune(maxBytes: number, keep: readonly string[]): Promise<void> {
    if ((await this.usage()) <= maxBytes) return;
    const kept = new Set(keep.map(groupName));
    const ages = await this.groupAges();
    const groups = [...new Set((await this.refs()).map((ref) => ref.slice(REF_PREFIX.length).split('/')[0]))]
      .filter((group) => !kept.has(group))
      .sort((a, b) => (ages[a] ?? 0) - (ages[b] ?? 0));
    for (const group of groups) {
      await this.forget(group);
      if ((await this.usage()) <= maxBytes) return;
    }
  }

  async forget(group: string): Promise<void> {
    const name = groupName(group);
    const deletions = (await this.refs()).filter((ref) => ref.startsWith(`${REF_PREFIX}${name}/`)).map((ref) => `delete ${ref}\n`);
    if (deletions.length) await this.git(['update-ref', '--stdin'], Buffer.from(deletions.join('')));
    const ages = await this.groupAges();
    delete ages[name];
    await fs.writeFile(this.agesFile(), JSON.stringify(ages));
    await this.git(['gc', '--prune=now', '--quiet']);
  }

  private async refs(): Promise<string[]> {
    await this.open();
    return (await this.git(['for-each-ref', '--format=%(refname)', REF_PREFIX])).toString('utf8').split('\n').filter(Boolean);
  }

  private open(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(path.join(this.gitDir, 'info'), { recursive: true });
      if (!(await exists(path.join(this.gitDir, 'HEAD')))) await this.git(['init', '--quiet', '--template=']);
      for (const [key, value] of [
        ['core.autocrlf', 'false'],
        ['core.logAllRefUpdates', 'false'],
        ['core.untrackedCache', 'true'],
        ['gc.auto', '0'],
      ])
        await this.git(['config', key, value]);
      await fs.writeFile(path.join(this.gitDir, 'info', 'attributes'), ATTRIBUTES);
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /**
   * The store's `info/exclude`: the repository's own excludes, every `.fixpointignore` (a nested one's
   * patterns rewritten relative to its folder, as git reads a nested `.gitignore`), and the store itself.
   */
  private async syncExcludes(): Promise<void> {
    const parts = [await readOptional(path.join(this.root, '.git', 'info', 'exclude'))];
    const listed = await this.git(
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ':(glob)**/.fixpointignore'],
      undefined,
      { GIT_LITERAL_PATHSPECS: '0' },
    );
    for (const file of listed.toString('utf8').split('\0').filter(Boolean).sort()) {
      const folder = path.posix.dirname(file);
      parts.push(rebasePatterns(await readOptional(path.join(this.root, file)), folder === '.' ? '' : folder));
    }
    const inside = path.relative(this.root, this.gitDir);
    if (inside && !inside.startsWith('..') && !path.isAbsolute(inside)) parts.push(`/${inside.split(path.sep).join('/')}/`);
    const text = parts.filter(Boolean).join('\n') + '\n';
    if (text === this.excludes) return;
    await fs.writeFile(path.join(this.gitDir, 'info', 'exclude'), text);
    this.excludes = text;
  }

  private agesFile(): string {
    return path.join(this.gitDir, 'fixpoint-groups.json');
  }

  private async groupAges(): Promise<Record<string, number>> {
    try {
      return JSON.parse(await fs.readFile(this.agesFile(), 'utf8')) as Record<string, number>;
    } catch {
      return {};
    }
  }

  /** Remembers when a group last took a snapshot: pruning drops the least recently used first. */
  private async touchGroup(group: string): Promise<void> {
    const ages = await this.groupAges();
    ages[group] = Date.now();
    await fs.writeFile(this.agesFile(), JSON.stringify(ages));
  }

  private git(args: readonly string[], input?: Buffer, env: Record<string, string> = {}): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', safeGitArgs(args), { cwd: this.root, env: { ...this.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
      });
      child.stdin.end(input);
    });
  }
}

/**
 * Patterns of the ignore file in `folder` ('' = the root) as root-level patterns: one with a slash before its
 * end is relative to the folder, one without matches at any depth below it (gitignore(5)).
 */
function rebasePatterns(text: string, folder: string): string {
  if (!folder) return text;
  const base = folder.replace(/[\\*?[\]!# ]/g, (c) => `\\${c}`);
  return text
    .split(/\r?\n/)
    .map((line) => {
      if (line.trim() === '' || line.startsWith('#')) return line;
      const negated = line.startsWith('!');
      const pattern = negated ? line.slice(1) : line;
      const anchored = pattern.replace(/\/$/, '').includes('/');
      const rebased = anchored ? `/${base}/${pattern.replace(/^\//, '')}` : `/${base}/**/${pattern}`;
      return negated ? `!${rebased}` : rebased;
    })
    .join('\n');
}

function contentId(mode: string, sha: string): string | undefined {
  return ABSENT_SHA.test(sha) ? undefined : `${mode}:${sha}`;
}

/** Task ids become ref path segments: anything outside [A-Za-z0-9._-] is replaced. */
function groupName(group: string): string {
  return group.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function readOptional(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}
