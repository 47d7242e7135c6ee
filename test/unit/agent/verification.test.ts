import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultShadowBase } from '../../../src/node/sandbox';
import { createAgentHarness, toolResults, type AgentHarness } from './harness';

// A tiny project whose test fails until `add` is fixed; verification runs the real `node --test`.
const project = {
  'math.js': 'exports.add = (a, b) => a - b;\n',
  'math.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./math');\ntest('adds', () => assert.strictEqual(add(2, 3), 5));\n",
};
const patch = (from: string, to: string) =>
  JSON.stringify({ patch: `*** Begin Patch\n*** Update File: math.js\n-${from}\n+${to}\n*** End Patch\n` });
const WRONG = patch('exports.add = (a, b) => a - b;', 'exports.add = (a, b) => a * b;');
const RIGHT_AFTER_WRONG = patch('exports.add = (a, b) => a * b;', 'exports.add = (a, b) => a + b;');
const RIGHT = patch('exports.add = (a, b) => a - b;', 'exports.add = (a, b) => a + b;');

describe('verified, self-healing edits', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('after accept: a failing check goes back to the model, its fix is reviewed, and the rerun is green (2 runs)', async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'after-accept', command: 'node --test' } });
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    let asked = 0;
    h.onApproval = (entry) => {
      asked++;
      h.session.approve(entry.id, 'always'); // the first run asks; "always" allows the next runs
    };
    h.server.enqueue(
      { toolCalls: [{ id: 'p1', name: 'apply_patch', arguments: WRONG }] },
      { text: 'Fixed add.' },
      { toolCalls: [{ id: 'p2', name: 'apply_patch', arguments: RIGHT_AFTER_WRONG }] },
      { text: 'Now it adds.' },
    );
    assert.equal(await h.session.prompt('make the test pass'), 'answered');
    assert.equal(fs.readFileSync(path.join(h.root, 'math.js'), 'utf8'), 'exports.add = (a, b) => a + b;\n');
    const verification = h.entries('verification')[0];
    assert.ok(verification?.kind === 'verification');
    assert.equal(verification.status, 'passed');
    assert.deepEqual(
      verification.attempts.map((a) => a.state),
      ['failed', 'passed'],
    );
    assert.ok(
      verification.attempts[0].failures.some((f) => /adds/.test(f)),
      JSON.stringify(verification.attempts[0]),
    );
    assert.equal(verification.attempts[0].fix, 'edited math.js');
    const feedback = (h.server.modelRequests()[2].body.messages as Array<{ role: string; content: string }>).at(-1)!;
    assert.match(feedback.content, /ran `node --test` after your accepted edits and it failed \(run 1 of 3\)/);
    assert.match(feedback.content, /adds/);
    assert.equal(asked, 1, 'the check asked once, then ran under the remembered prefix');
    // The ledger records the check's result (Fixpoint knows it, the model need not report it).
    const ledger = h.entries('ledger')[0];
    assert.ok(
      ledger?.kind === 'ledger' && /Checks run:\n- node --test: passed/.test(ledger.text),
      ledger?.kind === 'ledger' ? ledger.text : 'no ledger card',
    );
  });

  it('the check is a command like any other: denied, it does not run and the timeline says why', async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'after-accept', command: 'node --test' } });
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    h.server.enqueue({ toolCalls: [{ name: 'apply_patch', arguments: WRONG }] }, { text: 'done' });
    await h.session.prompt('fix');
    const verification = h.entries('verification')[0];
    assert.ok(
      verification?.kind === 'verification' && verification.status === 'stopped' && /denied/.test(verification.reason ?? ''),
      JSON.stringify(verification),
    );
    assert.equal(h.server.modelRequests().length, 2, 'no fix loop after a refusal');
  });

  it('after accept: stops when the model gives up instead of looping', async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'after-accept', command: 'node --test' } });
    h.allow.push('node');
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    h.server.enqueue({ toolCalls: [{ name: 'apply_patch', arguments: WRONG }] }, { text: 'done' }, { text: 'I cannot fix it.' });
    await h.session.prompt('fix');
    const verification = h.entries('verification')[0];
    assert.ok(verification?.kind === 'verification' && verification.status === 'failed' && /no fix/.test(verification.reason ?? ''));
    assert.equal(h.server.modelRequests().length, 3);
  });

  it('before review: a failing patch is fixed in the isolated copy before the user ever sees it', async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'before-review', command: 'node --test' } });
    h.allow.push('node');
    const shown: string[] = [];
    h.onProposal = (entry) => {
      shown.push(fs.readFileSync(path.join(h.root, 'math.js'), 'utf8'));
      h.session.review(entry.id, undefined, true);
    };
    h.server.enqueue(
      { toolCalls: [{ id: 'bad', name: 'apply_patch', arguments: WRONG }] },
      { toolCalls: [{ id: 'good', name: 'apply_patch', arguments: RIGHT }] },
      { text: 'Verified and applied.' },
    );
    assert.equal(await h.session.prompt('make the test pass'), 'answered');
    assert.match(toolResults(h.server, 1).bad, /verified in an isolated copy.*node --test failed/s);
    assert.match(toolResults(h.server, 1).bad, /The user has not seen this patch/);
    assert.deepEqual(shown, ['exports.add = (a, b) => a - b;\n'], 'one proposal reached the user, and the file was untouched until then');
    const proposal = h.entries('proposal')[0];
    assert.ok(proposal?.kind === 'proposal' && proposal.verification?.state === 'passed');
    assert.equal(fs.readFileSync(path.join(h.root, 'math.js'), 'utf8'), 'exports.add = (a, b) => a + b;\n');
    const verification = h.entries('verification')[0];
    assert.ok(verification?.kind === 'verification' && verification.status === 'passed');
    assert.deepEqual(
      verification.attempts.map((a) => a.state),
      ['failed', 'passed'],
    );
    const leftovers = fs.existsSync(defaultShadowBase()) ? fs.readdirSync(defaultShadowBase()).filter((name) => !name.startsWith('.')) : [];
    assert.deepEqual(leftovers, [], 'every shadow copy was removed');
  });

  it('says so when there is no verification command', async () => {
    h = await createAgentHarness({ 'notes.txt': 'a\n' }, {}, { verify: { when: 'after-accept' } });
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    h.server.enqueue(
      {
        toolCalls: [
          {
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: '*** Begin Patch\n*** Update File: notes.txt\n-a\n+b\n*** End Patch\n' }),
          },
        ],
      },
      { text: 'ok' },
    );
    await h.session.prompt('edit');
    assert.ok(h.entries('notice').some((e) => e.kind === 'notice' && /not verified.*fixpoint\.verify\.command/.test(e.text)));
  });

  it("after accept: not run again when the agent's own run of the same check passed on exactly these contents (issue 17)", async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'after-accept', command: 'node --test' } });
    h.allow.push('node');
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    const check = { id: 'c1', name: 'run_command', arguments: JSON.stringify({ command: 'node --test' }) };
    h.server.enqueue(
      { toolCalls: [{ id: 'p1', name: 'apply_patch', arguments: RIGHT }] },
      { toolCalls: [check] },
      { text: 'Fixed, and the tests pass.' },
    );
    assert.equal(await h.session.prompt('make the test pass'), 'answered');
    assert.match(toolResults(h.server, 2).c1, /exit code 0/);
    const verification = h.entries('verification')[0];
    assert.ok(verification?.kind === 'verification');
    assert.equal(verification.status, 'passed');
    assert.deepEqual(verification.attempts, [], 'the check did not run a second time');
    assert.match(verification.reason ?? '', /Not run again: the agent's own run of node --test passed on exactly these contents/);
  });

  it("after accept: runs again when the file changed after the agent's passing run", async () => {
    h = await createAgentHarness(project, {}, { verify: { when: 'after-accept', command: 'node --test' } });
    h.allow.push('node');
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    const check = { id: 'c1', name: 'run_command', arguments: JSON.stringify({ command: 'node --test' }) };
    h.server.enqueue(
      { toolCalls: [{ id: 'p1', name: 'apply_patch', arguments: RIGHT }] },
      { toolCalls: [check] },
      // A slow answer: the user's edit below lands while it streams, after the agent's passing run.
      { text: 'Fixed.', chunkDelayMs: 300 },
    );
    const done = h.session.prompt('make the test pass');
    // The user edits the file while the model writes its answer: the agent's run no longer covers it.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (h.server.modelRequests().length >= 3) {
          clearInterval(poll);
          fs.writeFileSync(path.join(h.root, 'math.js'), 'exports.add = (a, b) => b + a;\n');
          resolve();
        }
      }, 5);
    });
    assert.equal(await done, 'answered');
    const verification = h.entries('verification')[0];
    assert.ok(verification?.kind === 'verification');
    assert.equal(verification.attempts.length, 1, 'the check ran');
  });
});
