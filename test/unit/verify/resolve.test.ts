import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveVerification, type TaskCandidate, type VerifyResolution } from '../../../src/core/verify';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';

describe('verify/resolve', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-resolve-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function files(entries: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(entries)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), content);
    }
  }
  const resolve = (setting?: string, tasks?: TaskCandidate[]) =>
    resolveVerification({ setting, tasks, workspace: new NodeWorkspace({ root: dir }) });
  const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'x', scripts, ...extra });
  const command = (r: VerifyResolution) => (r.kind === 'command' ? r.command : r.kind);

  it('the setting wins over tasks and files', async () => {
    await files({ 'package.json': pkg({ test: 'mocha' }) });
    const r = await resolve('  npm run check  ', [{ name: 'test', group: 'test', source: 'tasks.json' }]);
    assert.deepEqual(r, { kind: 'command', command: 'npm run check', source: 'setting', why: 'fixpoint.verify.command setting' });
  });

  it('a blank setting counts as unset', async () => {
    await files({ 'package.json': pkg({ test: 'mocha' }) });
    assert.equal(command(await resolve('   ')), 'npm test');
  });

  it('a test-group task, then a build-group task, before detection', async () => {
    await files({ 'package.json': pkg({ test: 'mocha' }) });
    const tasks: TaskCandidate[] = [
      { name: 'compile', group: 'build', source: 'tasks.json' },
      { name: 'lint', source: 'npm' },
      { name: 'unit tests', group: 'test', source: 'tasks.json' },
    ];
    const r = await resolve(undefined, tasks);
    assert.deepEqual(r, { kind: 'task', name: 'unit tests', why: 'VS Code task "unit tests" (test group, tasks.json)' });
    const build = await resolve(
      undefined,
      tasks.filter((t) => t.group !== 'test'),
    );
    assert.equal(build.kind === 'task' && build.name, 'compile');
    assert.equal(command(await resolve(undefined, [{ name: 'lint', source: 'npm' }])), 'npm test', 'ungrouped tasks are not used');
  });

  for (const [lockfile, expected] of [
    ['pnpm-lock.yaml', 'pnpm test'],
    ['yarn.lock', 'yarn test'],
    ['bun.lockb', 'bun run test'],
    ['bun.lock', 'bun run test'],
    ['package-lock.json', 'npm test'],
  ] as const) {
    it(`package.json test script + ${lockfile} → ${expected}`, async () => {
      await files({ 'package.json': pkg({ test: 'node --test' }), [lockfile]: '' });
      const r = await resolve();
      assert.deepEqual(r, {
        kind: 'command',
        command: expected,
        source: 'detected',
        why: `package.json test script, ${lockfile} → ${expected}`,
      });
    });
  }

  it('pnpm wins over a stray package-lock.json; packageManager wins over lockfiles', async () => {
    await files({ 'package.json': pkg({ test: 'vitest run' }), 'pnpm-lock.yaml': '', 'package-lock.json': '{}' });
    assert.equal(command(await resolve()), 'pnpm test');
    await files({ 'package.json': pkg({ test: 'vitest run' }, { packageManager: 'yarn@4.1.0' }) });
    const r = await resolve();
    assert.equal(command(r), 'yarn test');
    assert.match(r.why, /packageManager yarn@4\.1\.0/);
  });

  it("no lockfile → npm test; npm's placeholder script is skipped", async () => {
    await files({ 'package.json': pkg({ test: 'jest' }) });
    assert.equal((await resolve()).why, 'package.json test script, no lockfile → npm test');
    await files({ 'package.json': pkg({ test: 'echo "Error: no test specified" && exit 1' }), 'yarn.lock': '' });
    assert.equal((await resolve()).kind, 'none');
  });

  it('a placeholder test script falls through to the next detector', async () => {
    await files({ 'package.json': pkg({ test: 'echo "Error: no test specified" && exit 1' }), Makefile: 'test:\n\tnode --test\n' });
    assert.equal(command(await resolve()), 'make test');
  });

  it('broken package.json, or one without scripts, is not a verification', async () => {
    await files({ 'package.json': '{ not json' });
    assert.equal((await resolve()).kind, 'none');
    await files({ 'package.json': '{"name":"x"}', 'Cargo.toml': '[package]\nname="x"\n' });
    assert.equal(command(await resolve()), 'cargo test');
  });

  const pytestCases: Array<[string, Record<string, string>]> = [
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }],
    ['pyproject.toml [tool.pytest]', { 'pyproject.toml': '[project]\nname="x"\n\n[tool.pytest.ini_options]\naddopts="-q"\n' }],
    ['setup.cfg [tool:pytest]', { 'setup.cfg': '[tool:pytest]\ntestpaths = tests\n' }],
    ['tox.ini [pytest]', { 'tox.ini': '[tox]\nenvlist=py3\n[pytest]\n' }],
    ['conftest.py', { 'conftest.py': '' }],
    ['tests/test_calc.py', { 'tests/test_calc.py': 'def test_x(): pass\n' }],
  ];
  for (const [why, entries] of pytestCases) {
    it(`pytest from ${why}`, async () => {
      await files(entries);
      assert.deepEqual(await resolve(), { kind: 'command', command: 'pytest', source: 'detected', why: `${why} → pytest` });
    });
  }

  it('a pyproject.toml without pytest config, or tests that are not test_*.py, is not pytest', async () => {
    await files({ 'pyproject.toml': '[project]\nname="x"\n', 'tests/helpers.py': '' });
    assert.equal((await resolve()).kind, 'none');
  });

  it('Cargo.toml → cargo test; go.mod → go test ./...', async () => {
    await files({ 'Cargo.toml': '[package]\nname = "x"\n' });
    assert.deepEqual(await resolve(), { kind: 'command', command: 'cargo test', source: 'detected', why: 'Cargo.toml → cargo test' });
    await fs.rm(path.join(dir, 'Cargo.toml'));
    await files({ 'go.mod': 'module example.com/x\n\ngo 1.22\n' });
    assert.deepEqual(await resolve(), { kind: 'command', command: 'go test ./...', source: 'detected', why: 'go.mod → go test ./...' });
  });

  it('make test only when the Makefile has a test target', async () => {
    await files({ Makefile: 'build:\n\tcc x.c\n\ntest := not-a-target\n' });
    assert.equal((await resolve()).kind, 'none');
    await files({ Makefile: '.PHONY: all test\nall test: build\n\t./run-tests\n' });
    assert.deepEqual(await resolve(), {
      kind: 'command',
      command: 'make test',
      source: 'detected',
      why: 'Makefile test target → make test',
    });
  });

  it('detection order: package.json before pytest before cargo before go before make', async () => {
    await files({
      'package.json': pkg({ test: 'node --test' }),
      'pytest.ini': '',
      'Cargo.toml': '',
      'go.mod': 'module x\n',
      Makefile: 'test:\n\ttrue\n',
    });
    const order: string[] = [];
    for (const remove of ['package.json', 'pytest.ini', 'Cargo.toml', 'go.mod', 'Makefile']) {
      order.push(command(await resolve()));
      await fs.rm(path.join(dir, remove));
    }
    order.push(command(await resolve()));
    assert.deepEqual(order, ['npm test', 'pytest', 'cargo test', 'go test ./...', 'make test', 'none']);
  });

  it('nothing found → none, with a why that says what was looked for', async () => {
    await files({ 'README.md': '# hi\n' });
    const r = await resolve();
    assert.equal(r.kind, 'none');
    assert.match(r.why, /fixpoint\.verify\.command/);
    assert.match(r.why, /package\.json test script/);
  });
});
