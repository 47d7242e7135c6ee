import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FixCodeActionProvider } from '../../src/host/quickFix';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { closeAllEditors, toolTurns, waitFor, type TestApi, useFakeModel } from './helpers';

const MESSAGE = 'average() divides by zero when `values` is empty (fixture-lint)';

/**
 * Issue 6 in the real VS Code: a diagnostic gets the "Fixpoint: Ask agent to fix" quick fix from the real
 * code action machinery, and running it sends a focused request (diagnostic + surrounding code) to the fast
 * model, whose patch arrives as a pending proposal for that file.
 */
describe('"Ask agent to fix" quick fix', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;
  let diagnostics: vscode.DiagnosticCollection;
  let uri: vscode.Uri;
  let diagnostic: vscode.Diagnostic;

  useFakeModel({ fastModel: 'fake-fast-model' }, (suite) => ({ server, api, root } = suite));
  before(async () => {
    uri = vscode.Uri.file(path.join(root, 'src', 'calc.js'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const line = document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('values.reduce'));
    const column = document.lineAt(line).text.indexOf('/ values.length');
    // A diagnostic as a linter extension would publish it.
    diagnostic = new vscode.Diagnostic(
      new vscode.Range(line, column, line, column + '/ values.length'.length),
      MESSAGE,
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = 'fixture-lint';
    diagnostic.code = 'no-empty-divide';
    diagnostics = vscode.languages.createDiagnosticCollection('fixture-lint');
    diagnostics.set(uri, [diagnostic]);
    await waitFor('the diagnostic to be reported', () => vscode.languages.getDiagnostics(uri).some((d) => d.message === MESSAGE));
  });
  after(async () => {
    diagnostics.dispose();
    await closeAllEditors();
  });

  async function codeActions(range: vscode.Range): Promise<vscode.CodeAction[]> {
    const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
      'vscode.executeCodeActionProvider',
      uri,
      range,
    );
    return actions.filter((a): a is vscode.CodeAction => 'title' in a && 'kind' in a);
  }

  it('lists "Fixpoint: Ask agent to fix" as a quick fix for the diagnostic', async () => {
    const actions = await codeActions(diagnostic.range);
    const fix = actions.find((a) => a.title === 'Fixpoint: Ask agent to fix');
    assert.ok(fix, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(fix.command?.command, 'fixpoint.askToFix');
    const [target, problem] = fix.command?.arguments ?? [];
    assert.equal((target as vscode.Uri).toString(), uri.toString());
    assert.equal((problem as vscode.Diagnostic).message, MESSAGE, 'the command carries the diagnostic it fixes');
  });

  it('links the quick fix to its diagnostic (CodeAction.diagnostics), as the lightbulb and Problems view need', async () => {
    // vscode.executeCodeActionProvider does not hand `diagnostics` back to extensions, so ask the provider
    // Fixpoint registers, with the document and the diagnostics VS Code reports for it.
    const document = await vscode.workspace.openTextDocument(uri);
    const context: vscode.CodeActionContext = {
      diagnostics: vscode.languages.getDiagnostics(uri),
      triggerKind: vscode.CodeActionTriggerKind.Invoke,
      only: undefined,
    };
    const actions = new FixCodeActionProvider().provideCodeActions(document, diagnostic.range, context);
    const fix = actions.find((a) => a.title === 'Fixpoint: Ask agent to fix');
    assert.deepEqual(
      fix?.diagnostics?.map((d) => d.message),
      [MESSAGE],
    );
    assert.equal(fix?.kind?.value, vscode.CodeActionKind.QuickFix.value);
  });

  it('offers "Ask agent about selection…" on a non-empty selection', async () => {
    const actions = await codeActions(new vscode.Range(3, 0, 5, 1));
    const ask = actions.find((a) => a.title === 'Fixpoint: Ask agent about selection…');
    assert.ok(ask, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(ask.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
  });

  it('sends the diagnostic and the surrounding code to the fast model and yields a pending proposal for the file', async () => {
    const before = readFileSync(uri.fsPath);
    const fix = (await codeActions(diagnostic.range)).find((a) => a.title === 'Fixpoint: Ask agent to fix');
    assert.ok(fix?.command);
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/calc.js',
      '@@ function average(values) {',
      '-  return values.reduce(add, 0) / values.length;',
      '+  if (values.length === 0) return 0;',
      '+  return values.reduce(add, 0) / values.length;',
      '*** End Patch',
    ].join('\n');
    server.enqueue(...toolTurns('call_fix', 'apply_patch', { patch }, 'Guarded the empty list.'));
    // Exactly what choosing the quick fix runs.
    const done = vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));

    const proposal = await waitFor('a pending proposal from the fix', () => api.session.reviewer.pending()[0]);
    assert.deepEqual(
      proposal.files.map((f) => f.change.path),
      ['src/calc.js'],
    );
    assert.match(proposal.files[0].change.newContent ?? '', /if \(values\.length === 0\) return 0;/);
    assert.deepEqual(readFileSync(uri.fsPath), before, 'nothing written before review');
    const review = await waitFor('the review editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'fixpoint-review'),
    );
    assert.equal(review.document.uri.path, '/src/calc.js');

    const [request] = server.modelRequests();
    assert.equal(request.body.model, 'fake-fast-model', 'quick fixes use fixpoint.fastModel');
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    const ask = messages.filter((m) => m.role === 'user').at(-1)!.content;
    assert.ok(ask.includes(MESSAGE), 'the request carries the diagnostic message');
    assert.ok(ask.includes('no-empty-divide') && ask.includes('fixture-lint'), 'and its code and source');
    assert.ok(ask.includes('src/calc.js'), 'and the file');
    for (const code of ['function average(values) {', 'return values.reduce(add, 0) / values.length;']) {
      assert.ok(ask.includes(code), `and the surrounding code ("${code}")`);
    }

    await vscode.commands.executeCommand('fixpoint.rejectAll');
    await done;
    assert.deepEqual(readFileSync(uri.fsPath), before);
  });
});
