/**
 * The repo map of a generated 2,000-file TypeScript repository (issue 16 benchmark; goals on 2 cores: from
 * cold < 3 s, after one file changes < 100 ms), and what the grammars add to the package.
 *
 *   node out/test/bench/repoMap.js [files] [runs]
 *
 * Cold is a new index and map over the whole repository: listing (ripgrep), reading, parsing every file with
 * tree-sitter, the reference graph, PageRank and the render within 2,048 tokens. The first cold run also
 * starts the WASM runtime, loads the grammar and the tokenizer; later ones reuse them, as a second window
 * would not. After a change, one file is edited (a new use of a name, as most edits are) or gains a new
 * definition (the files using that name get new edges too), and the map is asked for again.
 * Not a mocha test (no .test suffix): timings are reported, not asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { countTokens } from '../../src/core/agent/tokens';
import { RepoMap } from '../../src/core/context/repoMap';
import { TagIndex } from '../../src/core/context/tagIndex';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { TreeSitterTagger } from '../../src/node/treeSitter/tagger';

const BUDGET = 2048;

/** Modules in 40 packages, each importing three others and using their classes and functions. */
async function generate(root: string, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = `src/pkg${i % 40}/module${i}.ts`;
    const deps = [(i * 7 + 3) % count, (i * 13 + 1) % count, Math.floor(i / 2)].filter((d) => d !== i);
    const imports = deps.map((d) => `import { Service${d}, helper${d} } from '../pkg${d % 40}/module${d}';`).join('\n');
    const methods = Array.from(
      { length: 5 },
      (_, m) =>
        `  method${m}(value: number): number {\n    const other = new Service${deps[0]}('x');\n` +
        `    this.count += value * ${m};\n    return helper${deps[1] ?? deps[0]}(this.count) + other.method${m}(value);\n  }\n`,
    ).join('');
    const text =
      `${imports}\n\n/** Service number ${i}. */\nexport class Service${i} {\n  private count = 0;\n` +
      `  constructor(private readonly name: string) {}\n${methods}}\n\n` +
      `export function helper${i}(x: number): number {\n  return x + ${i};\n}\n\n` +
      `export interface Options${i} {\n  size: number;\n  label?: string;\n}\n\nexport const DEFAULT_${i}: Options${i} = { size: ${i} };\n`;
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), text);
    files.push(file);
  }
  return files;
}

function freshMap(root: string): RepoMap {
  return new RepoMap(new TagIndex(new NodeWorkspace({ root }), new TreeSitterTagger(root)), { countTokens });
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** Rewrites a file and moves its mtime on, so the change is seen even within the clock's resolution. */
async function edit(root: string, file: string, append: string, run: number): Promise<void> {
  const full = path.join(root, file);
  await fs.appendFile(full, append);
  const later = new Date(Date.now() + (run + 1) * 1000);
  await fs.utimes(full, later, later);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function grammarBytes(): Promise<{ raw: number; gzip: number; files: number }> {
  const dir = path.resolve(__dirname, '../../../dist/tree-sitter');
  let raw = 0;
  let gzip = 0;
  const names = await fs.readdir(dir).catch(() => []);
  for (const name of names) {
    const bytes = await fs.readFile(path.join(dir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: names.length };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2_000);
  const runs = Number(process.argv[3] ?? 10);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bench-repomap-'));
  try {
    const files = await generate(root, count);
    const first = await timed(() => freshMap(root).render(BUDGET));
    const colds: number[] = [];
    for (let i = 0; i < 3; i++) colds.push((await timed(() => freshMap(root).render(BUDGET))).ms);
    const map = freshMap(root);
    await map.render(BUDGET);
    const unchanged = await timed(() => map.render(BUDGET));
    const uses: number[] = [];
    const definitions: number[] = [];
    for (let run = 0; run < runs; run++) {
      await edit(root, files[(run * 97 + 5) % count], `\nhelper${run}(${run});\n`, run);
      uses.push((await timed(() => map.render(BUDGET))).ms);
      await edit(root, files[(run * 89 + 11) % count], `\nexport function brandNew${run}(): number {\n  return ${run};\n}\n`, run);
      definitions.push((await timed(() => map.render(BUDGET))).ms);
    }
    const rendered = first.value;
    const grammars = await grammarBytes();
    console.log(`repo map of a generated ${count}-file TypeScript repository, budget ${BUDGET} tokens:`);
    console.log(`  map: ${rendered?.tokens} tokens, ${rendered?.files} of ${rendered?.totalFiles} files shown`);
    console.log(`  cold, first in the process (WASM runtime, grammar, tokenizer loaded): ${first.ms.toFixed(0)} ms (goal < 3000)`);
    console.log(`  cold, runtime already loaded: median ${median(colds).toFixed(0)} ms of ${colds.map((c) => c.toFixed(0)).join(', ')}`);
    console.log(`  nothing changed: ${unchanged.ms.toFixed(1)} ms (list, stat, cached render)`);
    console.log(
      `  one file changed (a new use): median ${median(uses).toFixed(1)} ms, max ${Math.max(...uses).toFixed(1)} ms (goal < 100)`,
    );
    console.log(
      `  one file changed (a new definition: the edges of its name's users recomputed too): median ${median(definitions).toFixed(1)} ms, max ${Math.max(...definitions).toFixed(1)} ms`,
    );
    console.log(
      grammars.files
        ? `  dist/tree-sitter (runtime + ${grammars.files - 2} grammars): ${(grammars.raw / 1024 / 1024).toFixed(2)} MB, ${(grammars.gzip / 1024 / 1024).toFixed(2)} MB compressed (what it adds to the .vsix)`
        : '  dist/tree-sitter missing: run npm run build first',
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
