import { applyPatch, parsePatch, PatchError, type FileChange, type PatchSource } from '../patch';
import { APPLY_PATCH_LARK } from '../patch/grammar';
import type { Workspace } from '../ports';
import { isSecretPath } from '../policy';
import { workspacePath } from './readFile';
import { decodeUtf8, isProbablyBinary } from './text';
import { ToolError, type ReviewOutcome, type ToolDefinition } from './types';

export const applyPatchTool: ToolDefinition<{ patch: string }> = {
  spec: {
    name: 'apply_patch',
    description: [
      'Edit files with a patch in the apply_patch format. The edit becomes a proposal the user reviews hunk by hunk;',
      'the result tells you which hunks were accepted. Format:',
      '*** Begin Patch',
      '*** Update File: path/to/file.ts',
      '@@ optional enclosing line (function or class)',
      ' context line (3 lines above and below each change)',
      '-removed line',
      '+added line',
      '*** Add File: path/new.ts',
      '+every line prefixed with +',
      '*** Delete File: path/old.ts',
      '*** End Patch',
      'Use "*** Move to: new/path" right after an Update File line to rename.',
    ].join('\n'),
    parameters: {
      type: 'object',
      properties: { patch: { type: 'string' } },
      required: ['patch'],
      additionalProperties: false,
    },
    freeform: {
      argument: 'patch',
      larkGrammar: APPLY_PATCH_LARK,
    },
  },
  mutating: true,
  summarize: (a) => {
    const files = [...a.patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) => m[1].trim());
    return files.length ? files.join(', ') : '(no files)';
  },
  async run(args, { workspace, reviewer, signal, verifyProposal, policy }) {
    let parsed;
    try {
      parsed = parsePatch(args.patch);
    } catch (err) {
      if (err instanceof PatchError) throw new ToolError(`The patch could not be parsed: ${err.message}`);
      throw err;
    }
    // Every path is resolved once and rewritten to its canonical workspace-relative form, so protected-path
    // checks, review, checkpoints and the shadow copy all see the real file (not `./x`, `a/../x` or a symlink).
    for (const op of parsed.ops) {
      op.path = await workspacePath(workspace.root, op.path);
      if (op.kind === 'update' && op.movePath) op.movePath = await workspacePath(workspace.root, op.movePath);
    }
    const paths = parsed.ops.flatMap((op) => (op.kind === 'update' && op.movePath ? [op.path, op.movePath] : [op.path]));
    let result;
    try {
      result = await applyPatch(parsed, workspacePatchSource(workspace));
    } catch (err) {
      if (err instanceof PatchError) throw new ToolError(`The patch was not applied: ${err.message}`);
      throw err;
    }
    const check = await verifyProposal?.(result, signal);
    if (check?.verification.state === 'failed' && check.retry) {
      throw new ToolError(
        `This patch was verified in an isolated copy of the workspace before the user saw it, and ${check.verification.command} failed:\n` +
          `${check.verification.summary ?? ''}\nThe user has not seen this patch. Fix the problem and call apply_patch again with the complete corrected patch (against the files as they are on disk).`,
      );
    }
    const outcome = await reviewer.propose(result, signal, check?.verification);
    const protectedPaths = paths.filter((p) => policy.isProtected(p));
    const notes = [
      ...replacementNotes(result.files, outcome),
      ...(protectedPaths.length ? [`(Protected paths needed the user's explicit approval: ${protectedPaths.join(', ')})`] : []),
    ];
    return {
      ok: outcome.files.some((f) => f.hunks.includes('accepted')),
      output: [describeOutcome(outcome), ...notes].join('\n'),
    };
  },
};

/** File contents for the patch engine: workspace-contained paths, editor buffers first, text files only. */
export function workspacePatchSource(workspace: Workspace): PatchSource {
  return {
    async read(path) {
      const relative = await workspacePath(workspace.root, path);
      // A failed match quotes nearby lines back to the model: secrets must not be probed that way (§9).
      if (isSecretPath(relative))
        throw new ToolError(
          `${relative} looks like a secret (keys, .env files); Fixpoint does not edit or quote it. Ask the user to change it.`,
        );
      const bytes = await workspace.readFile(relative);
      if (!bytes) return undefined;
      if (isProbablyBinary(bytes)) throw new ToolError(`${relative} is binary; it cannot be edited with a text patch.`);
      const text = decodeUtf8(bytes);
      if (text === undefined) throw new ToolError(`${relative} is not valid UTF-8; it cannot be edited with a text patch.`);
      return text;
    },
  };
}

/**
 * A patch may overwrite a file the model perhaps did not know existed (an Add File onto it, or a move onto it):
 * say so, so it does not assume the old content is still there.
 */
function replacementNotes(files: FileChange[], outcome: ReviewOutcome): string[] {
  return files.flatMap((file) => {
    if (!file.replaces) return [];
    const { path, removedLines } = file.replaces;
    const written = outcome.files.find((o) => o.path === (file.movePath ?? file.path))?.hunks.includes('accepted');
    const how = path === file.path ? 'this patch' : `moving ${file.path} onto it`;
    const removed = `${removedLines} of its lines removed`;
    return [
      written
        ? `Note: ${path} already existed, so ${how} replaced its content instead of creating it (${removed}).`
        : `Note: ${path} already existed, so ${how} would have replaced its content (${removed}).`,
    ];
  });
}

/** Tells the model exactly what reached the files, so it never assumes a rejected hunk is there. */
export function describeOutcome(outcome: ReviewOutcome): string {
  return outcome.files
    .map((file) => {
      const numbered = (d: string) => file.hunks.flatMap((h, i) => (h === d ? [i + 1] : []));
      const accepted = numbered('accepted');
      const rejected = numbered('rejected');
      const stale = numbered('stale');
      if (accepted.length === file.hunks.length) return `${file.path}: all ${file.hunks.length} hunk(s) accepted and written.`;
      if (rejected.length === file.hunks.length)
        return `${file.path}: rejected by the user; nothing written.${file.note ? ` User: ${file.note}` : ''}`;
      const parts = [];
      if (accepted.length) parts.push(`hunks ${accepted.join(',')} accepted`);
      if (rejected.length) parts.push(`${rejected.join(',')} rejected`);
      if (stale.length) parts.push(`${stale.join(',')} not applied because the user changed that code meanwhile (re-read the file)`);
      return `${file.path}: ${parts.join('; ')}.${file.note ? ` User: ${file.note}` : ''}`;
    })
    .join('\n');
}
