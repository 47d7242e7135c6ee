// Locates the repository and the offline test toolchain (Node 24 + code-server, installed once into a cache
// by scripts/test-env.mjs).
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (this file is compiled to out/test/harness/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface TestEnv {
  /** Node 24 binary (code-server's engine). */
  node: string;
  /** The code-server package directory (holds out/node/entry.js). */
  codeServer: string;
}

let cached: Promise<TestEnv> | undefined;

/** Runs scripts/test-env.mjs (a no-op once the cache exists) and returns what it printed. */
export function ensureTestEnv(): Promise<TestEnv> {
  cached ??= new Promise<TestEnv>((resolve, reject) => {
    const script = path.join(repoRoot, 'scripts', 'test-env.mjs');
    const child = execFile(process.execPath, [script], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err)
        return reject(
          new Error(`the test toolchain is not installed (scripts/test-env.mjs failed, see above); retry with: npm run test:env`),
        );
      const value = (key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(stdout)?.[1]?.trim();
      const node = value('NODE24');
      const codeServer = value('CODE_SERVER');
      if (!node || !codeServer) return reject(new Error(`scripts/test-env.mjs printed no NODE24=/CODE_SERVER= lines:\n${stdout}`));
      resolve({ node, codeServer });
    });
    child.stderr?.pipe(process.stderr);
  });
  return cached;
}
