// Entry point VS Code loads as `extensionTestsPath`: runs the integration suites with mocha inside the
// extension host (real VS Code API) and writes the results to a file for the harness (code-server) or
// rejects on failure (for @vscode/test-electron).
import { appendFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { GREP_ENV, RESULTS_ENV, RESULTS_FALLBACK_NAME, SUITE_ENV, type TestResult, type TierResults } from '../harness/results';

export function resultsFile(): string {
  const fromEnv = process.env[RESULTS_ENV];
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return path.join(folder ? path.dirname(folder) : process.cwd(), RESULTS_FALLBACK_NAME);
}

export async function run(): Promise<void> {
  const file = resultsFile();
  mkdirSync(path.dirname(file), { recursive: true });
  const logFile = `${file}.log`;
  writeFileSync(logFile, '');
  const lines: string[] = [];
  const Base = Mocha.reporters.Base;
  const originalLog = Base.consoleLog;
  Base.useColors = false;
  Base.consoleLog = (...args: unknown[]) => {
    const line = format(...args);
    lines.push(line);
    appendFileSync(logFile, `${line}\n`); // Partial output survives a hang, for the harness to show.
    originalLog(...args);
  };

  const results: TierResults = { passes: 0, failures: 0, pending: 0, tests: [], output: '' };
  try {
    const grep = process.env[GREP_ENV] || undefined;
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000, color: false, grep });
    const dir = __dirname;
    // Suites under restricted/ need a workspace in Restricted Mode (a code-server started with workspace trust
    // on); every other suite needs a trusted one. The harness says which kind of window this is.
    const restricted = process.env[SUITE_ENV] === 'restricted';
    const files = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.test.js'))
      .filter((f) => (f.split(path.sep)[0] === 'restricted') === restricted)
      .sort();
    for (const f of files) mocha.addFile(path.join(dir, f));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      const record = (state: TestResult['state']) => (test: Mocha.Test, err?: Error) => {
        results.tests.push({
          fullTitle: test.fullTitle(),
          state,
          durationMs: test.duration,
          error: err ? `${err.message}\n${err.stack ?? ''}` : undefined,
        });
      };
      runner.on('pass', record('passed'));
      runner.on('fail', (test: Mocha.Test | Mocha.Hook, err: Error) => record('failed')(test as Mocha.Test, err));
      runner.on('pending', record('pending'));
    });
  } catch (err) {
    results.fatal = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  } finally {
    Base.consoleLog = originalLog;
  }
  results.passes = results.tests.filter((t) => t.state === 'passed').length;
  results.failures = results.tests.filter((t) => t.state === 'failed').length + (results.fatal ? 1 : 0);
  results.pending = results.tests.filter((t) => t.state === 'pending').length;
  results.output = lines.join('\n');
  // Written atomically: the harness treats the file's appearance as "done".
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
  if (results.failures > 0) throw new Error(`${results.failures} integration test(s) failed`);
}
