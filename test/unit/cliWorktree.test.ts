import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeOpenAIServer } from '../fakes/openaiServer';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

describe('headless CLI: background tasks in worktrees (exec --worktree, tasks apply / keep / discard)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let tmp: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;

  const cli = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.stdin.end('');
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const git = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const read = (rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');
  const patch = (body: string) => ({
    name: 'apply_patch',
    arguments: JSON.stringify({ patch: `*** Begin Patch\n${body}*** End Patch\n` }),
  });
  const exec = async (task: string) => {
    const result = await cli(['exec', '--worktree', task, '--cwd', repo, '--yes', '--verify', 'off', '--model', 'fake']);
    assert.equal(result.code, 0, result.stderr);
    const id = /fixpoint tasks apply (task-\S+)/.exec(result.stderr)?.[1];
    assert.ok(id, result.stderr);
    return { ...result, id };
  };
  const listed = async () =>
    JSON.parse((await cli(['tasks', '--cwd', repo, '--json'])).stdout) as Array<{
      id: string;
      workspace?: { root: string; top: string; branch: string; state: string; base: string };
    }>;

  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-cli-worktree-')));
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    env = {
      ...process.env,
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: server.url,
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      XDG_STATE_HOME: path.join(tmp, 'state'),
      FIXPOINT_CONTEXT_WINDOW: '64000',
    };
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'Repo User']);
    git(['config', 'user.email', 'user@example.com']);
    fs.writeFileSync(path.join(repo, 'greet.js'), "const name = 'you';\n\n\n\n\nconsole.log('hello');\n");
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'my uncommitted notes\n'); // the user's work in progress
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exec --worktree edits and runs only in the worktree; tasks apply brings the change back, rebased onto the user’s edit', async () => {
    server.enqueue(
      { toolCalls: [patch("*** Update File: greet.js\n@@\n-console.log('hello');\n+console.log('hello, world');\n")] },
      // The task sees the user's uncommitted notes, and its command runs in the worktree.
      { toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: 'node greet.js && cat notes.txt' }) }] },
      { text: 'Done: it greets the world.' },
    );
    const head = git(['rev-parse', 'HEAD']);
    const { id, stderr } = await exec('greet the world');
    assert.match(stderr, /hello, world\nmy uncommitted notes/);
    assert.equal(read('greet.js'), "const name = 'you';\n\n\n\n\nconsole.log('hello');\n", 'the user’s folder is untouched');
    assert.equal(git(['rev-parse', 'HEAD']), head);
    assert.equal(git(['status', '--porcelain']), '?? notes.txt\n');

    const [task] = await listed();
    assert.equal(task.id, id);
    assert.equal(task.workspace?.branch, 'fixpoint/greet-the-world');
    assert.equal(task.workspace?.state, 'active');
    assert.ok(task.workspace && !task.workspace.root.startsWith(repo), 'the worktree is outside the repository');
    assert.equal(
      fs.readFileSync(path.join(task.workspace!.root, 'greet.js'), 'utf8'),
      "const name = 'you';\n\n\n\n\nconsole.log('hello, world');\n",
    );
    const table = await cli(['tasks', '--cwd', repo]);
    assert.match(
      table.stdout,
      new RegExp(`^ID +STATUS +CHECKS +AGE +COST +BRANCH +TITLE\\n${id} +done +passed +0m +- +fixpoint/greet-the-world +greet the world`),
    );

    // Meanwhile the user changes another line of the same file.
    fs.writeFileSync(path.join(repo, 'greet.js'), "const name = 'me';\n\n\n\n\nconsole.log('hello');\n");
    const applied = await cli(['tasks', 'apply', id, '--cwd', repo, '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /-console\.log\('hello'\);\n\+console\.log\('hello, world'\);/);
    assert.match(applied.stdout, /Applied 1 of 1 file\(s\): greet\.js/);
    assert.equal(read('greet.js'), "const name = 'me';\n\n\n\n\nconsole.log('hello, world');\n", 'the task’s edit on top of the user’s');
    assert.equal(read('notes.txt'), 'my uncommitted notes\n');
    assert.equal(git(['rev-parse', 'HEAD']), head, 'applying writes files, never commits');

    // Undone: the folder as it was before the apply; then nothing is left to undo.
    assert.match(applied.stdout, new RegExp(`Undo: fixpoint tasks unapply ${id}`));
    const undone = await cli(['tasks', 'unapply', id, '--cwd', repo]);
    assert.equal(undone.code, 0, undone.stderr);
    assert.match(undone.stdout, /Put back 1 file\(s\) as they were before tasks apply: greet\.js/);
    assert.equal(read('greet.js'), "const name = 'me';\n\n\n\n\nconsole.log('hello');\n");
    assert.equal(read('notes.txt'), 'my uncommitted notes\n');
    const again = await cli(['tasks', 'unapply', id, '--cwd', repo]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Nothing of task .* was applied/);
    // Applied again, then edited by the user: the undo leaves the user's edit and says so.
    assert.equal((await cli(['tasks', 'apply', id, '--cwd', repo, '--yes'])).code, 0);
    fs.writeFileSync(path.join(repo, 'greet.js'), 'mine now\n');
    const left = await cli(['tasks', 'unapply', id, '--cwd', repo]);
    assert.equal(left.code, 0, left.stderr);
    assert.match(left.stdout, /Put back 0 file\(s\)[^\n]*\nChanged by you since, left as they are: greet\.js/);
    assert.equal(read('greet.js'), 'mine now\n');
  });

  it('tasks apply keeps the user’s lines where both changed the same line, and --yes does not accept that file', async () => {
    server.enqueue(
      { toolCalls: [patch("*** Update File: greet.js\n@@\n-console.log('hello');\n+console.log('task');\n")] },
      { text: 'ok' },
    );
    const { id } = await exec('change the greeting');
    fs.writeFileSync(path.join(repo, 'greet.js'), "const name = 'you';\n\n\n\n\nconsole.log('mine');\n");
    const applied = await cli(['tasks', 'apply', id, '--cwd', repo, '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /greet\.js: 1 hunk\(s\) overlap your own edits/);
    assert.match(
      applied.stderr,
      /\n\+<<<<<<< your version\n console\.log\('mine'\);\n\+=======\n\+console\.log\('task'\);\n\+>>>>>>> fixpoint\/change-the-greeting \(the task's version\)\n/,
    );
    assert.match(applied.stderr, /Not applied: greet\.js has 1 conflicting hunk\(s\) marked/);
    assert.equal(read('greet.js'), "const name = 'you';\n\n\n\n\nconsole.log('mine');\n");
  });

  it('tasks keep commits on the branch with a message from the ledger; tasks discard leaves no worktree or branch', async () => {
    server.enqueue(
      { toolCalls: [patch('*** Add File: docs/usage.md\n+# Usage\n')] },
      { toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: 'node greet.js' }) }] },
      { text: 'Documented.' },
    );
    const kept = await exec('document the usage');
    server.enqueue({ toolCalls: [patch('*** Add File: scratch.txt\n+scratch\n')] }, { text: 'ok' });
    const dropped = await exec('try something');
    const before = await listed();
    const keptInfo = before.find((t) => t.id === kept.id)!.workspace!;
    const droppedInfo = before.find((t) => t.id === dropped.id)!.workspace!;

    const keep = await cli(['tasks', 'keep', kept.id, '--cwd', repo]);
    assert.equal(keep.code, 0, keep.stderr);
    assert.match(keep.stdout, /Kept task .* on the branch fixpoint\/document-the-usage; your branch is untouched/);
    const message = git(['log', '-1', '--format=%B', 'fixpoint/document-the-usage']);
    assert.match(
      message,
      /^document the usage\n\nGoal:\n {2}document the usage\n\nChanged:\n- docs\/usage\.md \(added\)\n\nChecks:\n- node greet\.js: passed\n/,
    );
    assert.match(message, new RegExp(`Fixpoint-Task: ${kept.id}`));
    assert.equal(git(['show', 'fixpoint/document-the-usage:docs/usage.md']), '# Usage\n');
    // The base commit holds the user's uncommitted notes; the user's own branch has neither.
    assert.equal(git(['show', `${keptInfo.base}:notes.txt`]), 'my uncommitted notes\n');
    assert.equal(git(['log', '--format=%s', 'main']), 'initial\n');
    assert.equal(git(['symbolic-ref', 'HEAD']), 'refs/heads/main\n');
    assert.equal(fs.existsSync(keptInfo.top), false, 'the worktree is removed, so the branch can be checked out');
    assert.equal(fs.existsSync(path.join(repo, 'docs')), false);

    const discard = await cli(['tasks', 'discard', dropped.id, '--cwd', repo]);
    assert.equal(discard.code, 0, discard.stderr);
    assert.equal(fs.existsSync(droppedInfo.top), false);
    assert.equal(git(['branch', '--list', 'fixpoint/try-something']), '');
    assert.equal(git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)?.length, 1, 'only the user’s own worktree is left');

    const table = (await cli(['tasks', '--cwd', repo])).stdout;
    assert.match(table, /fixpoint\/document-the-usage \(kept\)/);
    assert.match(table, /fixpoint\/try-something \(discarded\)/);
    const again = await cli(['tasks', 'discard', dropped.id, '--cwd', repo]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /was discarded/);
  });

  it('outside a git repository exec --worktree says why and runs nothing', async () => {
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain);
    const result = await cli(['exec', '--worktree', 'anything', '--cwd', plain, '--yes']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Cannot run the task in a worktree: .*is not in a git repository/);
    assert.equal(server.modelRequests().length, 0);
  });
});
