import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { driverOverrides, gitEnv, safeGitArgs, untrustedGitConfig } from '../../../src/core/policy';
import { readGitConfig } from '../../../src/node/gitConfigReader';

/**
 * A real repository whose `.git/config` is hostile: every hook the config offers touches a marker file.
 * The overrides must keep all markers absent.
 */
describe('policy/git', () => {
  let repo: string;
  const markers = ['fsmonitor', 'clean', 'smudge', 'textconv', 'hook', 'pager'];

  const git = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const fired = () => markers.filter((m) => existsSync(path.join(repo, `PWN_${m}`)));
  const plainEnv = () => ({
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: repo,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  });

  beforeEach(async () => {
    repo = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-git-'));
    const env = plainEnv();
    git(['init', '-q', '.'], env);
    await fs.writeFile(path.join(repo, 'a.txt'), 'one\n');
    git(['add', 'a.txt'], env);
    git(['commit', '-qm', 'init'], env);
    const touch = (m: string) => `touch '${path.join(repo, `PWN_${m}`)}'`;
    const set = (k: string, v: string) => git(['config', k, v], env);
    set('core.fsmonitor', `${touch('fsmonitor')}; false`);
    set('filter.evil.clean', `${touch('clean')}; cat`);
    set('filter.evil.smudge', `${touch('smudge')}; cat`);
    set('filter.evil.required', 'true');
    set('diff.evil.textconv', `sh -c '${touch('textconv')}; cat "$0"'`);
    set('core.pager', `${touch('pager')}; cat`);
    await fs.mkdir(path.join(repo, 'evil-hooks'));
    await fs.writeFile(path.join(repo, 'evil-hooks', 'pre-commit'), `#!/bin/sh\n${touch('hook')}\n`, { mode: 0o755 });
    set('core.hooksPath', path.join(repo, 'evil-hooks'));
    await fs.writeFile(path.join(repo, '.gitattributes'), '*.txt filter=evil diff=evil\n');
    await fs.writeFile(path.join(repo, 'a.txt'), 'one\ntwo\n');
  });
  afterEach(async () => {
    await fs.rm(repo, { recursive: true, force: true });
  });

  it('SAFETY §14: the hostile config really fires without overrides (control)', () => {
    const env = plainEnv();
    git(['status', '--short'], env);
    git(['diff'], env);
    git(['add', 'a.txt'], env);
    git(['commit', '-qm', 'control'], env);
    assert.ok(fired().includes('fsmonitor'));
    assert.ok(fired().includes('hook'));
    assert.ok(fired().includes('clean') || fired().includes('textconv'));
  });

  it('SAFETY §14: safeGitArgs disables fsmonitor, filter and diff drivers, pager and hooks', () => {
    const keys = git(['config', '--list', '--local', '--name-only'], plainEnv()).split('\n').filter(Boolean);
    const env = gitEnv(plainEnv());
    const run = (args: string[]) => git(safeGitArgs(args, { configKeys: keys }), env);
    assert.match(run(['status', '--porcelain']), /a\.txt/);
    assert.match(run(['diff']), /\+two/);
    run(['log', '-p', '-1']);
    run(['add', 'a.txt']);
    run(['commit', '-qm', 'second']);
    run(['show', 'HEAD']);
    assert.deepEqual(fired(), []);
  });

  it('SAFETY §14: gitEnv alone protects a git command the agent runs (GIT_CONFIG_COUNT), given the driver keys', () => {
    const keys = git(['config', '--list', '--local', '--name-only'], plainEnv()).split('\n').filter(Boolean);
    const env = gitEnv(plainEnv(), { configKeys: keys });
    git(['status', '--short'], env);
    git(['add', 'a.txt'], env);
    git(['commit', '-qm', 'by the agent'], env);
    assert.deepEqual(fired(), []);
  });

  it('SAFETY §14: safeGitArgs shape: --no-pager, -c pairs, --no-ext-diff for diff commands', () => {
    const args = safeGitArgs(['diff', 'HEAD']);
    assert.equal(args[0], '--no-pager');
    const pairs = new Map<string, string>();
    for (let i = 1; i < args.length && args[i] === '-c'; i += 2) {
      const [k, ...v] = args[i + 1].split('=');
      pairs.set(k, v.join('='));
    }
    assert.equal(pairs.get('core.fsmonitor'), 'false');
    assert.equal(pairs.get('core.hooksPath'), '/dev/null');
    assert.equal(pairs.get('core.pager'), 'cat');
    assert.equal(pairs.get('protocol.ext.allow'), 'never');
    assert.deepEqual(args.slice(-4), ['diff', '--no-ext-diff', '--no-textconv', 'HEAD']);
    assert.deepEqual(safeGitArgs(['status']).slice(-1), ['status']);
    assert.deepEqual(safeGitArgs(['stash', 'show', '-p']).slice(-5), ['stash', 'show', '--no-ext-diff', '--no-textconv', '-p']);
  });

  it('SAFETY §14: gitEnv sets the prompt, system-config and lock variables and keeps existing overrides', () => {
    const env = gitEnv({ PATH: '/bin', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'me' });
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.GIT_CONFIG_NOSYSTEM, '1');
    assert.equal(env.GIT_OPTIONAL_LOCKS, '0');
    assert.equal(env.PATH, '/bin');
    assert.equal(env.GIT_CONFIG_KEY_0, 'user.name');
    assert.equal(env.GIT_CONFIG_KEY_1, 'core.fsmonitor');
    assert.ok(Number(env.GIT_CONFIG_COUNT) > 5);
    // Commands the user approved keep their credential helper and protocols.
    const keys = Object.keys(env)
      .filter((k) => k.startsWith('GIT_CONFIG_KEY_'))
      .map((k) => env[k]);
    assert.ok(!keys.includes('credential.helper'));
    assert.ok(!keys.includes('protocol.allow'));
  });

  it('SAFETY §14: driverOverrides neutralises repository-named drivers', () => {
    assert.deepEqual(driverOverrides(['filter.lfs.clean', 'diff.pdf.textconv', 'merge.ours.driver', 'pager.log', 'user.name']), [
      'filter.lfs.clean=',
      'filter.lfs.required=false',
      'diff.pdf.textconv=',
      'merge.ours.driver=',
      'pager.log=false',
    ]);
  });

  it('SAFETY §30: git itself reports the code-running keys, from the section header line, includes and worktree config', async () => {
    const env = plainEnv();
    // A key on the header line, an include, and a worktree config: all missed by a hand parser of .git/config.
    await fs.appendFile(path.join(repo, '.git', 'config'), '[man "evil"] cmd = touch PWN_man\n[include]\n\tpath = ../shared.inc\n');
    await fs.writeFile(path.join(repo, 'shared.inc'), '[remote "origin"]\n\turl = x\n\tuploadpack = touch PWN_upload\n');
    git(['config', 'extensions.worktreeConfig', 'true'], env);
    git(['config', '--worktree', 'diff.external', 'touch PWN_ext'], env);
    const prior = process.env.HOME;
    process.env.HOME = repo; // The user's global config must not leak into the test.
    try {
      const entries = await readGitConfig(repo);
      const findings = untrustedGitConfig(entries).join('\n');
      for (const key of [
        'core.fsmonitor',
        'man.evil.cmd',
        'remote.origin.uploadpack',
        'diff.external',
        'filter.evil.clean',
        'core.pager',
        'core.hooksPath',
      ]) {
        assert.match(findings, new RegExp(`\`${key.replace(/\./g, '\\.')}\``, 'i'), key);
      }
      assert.match(findings, /shared\.inc/, 'names the included file it came from');
      assert.match(findings, /config\.worktree/, 'names the worktree config');
    } finally {
      process.env.HOME = prior;
    }
    assert.deepEqual(fired(), [], 'reading the config ran nothing');
  });

  it('SAFETY §30: a `.git` gitdir file and a nested repository are asked about in their own folder', async () => {
    const env = plainEnv();
    const nested = path.join(repo, 'vendor', 'lib');
    await fs.mkdir(nested, { recursive: true });
    execFileSync('git', ['init', '-q', '--separate-git-dir', path.join(repo, '.gitstore'), nested], { env });
    execFileSync('git', ['config', 'core.fsmonitor', 'touch PWN_nested'], { cwd: nested, env });
    assert.ok((await fs.stat(path.join(nested, '.git'))).isFile(), 'the nested .git is a gitdir: file');
    const findings = untrustedGitConfig(await readGitConfig(nested));
    assert.equal(findings.length, 1);
    assert.match(findings[0], /core\.fsmonitor.*\.gitstore\/config/);
  });

  it("SAFETY §30: the user's own global config and a disabled fsmonitor are not findings", () => {
    const entries = [
      { scope: 'global', origin: 'file:/home/u/.gitconfig', key: 'core.pager', value: 'less' },
      { scope: 'local', origin: 'file:.git/config', key: 'core.fsmonitor', value: 'false' },
      { scope: 'local', origin: 'file:.git/config', key: 'remote.origin.url', value: 'https://example.com/x.git' },
      { scope: 'command', origin: 'command line:', key: 'core.fsmonitor', value: 'false' },
    ];
    assert.deepEqual(untrustedGitConfig(entries), []);
  });
});
