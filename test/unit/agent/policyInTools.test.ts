import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAgentHarness, toolResults, type AgentHarness, patchArgs as patch } from './harness';

describe('the policy inside the tools', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('SAFETY §14: a repository whose git config runs programs gets no auto-approved git command', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n' });
    execFileSync('git', ['init', '-q'], { cwd: h.root });
    const marker = path.join(h.root, 'fsmonitor-ran');
    execFileSync('git', ['config', 'core.fsmonitor', `touch ${marker}; false`], { cwd: h.root });
    let asked = 0;
    h.onApproval = (entry) => {
      asked++;
      h.session.approve(entry.id, 'deny');
    };
    h.server.enqueue({ toolCalls: [{ id: 'st', name: 'run_command', arguments: '{"command":"git status"}' }] }, { text: 'ok' });
    await h.session.prompt('status?');
    assert.equal(asked, 1, 'git status asked instead of running as read-only');
    assert.equal(fs.existsSync(marker), false);
  });

  it('SAFETY §9: search never quotes secret files, and apply_patch refuses to touch them', async () => {
    h = await createAgentHarness({ '.env': 'API_KEY=sk-live-123\n', 'app.js': 'const key = process.env.API_KEY;\n' });
    h.server.enqueue(
      {
        toolCalls: [
          { id: 's', name: 'search', arguments: '{"pattern":"API_KEY"}' },
          { id: 'p', name: 'apply_patch', arguments: patch('*** Update File: .env\n-API_KEY=guess\n+API_KEY=x\n') },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('find the key');
    const results = toolResults(h.server, 1);
    assert.match(results.s, /app\.js:1:/);
    assert.doesNotMatch(JSON.stringify(h.server.modelRequests()[1].body), /sk-live-123/);
    assert.match(results.p, /looks like a secret/);
  });

  it('SAFETY §9: read_file refuses files excluded by .fixpointignore', async () => {
    h = await createAgentHarness({ '.fixpointignore': 'private/\n', 'private/notes.md': 'do not send\n' });
    h.server.enqueue({ toolCalls: [{ id: 'r', name: 'read_file', arguments: '{"path":"private/notes.md"}' }] }, { text: 'ok' });
    await h.session.prompt('read');
    assert.match(toolResults(h.server, 1).r, /excluded by .*fixpointignore/);
    assert.doesNotMatch(JSON.stringify(h.server.modelRequests()[1].body), /do not send/);
  });

  it('SAFETY §2/§4: a symlink into .vscode is still a protected path, and Accept All leaves protected files to their own click', async () => {
    h = await createAgentHarness({ '.vscode/settings.json': '{}\n', 'a.txt': 'a\n' });
    fs.symlinkSync(path.join(h.root, '.vscode'), path.join(h.root, 'cfg'));
    let proposal: { files: Array<{ path: string; protected: boolean; status: string }> } | undefined;
    h.onProposal = (entry) => {
      h.session.review(entry.id, undefined, true); // "Accept All"
      proposal = h.entries('proposal').find((e) => e.id === entry.id) as typeof proposal;
      for (const file of proposal?.files ?? []) if (file.status === 'pending') h.session.review(entry.id, file.path, false);
    };
    h.server.enqueue(
      {
        toolCalls: [
          {
            id: 'p',
            name: 'apply_patch',
            arguments: patch(
              '*** Update File: cfg/settings.json\n-{}\n+{"task.allowAutomaticTasks": "on"}\n*** Update File: a.txt\n-a\n+A\n',
            ),
          },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('edit');
    assert.deepEqual(
      proposal?.files.map((f) => [f.path, f.protected, f.status]),
      [
        ['.vscode/settings.json', true, 'pending'],
        ['a.txt', false, 'accepted'],
      ],
    );
    assert.equal(fs.readFileSync(path.join(h.root, '.vscode/settings.json'), 'utf8'), '{}\n');
    assert.equal(fs.readFileSync(path.join(h.root, 'a.txt'), 'utf8'), 'A\n');
  });
});
