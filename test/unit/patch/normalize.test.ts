import * as assert from 'assert';
import { joinFile, looseKey, splitFile } from '../../../src/core/patch/normalize';
import { boundedEditDistance } from '../../../src/core/patch/similarity';

describe('patch text plumbing', () => {
  it('splits and joins any mix of line endings, BOM and final newline byte for byte', () => {
    const pieces = ['a', 'bb', '', ' \t', 'x\ry'];
    const eols = ['\n', '\r\n'];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      let text = rand(4) === 0 ? '\uFEFF' : '';
      const count = rand(6);
      for (let i = 0; i < count; i++) text += pieces[rand(pieces.length)] + eols[rand(2)];
      if (rand(2) === 0) text += pieces[rand(pieces.length)];
      const split = splitFile(text);
      assert.strictEqual(joinFile(split, split.lines), text, JSON.stringify(text));
    }
  });

  it('maps typographic punctuation and whitespace runs for comparison only', () => {
    assert.strictEqual(looseKey('  \u201cit\u2019s\u201d \u2014\u00A0ok\u2026  '), '"it\'s" - ok...');
  });

  it('bounds the edit distance and counts a swap as one edit', () => {
    assert.strictEqual(boundedEditDistance('kitten', 'kitten', 1), 0);
    assert.strictEqual(boundedEditDistance('kitten', 'kitetn', 1), 1);
    assert.strictEqual(boundedEditDistance('kitten', 'sitting', 1), 2);
    assert.strictEqual(boundedEditDistance('kitten', 'sitting', 3), 3);
    assert.strictEqual(boundedEditDistance('abc', 'abcdef', 2), 3);
  });
});
