import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TagDefinition } from '../../src/core/ports';
import { documentOutlineTool } from '../../src/core/tools/documentOutline';
import { findReferencesTool } from '../../src/core/tools/findReferences';
import { findSymbolTool } from '../../src/core/tools/findSymbol';
import { goToDefinitionTool } from '../../src/core/tools/goToDefinition';
import { renameSymbolTool } from '../../src/core/tools/renameSymbol';
import { typeInfoTool } from '../../src/core/tools/typeInfo';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { syntaxServices } from '../../src/node/treeSitter';
import { countIdentifiers, TreeSitterTagger } from '../../src/node/treeSitter/tagger';
import { readOnlyToolContext } from './helpers/toolContext';

const root = path.resolve(__dirname, '../../../test/fixtures/syntax');
const tagger = new TreeSitterTagger(root);

/** `kind name@line < parent`, the shape the assertions read. */
async function definitions(file: string): Promise<string[]> {
  const tags = await tagger.tags(file, fs.readFileSync(path.join(root, file), 'utf8'));
  assert.ok(tags, `${file} is read`);
  const label = (d: TagDefinition) => `${d.kind} ${d.name}@${d.line}`;
  return tags.definitions.map((d) => (d.parent === undefined ? label(d) : `${label(d)} < ${tags.definitions[d.parent].name}`));
}

describe('tree-sitter tagger', () => {
  it('TypeScript: declarations, members under their type, module constants; no locals', async () => {
    assert.deepEqual(await definitions('shapes.ts'), [
      'interface Shape@4',
      'method area@5 < Shape',
      'property name@6 < Shape',
      'type parameter Scale@9',
      'enum Unit@11',
      'class Circle@16',
      'property name@17 < Circle',
      'method constructor@18 < Circle',
      'method area@20 < Circle',
      'function totalArea@26',
      'function double@32',
      'constant LIMIT@33',
      'constant SMALL@33',
      'variable counter@34',
      'namespace Geometry@36',
      'constant origin@37 < Geometry',
    ]);
  });

  it('JavaScript and TSX', async () => {
    assert.deepEqual(await definitions('util.js'), [
      'function helper@1',
      'class Registry@6',
      'property items@7 < Registry',
      'method add@8 < Registry',
      'function make@13',
    ]);
    // The inline type of a parameter declares no definitions of the module.
    assert.deepEqual(await definitions('view.tsx'), ['function AreaView@3']);
  });

  it('Python: functions in a class are methods; module-level names, UPPER_CASE ones constants', async () => {
    assert.deepEqual(await definitions('inventory.py'), [
      'constant MAX_ITEMS@3',
      'variable default_name@4',
      'class Item@7',
      'method __init__@10 < Item',
      'method heavy@15 < Item',
      'function total_weight@19',
    ]);
  });

  it('Go: functions, methods, structs with fields, interfaces, named types, top-level const and var', async () => {
    assert.deepEqual(await definitions('server.go'), [
      'constant DefaultPort@5',
      'variable started@7',
      'interface Handler@9',
      'method Serve@10 < Handler',
      'struct Server@13',
      'field Port@14 < Server',
      'field name@15 < Server',
      'type parameter Port@18',
      'function NewServer@20',
      'method Start@24',
    ]);
  });

  it('Rust: items, impl blocks by their header holding methods, trait methods, modules', async () => {
    assert.deepEqual(await definitions('geometry.rs'), [
      'constant ORIGIN@3',
      'struct Point@5',
      'field x@6 < Point',
      'field y@7 < Point',
      'enum Direction@10',
      'enum member North@11 < Direction',
      'enum member South@12 < Direction',
      'interface Area@15',
      'method area@16 < Area',
      'object impl Point@19',
      'method new@20 < impl Point',
      'object impl fmt::Display for Point@25',
      'method fmt@26 < impl fmt::Display for Point',
      'function distance@31',
      'module tests@35',
      'function helper@36 < tests',
    ]);
  });

  it('Java: classes, records, interfaces, enums with constants, constructors, fields', async () => {
    assert.deepEqual(await definitions('Library.java'), [
      'class Library@6',
      'field MAX_BOOKS@7 < Library',
      'field books@8 < Library',
      'constructor Library@10 < Library',
      'method add@12 < Library',
      'method count@16 < Library',
      'interface Lendable@21',
      'method lend@22 < Lendable',
      'enum Genre@25',
      'enum member FICTION@26 < Genre',
      'enum member SCIENCE@27 < Genre',
      'class Book@30',
    ]);
  });

  it('columns count UTF-16 units, as editors do', async () => {
    const tags = await tagger.tags('u.ts', 'const ü = "é"; export function größe() {}\n');
    assert.deepEqual(
      tags?.definitions.map((d) => [d.name, d.column]),
      [
        ['ü', 7],
        ['größe', 32],
      ],
    );
  });

  it('reads no other languages, and counts identifier uses for the repo map', async () => {
    assert.equal(tagger.language('README.md'), undefined);
    assert.equal(await tagger.tags('README.md', '# Title'), undefined);
    assert.equal(tagger.language('src/types.d.ts'), 'typescript');
    assert.deepEqual(
      [...countIdentifiers('a.b(a, $c_1) // a')],
      [
        ['a', 3],
        ['b', 1],
        ['$c_1', 1],
      ],
    );
  });

  it('gives a version that changes with the file on disk, none for a missing file', async () => {
    const [present, missing] = await tagger.versions(['shapes.ts', 'nope.ts']);
    assert.match(present ?? '', /^\d+:/);
    assert.equal(missing, undefined);
  });
});

describe('syntax code intelligence (the CLI backend)', () => {
  const workspace = new NodeWorkspace({ root });
  const { codeIntelligence } = syntaxServices(workspace);
  const context = () => readOnlyToolContext(root, { workspace, codeIntelligence });

  it('go_to_definition finds the definition in another file by name, labelled approximate', async () => {
    const out = await goToDefinitionTool.run({ path: 'view.tsx', line: 4, symbol: 'totalArea' }, context());
    assert.ok(out.ok);
    const [label, heading, location] = out.output.split('\n');
    assert.match(label, /^\(approximate: from the syntax \(tree-sitter\)/);
    assert.equal(heading, 'Definition of "totalArea":');
    assert.equal(location, 'shapes.ts:26:17: export function totalArea(shapes: Shape[]): number {');
  });

  it('find_references lists whole-word uses in files of the same language family only', async () => {
    const out = await findReferencesTool.run({ path: 'shapes.ts', line: 1, symbol: 'helper' }, context());
    const lines = out.output.split('\n').slice(2);
    assert.deepEqual(lines, [
      "shapes.ts:1:10: import { helper } from './util';",
      'shapes.ts:29:10: return helper(sum);',
      'util.js:1:17: export function helper(value) {',
      'util.js:9:21: this.items.push(helper(item));',
    ]);
    const python = await findReferencesTool.run({ path: 'inventory.py', line: 20, symbol: 'local' }, context());
    assert.ok(!python.output.includes('util.js'), 'a Python name is not looked for in JavaScript');
    assert.match(python.output, /3 reference\(s\) to "local" in 1 file\(s\)/);
  });

  it('find_symbol searches the index of every file; document_outline nests members', async () => {
    const symbols = await findSymbolTool.run({ query: 'area' }, context());
    assert.match(symbols.output, /^\(approximate/);
    assert.ok(symbols.output.includes('method area in Circle — shapes.ts:20:3'), symbols.output);
    assert.ok(symbols.output.includes('method area in Area — geometry.rs:16:8'), symbols.output);
    assert.ok(symbols.output.includes('function totalArea — shapes.ts:26:17'), symbols.output);
    const outline = await documentOutlineTool.run({ path: 'inventory.py' }, context());
    assert.deepEqual(outline.output.split('\n').slice(1), [
      'inventory.py: 6 symbol(s)',
      'constant MAX_ITEMS (line 3)',
      'variable default_name (line 4)',
      'class Item (lines 7-16)',
      '  method __init__ (lines 10-12)',
      '  method heavy (lines 15-16)',
      'function total_weight (lines 19-23)',
    ]);
  });

  it('type_info quotes the declaration with its doc comment', async () => {
    const out = await typeInfoTool.run({ path: 'shapes.ts', line: 16, symbol: 'Shape' }, context());
    assert.ok(out.output.includes('/** A shape with an area. */\nexport interface Shape {'), out.output);
  });

  it('says where it has no grammar, and refuses renames with the reason', async () => {
    fs.writeFileSync(path.join(root, 'notes.txt'), 'Circle is round\n');
    try {
      const out = await goToDefinitionTool.run({ path: 'notes.txt', line: 1, symbol: 'Circle' }, context());
      assert.match(out.output, /no language features for \.txt files yet — falling back to text search/);
    } finally {
      fs.rmSync(path.join(root, 'notes.txt'));
    }
    await assert.rejects(
      renameSymbolTool.run({ path: 'shapes.ts', line: 16, symbol: 'Circle', new_name: 'Round' }, context()),
      /rename_symbol is not available here: a rename needs a language server.*find_references/,
    );
  });
});
