import type { Workspace } from '../ports';
import { resolveWorkspacePath } from '../policy';
import { capHeadTail } from '../tools/text';
import { decodeUtf8, isProbablyBinary } from '../tools/text';

/** Keywords that are not paths. */
export const MENTION_KEYWORDS = ['problems', 'selection', 'terminal'] as const;
const MAX_FILE_CHARS = 50_000;
const MAX_FOLDER_FILES = 200;

export type Mention = { kind: 'keyword'; name: (typeof MENTION_KEYWORDS)[number] } | { kind: 'path'; path: string };

/** `@problems`, `@selection`, `@terminal`, `@path/to/file` and `@folder/` anywhere after whitespace. */
export function parseMentions(text: string): Mention[] {
  const out: Mention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/(?:^|\s)@([^\s@`"'<>|]+)/g)) {
    const raw = match[1].replace(/[.,;:!?)\]]+$/, '');
    if (!raw || seen.has(raw)) continue;
    seen.add(raw);
    const keyword = MENTION_KEYWORDS.find((k) => k === raw);
    out.push(keyword ? { kind: 'keyword', name: keyword } : { kind: 'path', path: raw });
  }
  return out;
}

export interface MentionSources {
  workspace: Workspace;
  /** Output of the last command the agent or the user ran in Fixpoint's terminal. */
  lastTerminalOutput(): string | undefined;
}

/**
 * Turns the mentions in a prompt into context blocks. A file the user names is sent even if it would be
 * excluded by default (secrets, ignored files): naming it is the explicit consent SAFETY §9 asks for.
 */
export async function expandMentions(text: string, sources: MentionSources): Promise<string> {
  const blocks: string[] = [];
  for (const mention of parseMentions(text)) {
    if (mention.kind === 'keyword') {
      blocks.push(await keywordBlock(mention.name, sources));
      continue;
    }
    blocks.push(await pathBlock(mention.path, sources.workspace));
  }
  return blocks.filter(Boolean).join('\n\n');
}

async function keywordBlock(name: (typeof MENTION_KEYWORDS)[number], { workspace, lastTerminalOutput }: MentionSources): Promise<string> {
  switch (name) {
    case 'problems': {
      const diagnostics = await workspace.diagnostics();
      const lines = diagnostics.slice(0, 100).map((d) => `${d.path}:${d.line}:${d.column} ${d.severity}: ${d.message}`);
      return `@problems (${diagnostics.length}):\n${lines.join('\n') || '(no problems)'}`;
    }
    case 'selection': {
      const selection = workspace.selection();
      return selection
        ? `@selection (${selection.path} lines ${selection.startLine}-${selection.endLine}):\n\`\`\`\n${selection.text}\n\`\`\``
        : '@selection: (nothing is selected)';
    }
    case 'terminal': {
      const output = lastTerminalOutput();
      return output
        ? `@terminal (last command output):\n\`\`\`\n${capHeadTail(output, 20_000)}\n\`\`\``
        : '@terminal: (no command has run yet)';
    }
  }
}

async function pathBlock(input: string, workspace: Workspace): Promise<string> {
  const isFolder = input.endsWith('/');
  const resolved = await resolveWorkspacePath(workspace.root, input.replace(/\/+$/, '') || '.');
  if (!resolved.ok) return `@${input}: ${resolved.reason}`;
  if (!isFolder) {
    const bytes = await workspace.readFile(resolved.relative);
    if (bytes) {
      if (isProbablyBinary(bytes)) return `@${resolved.relative}: (binary file, ${bytes.length} bytes)`;
      const text = decodeUtf8(bytes);
      if (text === undefined) return `@${resolved.relative}: (not UTF-8 text)`;
      return `@${resolved.relative}:\n\`\`\`\n${capHeadTail(text, MAX_FILE_CHARS)}\n\`\`\``;
    }
  }
  const { files, truncated } = await workspace.listFiles({
    dir: resolved.relative === '.' ? undefined : resolved.relative,
    max: MAX_FOLDER_FILES,
  });
  if (files.length === 0) return `@${input}: (no such file or folder)`;
  return `@${resolved.relative}/ (files):\n${files.join('\n')}${truncated ? '\n…' : ''}`;
}

/** Completion candidates for the composer's `@` popup. */
export function mentionCompletions(query: string, files: readonly string[], limit = 30): Array<{ label: string; detail: string }> {
  const q = query.toLowerCase();
  const keywords = MENTION_KEYWORDS.filter((k) => k.startsWith(q)).map((k) => ({ label: k, detail: KEYWORD_DETAILS[k] }));
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
  }
  const score = (candidate: string) => {
    const lower = candidate.toLowerCase();
    const base = lower.slice(lower.lastIndexOf('/', lower.length - 2) + 1);
    if (base.startsWith(q)) return 0;
    if (lower.startsWith(q)) return 1;
    if (lower.includes(q)) return 2;
    return -1;
  };
  const paths = [...files, ...folders]
    .map((p) => ({ p, s: score(p) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.p.length - b.p.length || a.p.localeCompare(b.p))
    .slice(0, limit)
    .map(({ p }) => ({ label: p, detail: p.endsWith('/') ? 'folder' : 'file' }));
  return [...keywords, ...paths].slice(0, limit);
}

const KEYWORD_DETAILS: Record<(typeof MENTION_KEYWORDS)[number], string> = {
  problems: 'errors and warnings in the workspace',
  selection: 'the selected code',
  terminal: 'output of the last command',
};
