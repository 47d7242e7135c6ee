import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TaskFiles } from '../core/ports';
import { readIfExists, replaceFile } from './atomicFile';

/**
 * Durable tasks on disk: `<dir>/index.json` and `<dir>/<id>/{snapshot.json,log.jsonl}`. Appends go through
 * one open-append-fsync per save (a step, not a streamed token), so a crash loses at most the step in flight;
 * replacements go through a temp file, fsync and rename. Writes to one task are serialised.
 */
export class NodeTaskFiles implements TaskFiles {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** The CLI's store for a workspace, keyed by its path (the extension keeps tasks in its workspace storage). */
  static forWorkspace(root: string, env: Readonly<Record<string, string | undefined>> = process.env): NodeTaskFiles {
    const key = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
    const state =
      env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
    return new NodeTaskFiles(path.join(state, 'fixpoint', 'tasks', key));
  }

  async readIndex(): Promise<string | undefined> {
    return readIfExists(path.join(this.dir, 'index.json'));
  }

  writeIndex(text: string): Promise<void> {
    return this.serial('index', () => replaceFile(path.join(this.dir, 'index.json'), text));
  }

  async read(id: string): Promise<{ snapshot?: string; log?: string }> {
    const dir = this.taskDir(id);
    await this.queues.get(id);
    const [snapshot, log] = await Promise.all([readIfExists(path.join(dir, 'snapshot.json')), readIfExists(path.join(dir, 'log.jsonl'))]);
    return { snapshot, log };
  }

  append(id: string, text: string): Promise<void> {
    return this.serial(id, async () => {
      const dir = this.taskDir(id);
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(path.join(dir, 'log.jsonl'), 'a');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
  }

  writeSnapshot(id: string, text: string): Promise<void> {
    return this.serial(id, async () => {
      const dir = this.taskDir(id);
      await fs.mkdir(dir, { recursive: true });
      await replaceFile(path.join(dir, 'snapshot.json'), text);
      await fs.truncate(path.join(dir, 'log.jsonl')).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(id, () => fs.rm(this.taskDir(id), { recursive: true, force: true }));
  }

  private taskDir(id: string): string {
    // Ids are ours (`task-…`), but a damaged index must not point outside the folder.
    return path.join(this.dir, id.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  private serial(key: string, write: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.queues.set(key, next);
    return next;
  }
}
