// Runs every scenario folder in test/fixtures/patch:
//   input/…            the workspace before the patch
//   patch.txt          the apply_patch text
//   expected/…         the whole workspace after the patch (byte for byte), or
//   expected-error.txt a refusal: each non-empty line must occur in the PatchError message.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyPatch, PatchError, type PatchResult } from '../../../src/core/patch';
import { patchFixturesDir, readTree } from './fixtureDir';

function finalTree(input: Map<string, string>, result: PatchResult): Map<string, string> {
  const tree = new Map(input);
  for (const change of result.files) {
    if (change.kind === 'delete' || change.movePath !== undefined) tree.delete(change.path);
    if (change.newContent !== undefined) tree.set(change.movePath ?? change.path, change.newContent);
  }
  return tree;
}

describe('patch fixtures', () => {
  const root = patchFixturesDir();
  const scenarios = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it('has scenarios', () => assert.ok(scenarios.length >= 20, `only ${scenarios.length} scenarios`));

  for (const name of scenarios) {
    it(name, async () => {
      const dir = path.join(root, name);
      const input = readTree(path.join(dir, 'input'));
      const patch = fs.readFileSync(path.join(dir, 'patch.txt'), 'utf8');
      const source = { read: async (p: string) => input.get(p) };
      const errorFile = path.join(dir, 'expected-error.txt');
      if (fs.existsSync(errorFile)) {
        const needles = fs
          .readFileSync(errorFile, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '');
        await assert.rejects(applyPatch(patch, source), (err: unknown) => {
          assert.ok(err instanceof PatchError, `expected a PatchError, got ${String(err)}`);
          for (const needle of needles) assert.ok(err.message.includes(needle), `message lacks ${JSON.stringify(needle)}:\n${err.message}`);
          return true;
        });
        return;
      }
      const result = await applyPatch(patch, source);
      const actual = finalTree(input, result);
      const expected = readTree(path.join(dir, 'expected'));
      assert.deepStrictEqual([...actual.keys()].sort(), [...expected.keys()].sort());
      for (const [p, content] of expected) assert.strictEqual(actual.get(p), content, `content of ${p}`);
    });
  }
});
