import * as assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { toolResult, type TestApi, useFakeModel } from './helpers';

type ToolEntry = Extract<Entry, { kind: 'tool' }>;

/** Each read-side tool against the fixture workspace in a real VS Code, with its card in the chat (issue 3). */
describe('agent tools in VS Code', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;

  useFakeModel({}, (suite) => ({ server, api, root } = suite));

  it('list_files, read_file, search, get_diagnostics and update_plan answer the model and show as cards', async () => {
    const diagnostics = vscode.languages.createDiagnosticCollection('fixpoint-tools-test');
    const calc = vscode.Uri.file(path.join(root, 'src', 'calc.js'));
    diagnostics.set(calc, [
      new vscode.Diagnostic(new vscode.Range(9, 2, 9, 40), 'average([]) divides by zero', vscode.DiagnosticSeverity.Warning),
    ]);
    // An unsaved editor buffer is what read_file sees, not the disk.
    const document = await vscode.workspace.openTextDocument(calc);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// unsaved note\n'));
    writeFileSync(path.join(root, '.env'), 'TOKEN=do-not-send\n');
    try {
      server.enqueue(
        {
          toolCalls: [
            { id: 'ls', name: 'list_files', arguments: JSON.stringify({ glob: '**/*.js' }) },
            { id: 'rf', name: 'read_file', arguments: JSON.stringify({ path: 'src/calc.js', start_line: 1, end_line: 3 }) },
            { id: 'sr', name: 'search', arguments: JSON.stringify({ pattern: 'values.length' }) },
            { id: 'dg', name: 'get_diagnostics', arguments: JSON.stringify({ path: 'src/calc.js' }) },
            {
              id: 'pl',
              name: 'update_plan',
              arguments: JSON.stringify({
                steps: [
                  { text: 'Read calc.js', status: 'completed' },
                  { text: 'Fix average', status: 'in_progress' },
                ],
              }),
            },
            { id: 'env', name: 'search', arguments: JSON.stringify({ pattern: 'TOKEN' }) },
          ],
        },
        { text: 'I have what I need.' },
      );
      assert.equal(await api.prompt('Look around the project.'), 'answered');

      assert.match(toolResult(server, 'ls') ?? '', /src\/calc\.js[\s\S]*test\/calc\.test\.js/);
      assert.match(toolResult(server, 'rf') ?? '', /^ {4}1\t\/\/ unsaved note\n {4}2\t'use strict';/);
      assert.match(toolResult(server, 'sr') ?? '', /src\/calc\.js:\d+: return values\.reduce\(add, 0\) \/ values\.length;/);
      assert.match(
        toolResult(server, 'dg') ?? '',
        /src\/calc\.js:10:3: warning \[fixpoint-tools-test\]|src\/calc\.js:10:3: warning: average/,
      );
      assert.equal(toolResult(server, 'pl'), 'Plan updated.');
      assert.doesNotMatch(toolResult(server, 'env') ?? '', /do-not-send/);

      const entries = api.snapshot().entries;
      const cards = entries.filter((e): e is ToolEntry => e.kind === 'tool');
      assert.deepEqual(
        cards.map((c) => [c.name, c.status]),
        [
          ['list_files', 'done'],
          ['read_file', 'done'],
          ['search', 'done'],
          ['get_diagnostics', 'done'],
          ['update_plan', 'done'],
          ['search', 'done'],
        ],
      );
      assert.equal(cards[1].summary, 'src/calc.js:1-3');
      assert.ok(
        cards.every((c) => typeof c.durationMs === 'number'),
        'every card shows its duration',
      );
      const plan = entries.find((e) => e.kind === 'plan');
      assert.ok(plan?.kind === 'plan' && plan.steps[1].status === 'in_progress', 'the plan checklist is shown');
    } finally {
      diagnostics.dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      rmSync(path.join(root, '.env'), { force: true });
    }
  });
});
