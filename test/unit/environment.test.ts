import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { systemPrompt } from '../../src/core/agent/prompts';
import { environmentBlock, parseGitStatus } from '../../src/core/context/environment';
import { environmentFacts } from '../../src/node/environment';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';

describe('environment block of the system prompt', () => {
  it('reads branch, changes and upstream distance from git status --porcelain --branch', () => {
    assert.deepEqual(parseGitStatus('## main...origin/main [ahead 1, behind 2]\n M src/a.ts\nA  b.ts\n?? notes.txt\n'), {
      branch: 'main',
      changed: 2,
      untracked: 1,
      ahead: 1,
      behind: 2,
    });
    assert.equal(parseGitStatus('## HEAD (no branch)\n').branch, 'detached HEAD');
    assert.deepEqual(parseGitStatus('## No commits yet on trunk\n?? a\n'), {
      branch: 'trunk',
      changed: 0,
      untracked: 1,
      ahead: 0,
      behind: 0,
    });
  });

  it('is short, and comes last in the system prompt (the stable part stays a cacheable prefix)', () => {
    const environment = {
      platform: 'linux (x64)',
      shell: 'bash',
      date: '2026-12-02',
      workingDirectory: '/work/app',
      git: { branch: 'main', changed: 3, untracked: 1, ahead: 0, behind: 0 },
    };
    const block = environmentBlock(environment);
    assert.equal(
      block,
      'Environment:\n- Platform: linux (x64); shell: bash\n- Date: 2026-12-02\n- Working directory: /work/app\n- Git: branch main, 3 changed files, 1 untracked',
    );
    assert.ok(systemPrompt({ workspaceName: 'app', layout: 'src/ (3 files)', environment }).endsWith(`\n\n${block}`));
  });

  describe('gathered on this machine', () => {
    let root: string;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    beforeEach(() => {
      root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-env-')));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('a repository: its branch and status, with a hostile .git/config running nothing (SAFETY §14)', async () => {
      git('init', '-q', '-b', 'feature');
      fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
      git('add', 'a.txt');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init');
      fs.writeFileSync(path.join(root, 'a.txt'), 'changed\n');
      fs.writeFileSync(path.join(root, 'new.txt'), 'new\n');
      // A repository that runs a program on every `git status`, and a clean filter on every changed file.
      const marker = path.join(root, 'ran');
      fs.appendFileSync(
        path.join(root, '.git/config'),
        `[core]\n\tfsmonitor = "touch ${marker}-fsmonitor; false"\n[filter "evil"]\n\tclean = "touch ${marker}-filter; cat"\n`,
      );
      fs.writeFileSync(path.join(root, '.gitattributes'), '*.txt filter=evil\n');
      const workspace = new NodeWorkspace({ root });
      const facts = await environmentFacts(root, {
        git: true,
        gitConfigKeys: async () => (await workspace.gitConfig(root)).map((e) => e.key),
      });
      assert.deepEqual(facts.git, { branch: 'feature', changed: 1, untracked: 2, ahead: 0, behind: 0 });
      assert.equal(facts.workingDirectory, root);
      assert.match(facts.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(
        fs.readdirSync(root).filter((f) => f.startsWith('ran')),
        [],
        'neither the fsmonitor nor the filter ran',
      );
    });

    it('not a repository, or git not allowed (Restricted Mode): no git line; answers are reused for 30 s', async () => {
      const plain = await environmentFacts(root, { git: true });
      assert.equal(plain.git, undefined);
      assert.equal(await environmentFacts(root, { git: true }), plain, 'the cached facts');
      git('init', '-q');
      assert.equal((await environmentFacts(root, { git: false })).git, undefined);
    });
  });
});
