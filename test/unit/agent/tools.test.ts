import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAgentHarness, toolResults, type AgentHarness, patchArgs as patch } from './harness';

describe('agent tools', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('apply_patch proposes; nothing is written before the user accepts, then exactly the accepted file', async () => {
    h = await createAgentHarness({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'alpha\nbeta\n' });
    h.server.enqueue(
      {
        toolCalls: [
          {
            id: 'p',
            name: 'apply_patch',
            arguments: patch('*** Update File: a.txt\n one\n-two\n+TWO\n three\n*** Update File: b.txt\n alpha\n-beta\n+BETA\n'),
          },
        ],
      },
      { text: 'done' },
    );
    let seenBeforeDecision = '';
    h.onProposal = (entry) => {
      seenBeforeDecision = fs.readFileSync(path.join(h.root, 'a.txt'), 'utf8');
      h.session.review(entry.id, 'a.txt', true);
      h.session.review(entry.id, 'b.txt', false);
    };
    await h.session.prompt('edit');
    assert.equal(seenBeforeDecision, 'one\ntwo\nthree\n');
    assert.equal(fs.readFileSync(path.join(h.root, 'a.txt'), 'utf8'), 'one\nTWO\nthree\n');
    assert.equal(fs.readFileSync(path.join(h.root, 'b.txt'), 'utf8'), 'alpha\nbeta\n');
    const result = toolResults(h.server, 1).p;
    assert.match(result, /a\.txt: all 1 hunk\(s\) accepted/);
    assert.match(result, /b\.txt: rejected by the user; nothing written/);
  });

  it('per-hunk decisions write exactly the accepted hunks', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    h = await createAgentHarness({ 'f.txt': lines.join('\n') + '\n' });
    h.server.enqueue(
      {
        toolCalls: [
          {
            id: 'p',
            name: 'apply_patch',
            arguments: patch('*** Update File: f.txt\n line 2\n-line 3\n+LINE 3\n line 4\n@@\n line 26\n-line 27\n+LINE 27\n line 28\n'),
          },
        ],
      },
      { text: 'ok' },
    );
    h.onProposal = (entry) => {
      h.session.reviewer.decideHunk(entry.id, 'f.txt', 0, false);
      h.session.reviewer.decideHunk(entry.id, 'f.txt', 1, true);
    };
    await h.session.prompt('edit');
    const expected = [...lines];
    expected[26] = 'LINE 27';
    assert.equal(fs.readFileSync(path.join(h.root, 'f.txt'), 'utf8'), expected.join('\n') + '\n');
    assert.match(toolResults(h.server, 1).p, /hunks 2 accepted; 1 rejected/);
  });

  it('SAFETY §8: a user edit made while the proposal is pending is never overwritten', async () => {
    h = await createAgentHarness({ 'f.txt': 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n' });
    h.server.enqueue(
      { toolCalls: [{ id: 'p', name: 'apply_patch', arguments: patch('*** Update File: f.txt\n a\n-b\n+B\n c\n') }] },
      { text: 'ok' },
    );
    h.onProposal = (entry) => {
      fs.writeFileSync(path.join(h.root, 'f.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nUSER EDIT\n');
      h.session.review(entry.id, undefined, true);
    };
    await h.session.prompt('edit');
    assert.equal(
      fs.readFileSync(path.join(h.root, 'f.txt'), 'utf8'),
      'a\nB\nc\nd\ne\nf\ng\nh\ni\nUSER EDIT\n',
      'rebased onto the user edit',
    );
  });

  it('SAFETY §8: a conflicting user edit marks the hunk stale instead of overwriting', async () => {
    h = await createAgentHarness({ 'f.txt': 'a\nb\nc\n' });
    h.server.enqueue(
      { toolCalls: [{ id: 'p', name: 'apply_patch', arguments: patch('*** Update File: f.txt\n a\n-b\n+B\n c\n') }] },
      { text: 'ok' },
    );
    h.onProposal = (entry) => {
      fs.writeFileSync(path.join(h.root, 'f.txt'), 'a\nuser changed b\nc\n');
      h.session.review(entry.id, undefined, true);
    };
    await h.session.prompt('edit');
    assert.equal(fs.readFileSync(path.join(h.root, 'f.txt'), 'utf8'), 'a\nuser changed b\nc\n');
    assert.match(toolResults(h.server, 1).p, /changed that code meanwhile/);
  });

  it('a patch that does not match is reported to the model, and nothing is proposed', async () => {
    h = await createAgentHarness({ 'f.txt': 'a\nb\nc\n' });
    h.server.enqueue(
      { toolCalls: [{ id: 'p', name: 'apply_patch', arguments: patch('*** Update File: f.txt\n x\n-y\n+Y\n z\n') }] },
      { text: 'ok' },
    );
    await h.session.prompt('edit');
    assert.match(toolResults(h.server, 1).p, /^Error: The patch was not applied/);
    assert.equal(h.entries('proposal').length, 0);
  });

  it('SAFETY §1: paths outside the workspace are refused for every tool', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n' });
    h.server.enqueue(
      {
        toolCalls: [
          { id: 'r1', name: 'read_file', arguments: '{"path":"../../etc/passwd"}' },
          { id: 'r2', name: 'read_file', arguments: '{"path":"/etc/passwd"}' },
          { id: 'r3', name: 'apply_patch', arguments: patch('*** Add File: ../escape.txt\n+x\n') },
          { id: 'r4', name: 'list_files', arguments: '{"path":"~/"}' },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('escape');
    const results = toolResults(h.server, 1);
    for (const id of ['r1', 'r2', 'r3', 'r4']) assert.match(results[id], /^Error:/, `${id}: ${results[id]}`);
    assert.equal(fs.existsSync(path.join(h.root, '..', 'escape.txt')), false);
  });

  it('SAFETY §9: secrets are not read for the model', async () => {
    h = await createAgentHarness({ '.env': 'OPENAI_API_KEY=sk-secret\n', 'keys/server.pem': '-----BEGIN-----\n' });
    h.server.enqueue(
      {
        toolCalls: [
          { id: 'e', name: 'read_file', arguments: '{"path":".env"}' },
          { id: 'k', name: 'read_file', arguments: '{"path":"keys/server.pem"}' },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('read secrets');
    const body = JSON.stringify(h.server.modelRequests()[1].body);
    assert.doesNotMatch(body, /sk-secret|BEGIN/);
    assert.match(toolResults(h.server, 1).e, /secret/);
  });

  it('SAFETY §6: binary files are refused as text', async () => {
    h = await createAgentHarness();
    fs.writeFileSync(path.join(h.root, 'img.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
    h.server.enqueue({ toolCalls: [{ id: 'b', name: 'read_file', arguments: '{"path":"img.bin"}' }] }, { text: 'ok' });
    await h.session.prompt('read');
    assert.match(toolResults(h.server, 1).b, /binary/);
  });

  it('run_command asks; a denied command never runs, an approved one reports exit code and output', async () => {
    h = await createAgentHarness();
    const create = `node -e "require('fs').writeFileSync('made.txt','1'); console.log('\\u001b[31mred\\u001b[0m'); process.exit(3)"`;
    h.server.enqueue(
      { toolCalls: [{ id: 'd', name: 'run_command', arguments: JSON.stringify({ command: create }) }] },
      { toolCalls: [{ id: 'a', name: 'run_command', arguments: JSON.stringify({ command: create }) }] },
      { text: 'ok' },
    );
    let asked = 0;
    h.onApproval = (entry) => h.session.approve(entry.id, asked++ === 0 ? 'deny' : 'once');
    await h.session.prompt('run');
    assert.match(toolResults(h.server, 1).d, /denied/);
    const ran = toolResults(h.server, 2).a;
    assert.match(ran, /^exit code 3/);
    assert.match(ran, /\nred$/, 'ANSI escapes stripped');
    assert.equal(fs.existsSync(path.join(h.root, 'made.txt')), true);
    assert.equal(asked, 2);
  });

  it('SAFETY §13: "always allow" remembers the prefix, but never lets an operator through', async () => {
    h = await createAgentHarness();
    h.server.enqueue(
      { toolCalls: [{ id: '1', name: 'run_command', arguments: '{"command":"node -p 1"}' }] },
      { toolCalls: [{ id: '2', name: 'run_command', arguments: '{"command":"node -p 2"}' }] },
      { toolCalls: [{ id: '3', name: 'run_command', arguments: '{"command":"node -p 3 && touch pwned"}' }] },
      { text: 'ok' },
    );
    const approvals: string[] = [];
    h.onApproval = (entry) => {
      approvals.push(entry.command);
      h.session.approve(entry.id, approvals.length === 1 ? 'always' : 'deny');
    };
    await h.session.prompt('run');
    assert.deepEqual(h.allow, ['node']);
    assert.match(toolResults(h.server, 2)['2'], /^exit code 0/, 'the remembered prefix allowed the second command');
    assert.equal(approvals.length, 2, 'the chained command asked again');
    assert.equal(fs.existsSync(path.join(h.root, 'pwned')), false);
  });
});
