import type { Workspace } from '../ports';
import { isSecretPath } from '../policy';

const MAX_SELECTION_CHARS = 20_000;
const MAX_DIAGNOSTICS = 30;

/** What the user is looking at, attached to each prompt so "fix this" means something. */
export async function editorContext(workspace: Workspace): Promise<string> {
  const parts: string[] = [];
  const { active, visible } = workspace.openEditors();
  if (active) parts.push(`Active file: ${active}`);
  const others = visible.filter((v) => v !== active);
  if (others.length) parts.push(`Other visible files: ${others.join(', ')}`);
  const selection = workspace.selection();
  if (selection && !isSecretPath(selection.path)) {
    const text =
      selection.text.length > MAX_SELECTION_CHARS ? `${selection.text.slice(0, MAX_SELECTION_CHARS)}\n[… selection cut]` : selection.text;
    parts.push(`Selected in ${selection.path} (lines ${selection.startLine}-${selection.endLine}):\n\`\`\`\n${text}\n\`\`\``);
  }
  if (active) {
    const diagnostics = (await workspace.diagnostics(active)).filter((d) => d.severity === 'error' || d.severity === 'warning');
    if (diagnostics.length) {
      parts.push(
        `Problems in ${active}:\n${diagnostics
          .slice(0, MAX_DIAGNOSTICS)
          .map((d) => `- ${d.line}:${d.column} ${d.severity}: ${d.message}`)
          .join('\n')}`,
      );
    }
  }
  return parts.join('\n\n');
}

/** How long a layout summary is reused: the top level of a workspace rarely changes between two prompts. */
const LAYOUT_TTL_MS = 30_000;
const layouts = new WeakMap<Workspace, { at: number; summary: Promise<string> }>();

/** A short map of the workspace's top level (reused for 30 s), so the model knows where things are. */
export function layoutSummary(workspace: Workspace): Promise<string> {
  const cached = layouts.get(workspace);
  if (cached && Date.now() - cached.at < LAYOUT_TTL_MS) return cached.summary;
  const summary = computeLayout(workspace);
  layouts.set(workspace, { at: Date.now(), summary });
  summary.catch(() => layouts.delete(workspace));
  return summary;
}

async function computeLayout(workspace: Workspace, signal?: AbortSignal): Promise<string> {
  const { files, truncated } = await workspace.listFiles({ max: 400 }, signal);
  const counts = new Map<string, number>();
  for (const file of files) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : file;
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  const lines = [...counts].slice(0, 60).map(([name, n]) => (name.endsWith('/') ? `${name} (${n}${truncated ? '+' : ''} files)` : name));
  return lines.join('\n');
}
