import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeTaskFiles } from '../../../src/node/taskFiles';
import { createAgentHarness, toolResults, type AgentHarness } from './harness';

const run = (id: string, command: string) => ({ id, name: 'run_command', arguments: JSON.stringify({ command }) });

// Issue 14 through the whole agent: the model's run_command calls, real git, real processes. Verdicts are the
// marker files on disk and what the model was sent.
describe('run_command through the approval engine (issue 14)', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('SAFETY §30 (cause 1): a hostile repository config is asked about even with an allow rule, and its fsmonitor never runs', async () => {
    h = await createAgentHarness({ 'a.txt': 'one\n' });
    const env = { ...process.env, HOME: h.root, GIT_CONFIG_NOSYSTEM: '1' };
    execFileSync('git', ['init', '-q'], { cwd: h.root, env });
    // The key sits on the section header line, which a hand parser of .git/config missed.
    fs.appendFileSync(path.join(h.root, '.git', 'config'), `[core] fsmonitor = "touch '${path.join(h.root, 'PWN')}'; false"\n`);
    h.allow.push('git status');
    const asked: string[][] = [];
    h.onApproval = (entry) => {
      asked.push(entry.reasons);
      h.session.approve(entry.id, 'once'); // Even when the user says yes, git runs with the safe overrides.
    };
    h.server.enqueue({ toolCalls: [run('status', 'git status --short')] }, { text: 'done' });
    await h.session.prompt('what changed?');
    assert.equal(asked.length, 1, 'asked although `git status` is allowed by a rule');
    assert.match(asked[0].join('\n'), /core\.fsmonitor/);
    assert.match(toolResults(h.server, 1).status, /exit code 0/);
    assert.equal(fs.existsSync(path.join(h.root, 'PWN')), false, 'the fsmonitor program never ran');
  });

  it('SAFETY §33 (cause 4): a token in a remote URL and a committed .env never reach the model', async () => {
    h = await createAgentHarness({ '.env': 'STRIPE_SECRET=sk_live_0123456789abcdef\n' });
    const env = {
      ...process.env,
      HOME: h.root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    };
    execFileSync('git', ['init', '-q'], { cwd: h.root, env });
    execFileSync('git', ['remote', 'add', 'origin', 'https://x-access-token:ghs_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git'], {
      cwd: h.root,
      env,
    });
    execFileSync('git', ['add', '-f', '.env'], { cwd: h.root, env });
    execFileSync('git', ['commit', '-qm', 'oops'], { cwd: h.root, env });
    h.onApproval = (entry) => h.session.approve(entry.id, 'once');
    h.server.enqueue({ toolCalls: [run('remote', 'git remote -v'), run('grep', 'git grep -n STRIPE')] }, { text: 'done' });
    await h.session.prompt('look around');
    const results = toolResults(h.server, 1);
    assert.match(results.remote, /github\.com\/o\/r\.git/);
    assert.doesNotMatch(results.remote, /ghs_abcdefghij/);
    assert.doesNotMatch(results.grep, /sk_live_0123456789abcdef/);
    assert.match(results.grep, /line hidden: \.env may hold secrets/);
  });

  it('SAFETY §31 (cause 2): an allow rule for cat does not let it read a secret through a symlink', async () => {
    h = await createAgentHarness({ '.env': 'TOKEN=abc\n' });
    fs.symlinkSync(path.join(h.root, '.env'), path.join(h.root, 'settings.txt'));
    h.allow.push('cat');
    const asked: string[][] = [];
    h.onApproval = (entry) => {
      asked.push(entry.reasons);
      h.session.approve(entry.id, 'deny');
    };
    h.server.enqueue({ toolCalls: [run('cat', 'cat settings.txt')] }, { text: 'done' });
    await h.session.prompt('read the settings');
    assert.equal(asked.length, 1);
    assert.match(asked[0].join('\n'), /`\.env` and may hold secrets/);
    assert.match(toolResults(h.server, 1).cat, /denied/);
  });
});

describe('approvals that stick (issue 14)', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('SAFETY §31: "for this task" sticks until the next task, "workspace" is remembered, "once" nowhere; none silences a finding', async () => {
    h = await createAgentHarness({ '.env': 'TOKEN=abc\n', 'a.txt': 'a\n' });
    const answers: Array<'task' | 'workspace' | 'once' | 'deny'> = ['task', 'deny'];
    const asked: string[] = [];
    h.onApproval = (entry) => {
      asked.push(entry.command);
      h.session.approve(entry.id, answers.shift() ?? 'deny');
    };
    h.server.enqueue(
      { toolCalls: [run('first', 'node -e "console.log(1)"')] },
      { toolCalls: [run('second', 'node -e "console.log(2)"'), run('secret', 'node -e "console.log(3)" /proc/self/environ')] },
      { text: 'done' },
    );
    await h.session.prompt('go');
    assert.deepEqual(
      asked,
      ['node -e "console.log(1)"', 'node -e "console.log(3)" /proc/self/environ'],
      'the task grant covered the second node command, but not the one with a finding',
    );
    assert.match(toolResults(h.server, 2).second, /exit code 0/);
    assert.match(toolResults(h.server, 2).secret, /denied/);
    assert.deepEqual(h.allow, [], 'a task grant is not stored beyond the task');

    h.session.newTask();
    answers.push('workspace');
    h.server.enqueue({ toolCalls: [run('third', 'node -e "console.log(4)"')] }, { text: 'done' });
    await h.session.prompt('again');
    assert.deepEqual(asked.slice(2), ['node -e "console.log(4)"'], 'asked again in a new task');
    assert.deepEqual(h.allow, ['node'], 'the workspace grant went to the store');
  });
});

describe('protected git directories (issue 14, cause 6)', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('SAFETY §35: the git dir behind a gitdir: file is protected like .git/ — flagged, never auto-applied', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n' }, {}, { approvalMode: 'auto-edit', verify: { when: 'before-review', command: 'true' } });
    execFileSync('git', ['init', '-q', '--separate-git-dir', path.join(h.root, '.gitstore'), h.root]);
    assert.match(fs.readFileSync(path.join(h.root, '.git'), 'utf8'), /^gitdir: /);
    const config = fs.readFileSync(path.join(h.root, '.gitstore', 'config'), 'utf8');
    h.allow.push('true');
    const flagged: boolean[] = [];
    h.onProposal = (entry) => {
      if (entry.kind !== 'proposal') return;
      flagged.push(entry.files.every((f) => f.protected));
      h.session.review(entry.id, undefined, false);
    };
    h.server.enqueue(
      {
        toolCalls: [
          {
            id: 'cfg',
            name: 'apply_patch',
            arguments: JSON.stringify({
              patch: '*** Begin Patch\n*** Update File: .gitstore/config\n@@\n+[core]\n+\tfsmonitor = touch PWN\n*** End Patch\n',
            }),
          },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('speed up git');
    assert.deepEqual(flagged, [true], 'shown to the user as protected, not applied by itself although verified');
    assert.equal(fs.readFileSync(path.join(h.root, '.gitstore', 'config'), 'utf8'), config);
    assert.match(toolResults(h.server, 1).cfg, /Protected paths needed the user's explicit approval: \.gitstore\/config/);
  });
});

describe('audit log (issue 14)', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('records every decision with who made it, survives a reload, and is in the Markdown export', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-audit-')));
    const tasks = { files: new NodeTaskFiles(path.join(root, '.state')) };
    fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
    h = await createAgentHarness({}, {}, { root, tasks });
    h.allow.push('node');
    h.onApproval = (entry) => h.session.approve(entry.id, 'deny');
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    h.server.enqueue(
      {
        toolCalls: [
          run('ls', 'ls'),
          run('rule', 'node -e "1"'),
          run('asked', 'touch b.txt'),
          {
            id: 'edit',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: '*** Begin Patch\n*** Update File: a.txt\n-a\n+A\n*** End Patch\n' }),
          },
        ],
      },
      { text: 'done' },
    );
    await h.session.prompt('work');
    const log = h.session.policy.audit.entries().map((e) => [e.kind, e.what, e.outcome, e.by]);
    assert.deepEqual(log, [
      ['command', 'ls', 'allowed', 'policy'],
      ['command', 'node -e "1"', 'allowed', 'rule'],
      ['command', 'touch b.txt', 'denied', 'user'],
      ['edit', 'a.txt', 'allowed', 'user'],
    ]);
    assert.ok(h.session.policy.audit.entries().every((e) => /^[0-9a-f]{16}$/.test(e.digest)));
    await h.session.shutdown();
    await h.server.close(); // Not dispose(): that removes the folder the next window reopens.
    h = await createAgentHarness({}, {}, { root, tasks });
    assert.equal(await h.session.restore(), true);
    assert.equal(h.session.policy.audit.entries().length, 4, 'the log came back with the task');
    const current = (await h.session.tasks.items()).find((item) => item.current);
    const markdown = (await h.session.tasks.exportMarkdown(current?.id ?? '')) ?? '';
    assert.match(markdown, /## Audit log/);
    assert.match(markdown, /\| command \| `touch b\.txt` \| denied \| user \|/);
  });
});
