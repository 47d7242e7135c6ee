import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackgroundTasks, type BackgroundTask } from '../../../src/core/agent/backgroundTasks';
import { DurableTasks } from '../../../src/core/tasks/durableTasks';
import { rebaseTaskChanges } from '../../../src/core/tasks/rebaseChanges';
import { taskCommitMessage } from '../../../src/core/tasks/commitMessage';
import { NodeTaskFiles } from '../../../src/node/taskFiles';
import { GitWorktrees } from '../../../src/node/worktrees';
import { createAgentHarness, patchArgs, type AgentHarness } from '../agent/harness';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('background tasks (real git worktrees, real sessions)', function () {
  this.timeout(60_000);
  let repo: string;
  let base: string;
  let state: string;
  const harnesses: AgentHarness[] = [];

  beforeEach(() => {
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bg-repo-')));
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bg-worktrees-')));
    state = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bg-state-'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.email', 'dev@example.com');
    git(repo, 'config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\ntwo\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'start');
    // Uncommitted work of the user's, which each task starts from too.
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'draft\n');
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.server.close().catch(() => undefined);
    for (const dir of [repo, base, state]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs tasks in their own worktrees, queued beyond the limit; results are kept as a branch, discarded, or rebased for review', async () => {
    const workspaces = new GitWorktrees(base);
    const files = new NodeTaskFiles(state);
    const scripts: Record<string, (h: AgentHarness) => void> = {
      'capitalise two': (h) =>
        h.server.enqueue(
          {
            toolCalls: [{ id: 'e', name: 'apply_patch', arguments: patchArgs('*** Update File: a.txt\n one\n-two\n+TWO\n') }],
            chunkDelayMs: 30,
          },
          { text: 'Capitalised.' },
        ),
      'add c.txt': (h) =>
        h.server.enqueue(
          { toolCalls: [{ id: 'c', name: 'apply_patch', arguments: patchArgs('*** Add File: c.txt\n+new file\n') }] },
          { text: 'Added c.txt.' },
        ),
    };
    let nextScript = '';
    const tasks = new BackgroundTasks({
      workspaces,
      origin: repo,
      maxParallel: () => 1,
      changed: () => undefined,
      openSession: async (taskId, info) => {
        const h = await createAgentHarness({}, {}, { root: info.root, tasks: { files }, taskId });
        harnesses.push(h);
        h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
        scripts[nextScript](h);
        return { session: h.session, dispose: () => undefined };
      },
    });
    assert.equal(await tasks.unavailable(), undefined);
    nextScript = 'capitalise two';
    const first = await tasks.start('capitalise two', 'capitalise two');
    nextScript = 'add c.txt';
    const second = await tasks.start('add c.txt', 'add c.txt');
    await until('the first task to run', () => first.state === 'running');
    assert.equal(second.state, 'queued', 'one at a time: the second waits for a slot');
    await until('both tasks to end', () => first.state === 'idle' && second.state === 'idle');

    // Each worked in its own worktree on its own branch; the user's folder is untouched.
    assert.equal(fs.readFileSync(path.join(repo, 'a.txt'), 'utf8'), 'one\ntwo\n');
    assert.equal(fs.existsSync(path.join(repo, 'c.txt')), false);
    assert.equal(fs.readFileSync(path.join(first.workspace.root, 'a.txt'), 'utf8'), 'one\nTWO\n');
    assert.equal(
      fs.readFileSync(path.join(first.workspace.root, 'notes.txt'), 'utf8'),
      'draft\n',
      "started from the user's uncommitted work",
    );
    assert.notEqual(first.workspace.branch, second.workspace.branch);
    const listed = await new DurableTasks(files).list();
    assert.deepEqual(
      listed.map((t) => [t.title, t.status, t.workspace?.branch]).sort(),
      [
        ['add c.txt', 'done', second.workspace.branch],
        ['capitalise two', 'done', first.workspace.branch],
      ].sort(),
    );

    // Review & apply: the first task's change, rebased onto the user's folder after the user edited it meanwhile.
    fs.writeFileSync(path.join(repo, 'a.txt'), 'zero\none\ntwo\n');
    const rebased = await rebaseTaskChanges(
      await workspaces.changes(first.workspace),
      async (p) => (fs.existsSync(path.join(repo, p)) ? fs.readFileSync(path.join(repo, p), 'utf8') : undefined),
      { current: 'your version', task: first.workspace.branch },
    );
    const change = rebased.changes.find((c) => c.path === 'a.txt');
    assert.equal(change?.newContent, 'zero\none\nTWO\n', "the task's hunk on top of the user's edit");
    assert.deepEqual(rebased.conflicts, []);

    // Keep the second as a branch (message from its ledger), discard the first.
    const keep = async (task: BackgroundTask) => {
      const ledger = (await new DurableTasks(files).load(task.id))?.state.ledger;
      const changes = await workspaces.changes(task.workspace);
      await tasks.close(task.id);
      return workspaces.keep(task.workspace, taskCommitMessage({ id: task.id, title: task.title, goal: 'add c.txt', ledger, changes }));
    };
    const kept = await keep(second);
    assert.equal(git(repo, 'show', '-s', '--format=%s', kept.commit!), 'add c.txt');
    assert.match(git(repo, 'show', '--stat', '--format=%b', kept.commit!), /c\.txt \(added\)[\s\S]*Fixpoint-Task: /);
    assert.equal(git(repo, 'branch', '--show-current'), 'main', "the user's branch is untouched");
    await tasks.close(first.id);
    await workspaces.discard(first.workspace);
    assert.equal(fs.existsSync(first.workspace.top), false);
    assert.equal(git(repo, 'branch', '--list', first.workspace.branch), '');
    assert.equal(tasks.all().length, 0);
  });
});
