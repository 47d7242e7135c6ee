/**
 * Shadow creation + cleanup time (issue 5 benchmark; goal < 1 s for ~5,000 files on 2 cores).
 *
 *   node out/test/bench/shadow.js [workspace] [runs]     a real workspace (default: this repository)
 *   node out/test/bench/shadow.js --synthetic 5000 [runs] a generated git repo with that many files,
 *                                                                    some uncommitted/untracked, a node_modules
 * Not a mocha test (no .test suffix): timings are reported, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createShadow } from '../../src/node/sandbox';

async function synthetic(count: number): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bench-'));
  for (let i = 0; i < count; i++) {
    const file = path.join(root, 'src', `pkg${i % 50}`, `mod${Math.floor(i / 50) % 10}`, `file${i}.ts`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `export const value${i} = ${i};\n`.repeat(20));
  }
  await fs.writeFile(path.join(root, '.gitignore'), 'node_modules/\ndist/\n');
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  execFileSync('sh', ['-c', 'git init -q . && git add . && git commit -qm bench'], { cwd: root, env });
  for (let i = 0; i < 20; i++) await fs.appendFile(path.join(root, 'src', `pkg${i}`, 'mod0', `file${i}.ts`), '// edited\n');
  for (let i = 0; i < 20; i++) await fs.writeFile(path.join(root, `untracked${i}.ts`), 'x\n');
  for (let i = 0; i < 2_000; i++) {
    const dep = path.join(root, 'node_modules', `dep${i % 100}`, `f${i}.js`);
    await fs.mkdir(path.dirname(dep), { recursive: true });
    await fs.writeFile(dep, 'module.exports = 1;\n');
  }
  return root;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const isSynthetic = args[0] === '--synthetic';
  const root = isSynthetic ? await synthetic(Number(args[1] ?? 5_000)) : path.resolve(args[0] ?? path.join(__dirname, '../../..'));
  const runs = Number(args[isSynthetic ? 2 : 1] ?? 5);
  const create: number[] = [];
  const dispose: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const shadow = await createShadow(root);
    const t1 = performance.now();
    await shadow.dispose();
    const t2 = performance.now();
    create.push(t1 - t0);
    dispose.push(t2 - t1);
    files = shadow.fileCount;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${root}: ${files} files, ${runs} runs`);
  console.log(`create  median ${median(create).toFixed(0)} ms  (${create.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`dispose median ${median(dispose).toFixed(0)} ms  (${dispose.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`total   median ${median(create.map((c, i) => c + dispose[i])).toFixed(0)} ms`);
  if (isSynthetic) await fs.rm(root, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
