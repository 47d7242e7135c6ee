// Issue 18: a patch that replaces an existing file (an Add File onto it, or a move onto it) is proposed like any
// other edit, but its card says so, it never applies by itself, and the model is told what happened.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Entry } from '../../../src/shared/protocol';
import { createAgentHarness, toolResults, type AgentHarness, patchArgs as patch } from './harness';

type ProposalEntry = Extract<Entry, { kind: 'proposal' }>;

const OLD_README = '# Demo\n\nSome words.\nMore words.\n';

describe('patches that replace an existing file', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  const read = (file: string): string => fs.readFileSync(path.join(h.root, file), 'utf8');
  const exists = (file: string): boolean => fs.existsSync(path.join(h.root, file));

  /** Runs one turn proposing `body`; `decide` sees the card (and the files at that moment) and decides. */
  async function proposeAndDecide(body: string, decide: (entry: ProposalEntry) => void): Promise<string> {
    h.server.enqueue({ toolCalls: [{ id: 'p', name: 'apply_patch', arguments: patch(body) }] }, { text: 'done' });
    h.onProposal = decide;
    await h.session.prompt('edit');
    return toolResults(h.server, 1).p;
  }

  it('Add File onto an existing file: marked on the card, written only when accepted, told to the model, restorable', async () => {
    h = await createAgentHarness({ 'README.md': OLD_README });
    let card: ProposalEntry | undefined;
    let onDiskWhilePending = '';
    const result = await proposeAndDecide('*** Add File: README.md\n+# Other\n', (entry) => {
      card = entry;
      onDiskWhilePending = read('README.md');
      h.session.review(entry.id, 'README.md', true);
    });
    assert.deepEqual(
      card?.files.map((f) => [f.path, f.kind, f.replaces]),
      [['README.md', 'update', { path: 'README.md', removedLines: 4 }]],
    );
    assert.equal(onDiskWhilePending, OLD_README, 'nothing written before the decision');
    assert.equal(read('README.md'), '# Other\n');
    assert.match(result, /README\.md: all 1 hunk\(s\) accepted and written\./);
    assert.match(
      result,
      /Note: README\.md already existed, so this patch replaced its content instead of creating it \(4 of its lines removed\)\./,
    );

    const turn = h.entries('user').at(-1)!;
    await h.session.checkpoint(turn.id, 'restore');
    assert.equal(read('README.md'), OLD_README, 'the checkpoint brings the replaced content back');
  });

  it('a move onto an existing file replaces it and removes the source; restore brings both back', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n', 'b.txt': 'b1\nb2\nb3\n' });
    let card: ProposalEntry | undefined;
    const result = await proposeAndDecide('*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+A\n', (entry) => {
      card = entry;
      h.session.review(entry.id, undefined, true);
    });
    assert.deepEqual(
      card?.files.map((f) => [f.path, f.movePath, f.replaces]),
      [['a.txt', 'b.txt', { path: 'b.txt', removedLines: 3 }]],
      'one card row: the move, marked as replacing b.txt (no separate deletion of b.txt)',
    );
    assert.equal(read('b.txt'), 'A\n');
    assert.equal(exists('a.txt'), false);
    assert.match(
      result,
      /Note: b\.txt already existed, so moving a\.txt onto it replaced its content instead of creating it \(3 of its lines removed\)\./,
    );

    await h.session.checkpoint(h.entries('user').at(-1)!.id, 'restore');
    assert.equal(read('a.txt'), 'a\n');
    assert.equal(read('b.txt'), 'b1\nb2\nb3\n');
  });

  it('SAFETY §8: a move onto a file the user changed while the proposal was pending does not overwrite it', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const result = await proposeAndDecide('*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+A\n', (entry) => {
      fs.writeFileSync(path.join(h.root, 'b.txt'), 'b, edited by the user\n');
      h.session.review(entry.id, undefined, true);
    });
    assert.equal(read('b.txt'), 'b, edited by the user\n');
    assert.equal(read('a.txt'), 'a\n', 'the source stays too');
    assert.match(result, /not applied because the user changed that code meanwhile/);
    assert.match(result, /b\.txt changed meanwhile, so it was not overwritten/);
  });

  it('tells the model that a rejected patch would have replaced the file', async () => {
    h = await createAgentHarness({ 'README.md': OLD_README });
    const result = await proposeAndDecide('*** Add File: README.md\n+# Other\n', (entry) => h.session.review(entry.id, undefined, false));
    assert.equal(read('README.md'), OLD_README);
    assert.match(result, /README\.md: rejected by the user; nothing written\./);
    assert.match(result, /Note: README\.md already existed, so this patch would have replaced its content \(4 of its lines removed\)\./);
  });
});
