import { isSecretPath } from '../policy';
import { ok, ToolError, type ToolDefinition } from './types';

interface SearchArgs {
  pattern: string;
  regex?: boolean;
  glob?: string;
  max?: number;
}

export const searchTool: ToolDefinition<SearchArgs> = {
  spec: {
    name: 'search',
    description:
      'Search file contents of the workspace (ripgrep). Literal text by default; regex=true for a Rust-style regex. Results as path:line: text.',
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string' },
        regex: { type: 'boolean' },
        glob: { type: 'string', description: 'Limit to files matching this glob, e.g. "src/**/*.ts".' },
        max: { type: 'integer', minimum: 1, maximum: 2000, description: 'Default 200.' },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => `${a.regex ? '/' + a.pattern + '/' : JSON.stringify(a.pattern)}${a.glob ? ` in ${a.glob}` : ''}`,
  async run(args, { workspace, signal }) {
    if (args.pattern === '') throw new ToolError('pattern must not be empty.');
    const { hits: all, truncated } = await workspace.search(
      { pattern: args.pattern, regex: args.regex ?? false, glob: args.glob, max: args.max ?? 200 },
      signal,
    );
    // Secret files (.env, keys) are never quoted to the model, even when ripgrep reads them (SAFETY §9).
    const hits = all.filter((h) => !isSecretPath(h.path));
    if (hits.length === 0) return ok(all.length ? 'No matches outside secret files (.env, keys), which are not searched.' : 'No matches.');
    const lines = hits.map((h) => `${h.path}:${h.line}: ${h.text.length > 300 ? h.text.slice(0, 300) + '…' : h.text}`);
    return ok(lines.join('\n') + (truncated ? '\n[more matches not shown: narrow the pattern or glob]' : ''));
  },
};
