import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../core/ports';
import { replaceFile } from './atomicFile';

/** JSON files in one folder, each replaced atomically through a temp file, fsync and rename. */
export class FileStore implements Store {
  private writes = Promise.resolve();

  constructor(private readonly dir: string) {}

  async load<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof SyntaxError) return undefined; // A foreign or damaged file: start fresh rather than fail.
      throw err;
    }
  }

  save(key: string, value: unknown): Promise<void> {
    // Serialised, so an older snapshot can never land after a newer one.
    this.writes = this.writes.catch(() => undefined).then(() => replaceFile(this.file(key), JSON.stringify(value)));
    return this.writes;
  }

  remove(key: string): Promise<void> {
    this.writes = this.writes.catch(() => undefined).then(() => fs.rm(this.file(key), { force: true }));
    return this.writes;
  }

  private file(key: string): string {
    return path.join(this.dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }
}
