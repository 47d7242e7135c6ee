import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { applyPatch, PatchError, parsePatch } from '../core/patch';
import { protectedPathReasonIn } from '../core/policy';
import { workspacePatchSource } from '../core/tools/applyPatch';
import { ToolError } from '../core/tools/types';
import { FsFileWriter } from '../node/fsWriter';
import { NodeWorkspace } from '../node/nodeWorkspace';
import { APPLY_PATCH_USAGE } from './usage';

/** `fixpoint apply-patch [--cwd DIR] < patch.txt`: all files or none; exit 1 with the reason on any error. */
export async function runApplyPatch(argv: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let cwd: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { cwd: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(`${APPLY_PATCH_USAGE}\n`);
      return 0;
    }
    cwd = values.cwd;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${APPLY_PATCH_USAGE}\n`);
    return 2;
  }
  const root = path.resolve(cwd ?? process.cwd());
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) {
    process.stderr.write(`error: no patch on stdin.\n${APPLY_PATCH_USAGE}\n`);
    return 1;
  }
  try {
    const result = await applyPatch(parsePatch(text), workspacePatchSource(new NodeWorkspace({ root })));
    await new FsFileWriter(root).write(
      result.files.map((f) => ({
        path: f.movePath ?? f.path,
        content: f.kind === 'delete' ? undefined : f.newContent,
        renameFrom: f.movePath ? f.path : undefined,
      })),
    );
    for (const f of result.files) {
      const name = f.movePath ? `${f.path} -> ${f.movePath}` : f.path;
      process.stdout.write(
        `${f.kind === 'add' ? 'A' : f.kind === 'delete' ? 'D' : 'M'} ${name}${protectedPathReasonIn(root, f.movePath ?? f.path) ? '  (protected path)' : ''}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof PatchError || err instanceof ToolError) {
      process.stderr.write(`error: ${err.message}\nNothing was written.\n`);
      return 1;
    }
    throw err;
  }
}
