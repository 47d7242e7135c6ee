import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { DiagnosticInfo, EditorSelection, SearchHit, Workspace } from '../core/ports';
import { createIgnoreFilter, type GitConfigEntry } from '../core/policy';
import { readGitConfig } from './gitConfigReader';

/** Folders never worth listing or searching, whatever the ignore files say. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface NodeWorkspaceOptions {
  root: string;
  /** Extra exclude globs (fixpoint.exclude). */
  exclude?: string[];
  /** ripgrep binary; undefined → `rg` on PATH, then a JS fallback. */
  ripgrepPath?: string;
}

/** The workspace through Node's fs and ripgrep: used by the CLI, and by the host beneath its editor-aware layer. */
export class NodeWorkspace implements Workspace {
  readonly root: string;
  private ignoreFilter: Promise<(relative: string) => boolean> | undefined;
  private rgArgs: Promise<string[]> | undefined;
  /** Whether a nested .fixpointignore exists (found once; listing notices new ones). */
  private nested: Promise<boolean> | undefined;

  constructor(private readonly options: NodeWorkspaceOptions) {
    this.root = path.resolve(options.root);
  }

  private ignored(): Promise<(relative: string) => boolean> {
    this.ignoreFilter ??= createIgnoreFilter(this.root, { exclude: this.options.exclude ?? [] });
    return this.ignoreFilter;
  }

  /**
   * ripgrep applies .gitignore (also outside git repositories), the root .fixpointignore and the exclude globs
   * itself. Nested .fixpointignore files are rare and rg cannot read them, so only when one exists are results
   * post-filtered with the full ignore rules (the slower path).
   */
  private ripgrepArgs(): Promise<string[]> {
    this.rgArgs ??= (async () => {
      const args = ['--hidden', '--no-require-git', '--no-config', ...[...ALWAYS_SKIPPED].flatMap((name) => ['--glob', `!${name}/`])];
      const rootIgnore = path.join(this.root, '.fixpointignore');
      if (await exists(rootIgnore)) args.push('--ignore-file', rootIgnore);
      for (const glob of this.options.exclude ?? []) if (glob.trim()) args.push('--glob', `!${glob.trim()}`);
      return args;
    })();
    return this.rgArgs;
  }

  /** The full ignore rules when a nested .fixpointignore exists (listed files tell; else one rg call finds out). */
  private async postFilter(rg: string, listed?: string[], signal?: AbortSignal): Promise<((relative: string) => boolean) | undefined> {
    if (listed && !hasNestedIgnoreFile(listed)) return undefined;
    this.nested ??= listed
      ? Promise.resolve(true)
      : runRipgrep(rg, ['--files', ...(await this.ripgrepArgs()), '--glob', '**/.fixpointignore'], this.root, signal).then(
          hasNestedIgnoreFile,
        );
    return (await this.nested) ? this.ignored() : undefined;
  }

  async listFiles(
    options: { dir?: string; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ files: string[]; truncated: boolean }> {
    const rg = this.options.ripgrepPath ?? 'rg';
    try {
      const globArgs = options.glob ? ['--glob', options.glob] : [];
      // Without a path argument rg prints paths relative to the root; with `-- dir` they start with `dir/`.
      let files = await runRipgrep(
        rg,
        ['--files', ...(await this.ripgrepArgs()), ...globArgs, ...(options.dir ? ['--', options.dir] : [])],
        this.root,
        signal,
      );
      // A full listing shows any nested .fixpointignore; a filtered one cannot, so then rg looks once.
      const postFilter = await this.postFilter(rg, options.glob || options.dir ? undefined : files, signal);
      if (postFilter) files = files.filter((f) => !postFilter(f));
      files.sort();
      return { files: files.slice(0, options.max), truncated: files.length > options.max };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return this.walk(options, signal);
    }
  }

  /** The fallback without ripgrep: a breadth-first walk with the ignore rules. */
  private async walk(
    options: { dir?: string; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ files: string[]; truncated: boolean }> {
    const isIgnored = await this.ignored();
    const files: string[] = [];
    const queue = [options.dir ?? ''];
    while (queue.length) {
      if (signal?.aborted) break;
      const dir = queue.shift()!;
      let entries;
      try {
        entries = await fs.readdir(path.join(this.root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const relative = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!ALWAYS_SKIPPED.has(entry.name) && !isIgnored(`${relative}/`)) queue.push(relative);
        } else if (entry.isFile() && !isIgnored(relative)) {
          if (options.glob && !minimatch(relative, options.glob, { dot: true, matchBase: !options.glob.includes('/') })) continue;
          if (files.length >= options.max) return { files: files.sort(), truncated: true };
          files.push(relative);
        }
      }
    }
    // Sorted as the ripgrep path sorts, so a listing reads the same with or without rg installed.
    return { files: files.sort(), truncated: false };
  }

  async readFile(relative: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(path.join(this.root, relative));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async search(
    options: { pattern: string; regex: boolean; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ hits: SearchHit[]; truncated: boolean }> {
    const rg = this.options.ripgrepPath ?? 'rg';
    try {
      return await this.ripgrep(rg, options, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return this.searchInJs(options, signal);
    }
  }

  private async ripgrep(
    rg: string,
    options: { pattern: string; regex: boolean; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ hits: SearchHit[]; truncated: boolean }> {
    const filterArgs = await this.ripgrepArgs();
    const isIgnored = (await this.postFilter(rg, undefined, signal)) ?? (() => false);
    const args = ['--json', '--max-columns', '400', '--max-filesize', '2M', ...filterArgs];
    if (!options.regex) args.push('--fixed-strings');
    if (options.glob) args.push('--glob', options.glob);
    args.push('--', options.pattern, '.');
    return new Promise((resolve, reject) => {
      const child = spawn(rg, args, { cwd: this.root, signal, stdio: ['ignore', 'pipe', 'pipe'] });
      const hits: SearchHit[] = [];
      let truncated = false;
      let buffer = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          const hit = parseRipgrepMatch(line);
          if (!hit || isIgnored(hit.path)) continue;
          if (hits.length >= options.max) {
            truncated = true;
            child.kill();
            return;
          }
          hits.push(hit);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 2 && hits.length === 0 && !truncated)
          reject(Object.assign(new Error(`search failed: ${stderr.trim().slice(0, 500)}`), { code: 'RG_ERROR' }));
        else resolve({ hits, truncated });
      });
    });
  }

  private async searchInJs(
    options: { pattern: string; regex: boolean; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ hits: SearchHit[]; truncated: boolean }> {
    const matcher = options.regex ? new RegExp(options.pattern) : undefined;
    const { files } = await this.listFiles({ glob: options.glob, max: 20_000 }, signal);
    const hits: SearchHit[] = [];
    for (const file of files) {
      if (signal?.aborted) break;
      const bytes = await this.readFile(file);
      if (!bytes || bytes.length > 2_000_000 || bytes.subarray(0, 8192).includes(0)) continue;
      const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        if (matcher ? matcher.test(lines[i]) : lines[i].includes(options.pattern)) {
          if (hits.length >= options.max) return { hits, truncated: true };
          hits.push({ path: file, line: i + 1, text: lines[i].trim() });
        }
      }
    }
    return { hits, truncated: false };
  }

  async diagnostics(): Promise<DiagnosticInfo[]> {
    return []; // No language services outside the editor.
  }

  selection(): EditorSelection | undefined {
    return undefined;
  }

  openEditors(): { active?: string; visible: string[] } {
    return { visible: [] };
  }

  async isIgnored(relative: string): Promise<boolean> {
    return (await this.ignored())(relative);
  }

  gitConfig(cwd: string): Promise<GitConfigEntry[]> {
    return readGitConfig(cwd);
  }
}

function parseRipgrepMatch(line: string): SearchHit | undefined {
  try {
    const event = JSON.parse(line) as {
      type: string;
      data?: { path?: { text?: string }; line_number?: number; lines?: { text?: string } };
    };
    if (event.type !== 'match' || !event.data?.path?.text) return undefined;
    return {
      path: event.data.path.text.replace(/^\.\//, ''),
      line: event.data.line_number ?? 0,
      text: (event.data.lines?.text ?? '').trim(),
    };
  } catch {
    return undefined;
  }
}

function hasNestedIgnoreFile(files: string[]): boolean {
  return files.some((f) => f.endsWith('/.fixpointignore') && f !== './.fixpointignore');
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Runs rg and returns its output lines; rejects with ENOENT when rg is missing, so callers can fall back. */
function runRipgrep(rg: string, args: string[], cwd: string, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      // 1 = nothing found; 2 = an error, though rg still lists what it could (e.g. an unreadable folder).
      if (code === 2 && chunks.length === 0)
        reject(Object.assign(new Error(`rg failed: ${stderr.trim().slice(0, 300)}`), { code: 'RG_ERROR' }));
      else resolve(Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean));
    });
  });
}
