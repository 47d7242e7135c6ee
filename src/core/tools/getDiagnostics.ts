import { workspacePath } from './readFile';
import { ok, type ToolDefinition } from './types';

export const getDiagnosticsTool: ToolDefinition<{ path?: string }> = {
  spec: {
    name: 'get_diagnostics',
    description: "Errors and warnings from VS Code's language features, for one file or the whole workspace.",
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Workspace-relative file. Default: all files.' } },
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => a.path ?? 'workspace',
  async run(args, { workspace }) {
    const relative = args.path ? await workspacePath(workspace.root, args.path) : undefined;
    const diagnostics = await workspace.diagnostics(relative);
    if (diagnostics.length === 0) return ok(relative ? `No problems in ${relative}.` : 'No problems in the workspace.');
    const shown = diagnostics
      .slice(0, 200)
      .map(
        (d) =>
          `${d.path}:${d.line}:${d.column}: ${d.severity}${d.code ? ` ${d.code}` : ''}${d.source ? ` [${d.source}]` : ''}: ${d.message}`,
      );
    return ok(shown.join('\n') + (diagnostics.length > 200 ? `\n[${diagnostics.length - 200} more not shown]` : ''));
  },
};
