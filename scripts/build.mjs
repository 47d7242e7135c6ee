// Bundles the extension host (node/cjs, `vscode` external), the CLI and the webview (browser) into dist/.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.env.NODE_ENV === 'production' || process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

// The tokenizer's tables dwarf everything else; they live in their own file, required on first use, so
// activation parses ~10x less code.
const lazyTokenizer = {
  name: 'lazy-tokenizer',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};
// tree-sitter's runtime and the grammars the syntax backend reads (src/node/treeSitter/languages.ts) are
// copied beside the bundles, to dist/tree-sitter/; the runtime finds its tree-sitter.wasm next to itself, and
// each grammar loads the first time a file of its language is read. The other grammars of the package
// (C++, C#: 5 MB each) are left out.
const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java'];
const treeSitterDir = path.dirname(createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm'));
const lazyTreeSitter = {
  name: 'lazy-tree-sitter',
  setup(build) {
    build.onResolve({ filter: /^@vscode\/tree-sitter-wasm$/ }, () => ({ path: './tree-sitter/tree-sitter.js', external: true }));
  },
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', plugins: [lazyTokenizer, lazyTreeSitter] };

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    entryPoints: ['node_modules/gpt-tokenizer/cjs/main.js'],
    outfile: 'dist/tokenizer.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: false,
  },
  { ...common, entryPoints: ['media/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

await mkdir('dist', { recursive: true });
await copyFile('media/main.css', 'dist/webview.css');
await mkdir('dist/tree-sitter', { recursive: true });
for (const file of ['tree-sitter.js', 'tree-sitter.wasm', ...GRAMMARS.map((g) => `tree-sitter-${g}.wasm`)])
  await copyFile(path.join(treeSitterDir, file), path.join('dist/tree-sitter', file));
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
