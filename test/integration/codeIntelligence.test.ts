import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as vscode from 'vscode';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { toolResult, toolTurns, waitFor, type TestApi, useFakeModel } from './helpers';

type ToolEntry = Extract<Entry, { kind: 'tool' }>;

const SHAPES = ['shapes/shape.ts', 'shapes/circle.ts', 'shapes/report.ts'];

/**
 * Issue 16: the agent's code-intelligence tools through VS Code's language features, against the fixture's
 * small TypeScript project (shapes/) and the built-in TypeScript server, offline.
 */
describe('code intelligence through VS Code language features', function () {
  this.timeout(120_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;
  const originals = new Map<string, string>();

  // What reaches the files is the subject here; checking accepted edits is the verification suites' feature.
  useFakeModel({ 'verify.when': 'off' }, (suite) => ({ server, api, root } = suite));

  before(async () => {
    for (const file of SHAPES) originals.set(file, readFileSync(path.join(root, file), 'utf8'));
    // The TypeScript server starts on the first TypeScript document and then loads the project: wait for it
    // to resolve a definition across files (bounded; in a cold window this takes a few seconds).
    const report = vscode.Uri.file(path.join(root, 'shapes/report.ts'));
    await vscode.workspace.openTextDocument(report);
    await waitFor(
      'the TypeScript server to resolve definitions',
      async () => {
        const found = await vscode.commands.executeCommand<unknown[]>(
          'vscode.executeDefinitionProvider',
          report,
          new vscode.Position(10, 57),
        );
        return (found?.length ?? 0) > 0;
      },
      90_000,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [file, content] of originals) writeFileSync(path.join(root, file), content);
  });

  it('find_symbol, go_to_definition, find_references, type_info and document_outline answer from the TypeScript server', async () => {
    server.enqueue(
      {
        toolCalls: [
          { id: 'def', name: 'go_to_definition', arguments: JSON.stringify({ path: 'shapes/report.ts', line: 17, symbol: 'area' }) },
          // A column instead of a name, and a line that is one off (the name is found on the next line).
          { id: 'col', name: 'go_to_definition', arguments: JSON.stringify({ path: 'shapes/circle.ts', line: 7, column: 37 }) },
          { id: 'off', name: 'go_to_definition', arguments: JSON.stringify({ path: 'shapes/circle.ts', line: 6, symbol: 'area' }) },
          { id: 'ref', name: 'find_references', arguments: JSON.stringify({ path: 'shapes/shape.ts', line: 8, symbol: 'area' }) },
          { id: 'typ', name: 'type_info', arguments: JSON.stringify({ path: 'shapes/circle.ts', line: 7, symbol: 'area' }) },
          { id: 'out', name: 'document_outline', arguments: JSON.stringify({ path: 'shapes/shape.ts' }) },
        ],
      },
      // Workspace symbols come from the projects TypeScript has loaded: asked after the calls above opened them,
      // as a model exploring the code would.
      { toolCalls: [{ id: 'sym', name: 'find_symbol', arguments: JSON.stringify({ query: 'area', kind: 'function' }) }] },
      { text: 'Mapped.' },
    );
    assert.equal(await api.prompt('Where is area defined and used?'), 'answered');

    // TypeScript names functions with their parentheses and places them at the start of the declaration.
    assert.equal(toolResult(server, 'sym'), 'function area() — shapes/shape.ts:8:1\nfunction totalArea() — shapes/report.ts:15:1');
    const definition = /^Definition of "area":\nshapes\/shape\.ts:8:17: export function area\(shape: Shape\): number \{$/;
    assert.match(toolResult(server, 'def') ?? '', definition);
    assert.match(toolResult(server, 'col') ?? '', /^Definition of "circle":\nshapes\/circle\.ts:3:17: export function circle/);
    const off = toolResult(server, 'off') ?? '';
    assert.match(off, /^\(Note: "area" is not on line 6; used line 7\.\)\n/);
    assert.match(off, /shapes\/shape\.ts:8:17: export function area/);
    assert.equal(
      toolResult(server, 'ref'),
      [
        '6 reference(s) to "area" in 3 file(s):',
        "shapes/circle.ts:1:10: import { area, type Shape } from './shape';",
        'shapes/circle.ts:7:31: export const unitCircleArea = area(circle(1));',
        "shapes/report.ts:1:10: import { area, type Shape } from './shape';",
        'shapes/report.ts:11:58: return shapes.map((shape) => `${shape.kind}: ${rounded(area(shape))}`);',
        'shapes/report.ts:17:38: for (const shape of shapes) sum += area(shape);',
        'shapes/shape.ts:8:17: export function area(shape: Shape): number {',
      ].join('\n'),
    );
    // At a use of an import, TypeScript's hover shows the alias; the documentation comes from the declaration.
    assert.equal(
      toolResult(server, 'typ'),
      '"area" (shapes/circle.ts:7:31):\n(alias) area(shape: Shape): number\nimport area\n\nThe area of a shape, in square metres.',
    );
    const outline = toolResult(server, 'out') ?? '';
    assert.match(outline, /^shapes\/shape\.ts: \d+ symbol\(s\)$/m);
    assert.match(outline, /^interface Shape \(lines 2-5\)$/m);
    assert.match(outline, /^ {2}property kind \(line 3\)$/m);
    assert.match(outline, /^function area \(lines 8-10\)$/m);

    const cards = api.snapshot().entries.filter((e): e is ToolEntry => e.kind === 'tool');
    assert.deepEqual(
      cards.map((c) => [c.name, c.summary, c.status]),
      [
        ['go_to_definition', 'shapes/report.ts:17 area', 'done'],
        ['go_to_definition', 'shapes/circle.ts:7:37', 'done'],
        ['go_to_definition', 'shapes/circle.ts:6 area', 'done'],
        ['find_references', 'shapes/shape.ts:8 area', 'done'],
        ['type_info', 'shapes/circle.ts:7 area', 'done'],
        ['document_outline', 'shapes/shape.ts', 'done'],
        ['find_symbol', '"area" (function)', 'done'],
      ],
    );
  });

  it('rename_symbol across 3 files arrives as one proposal, is accepted hunk by hunk, and the project still type-checks', async () => {
    server.enqueue(...toolTurns('ren', 'rename_symbol', { path: 'shapes/shape.ts', line: 8, symbol: 'area', new_name: 'surfaceArea' }));
    const done = api.prompt('Rename area to surfaceArea.');
    const proposal = await waitFor('the rename proposal', () => api.session.reviewer.pending()[0]);
    assert.deepEqual(proposal.files.map((f) => f.change.path).sort(), [...SHAPES].sort());
    for (const file of SHAPES)
      assert.equal(readFileSync(path.join(root, file), 'utf8'), originals.get(file), `${file} is untouched before review`);
    assert.deepEqual(proposal.files.map((f) => [f.change.path, f.decisions.length]).sort(), [
      ['shapes/circle.ts', 1],
      ['shapes/report.ts', 2],
      ['shapes/shape.ts', 1],
    ]);

    // Accepted one hunk at a time: nothing is written until the last decision.
    const hunks = proposal.files.flatMap((f) => f.decisions.map((_, index) => ({ path: f.change.path, index })));
    for (const [n, hunk] of hunks.entries()) {
      api.session.reviewer.decideHunk(proposal.id, hunk.path, hunk.index, true);
      if (n < hunks.length - 1) assert.equal(readFileSync(path.join(root, 'shapes/shape.ts'), 'utf8'), originals.get('shapes/shape.ts'));
    }
    assert.equal(await done, 'answered');

    for (const file of SHAPES) {
      const text = readFileSync(path.join(root, file), 'utf8');
      assert.doesNotMatch(text, /\barea\(/, `${file} has no call of the old name left`);
      assert.equal(text, originals.get(file)!.replace(/\barea\b(?=[(,])/g, 'surfaceArea'), `${file} changed exactly at the uses`);
    }
    const result = toolResult(server, 'ren') ?? '';
    assert.match(result, /^Proposed renaming "area" to "surfaceArea": 4 hunk\(s\) in 3 file\(s\)\.$/m);
    for (const file of SHAPES)
      assert.match(result, new RegExp(`^${file.replace('.', '\\.')}: all \\d hunk\\(s\\) accepted and written\\.$`, 'm'));
    assert.deepEqual(typeErrors(path.join(root, 'shapes', 'tsconfig.json')), []);
  });

  it('a file no language server reads gets the message and a text search; rename refuses it', async () => {
    server.enqueue(
      {
        toolCalls: [
          { id: 'typ', name: 'type_info', arguments: JSON.stringify({ path: 'shapes/units.toml', line: 3, symbol: 'size' }) },
          { id: 'out', name: 'document_outline', arguments: JSON.stringify({ path: 'shapes/units.toml' }) },
          {
            id: 'ren',
            name: 'rename_symbol',
            arguments: JSON.stringify({ path: 'shapes/units.toml', line: 3, symbol: 'size', new_name: 'length' }),
          },
        ],
      },
      { text: 'Understood.' },
    );
    assert.equal(await api.prompt('What is size?'), 'answered');
    const fallback = toolResult(server, 'typ') ?? '';
    assert.match(
      fallback,
      /^no language features for \.toml files yet — falling back to text search \(text matches of "size", approximate/,
    );
    assert.match(fallback, /^shapes\/units\.toml:3: size = "metres"$/m);
    assert.match(fallback, /^shapes\/shape\.ts:4: size: number;$/m);
    assert.match(
      toolResult(server, 'out') ?? '',
      /^no language features for \.toml files yet — falling back to text search: no text matches/,
    );
    assert.match(toolResult(server, 'ren') ?? '', /no language features for \.toml files yet, and a rename needs a language server/);
    assert.equal(api.session.reviewer.pending().length, 0, 'nothing was proposed');
  });
});

/** The TypeScript compiler's errors for a tsconfig (the project's own `typescript`), as `file:line: message`. */
function typeErrors(tsconfig: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) return [`${tsconfig} could not be read`];
  const program = ts.createProgram(config.fileNames, config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
        : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}
