import * as assert from 'assert';
import { parsePatch, PatchError, type UpdateFileOp } from '../../../src/core/patch';

function rejectsWith(text: string, ...needles: string[]): void {
  assert.throws(
    () => parsePatch(text),
    (err: unknown) => {
      assert.ok(err instanceof PatchError, String(err));
      for (const n of needles) assert.ok(err.message.includes(n), `${JSON.stringify(n)} not in: ${err.message}`);
      return true;
    },
  );
}

describe('patch parser', () => {
  it('parses add, delete, update with move, stacked headers and End of File', () => {
    const parsed = parsePatch(
      [
        '*** Begin Patch',
        '*** Add File: a.txt',
        '+hello',
        '*** Delete File: b.txt',
        '*** Update File: c.py',
        '*** Move to: d.py',
        '@@ class A:',
        '@@     def f(self):',
        ' x = 1',
        '-y = 2',
        '+y = 3',
        '*** End of File',
        '*** End Patch',
      ].join('\n'),
    );
    assert.deepStrictEqual(
      parsed.ops.map((o) => o.kind),
      ['add', 'delete', 'update'],
    );
    const update = parsed.ops[2] as UpdateFileOp;
    assert.strictEqual(update.movePath, 'd.py');
    assert.strictEqual(update.hunks.length, 1);
    assert.deepStrictEqual(update.hunks[0].headers, ['class A:', 'def f(self):']);
    assert.strictEqual(update.hunks[0].endOfFile, true);
    assert.deepStrictEqual(
      update.hunks[0].lines.map((l) => [l.kind, l.text, l.patchLine]),
      [
        ['context', 'x = 1', 9],
        ['delete', 'y = 2', 10],
        ['add', 'y = 3', 11],
      ],
    );
  });

  it('accepts unified-diff headers as hints and keeps their section text as a header', () => {
    const update = parsePatch('*** Begin Patch\n*** Update File: a.py\n@@ -10,3 +10,4 @@ def run():\n a\n+b\n*** End Patch\n')
      .ops[0] as UpdateFileOp;
    assert.deepStrictEqual(update.hunks[0].rangeHint, { oldStart: 10, oldLines: 3, newStart: 10, newLines: 4 });
    assert.deepStrictEqual(update.hunks[0].headers, ['def run():']);
  });

  it('tolerates CRLF patches, a missing End Patch, blank unprefixed context and "\\ No newline" lines', () => {
    const update = parsePatch('*** Begin Patch\r\n*** Update File: a\r\n@@\r\n a\r\n\r\n-b\r\n\\ No newline at end of file\r\n+c\r\n\r\n')
      .ops[0] as UpdateFileOp;
    assert.deepStrictEqual(
      update.hunks[0].lines.map((l) => [l.kind, l.text]),
      [
        ['context', 'a'],
        ['context', ''],
        ['delete', 'b'],
        ['add', 'c'],
      ],
    );
  });

  it('unwraps fences and heredocs', () => {
    for (const text of [
      '```\n*** Begin Patch\n*** Delete File: x\n*** End Patch\n```\n',
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEOF\n",
      '```sh\napply_patch <<"PATCH"\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nPATCH\n```',
    ]) {
      assert.deepStrictEqual(parsePatch(text).ops, [
        { kind: 'delete', path: 'x', patchLine: text.split('\n').findIndex((l) => l.includes('Delete')) + 1 },
      ]);
    }
  });

  it('reports precise errors with line numbers', () => {
    rejectsWith('hello\n*** Begin Patch\n', 'line 1', '"*** Begin Patch"');
    rejectsWith('*** Begin Patch\n*** Frobnicate File: a\n*** End Patch', 'line 2', '*** Update File: <path>');
    rejectsWith('*** Begin Patch\n*** Add File: a\n+x\ny\n*** End Patch', 'line 4', 'must start with "+"');
    rejectsWith('*** Begin Patch\n*** Update File: a\n*** End Patch', 'line 2', 'has no hunks');
    rejectsWith('*** Begin Patch\n*** Update File: a\n@@\n@@ x\n*** Update File: b\n@@\n-a\n*** End Patch', 'line 3', 'no lines');
    rejectsWith('*** Begin Patch\n*** Update File: a\n@@\n-a\n*** Bogus\n*** End Patch', 'line 5', 'unknown marker');
    rejectsWith('*** Begin Patch\n*** Delete File: a\n*** End Patch\nmore text\n', 'unexpected text after "*** End Patch"');
    rejectsWith('*** Begin Patch\n*** Update File:   \n@@\n-a\n', 'line 2', 'has no path');
    rejectsWith('', 'empty');
    rejectsWith('*** Begin Patch\n*** End Patch\n', 'no file operations');
  });

  it('refuses NUL bytes in the patch', () => {
    rejectsWith('*** Begin Patch\n*** Add File: a\n+\u0000\n*** End Patch', 'NUL');
  });
});
