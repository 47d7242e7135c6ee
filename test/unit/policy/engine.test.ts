import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { approvalSettingsOf, type PolicyFacts } from '../../../src/core/policy';
import { engineFor } from './engineFor';

// The approval engine over a real folder: real symlinks, real ignore files, real git asked about its config.
describe('policy/engine (issue 14)', () => {
  let root: string;
  let outside: string;
  const write = (rel: string, text = 'x\n') => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  const decide = (command: string, facts: Partial<PolicyFacts> = {}, cwd = root) => engineFor(root, facts).decideCommand(command, cwd);
  const gitEnv = () => ({ ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1' });

  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-engine-')));
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-engine-out-')));
    write('src/a.ts');
    write('src/b.ts');
    write('.env', 'OPENAI_API_KEY=sk-test\n');
    write('id_rsa', '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    write('.fixpointignore', 'private/\n');
    write('.gitignore', 'build.log\n');
    write('private/notes.txt');
    write('build.log');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'notes'));
    fs.symlinkSync(path.join(root, '.env'), path.join(root, 'config.txt'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('SAFETY §31 (cause 2): an allow rule widens what runs unasked but never silences a finding', async () => {
    const rules = { commandRules: () => ({ allow: ['cat', 'head', 'git'], deny: [] }) };
    for (const command of [
      'cat .env',
      "cat ./'..'/etc/passwd",
      'cat /proc/self/environ',
      'head -n 3 /proc/1/environ',
      'git show HEAD:.env',
    ]) {
      const decision = await decide(command, rules);
      assert.equal(decision.decision, 'ask', command);
      assert.ok(
        decision.why.some((w) => /secrets|outside|environ/.test(w)),
        `${command}: ${decision.why.join('; ')}`,
      );
    }
    assert.equal((await decide('cat src/a.ts', rules)).decision, 'allow');
  });

  it('SAFETY §32 (cause 3): globs are expanded as bash would, and what they reach is checked', async () => {
    assert.match((await decide('head -n 5 .en?')).why.join('\n'), /\.env.*may hold secrets/);
    assert.match((await decide('cat id_rs?')).why.join('\n'), /id_rsa.*may hold secrets/);
    assert.equal((await decide('cat src/*.ts')).decision, 'allow', 'an ordinary glob stays auto-approved');
    assert.equal((await decide('cat *')).decision, 'ask', '* also reaches the symlinks and ignored files');
  });

  it('SAFETY §32 (cause 3): symlinks leaving the workspace, links onto secrets and ignored files are asked', async () => {
    assert.match((await decide('cat notes')).why.join('\n'), /outside the workspace \(through a symbolic link\)/);
    assert.match((await decide('cat config.txt')).why.join('\n'), /`\.env` and may hold secrets/);
    assert.match((await decide('cat private/notes.txt')).why.join('\n'), /ignore rules hide/);
    assert.match((await decide('tail -n 20 build.log')).why.join('\n'), /ignore rules hide/);
    assert.equal((await decide('cat ${HOME}/.ssh/id_rsa')).decision, 'ask');
    assert.equal((await decide('cat < .env')).decision, 'ask');
  });

  it("SAFETY §30 (cause 1): read-only git asks when git itself reports code-running config in the command's folder", async () => {
    execFileSync('git', ['init', '-q'], { cwd: root, env: gitEnv() });
    assert.equal((await decide('git status')).decision, 'allow', 'a clean repository');
    fs.appendFileSync(path.join(root, '.git', 'config'), '[core] fsmonitor = touch PWN\n');
    const decision = await decide('git status', { commandRules: () => ({ allow: ['git status'], deny: [] }) });
    assert.equal(decision.decision, 'ask');
    assert.match(decision.why.join('\n'), /core\.fsmonitor/);
    // A nested repository with its own hostile config, reached through run_command's cwd.
    const nested = path.join(root, 'vendor');
    fs.mkdirSync(nested);
    execFileSync('git', ['init', '-q'], { cwd: nested, env: gitEnv() });
    execFileSync('git', ['config', 'man.viewer', 'evil'], { cwd: nested, env: gitEnv() });
    assert.match((await decide('git log --help', {}, nested)).why.join('\n'), /man\.viewer/);
    assert.equal(fs.existsSync(path.join(root, 'PWN')), false);
  });

  it('SAFETY §34 (cause 5): full-auto runs every command in the sandbox, refuses dangerous ones, and still asks about findings', async () => {
    const fullAuto = { approvalSettings: () => approvalSettingsOf('full-auto'), sandboxAvailable: async () => true };
    assert.deepEqual(
      [await decide('npm test', fullAuto), await decide('ls', fullAuto)].map((d) => [d.decision, d.where]),
      [
        ['allow', 'sandbox'],
        ['allow', 'sandbox'],
      ],
    );
    assert.equal((await decide('rm -rf build', fullAuto)).decision, 'deny');
    const secret = await decide('cat .env', fullAuto);
    assert.deepEqual([secret.decision, secret.where], ['ask', 'host'], 'a finding is asked, never just sandboxed');
    const noSandbox = await decide('npm test', { ...fullAuto, sandboxAvailable: async () => false });
    assert.equal(noSandbox.decision, 'ask');
    assert.match(noSandbox.why.join('\n'), /no sandbox/);
  });

  it('SAFETY §33 (cause 4): output reaching the model has credentials, key formats and secret files masked', () => {
    const engine = engineFor(root, { knownSecrets: () => ['the-api-key-of-fixpoint-123'] });
    const output = [
      'origin\thttps://x-access-token:ghs_0123456789abcdefghijklmnopqrstuvwxyzAB@github.com/o/r.git (fetch)',
      'origin\thttps://ghp_0123456789abcdefghijklmnopqrstuvwxyzAB@github.com/o/r.git (push)',
      '.env:3:STRIPE_SECRET=sk_live_abc',
      'OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345',
      'environ: PATH=/bin\0FIXPOINT=the-api-key-of-fixpoint-123\0',
      'src/a.ts:1:const x = 1;',
    ].join('\n');
    const masked = engine.filterOutput(output);
    for (const secret of ['ghs_0123456789', 'ghp_0123456789', 'sk_live_abc', 'sk-proj-abc', 'the-api-key-of-fixpoint-123']) {
      assert.ok(!masked.includes(secret), `${secret} leaked:\n${masked}`);
    }
    assert.match(masked, /src\/a\.ts:1:const x = 1;/, 'ordinary lines are kept');
    assert.match(masked, /Fixpoint masked \d+ secrets/);
  });

  it('SAFETY §4: auto-applied edits: only verified, outside protected paths, never a file replacement', () => {
    const engine = engineFor(root, { approvalSettings: () => approvalSettingsOf('auto-edit') });
    assert.equal(engine.decideEdit({ paths: ['src/a.ts'], verified: true }).decision, 'allow');
    assert.equal(engine.decideEdit({ paths: ['src/a.ts'], verified: false }).decision, 'ask');
    assert.equal(engine.decideEdit({ paths: ['.vscode/tasks.json'], verified: true }).decision, 'ask');
    assert.equal(engine.decideEdit({ paths: ['src/a.ts'], verified: true, replacesFile: true }).decision, 'ask');
    assert.equal(engineFor(root).decideEdit({ paths: ['src/a.ts'], verified: true }).decision, 'ask', 'review mode');
  });
});
