import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeIntelligence, CodeLocation, LanguageServerStatus, RenamedFile } from '../../../src/core/ports';
import type { PatchResult } from '../../../src/core/patch';
import { resolveInLines, symbolColumn, wordAt } from '../../../src/core/tools/codePosition';
import { formatLocations, NEEDS_EDITOR } from '../../../src/core/tools/codeLookup';
import { formatOutline } from '../../../src/core/tools/documentOutline';
import { findReferencesTool } from '../../../src/core/tools/findReferences';
import { findSymbolTool } from '../../../src/core/tools/findSymbol';
import { goToDefinitionTool } from '../../../src/core/tools/goToDefinition';
import { ToolRegistry } from '../../../src/core/tools/registry';
import { renameSymbolTool } from '../../../src/core/tools/renameSymbol';
import { plainHover, typeInfoTool } from '../../../src/core/tools/typeInfo';
import { ToolError, type ToolContext } from '../../../src/core/tools/types';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { readOnlyToolContext } from '../helpers/toolContext';

describe('code intelligence: positions', () => {
  it('finds a symbol on a line as a whole word, the occurrence nearest a given column', () => {
    const line = 'const areaTotal = area(a) + area(b); // area';
    assert.equal(symbolColumn(line, 'area'), 19, 'not inside areaTotal');
    assert.equal(symbolColumn(line, 'area', 30), 29, 'nearest the column');
    assert.equal(symbolColumn(line, 'area', 32), 29, 'the one the column points into');
    assert.equal(symbolColumn(line, 'are'), undefined, 'never a part of a longer name');
    assert.equal(symbolColumn('let $el = 1;', '$el'), 5);
    assert.equal(symbolColumn('a + b', '+'), 3, 'operators need no word boundary');
  });

  it('takes the identifier at or just after a column', () => {
    assert.equal(wordAt('foo(barBaz);', 6), 'barBaz');
    assert.equal(wordAt('foo(barBaz);', 11), 'barBaz', 'right after the name');
    assert.equal(wordAt('foo( x', 5), undefined);
  });

  const lines = ['import { area } from "./shape";', '', 'export const total = area(s) + area(t);', 'area.name;'];

  it('resolves a symbol on its line, or a line or two away with a note', () => {
    assert.deepEqual(resolveInLines('a.ts', lines, { line: 3, symbol: 'area' }), {
      position: { path: 'a.ts', line: 3, column: 22 },
      word: 'area',
    });
    assert.deepEqual(resolveInLines('a.ts', lines, { line: 3, symbol: 'area', column: 33 }).position.column, 32);
    const moved = resolveInLines('a.ts', lines, { line: 2, symbol: 'area' });
    assert.deepEqual(moved.position, { path: 'a.ts', line: 1, column: 10 }, 'the line above wins a tie with the one below');
    assert.equal(moved.note, '(Note: "area" is not on line 2; used line 1.)');
  });

  it('reads the names models send: area(), Shape.area', () => {
    assert.equal(resolveInLines('a.ts', lines, { line: 3, symbol: 'area()' }).position.column, 22);
    assert.equal(resolveInLines('a.ts', lines, { line: 3, symbol: 'Shape.area' }).word, 'area');
  });

  it('resolves a column to the name there', () => {
    assert.deepEqual(resolveInLines('a.ts', lines, { line: 3, column: 24 }), {
      position: { path: 'a.ts', line: 3, column: 24 },
      word: 'area',
    });
  });

  it('tells the model what is wrong with a position it can fix', () => {
    const fails = (args: Parameters<typeof resolveInLines>[2], message: RegExp) =>
      assert.throws(
        () => resolveInLines('a.ts', lines, args),
        (err: unknown) => err instanceof ToolError && message.test(err.message),
      );
    fails({ line: 9, symbol: 'area' }, /a\.ts has only 4 lines; line 9 is past the end/);
    fails(
      { line: 3, symbol: 'perimeter' },
      /"perimeter" does not occur on line 3 of a\.ts \(or within 3 lines of it\)\. Line 3 is: "export const total/,
    );
    fails({ line: 3 }, /Give the symbol name on that line \(or a 1-based column\)/);
    fails({ line: 3, column: 90 }, /has only 39 characters; column 90 is past its end/);
    fails({ line: 3, column: 21 }, /Column 21 of line 3 is not on a name/);
  });
});

describe('code intelligence: results', () => {
  let root: string;
  let workspace: NodeWorkspace;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-code-')));
    const files: Record<string, string> = {
      'src/a.ts': 'export function area() {}\narea();\n',
      'src/b.ts': 'import { area } from "./a";\n'.repeat(3),
      'gen/out.ts': 'area();\n',
      '.env': 'area=1\n',
      '.gitignore': 'gen/\n',
    };
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
    workspace = new NodeWorkspace({ root });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const at = (p: string, line: number, column = 1): CodeLocation => ({ path: p, line, column });

  it('one line per hit in path and line order, duplicates once, secret and ignored files counted not shown, capped', async () => {
    const locations = [
      at('src/b.ts', 2, 10),
      at('src/a.ts', 2),
      at('src/a.ts', 1, 17),
      at('src/a.ts', 2),
      at('gen/out.ts', 1),
      at('.env', 1),
    ];
    assert.equal(
      await formatLocations(locations, workspace, 10, 'references'),
      [
        'src/a.ts:1:17: export function area() {}',
        'src/a.ts:2:1: area();',
        'src/b.ts:2:10: import { area } from "./a";',
        '[2 in secret or ignored files not shown]',
      ].join('\n'),
    );
    assert.equal(
      await formatLocations(locations, workspace, 1, 'references'),
      ['src/a.ts:1:17: export function area() {}', '[2 more references not shown]', '[2 in secret or ignored files not shown]'].join('\n'),
    );
  });

  it('names a file outside the workspace by its base name only, after the workspace hits', async () => {
    const outside: CodeLocation = { path: '/opt/lib/typescript/lib.es5.d.ts', line: 640, column: 5, outsideWorkspace: true };
    assert.equal(
      await formatLocations([outside, at('src/a.ts', 1)], workspace, 10, 'definitions'),
      'src/a.ts:1:1: export function area() {}\n(outside the workspace) lib.es5.d.ts:640:5',
    );
  });

  it('an outline is indented by nesting, in line order, with ranges, capped with a count', () => {
    const method = { name: 'grow', kind: 'method' as const, line: 3, endLine: 5, children: [] };
    const field = { name: 'size', kind: 'property' as const, line: 2, endLine: 2, children: [] };
    const symbols = [
      { name: 'area', kind: 'function' as const, detail: '(s: Shape)', line: 8, endLine: 10, children: [] },
      { name: 'Box', kind: 'class' as const, line: 1, endLine: 6, children: [method, field] },
    ];
    assert.equal(
      formatOutline('src/box.ts', symbols, 10),
      [
        'src/box.ts: 4 symbol(s)',
        'class Box (lines 1-6)',
        '  property size (line 2)',
        '  method grow (lines 3-5)',
        'function area (s: Shape) (lines 8-10)',
      ].join('\n'),
    );
    assert.equal(
      formatOutline('src/box.ts', symbols, 2),
      'src/box.ts: 4 symbol(s)\nclass Box (lines 1-6)\n  property size (line 2)\n[2 more symbols not shown]',
    );
  });

  it('hover Markdown loses its fences, keeps its code and text', () => {
    assert.equal(
      plainHover('```typescript\nfunction area(s: Shape): number\n```\n\n\n\nThe area.'),
      'function area(s: Shape): number\n\nThe area.',
    );
  });
});

describe('code intelligence: the tools over a fake port', () => {
  let root: string;
  let proposed: PatchResult[];
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-code-')));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src/a.ts'), 'export function area() {}\n');
    fs.writeFileSync(path.join(root, 'src/b.ts'), 'import { area } from "./a";\narea();\n');
    fs.writeFileSync(path.join(root, 'notes.xyz'), 'area is measured here\n');
    proposed = [];
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A port that serves .ts files only and answers with what a language server would. */
  function fakePort(overrides: Partial<CodeIntelligence> = {}): CodeIntelligence {
    return {
      status: async (p): Promise<LanguageServerStatus> =>
        p.endsWith('.ts') ? { state: 'served' } : { state: 'none', language: 'plaintext' },
      workspaceSymbols: async () => [],
      outline: async () => [],
      definitions: async () => [{ path: 'src/a.ts', line: 1, column: 17 }],
      references: async () => Array.from({ length: 130 }, (_, i) => ({ path: 'src/b.ts', line: 1, column: i + 1 })),
      hover: async () => ['```ts\nfunction area(): void\n```'],
      rename: async () => ({ ok: false, reason: 'not set up' }),
      ...overrides,
    };
  }

  function context(codeIntelligence?: CodeIntelligence): ToolContext {
    return readOnlyToolContext(root, {
      codeIntelligence,
      reviewer: {
        async propose(change) {
          proposed.push(change);
          return { files: change.files.map((f) => ({ path: f.path, hunks: f.hunks.map(() => 'accepted' as const) })) };
        },
      },
    });
  }

  it('are offered only with the port, and without it say where they work', async () => {
    const names = (registry: ToolRegistry) => registry.specs().map((s) => s.name);
    const withPort = names(new ToolRegistry({ codeIntelligence: fakePort() }));
    for (const tool of ['find_symbol', 'go_to_definition', 'find_references', 'type_info', 'document_outline', 'rename_symbol'])
      assert.ok(withPort.includes(tool), `${tool} is offered with the port`);
    const withoutPort = names(new ToolRegistry({}));
    assert.deepEqual(
      withPort.filter((n) => !withoutPort.includes(n)),
      ['find_symbol', 'go_to_definition', 'find_references', 'type_info', 'document_outline', 'rename_symbol'],
    );
    assert.ok(new ToolRegistry({}).get('find_references'), 'still answers when called anyway');
    await assert.rejects(findReferencesTool.run({ path: 'src/b.ts', line: 2, symbol: 'area' }, context()), new ToolError(NEEDS_EDITOR));
  });

  it('go_to_definition and type_info answer from the port at the resolved position', async () => {
    const asked: unknown[] = [];
    const port = fakePort({
      definitions: async (p) => (asked.push(p), [{ path: 'src/a.ts', line: 1, column: 17 }]),
    });
    const definition = await goToDefinitionTool.run({ path: 'src/b.ts', line: 2, symbol: 'area' }, context(port));
    assert.deepEqual(asked, [{ path: 'src/b.ts', line: 2, column: 1 }]);
    assert.equal(definition.output, 'Definition of "area":\nsrc/a.ts:1:17: export function area() {}');
    const hover = await typeInfoTool.run({ path: 'src/b.ts', line: 2, column: 2 }, context(port));
    assert.equal(hover.output, '"area" (src/b.ts:2:2):\nfunction area(): void');
  });

  it('find_references caps its list and counts the rest', async () => {
    const { output } = await findReferencesTool.run({ path: 'src/a.ts', line: 1, symbol: 'area' }, context(fakePort()));
    const lines = output.split('\n');
    assert.equal(lines[0], '130 reference(s) to "area" in 1 file(s):');
    assert.equal(lines.length, 1 + 100 + 1);
    assert.equal(lines.at(-1), '[30 more references not shown]');
  });

  it('a file no language server reads gets the message and a labelled text search', async () => {
    const { output } = await findReferencesTool.run({ path: 'notes.xyz', line: 1, symbol: 'area' }, context(fakePort()));
    assert.match(
      output,
      /^no language features for \.xyz files yet — falling back to text search \(text matches of "area", approximate: not resolved/,
    );
    assert.match(output, /^notes\.xyz:1: area is measured here$/m);
    assert.match(output, /^src\/b\.ts:2: area\(\);$/m);
  });

  it('find_symbol ranks exact names first, filters by kind, and falls back to text search when nothing matches', async () => {
    const symbol = (name: string, kind: 'function' | 'class', line: number) => ({
      name,
      kind,
      location: { path: 'src/a.ts', line, column: 1 },
    });
    const port = fakePort({
      workspaceSymbols: async () => [symbol('areaOf', 'function', 5), symbol('area()', 'function', 1), symbol('Area', 'class', 9)],
    });
    const ranked = await findSymbolTool.run({ query: 'area', kind: 'function' }, context(port));
    assert.equal(ranked.output, 'function area() — src/a.ts:1:1\nfunction areaOf — src/a.ts:5:1');
    const missing = await findSymbolTool.run({ query: 'area', kind: 'function' }, context(fakePort()));
    assert.match(missing.output, /^no language server knows a symbol of kind function matching "area" — falling back to text search/);
  });

  it("rename_symbol turns the server's new file contents into one proposal with the usual hunks", async () => {
    const files: RenamedFile[] = [
      { path: 'src/a.ts', oldContent: 'export function area() {}\n', newContent: 'export function size() {}\n' },
      { path: 'src/b.ts', oldContent: 'import { area } from "./a";\narea();\n', newContent: 'import { size } from "./a";\nsize();\n' },
      { path: 'src/c.ts', oldContent: 'unchanged\n', newContent: 'unchanged\n' },
    ];
    const port = fakePort({ rename: async () => ({ ok: true, files }) });
    const result = await renameSymbolTool.run({ path: 'src/a.ts', line: 1, symbol: 'area', new_name: 'size' }, context(port));
    assert.equal(proposed.length, 1);
    assert.deepEqual(
      proposed[0].files.map((f) => [f.path, f.kind, f.newContent, f.hunks.length]),
      [
        ['src/a.ts', 'update', 'export function size() {}\n', 1],
        ['src/b.ts', 'update', 'import { size } from "./a";\nsize();\n', 1],
      ],
    );
    assert.match(proposed[0].diff, /^-import \{ area \} from "\.\/a";\n-area\(\);\n\+import \{ size \} from "\.\/a";\n\+size\(\);$/m);
    assert.equal(result.ok, true);
    assert.match(
      result.output,
      /^Proposed renaming "area" to "size": 2 hunk\(s\) in 2 file\(s\)\.\nsrc\/a\.ts: all 1 hunk\(s\) accepted and written\./,
    );
  });

  it('rename_symbol proposes nothing when the server refuses, or the edit reaches outside the workspace or a secret', async () => {
    const refusing = fakePort({ rename: async () => ({ ok: false, reason: 'You cannot rename this element.' }) });
    const args = { path: 'src/a.ts', line: 1, symbol: 'area', new_name: 'size' };
    await assert.rejects(renameSymbolTool.run(args, context(refusing)), /cannot rename "area" there: You cannot rename this element\./);
    const change = (file: Partial<RenamedFile>): CodeIntelligence =>
      fakePort({ rename: async () => ({ ok: true, files: [{ path: 'x', oldContent: 'a', newContent: 'b', ...file }] }) });
    await assert.rejects(
      renameSymbolTool.run(args, context(change({ path: '/usr/lib/x.d.ts', outsideWorkspace: true }))),
      /would change x\.d\.ts, outside the workspace/,
    );
    await assert.rejects(renameSymbolTool.run(args, context(change({ path: '.env' }))), /would change \.env, which looks like a secret/);
    await assert.rejects(
      renameSymbolTool.run({ ...args, new_name: 'two words' }, context(fakePort())),
      /new_name must be a name without spaces/,
    );
    await assert.rejects(renameSymbolTool.run({ ...args, path: 'notes.xyz' }, context(fakePort())), /a rename needs a language server/);
    assert.equal(proposed.length, 0);
  });
});
