import type { Workspace } from '../ports';
import { decodeUtf8 } from '../tools/text';

const RULES_FILE = 'AGENTS.md';
/** Rules files are instructions, not documents: past this size the rest is cut. */
const MAX_RULES_CHARS = 20_000;

export interface RulesFile {
  path: string;
  text: string;
}

/**
 * AGENTS.md files that apply to `forPath`: the root's, then each folder's down to the file's own folder.
 * Nearer files come later and take precedence (the system prompt says so).
 */
export async function collectAgentsRules(workspace: Workspace, forPath?: string): Promise<RulesFile[]> {
  const folders = [''];
  if (forPath) {
    const parts = forPath.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) folders.push(parts.slice(0, i).join('/'));
  }
  const out: RulesFile[] = [];
  for (const folder of folders) {
    const path = folder ? `${folder}/${RULES_FILE}` : RULES_FILE;
    const bytes = await workspace.readFile(path);
    const text = bytes && decodeUtf8(bytes);
    if (text?.trim()) out.push({ path, text: text.length > MAX_RULES_CHARS ? `${text.slice(0, MAX_RULES_CHARS)}\n[… cut]` : text });
  }
  return out;
}
