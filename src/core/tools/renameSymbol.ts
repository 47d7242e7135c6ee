import * as path from 'node:path';
import { changesFromContents } from '../patch';
import { isSecretPath } from '../policy';
import { POSITION_PROPERTIES, resolvePosition, type PositionArgs } from './codePosition';
import { noServerReason, requireCodeIntelligence } from './codeLookup';
import { describeOutcome } from './applyPatch';
import { workspacePath } from './readFile';
import { ToolError, type ToolDefinition } from './types';

interface RenameArgs extends PositionArgs {
  symbol: string;
  new_name: string;
}

export const renameSymbolTool: ToolDefinition<RenameArgs> = {
  spec: {
    name: 'rename_symbol',
    description:
      "Rename a symbol everywhere it is used, as the editor's language server resolves it (not a text replace; needs the editor). The rename becomes one proposal the user reviews hunk by hunk, like apply_patch; the result tells you what was accepted.",
    parameters: {
      type: 'object',
      properties: { ...POSITION_PROPERTIES, new_name: { type: 'string', description: 'The new name.' } },
      required: ['path', 'line', 'symbol', 'new_name'],
      additionalProperties: false,
    },
  },
  mutating: true,
  requires: 'codeIntelligence',
  summarize: (a) => `${a.path}:${a.line} ${a.symbol} → ${a.new_name}`,
  async run(args, context) {
    const port = requireCodeIntelligence(context);
    const newName = args.new_name.trim();
    if (newName === '' || /\s/.test(newName)) throw new ToolError('new_name must be a name without spaces.');
    const { position, word, note } = await resolvePosition(args, context.workspace);
    const status = await port.status(position.path);
    if (status.state !== 'served') {
      throw new ToolError(
        `${noServerReason(position.path, status)}, and a rename needs a language server: find the uses with search and change them with apply_patch.`,
      );
    }
    const renamed = await port.rename(position, newName);
    if (!renamed.ok && port.approximate)
      throw new ToolError(
        `rename_symbol is not available here: ${renamed.reason}. Find the uses with find_references and change them with apply_patch.`,
      );
    if (!renamed.ok) throw new ToolError(`The language server cannot rename "${word}" there: ${renamed.reason}`);
    const files = [];
    for (const file of renamed.files) {
      if (file.outsideWorkspace)
        throw new ToolError(`Renaming "${word}" would change ${path.basename(file.path)}, outside the workspace; nothing was proposed.`);
      // Canonical paths, as apply_patch uses: review, protected-path checks and checkpoints see the real file.
      const relative = await workspacePath(context.workspace.root, file.path);
      if (isSecretPath(relative))
        throw new ToolError(`Renaming "${word}" would change ${relative}, which looks like a secret; nothing was proposed.`);
      files.push({ path: relative, oldContent: file.oldContent, newContent: file.newContent });
    }
    const change = changesFromContents(files);
    if (change.files.length === 0) throw new ToolError(`Renaming "${word}" to "${newName}" changes nothing.`);
    // Checked before review like any proposal; a rename is mechanical, so a failing check is shown, not retried.
    const check = await context.verifyProposal?.(change, context.signal);
    const outcome = await context.reviewer.propose(change, context.signal, check?.verification);
    const protectedPaths = change.files.map((f) => f.path).filter((p) => context.policy.isProtected(p));
    const hunks = change.files.reduce((n, f) => n + f.hunks.length, 0);
    return {
      ok: outcome.files.some((f) => f.hunks.includes('accepted')),
      output: [
        ...(note ? [note] : []),
        `Proposed renaming "${word}" to "${newName}": ${hunks} hunk(s) in ${change.files.length} file(s).`,
        describeOutcome(outcome),
        ...(protectedPaths.length ? [`(Protected paths needed the user's explicit approval: ${protectedPaths.join(', ')})`] : []),
      ].join('\n'),
    };
  },
};
