import { workspacePath } from './readFile';
import { ok, type ToolDefinition } from './types';

interface ListArgs {
  path?: string;
  glob?: string;
  max?: number;
}

export const listFilesTool: ToolDefinition<ListArgs> = {
  spec: {
    name: 'list_files',
    description:
      'List workspace files (recursively), honouring .gitignore, .fixpointignore and fixpoint.exclude. Optional folder path and glob (e.g. "**/*.ts").',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Folder, workspace-relative. Default: the root.' },
        glob: { type: 'string', description: 'minimatch glob relative to the workspace root.' },
        max: { type: 'integer', minimum: 1, maximum: 5000, description: 'Default 500.' },
      },
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => [a.path, a.glob].filter(Boolean).join(' ') || '.',
  async run(args, { workspace, signal }) {
    const dir = args.path && args.path !== '.' ? await workspacePath(workspace.root, args.path) : undefined;
    const { files, truncated } = await workspace.listFiles({ dir, glob: args.glob, max: args.max ?? 500 }, signal);
    if (files.length === 0) return ok('No files match.');
    return ok(files.join('\n') + (truncated ? `\n[more files not shown: narrow with path or glob, or raise max]` : ''));
  },
};
