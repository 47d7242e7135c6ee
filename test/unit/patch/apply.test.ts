import * as assert from 'assert';
import { applyPatch, parsePatch, PatchError, type PatchSource } from '../../../src/core/patch';

function source(files: Record<string, string>): PatchSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (p: string) => {
      reads.push(p);
      return Object.prototype.hasOwnProperty.call(files, p) ? files[p] : undefined;
    },
  };
}

async function refusal(patch: string, files: Record<string, string>): Promise<string> {
  try {
    await applyPatch(patch, source(files));
  } catch (err) {
    assert.ok(err instanceof PatchError, String(err));
    return err.message;
  }
  assert.fail('expected a PatchError');
}

const wrap = (path: string, body: string): string => `*** Begin Patch\n*** Update File: ${path}\n${body}\n*** End Patch\n`;

describe('applyPatch', () => {
  it('returns exact contents, structured hunks and a unified diff, without writing', async () => {
    const result = await applyPatch(wrap('a.txt', '@@\n one\n-two\n+2\n three'), source({ 'a.txt': 'one\ntwo\nthree\n' }));
    assert.strictEqual(result.files.length, 1);
    const [file] = result.files;
    assert.strictEqual(file.kind, 'update');
    assert.strictEqual(file.oldContent, 'one\ntwo\nthree\n');
    assert.strictEqual(file.newContent, 'one\n2\nthree\n');
    assert.deepStrictEqual(file.hunks[0].lines, [' one', '-two', '+2', ' three']);
    assert.ok(file.diff.startsWith('--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@'), file.diff);
    assert.strictEqual(result.diff, file.diff);
  });

  it('accepts an already parsed patch', async () => {
    const parsed = parsePatch('*** Begin Patch\n*** Add File: n.txt\n+x\n*** End Patch');
    const result = await applyPatch(parsed, source({}));
    assert.deepStrictEqual(
      result.files.map((f) => [f.kind, f.path, f.newContent]),
      [['add', 'n.txt', 'x\n']],
    );
    assert.ok(result.files[0].diff.includes('--- /dev/null'));
  });

  it('keeps the file text for fuzzily matched context lines', async () => {
    const file = 'const a = "x";   \nconst b = \'y\';\nconst c = 1;\n';
    const result = await applyPatch(
      wrap('f.ts', '@@\n const a = \u201cx\u201d;\n const b = \u2018y\u2019;\n-const c = 1;\n+const c = 2;'),
      source({ 'f.ts': file }),
    );
    assert.strictEqual(result.files[0].newContent, 'const a = "x";   \nconst b = \'y\';\nconst c = 2;\n');
  });

  it('gives actionable feedback for context that is not in the file', async () => {
    const file = Array.from({ length: 50 }, (_, i) => `line ${i + 1} of the file`).join('\n') + '\n';
    const message = await refusal(
      wrap('f.txt', '@@\n line 40 of the file\n line 41 of the flie\n line 42 of the fool\n-line 43 of the file\n+new'),
      { 'f.txt': file },
    );
    assert.match(message, /hunk 1 of f\.txt \(patch line 3\)/);
    assert.match(message, /Closest match at lines 40–43/);
    assert.match(message, /41 \| line 41 of the file/);
  });

  it('refuses ambiguity naming the places, and accepts identical outcomes', async () => {
    const message = await refusal(wrap('d.txt', '@@\n a\n-b\n+B'), { 'd.txt': 'a\nb\nc\na\nb\n' });
    assert.match(message, /match 2 places equally well \(lines 1–2, 4–5\)/);
    assert.match(message, /@@ <enclosing class or function line>/);
    // Removing either of two identical neighbouring lines gives the same file: not ambiguous.
    const same = await applyPatch(wrap('d.txt', '@@\n-b'), source({ 'd.txt': 'x\nb\nb\n' }));
    assert.strictEqual(same.files[0].newContent, 'x\nb\n');
  });

  it('never deletes a line that only resembles the "-" line', async () => {
    const message = await refusal(wrap('f.py', '@@\n def run(self):\n     value = compute()\n-    return valeu\n+    return value + 1'), {
      'f.py': 'def run(self):\n    value = compute()\n    return value\n',
    });
    assert.match(message, /"-" line must match/);
  });

  it('refuses a hunk with only added lines unless it targets an empty file or the end of file', async () => {
    assert.match(await refusal(wrap('a.txt', '@@\n+x'), { 'a.txt': 'one\n' }), /only "\+" lines/);
    const empty = await applyPatch(wrap('a.txt', '@@\n+x'), source({ 'a.txt': '' }));
    assert.strictEqual(empty.files[0].newContent, 'x\n');
    const appended = await applyPatch(wrap('a.txt', '@@\n+x\n*** End of File'), source({ 'a.txt': 'one\r\n' }));
    assert.strictEqual(appended.files[0].newContent, 'one\r\nx\r\n');
  });

  it('refuses End of File hunks whose added lines would not land at the end', async () => {
    assert.match(await refusal(wrap('a.txt', '@@\n one\n+x\n*** End of File'), { 'a.txt': 'one\ntwo\n' }), /not the file's last line/);
  });

  it('applies hunks that build on each other in one section', async () => {
    const result = await applyPatch(wrap('a.txt', '@@\n one\n+two\n@@\n two\n+three'), source({ 'a.txt': 'one\n' }));
    assert.strictEqual(result.files[0].newContent, 'one\ntwo\nthree\n');
  });

  it('refuses binary files for every operation', async () => {
    assert.match(await refusal('*** Begin Patch\n*** Delete File: b.bin\n*** End Patch', { 'b.bin': 'a\u0000b' }), /binary/);
  });

  it('keeps CRLF on added lines and the missing final newline', async () => {
    const result = await applyPatch(wrap('w.txt', '@@\n a\n-b\n+B\n+C'), source({ 'w.txt': 'a\r\nb' }));
    assert.strictEqual(result.files[0].newContent, 'a\r\nB\r\nC');
  });

  it('reports a move as one update with movePath', async () => {
    const result = await applyPatch(
      '*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n*** End Patch',
      source({ 'a.txt': 'x\n' }),
    );
    assert.deepStrictEqual(
      result.files.map((f) => [f.kind, f.path, f.movePath, f.oldContent, f.newContent]),
      [['update', 'a.txt', 'b.txt', 'x\n', 'x\n']],
    );
  });
});
