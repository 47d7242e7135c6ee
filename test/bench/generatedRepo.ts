// The generated workspaces the benchmarks run on (not a bench itself: index.ts does not list it). Sources of a
// fixed shape, so runs with the same count compare, and a node_modules that .gitignore hides, as real projects
// have, so what reads or copies the workspace must skip it to be fast.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 }).trim();

/** `count` source files of 20 lines in 500 folders, and `dependencies` ignored files in node_modules; returns the sources. */
export async function generateWorkspace(root: string, count: number, dependencies: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = `src/pkg${i % 50}/mod${Math.floor(i / 50) % 10}/file${i}.ts`;
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), `export const value${i} = ${i};\n`.repeat(20));
    files.push(file);
  }
  await fs.writeFile(path.join(root, '.gitignore'), 'node_modules/\n');
  for (let i = 0; i < dependencies; i++) {
    const dep = path.join(root, 'node_modules', `dep${i % 100}`, `f${i}.js`);
    await fs.mkdir(path.dirname(dep), { recursive: true });
    await fs.writeFile(dep, 'module.exports = 1;\n');
  }
  return files;
}

/**
 * generateWorkspace, committed as a git repository, then the user's work in progress on top (8 files edited,
 * 2 untracked files added, the last source file deleted), uncommitted. Returns the sources, the deleted one last.
 */
export async function generateRepo(root: string, count: number, dependencies: number): Promise<string[]> {
  const files = await generateWorkspace(root, count, dependencies);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'dev@example.com');
  git(root, 'config', 'user.name', 'Dev');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'start');
  for (let i = 0; i < 8; i++) await fs.appendFile(path.join(root, files[(i * 613) % count]), `// edited ${i}\n`);
  await fs.writeFile(path.join(root, 'src/new-feature.ts'), 'export const feature = true;\n');
  await fs.writeFile(path.join(root, 'NOTES.md'), 'draft\n');
  await fs.rm(path.join(root, files[count - 1]));
  return files;
}

/** Checks a task's worktree holds the user's working tree: dependencies linked, uncommitted work in it. */
export async function holdsUsersTree(repo: string, root: string, edited: string[]): Promise<void> {
  const linked = await fs.lstat(path.join(root, 'node_modules'));
  const notes = await fs.readFile(path.join(root, 'NOTES.md'), 'utf8').catch(() => '');
  if (!linked.isSymbolicLink() || notes !== 'draft\n') throw new Error('the worktree does not hold the user’s working tree');
  for (const file of edited)
    if ((await fs.readFile(path.join(root, file), 'utf8')) !== (await fs.readFile(path.join(repo, file), 'utf8')))
      throw new Error(`the worktree's ${file} is not the user's`);
}
