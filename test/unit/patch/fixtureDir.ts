import * as fs from 'fs';
import * as path from 'path';

/**
 * test/fixtures/patch, found from the compiled test's folder (out/test/unit/patch → repo root), falling back
 * to the working directory; fixtures are excluded from compilation so they are read from the source tree.
 */
export function patchFixturesDir(): string {
  const candidates = [path.resolve(__dirname, '../../../..'), process.cwd()];
  for (const root of candidates) {
    const dir = path.join(root, 'test/fixtures/patch');
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`test/fixtures/patch not found from ${__dirname} or ${process.cwd()}`);
}

/** Every file under `dir`, keyed by its '/'-separated path relative to `dir`, read as UTF-8 (BOM kept). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}
