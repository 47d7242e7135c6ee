import * as assert from 'node:assert/strict';
import { applyPatch } from '../../src/core/patch';
import { buildInlineView } from '../../src/core/review/inlineView';

describe('inline review view', () => {
  it('expands each hunk in place with removed then added lines, mapped to view lines', async () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const result = await applyPatch(
      '*** Begin Patch\n*** Update File: f\n l1\n-l2\n+L2\n+L2b\n l3\n@@\n l18\n-l19\n l20\n*** End Patch\n',
      { read: async () => before },
    );
    const view = buildInlineView(result.files[0], ['pending', 'accepted']);
    const lines = view.text.split('\n');
    assert.deepEqual(lines.slice(0, 5), ['l1', 'l2', 'L2', 'L2b', 'l3']);
    assert.equal(view.hunks.length, 2);
    assert.deepEqual(view.hunks[0].removedLines, [1]);
    assert.deepEqual(view.hunks[0].addedLines, [2, 3]);
    assert.equal(lines[view.hunks[1].removedLines[0]], 'l19');
    assert.equal(view.hunks[1].decision, 'accepted');
    assert.equal(lines.length, 22, 'every original line plus the two added ones');
  });

  it('renders a new file as one added hunk', async () => {
    const result = await applyPatch('*** Begin Patch\n*** Add File: n.txt\n+a\n+b\n*** End Patch\n', { read: async () => undefined });
    const view = buildInlineView(result.files[0], ['pending']);
    assert.equal(view.text, 'a\nb');
    assert.deepEqual(view.hunks[0].addedLines, [0, 1]);
  });
});
