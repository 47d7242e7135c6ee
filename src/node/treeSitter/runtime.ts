import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';

export type Runtime = typeof TreeSitter;
export type { Language, Node, Parser, Query, QueryMatch, Tree } from '@vscode/tree-sitter-wasm';

/** Where scripts/build.mjs copies the runtime and the grammars, next to the extension and CLI bundles. */
const BUNDLED = path.join(__dirname, 'tree-sitter');

/**
 * The folder holding tree-sitter.wasm and the grammars: beside the bundle in the packaged extension and the
 * CLI (node_modules does not ship), else the package itself (the unit tests and the benchmarks run from out/).
 */
export function wasmDirectory(): string {
  return existsSync(path.join(BUNDLED, 'tree-sitter.wasm')) ? BUNDLED : path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
}

let runtime: Promise<Runtime> | undefined;

/**
 * The WASM runtime, started on first use: activation and a CLI run that never looks at code pay nothing. The
 * bundler maps this require to the runtime copied beside the bundle (scripts/build.mjs), which finds its
 * tree-sitter.wasm next to itself; `locateFile` says so explicitly for the unbundled case too.
 */
export function treeSitter(): Promise<Runtime> {
  runtime ??= (async () => {
    const loaded = require('@vscode/tree-sitter-wasm') as Runtime;
    const dir = wasmDirectory();
    await loaded.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return loaded;
  })();
  runtime.catch(() => (runtime = undefined));
  return runtime;
}

const grammars = new Map<string, Promise<TreeSitter.Language>>();

/** A grammar (`tree-sitter-<name>.wasm`), loaded the first time a file of its language is read. */
export function grammar(name: string): Promise<TreeSitter.Language> {
  let loading = grammars.get(name);
  if (!loading) {
    loading = (async () => {
      const ts = await treeSitter();
      return ts.Language.load(await fs.readFile(path.join(wasmDirectory(), `tree-sitter-${name}.wasm`)));
    })();
    loading.catch(() => grammars.delete(name));
    grammars.set(name, loading);
  }
  return loading;
}
