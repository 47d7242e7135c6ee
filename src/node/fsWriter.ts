import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileWriter } from '../core/ports';
import { resolveWorkspacePath } from '../core/policy';

/** Writes accepted changes with Node's fs (the CLI); each file is replaced atomically via a temp file + rename. */
export class FsFileWriter implements FileWriter {
  constructor(private readonly root: string) {}

  async readText(relative: string): Promise<string | undefined> {
    try {
      return await fs.readFile(await this.absolute(relative), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(ops: Array<{ path: string; content: string | undefined; renameFrom?: string }>): Promise<void> {
    for (const op of ops) {
      const target = await this.absolute(op.path);
      if (op.content === undefined) {
        await fs.rm(target, { force: true });
        continue;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.fixpoint-${process.pid}.tmp`;
      await fs.writeFile(temp, op.content, 'utf8');
      await fs.rename(temp, target);
      if (op.renameFrom) await fs.rm(await this.absolute(op.renameFrom), { force: true });
    }
  }

  /** Re-checks containment at write time: a symlink may have appeared since the patch was planned. */
  private async absolute(relative: string): Promise<string> {
    const resolved = await resolveWorkspacePath(this.root, relative);
    if (!resolved.ok) throw new Error(resolved.reason);
    return resolved.absolute;
  }
}
