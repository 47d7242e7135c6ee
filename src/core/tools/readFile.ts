import { isSecretPath, resolveWorkspacePath } from '../policy';
import { decodeUtf8, isProbablyBinary } from './text';
import { ok, ToolError, type ToolDefinition } from './types';

/** Past this many characters a read is cut, with a note telling the model how to read on. */
export const READ_CAP_CHARS = 60_000;
const MAX_LINES = 2000;

interface ReadArgs {
  path: string;
  start_line?: number;
  end_line?: number;
}

/** Resolves a model-supplied path inside the workspace, or throws a ToolError the model can act on. */
export async function workspacePath(root: string, input: string): Promise<string> {
  const resolved = await resolveWorkspacePath(root, input);
  if (!resolved.ok) throw new ToolError(resolved.reason);
  return resolved.relative;
}

export const readFileTool: ToolDefinition<ReadArgs> = {
  spec: {
    name: 'read_file',
    description: 'Read a text file of the workspace, with line numbers. Use start_line/end_line (1-based, inclusive) for long files.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative path.' },
        start_line: { type: 'integer', minimum: 1 },
        end_line: { type: 'integer', minimum: 1 },
      },
      required: ['path'],
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => (a.start_line ? `${a.path}:${a.start_line}-${a.end_line ?? ''}` : a.path),
  async run(args, { workspace }) {
    const relative = await workspacePath(workspace.root, args.path);
    if (isSecretPath(relative)) {
      throw new ToolError(
        `${relative} looks like a secret (keys, .env files) and is not sent to the model. Ask the user to paste what you need from it.`,
      );
    }
    if (await workspace.isIgnored(relative)) {
      throw new ToolError(
        `${relative} is excluded by .gitignore, .fixpointignore or fixpoint.exclude and is not sent to the model. If you need it, ask the user to mention it with @${relative}.`,
      );
    }
    const bytes = await workspace.readFile(relative);
    if (!bytes) throw new ToolError(`${relative} does not exist. Use list_files or search to find the right path.`);
    if (isProbablyBinary(bytes)) throw new ToolError(`${relative} is a binary file (${bytes.length} bytes); it cannot be read as text.`);
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new ToolError(`${relative} is not valid UTF-8 text; it cannot be read or edited as text.`);
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    const start = Math.max(1, args.start_line ?? 1);
    if (start > lines.length && lines.length > 0)
      throw new ToolError(`${relative} has only ${lines.length} lines; start_line ${start} is past the end.`);
    const end = Math.min(lines.length, args.end_line ?? start + MAX_LINES - 1);
    let out = '';
    let last = start - 1;
    for (let n = start; n <= end; n++) {
      const line = `${String(n).padStart(5)}\t${lines[n - 1]}\n`;
      if (out.length + line.length > READ_CAP_CHARS) break;
      out += line;
      last = n;
    }
    if (last < lines.length) {
      out += `[${relative}: showing lines ${start}-${last} of ${lines.length}. Read on with start_line=${last + 1}.]\n`;
    }
    return ok(out || `[${relative} is empty]`);
  },
};
