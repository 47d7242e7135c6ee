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

  // The reference implementation (Codex's apply_patch) appends a hunk without context at the end of the file.
  it('appends a hunk with only added lines at the end of the file, keeping its line endings and missing final newline', async () => {
    const appended = async (body: string, content: string) =>
      (await applyPatch(wrap('a.txt', body), source({ 'a.txt': content }))).files[0].newContent;
    assert.strictEqual(await appended('@@\n+x\n+y', 'one\ntwo\n'), 'one\ntwo\nx\ny\n');
    assert.strictEqual(await appended('+x', 'one\n'), 'one\nx\n', 'the first hunk may omit its @@');
    assert.strictEqual(await appended('@@\n+x', 'one\n\n'), 'one\n\nx\n', 'after trailing blank lines, as the reference does');
    assert.strictEqual(await appended('@@\n+x', 'one\r\ntwo\r\n'), 'one\r\ntwo\r\nx\r\n');
    assert.strictEqual(await appended('@@\n+x', 'one\ntwo'), 'one\ntwo\nx', 'a missing final newline stays missing');
    assert.strictEqual(await appended('@@\n+x', ''), 'x\n');
    assert.strictEqual(await appended('@@\n+x\n*** End of File', 'one\r\n'), 'one\r\nx\r\n');
    assert.strictEqual(await appended('@@\n+x\n@@\n one\n+between', 'one\ntwo\n'), 'one\nbetween\ntwo\nx\n');
  });

  it('appends an added-lines-only hunk whose @@ line occurs in the file at the end, as the reference does', async () => {
    const file = 'def f():\n    x\ndef g():\n    y\n';
    const result = await applyPatch(wrap('m.py', '@@ def f():\n+    z'), source({ 'm.py': file }));
    assert.strictEqual(result.files[0].newContent, file + '    z\n');
  });

  it('refuses an added-lines-only hunk whose @@ line is not in the file, or whose line numbers point elsewhere', async () => {
    const missing = await refusal(wrap('m.py', '@@ def h():\n+    z'), { 'm.py': 'def f():\n    x\n' });
    assert.match(missing, /hunk 1 of m\.py \(patch line 3\): "@@ def h\(\):" does not occur in the file/);
    assert.match(missing, /include 1–3 unchanged lines/);
    const numbered = await refusal(wrap('a.txt', '@@ -1,0 +2,1 @@\n+x'), { 'a.txt': 'one\ntwo\n' });
    assert.match(numbered, /points at line 1 of 2/);
    const atEnd = await applyPatch(wrap('a.txt', '@@ -2,0 +3,1 @@\n+x'), source({ 'a.txt': 'one\ntwo\n' }));
    assert.strictEqual(atEnd.files[0].newContent, 'one\ntwo\nx\n');
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

  it('replaces an existing file named by Add File, as one update marked with what it replaces', async () => {
    const old = 'one\ntwo\nthree\n';
    const result = await applyPatch('*** Begin Patch\n*** Add File: a.txt\n+one\n+2\n*** End Patch', source({ 'a.txt': old }));
    assert.deepStrictEqual(
      result.files.map((f) => [f.kind, f.path, f.oldContent, f.newContent, f.replaces]),
      [['update', 'a.txt', old, 'one\n2\n', { path: 'a.txt', content: old, removedLines: 2 }]],
    );
    assert.ok(result.files[0].diff.startsWith('--- a/a.txt\n+++ b/a.txt\n'), result.files[0].diff);
    const readded = await applyPatch(
      '*** Begin Patch\n*** Delete File: a.txt\n*** Add File: a.txt\n+x\n*** End Patch',
      source({ 'a.txt': old }),
    );
    assert.deepStrictEqual(readded.files[0].replaces, { path: 'a.txt', content: old, removedLines: 3 }, 'Delete + Add replaces too');
    const created = await applyPatch('*** Begin Patch\n*** Add File: n.txt\n+x\n*** End Patch', source({}));
    assert.strictEqual(created.files[0].replaces, undefined);
  });

  it('moves onto an existing file as one update that replaces it, and a swap replaces nothing', async () => {
    const moved = await applyPatch(
      '*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+A\n*** End Patch',
      source({ 'a.txt': 'a\n', 'b.txt': 'b1\nb2\n' }),
    );
    assert.deepStrictEqual(
      moved.files.map((f) => [f.kind, f.path, f.movePath, f.oldContent, f.newContent, f.replaces]),
      [['update', 'a.txt', 'b.txt', 'a\n', 'A\n', { path: 'b.txt', content: 'b1\nb2\n', removedLines: 2 }]],
    );
    const swapped = await applyPatch(
      '*** Begin Patch\n*** Update File: a.txt\n*** Move to: t.txt\n*** Update File: b.txt\n*** Move to: a.txt\n' +
        '*** Update File: t.txt\n*** Move to: b.txt\n*** End Patch',
      source({ 'a.txt': 'a\n', 'b.txt': 'b\n' }),
    );
    assert.deepStrictEqual(
      swapped.files.map((f) => [f.path, f.movePath, f.newContent, f.replaces]),
      [
        ['a.txt', 'b.txt', 'a\n', undefined],
        ['b.txt', 'a.txt', 'b\n', undefined],
      ],
    );
  });

  it('refuses to replace a binary file', async () => {
    assert.match(await refusal('*** Begin Patch\n*** Add File: b.bin\n+x\n*** End Patch', { 'b.bin': 'a\u0000b' }), /binary/);
    assert.match(
      await refusal('*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.bin\n*** End Patch', { 'a.txt': 'a\n', 'b.bin': '\u0000' }),
      /cannot move a\.txt onto b\.bin: b\.bin is a binary file/,
    );
  });
});
