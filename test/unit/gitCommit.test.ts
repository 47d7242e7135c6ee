import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitAccepted } from '../../src/node/gitCommit';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('commit on accept (real git)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-commit-')));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'config', 'user.email', 'dev@example.com');
    git(root, 'config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
    fs.writeFileSync(path.join(root, 'mine.txt'), 'mine\n');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'start');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("commits exactly the accepted files (a new one too); the user's staged work stays staged and out; hooks do not run", async () => {
    // The user's own staged change, and a hook that would leave a trace.
    fs.writeFileSync(path.join(root, 'mine.txt'), 'mine, staged\n');
    git(root, 'add', 'mine.txt');
    fs.writeFileSync(path.join(root, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\ntouch "$(git rev-parse --show-toplevel)/HOOK-RAN"\n', {
      mode: 0o755,
    });
    // What an accepted proposal wrote.
    fs.writeFileSync(path.join(root, 'a.txt'), 'A\n');
    fs.writeFileSync(path.join(root, 'new.txt'), 'new\n');

    const result = await commitAccepted(
      root,
      ['a.txt', 'new.txt'],
      'Fixpoint: capitalise a\n\nAccepted in review: a.txt: 1/1 hunks accepted\n',
    );
    assert.ok(result.commit, result.skipped);
    assert.deepEqual(git(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['a.txt', 'new.txt']);
    assert.equal(git(root, 'log', '-1', '--format=%s'), 'Fixpoint: capitalise a');
    assert.equal(git(root, 'diff', '--cached', '--name-only'), 'mine.txt', "the user's staged change is still staged");
    assert.equal(git(root, 'show', ':mine.txt'), 'mine, staged');
    assert.equal(fs.existsSync(path.join(root, 'HOOK-RAN')), false, 'the pre-commit hook did not run');
    assert.equal(git(root, 'rev-list', '--count', 'HEAD'), '2', 'one new commit on top, nothing rewritten');
  });

  it('says why nothing was committed outside a repository or when the files are as committed', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-commit-plain-'));
    assert.deepEqual(await commitAccepted(plain, ['x.txt'], 'm'), { skipped: 'the workspace is not a git repository' });
    fs.rmSync(plain, { recursive: true, force: true });
    assert.deepEqual(await commitAccepted(root, ['a.txt'], 'm'), { skipped: 'the accepted change left the files as committed' });
  });
});
