import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countTokens } from '../../src/core/agent/tokens';
import { pageRank } from '../../src/core/context/pageRank';
import { RepoMap, requestFocus } from '../../src/core/context/repoMap';
import { TagIndex } from '../../src/core/context/tagIndex';
import type { SyntaxTagger } from '../../src/core/ports';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { TreeSitterTagger } from '../../src/node/treeSitter/tagger';

/**
 * A generated repository with a known shape: a store every feature uses, a logger some use, one helper only
 * feature 3 uses, and an orphan nobody uses.
 */
function generate(root: string, features = 30): void {
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write(
    'src/core/store.ts',
    'export class Store {\n  get(key: string) {\n    return key;\n  }\n}\n\nexport function createStore() {\n  return new Store();\n}\n',
  );
  write('src/util/log.ts', 'export function logMessage(text: string) {\n  console.log(text);\n}\n');
  write('src/special/only3.ts', 'export function specialThing() {\n  return 3;\n}\n');
  write('src/leaf/orphan.ts', 'export function unusedThing() {\n  return 0;\n}\n');
  for (let i = 0; i < features; i++) {
    const uses = [`createStore()`, ...(i % 6 === 0 ? ['logMessage("hi")'] : []), ...(i === 3 ? ['specialThing()'] : [])];
    write(`src/features/feature${i}.ts`, `export function feature${i}(s: Store) {\n  ${uses.join(';\n  ')};\n  return s;\n}\n`);
  }
}

/** The files of a map in the order it lists them. */
function filesOf(text: string): string[] {
  return text.split('\n').filter((l) => /^src\//.test(l));
}

class CountingTagger implements SyntaxTagger {
  calls: string[] = [];
  constructor(private readonly inner: SyntaxTagger) {}
  language(p: string) {
    return this.inner.language(p);
  }
  versions(paths: readonly string[]) {
    return this.inner.versions(paths);
  }
  tags(p: string, text: string) {
    this.calls.push(p);
    return this.inner.tags(p, text);
  }
}

describe('repo map', () => {
  let root: string;
  let tagger: CountingTagger;
  let map: RepoMap;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-repomap-'));
    generate(root);
    tagger = new CountingTagger(new TreeSitterTagger(root));
    map = new RepoMap(new TagIndex(new NodeWorkspace({ root }), tagger), { countTokens });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('ranks the files the rest of the code uses first, unused ones last', async () => {
    const rendered = await map.render(4000);
    assert.ok(rendered);
    const files = filesOf(rendered.text);
    assert.equal(files[0], 'src/core/store.ts');
    assert.equal(files[1], 'src/util/log.ts');
    assert.ok(files.indexOf('src/special/only3.ts') < files.indexOf('src/leaf/orphan.ts'));
    assert.equal(rendered.totalFiles, 34);
    assert.match(rendered.text, /src\/core\/store\.ts\n {2}1 class Store\n {4}2 method get\n {2}7 function createStore/);
  });

  it('stays within the budget, showing more as it grows; no budget, no map', async () => {
    let shown = 0;
    for (const budget of [60, 120, 250, 500, 4000]) {
      const rendered = await map.render(budget);
      assert.ok(rendered, `a map within ${budget}`);
      assert.ok(rendered.tokens <= budget, `${rendered.tokens} tokens within ${budget}`);
      assert.equal(rendered.tokens, countTokens(rendered.text));
      assert.ok(rendered.files >= shown, `${rendered.files} files with ${budget} tokens, ${shown} with less`);
      shown = rendered.files;
    }
    assert.equal(shown, 34, 'a large budget shows every file');
    assert.equal(await map.render(0), undefined);
  });

  it('leans towards the files in view and the names the request uses', async () => {
    const position = async (focus: Parameters<RepoMap['render']>[1], file: string) =>
      filesOf((await map.render(4000, focus))!.text).indexOf(file);
    const plain = await position({}, 'src/special/only3.ts');
    const inView = await position({ files: ['src/features/feature3.ts'] }, 'src/special/only3.ts');
    assert.ok(inView < plain, `with feature3 in view, what it uses moves up (${plain} → ${inView})`);
    assert.ok(inView < (await position({ files: ['src/features/feature3.ts'] }, 'src/util/log.ts')), 'ahead of the logger now');
    const small = await map.render(80, requestFocus('why is unusedThing never called?', []));
    assert.ok(small && filesOf(small.text).includes('src/leaf/orphan.ts'), 'a name in the request brings its definition in');
    assert.deepEqual(requestFocus('look at @src/a.ts and @./b.ts', ['c.ts']).files, ['c.ts', 'src/a.ts', 'b.ts']);
  });

  it('is off for a small repository', async () => {
    const small = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-repomap-small-'));
    try {
      generate(small, 3);
      const smallMap = new RepoMap(new TagIndex(new NodeWorkspace({ root: small }), new TreeSitterTagger(small)), { countTokens });
      assert.equal(await smallMap.render(4000), undefined);
    } finally {
      fs.rmSync(small, { recursive: true, force: true });
    }
  });

  it('re-reads only changed files, and the ranking follows the change', async () => {
    await map.render(4000);
    assert.equal(tagger.calls.length, 34);
    tagger.calls = [];
    await map.render(4000);
    assert.deepEqual(tagger.calls, [], 'nothing changed, nothing re-read');
    const before = filesOf((await map.render(4000))!.text).indexOf('src/leaf/orphan.ts');
    for (const i of [1, 2, 5, 7]) {
      const file = path.join(root, `src/features/feature${i}.ts`);
      fs.writeFileSync(file, `export function feature${i}() {\n  return unusedThing() + unusedThing();\n}\n`);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    }
    const after = filesOf((await map.render(4000))!.text).indexOf('src/leaf/orphan.ts');
    assert.deepEqual(
      tagger.calls.sort(),
      [1, 2, 5, 7].map((i) => `src/features/feature${i}.ts`),
    );
    assert.ok(after < before, `once four files call it, the orphan moves up (${before} → ${after})`);
    fs.rmSync(path.join(root, 'src/leaf/orphan.ts'));
    assert.ok(!filesOf((await map.render(4000))!.text).includes('src/leaf/orphan.ts'), 'a deleted file leaves the map');
  });
});

describe('pageRank', () => {
  it('sums to 1, favours the node everyone links to, and follows the personalisation', () => {
    const graph = { nodes: 4, from: [1, 2, 3, 0], to: [0, 0, 0, 1], weight: [1, 1, 1, 1] };
    const rank = pageRank(graph);
    assert.ok(Math.abs(rank.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(rank[0] > rank[1] && rank[1] > rank[2]);
    assert.ok(Math.abs(rank[2] - rank[3]) < 1e-12, 'symmetric nodes rank alike');
    const towards3 = pageRank(graph, [0, 0, 0, 1]);
    assert.ok(towards3[3] > rank[3] && towards3[2] < rank[2]);
    // A node without out-edges hands its rank on instead of losing it.
    const dangling = pageRank({ nodes: 2, from: [0], to: [1], weight: [1] });
    assert.ok(Math.abs(dangling[0] + dangling[1] - 1) < 1e-9);
  });
});
