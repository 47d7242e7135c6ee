import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeOutput, summarizeRun, type Failure } from '../../../src/core/verify';

const repo = path.resolve(__dirname, '../../../..');
const fixture = (name: string) => readFileSync(path.join(repo, 'test/fixtures/verify/outputs', name), 'utf8');

/** Runs a command for real and returns stdout+stderr as a runner would capture them (no TTY). */
function capture(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ output: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ output: stdout + stderr, exitCode: err ? Number((err as { code?: unknown }).code ?? 1) : 0 }),
    );
  });
}

const brief = (failures: Failure[]) => failures.map((f) => ({ test: f.test, file: f.file, line: f.line }));

describe('verify/summarize', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-summarize-'));
    await fs.writeFile(
      path.join(dir, 'calc.test.js'),
      [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "test('adds numbers', () => { assert.strictEqual(1 + 2, 4); });",
        "test('passes', () => {});",
        "test.describe('math', () => { test.it('multiplies', () => { assert.deepStrictEqual({ a: 1 }, { a: 2 }); }); });",
        '',
      ].join('\n'),
    );
    await fs.mkdir(path.join(dir, 'spec'));
    await fs.writeFile(
      path.join(dir, 'spec', 'calc.spec.js'),
      [
        "const assert = require('node:assert');",
        "describe('calc', () => {",
        "  it('adds', () => { assert.strictEqual(1 + 2, 4); });",
        "  it('ok', () => {});",
        "  describe('nested', () => { it('throws', () => { throw new TypeError('boom is not a function'); }); });",
        '});',
        '',
      ].join('\n'),
    );
    await fs.mkdir(path.join(dir, 'src'));
    await fs.writeFile(
      path.join(dir, 'src', 'a.ts'),
      "const x: number = 'hello';\nexport function f(a: string): number { return a.lenght; }\nexport { x };\n",
    );
    await fs.writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ['src'] }),
    );
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const nodeTestExpected = [
    { test: 'adds numbers', file: 'calc.test.js', line: 3 },
    { test: 'multiplies', file: 'calc.test.js', line: 5 },
  ];

  it('node:test, spec reporter (real run): each failure once, at the assertion, path made relative', async () => {
    const run = await capture(process.execPath, ['--test', '--test-reporter=spec', 'calc.test.js'], dir);
    assert.equal(run.exitCode, 1);
    const { failures, summary } = summarizeOutput(run.output, { exitCode: run.exitCode, root: dir });
    assert.deepEqual(brief(failures), nodeTestExpected);
    assert.match(failures[0].message, /^AssertionError \[ERR_ASSERTION\]: Expected values to be strictly equal:\n3 !== 4$/);
    assert.match(summary, /^Verification failed \(exit code 1\): 2 failures\./);
    assert.match(summary, /1\. adds numbers — calc\.test\.js:3 — AssertionError/);
  });

  it('node:test, TAP reporter (real run): suite lines that only repeat their children are skipped', async () => {
    const run = await capture(process.execPath, ['--test', '--test-reporter=tap', 'calc.test.js'], dir);
    const { failures } = summarizeOutput(run.output, { exitCode: run.exitCode, root: dir });
    assert.deepEqual(brief(failures), nodeTestExpected);
    assert.match(failures[1].message, /^AssertionError: Expected values to be strictly deep-equal:/);
  });

  it('node:test: a file that does not even load is reported with its syntax error', async () => {
    await fs.writeFile(path.join(dir, 'broken.test.js'), 'syntax error here (\n');
    const run = await capture(process.execPath, ['--test', '--test-reporter=spec', 'broken.test.js'], dir);
    const { failures } = summarizeOutput(run.output, { exitCode: run.exitCode, root: dir });
    assert.ok(
      failures.some((f) => f.file === 'broken.test.js' && f.line === 1 && /^SyntaxError: /.test(f.message)),
      JSON.stringify(failures),
    );
  });

  it('mocha, spec reporter (real run): full titles, message, location', async () => {
    const run = await capture(
      process.execPath,
      [path.join(repo, 'node_modules/mocha/bin/mocha.js'), '--no-config', 'spec/calc.spec.js'],
      dir,
    );
    assert.equal(run.exitCode, 2);
    const { failures } = summarizeOutput(run.output, { exitCode: run.exitCode, root: dir });
    assert.deepEqual(brief(failures), [
      { test: 'calc adds', file: 'spec/calc.spec.js', line: 3 },
      { test: 'calc nested throws', file: 'spec/calc.spec.js', line: 5 },
    ]);
    assert.equal(failures[1].message, 'TypeError: boom is not a function');
  });

  it('mocha, TAP reporter (real run)', async () => {
    const run = await capture(
      process.execPath,
      [path.join(repo, 'node_modules/mocha/bin/mocha.js'), '--no-config', '--reporter', 'tap', 'spec/calc.spec.js'],
      dir,
    );
    const { failures } = summarizeOutput(run.output, { exitCode: run.exitCode, root: dir });
    assert.deepEqual(brief(failures), [
      { test: 'calc adds', file: 'spec/calc.spec.js', line: 3 },
      { test: 'calc nested throws', file: 'spec/calc.spec.js', line: 5 },
    ]);
  });

  const tscErrors = [
    { file: 'src/a.ts', line: 1, message: "TS2322: Type 'string' is not assignable to type 'number'." },
    { file: 'src/a.ts', line: 2, message: "TS2551: Property 'lenght' does not exist on type 'string'. Did you mean 'length'?" },
  ];

  it('tsc, plain and --pretty with colours (real runs): same errors, escapes stripped', async () => {
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const plain = await capture(process.execPath, [tsc, '-p', '.'], dir);
    assert.equal(plain.exitCode, 2);
    assert.deepEqual(summarizeOutput(plain.output, { exitCode: 2 }).failures, tscErrors);
    const pretty = await capture(process.execPath, [tsc, '-p', '.', '--pretty'], dir, { FORCE_COLOR: '1', NO_COLOR: '' });
    assert.match(pretty.output, /\x1b\[/, 'the pretty run really has escapes');
    const { failures, summary } = summarizeOutput(pretty.output, { exitCode: 2 });
    assert.deepEqual(failures, tscErrors);
    assert.doesNotMatch(summary, /\x1b/);
  });

  it('pytest (captured, and a real run when pytest is installed)', async () => {
    const expected = [
      { test: 'tests/test_calc.py::test_add', file: 'tests/test_calc.py', line: 5, message: 'assert -1 == 3' },
      { test: 'tests/test_calc.py::TestThing::test_raises', file: 'tests/test_calc.py', line: 12, message: 'ValueError: bad value' },
    ];
    assert.deepEqual(summarizeOutput(fixture('pytest.txt'), { exitCode: 1 }).failures, expected);
    assert.deepEqual(summarizeOutput(fixture('pytest-collect.txt'), { exitCode: 2 }).failures, [
      {
        test: 'tests/test_broken.py',
        file: 'tests/test_broken.py',
        line: 1,
        message: "ModuleNotFoundError: No module named 'nonexistent_mod'",
      },
    ]);
    const py = path.join(dir, 'py');
    await fs.mkdir(path.join(py, 'tests'), { recursive: true });
    await fs.writeFile(
      path.join(py, 'tests', 'test_calc.py'),
      'def add(a, b):\n    return a - b\n\ndef test_add():\n    assert add(1, 2) == 3\n\ndef test_ok():\n    assert True\n\nclass TestThing:\n    def test_raises(self):\n        raise ValueError("bad value")\n',
    );
    const run = await capture('pytest', ['-p', 'no:cacheprovider'], py);
    if (!/test session starts/.test(run.output)) return; // pytest not installed: the captured sample stands
    assert.deepEqual(summarizeOutput(run.output, { exitCode: run.exitCode }).failures, expected);
  });

  it('cargo test panics and rustc errors (captured from cargo 1.95)', () => {
    assert.deepEqual(summarizeOutput(fixture('cargo.txt'), { exitCode: 101 }).failures, [
      { test: 'tests::adds_three', file: 'src/lib.rs', line: 17, message: 'assertion `left == right` failed\nleft: 2\nright: 3' },
      { test: 'tests::panics', file: 'src/lib.rs', line: 22, message: 'something went wrong' },
    ]);
    assert.deepEqual(summarizeOutput(fixture('cargo-compile.txt'), { exitCode: 101 }).failures, [
      { file: 'src/lib.rs', line: 2, message: 'error[E0425]: cannot find value `rigth` in this scope' },
    ]);
  });

  it('go test failures (a parent failing only through its subtest is not listed twice) and build errors (samples)', () => {
    assert.deepEqual(summarizeOutput(fixture('go-test.txt'), { exitCode: 1 }).failures, [
      { test: 'TestAdd', file: 'add_test.go', line: 9, message: 'Add(1, 2) = -1; want 3' },
      { test: 'TestTable/negative', file: 'add_test.go', line: 21, message: 'Add(-1, -2) = 1; want -3' },
    ]);
    assert.deepEqual(brief(summarizeOutput(fixture('go-build.txt'), { exitCode: 1 }).failures), [
      { test: undefined, file: './add.go', line: 4 },
      { test: undefined, file: './add_test.go', line: 7 },
    ]);
  });

  it('jest and vitest (samples): titles, assertion message, location of the failing expect', () => {
    assert.deepEqual(summarizeOutput(fixture('jest.txt'), { exitCode: 1 }).failures, [
      {
        test: 'sum › adds 1 + 2 to equal 3',
        file: 'src/sum.test.js',
        line: 5,
        message: 'expect(received).toBe(expected) // Object.is equality\nExpected: 3\nReceived: -1',
      },
    ]);
    assert.deepEqual(summarizeOutput(fixture('vitest.txt'), { exitCode: 1 }).failures, [
      { test: 'sum > adds 1 + 2', file: 'src/sum.test.ts', line: 5, message: 'AssertionError: expected -1 to be 3 // Object.is equality' },
    ]);
  });

  it('no extractor invents failures from another runner’s output', () => {
    for (const name of ['pytest.txt', 'cargo.txt', 'go-test.txt', 'jest.txt', 'vitest.txt']) {
      const tests = summarizeOutput(fixture(name)).failures.map((f) => f.test);
      assert.ok(
        tests.every((t) => t !== undefined),
        `${name}: ${JSON.stringify(tests)}`,
      );
    }
  });

  it('huge output: capped with head and tail kept, failures at the end still found', () => {
    const noise = Array.from({ length: 100_000 }, (_, i) => `\x1b[32m✔ test ${i} (0.1ms)\x1b[0m`).join('\n');
    const raw = `${noise}\n${fixture('pytest.txt')}`;
    assert.ok(raw.length > 2_000_000);
    const started = Date.now();
    const { failures, summary } = summarizeOutput(raw, { exitCode: 1, maxOutputChars: 4_000 });
    assert.ok(Date.now() - started < 2_000, 'stays fast');
    assert.equal(failures.length, 2);
    assert.ok(summary.length < 6_000, `summary is ${summary.length} chars`);
    assert.match(summary, /characters omitted/);
    assert.match(summary, /✔ test 0 \(0\.1ms\)/, 'head kept');
    assert.match(summary, /2 failed, 1 passed/, 'tail kept');
    assert.doesNotMatch(summary, /\x1b/);
  });

  it('status lines: passed, timed out, stopped, failed without recognisable failures', () => {
    assert.match(summarizeRun({ exitCode: 0, output: 'all good\n', durationMs: 5 }).summary, /^Verification passed \(exit code 0\)\./);
    assert.match(
      summarizeRun({ exitCode: undefined, output: 'still running…', durationMs: 5, timedOut: true }).summary,
      /^Verification timed out and was killed\./,
    );
    assert.match(summarizeRun({ exitCode: 137, output: '', durationMs: 5, cancelled: true }).summary, /^Verification was stopped/);
    const odd = summarizeRun({ exitCode: 3, output: 'segfault somewhere\n', durationMs: 5 });
    assert.deepEqual(odd.failures, []);
    assert.match(odd.summary, /^Verification failed \(exit code 3\); no failing test or error location was recognised/);
    assert.match(odd.summary, /segfault somewhere/);
  });
});
