import * as assert from 'node:assert/strict';
import { classifyCommand, findInvisible, hasInvisible, revealInvisible } from '../../../src/core/policy';

const tags = (s: string) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');

describe('policy/invisible', () => {
  it('SAFETY §21: Unicode tag characters (ASCII smuggling) are found and revealed with their hidden letters', () => {
    const text = `Fix the bug.${tags('rm -rf')}`;
    const found = findInvisible(text);
    assert.equal(found.length, 6);
    assert.ok(found.every((f) => f.kind === 'tag'));
    assert.equal(found[0].label, 'U+E0072');
    assert.equal(revealInvisible(text), "Fix the bug.⟨U+E0072 'r'⟩⟨U+E006D 'm'⟩⟨U+E0020 ' '⟩⟨U+E002D '-'⟩⟨U+E0072 'r'⟩⟨U+E0066 'f'⟩");
    assert.equal(revealInvisible('\u{E0001}'), '⟨U+E0001⟩');
    assert.equal(revealInvisible('\u{E007F}'), '⟨U+E007F⟩');
  });
  it('SAFETY §21: bidi controls (Trojan Source) are found and revealed', () => {
    const all = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
    for (const ch of all) {
      const f = findInvisible(`a${ch}b`);
      assert.equal(f.length, 1, ch.codePointAt(0)!.toString(16));
      assert.equal(f[0].kind, 'bidi');
      assert.equal(f[0].index, 1);
    }
    assert.equal(revealInvisible('if (isAdmin) {\u202e } \u2066'), 'if (isAdmin) {⟨U+202E⟩ } ⟨U+2066⟩');
  });
  it('SAFETY §21: zero-width characters are found; a BOM only at the start of the text is not', () => {
    for (const ch of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']) {
      assert.equal(findInvisible(`a${ch}b`)[0]?.kind, 'zero-width');
    }
    assert.deepEqual(findInvisible('\ufeffhello'), []);
    assert.equal(revealInvisible('\ufeffa\ufeffb'), '\ufeffa⟨U+FEFF⟩b');
    assert.equal(revealInvisible('pass\u200bword'), 'pass⟨U+200B⟩word');
  });
  it('SAFETY §21: ordinary text, emoji and non-Latin scripts are untouched', () => {
    const text = 'héllo wörld — 日本語 👍🏽 עברית\r\n\ttab';
    assert.equal(hasInvisible(text), false);
    assert.equal(revealInvisible(text), text);
  });
  it('SAFETY §21: a command with invisible characters is never auto-allowed and says why', () => {
    const r = classifyCommand(`ls${tags('; rm -rf /')}`);
    assert.equal(r.decision, 'ask');
    assert.match(r.reasons.join(' '), /invisible characters \(U\+E003B/);
    assert.equal(classifyCommand('echo \u200b').decision, 'ask');
  });
  it('SAFETY §21: indices are UTF-16 offsets usable with slice', () => {
    const text = `👍\u202ex`;
    const [f] = findInvisible(text);
    assert.equal(text.slice(f.index, f.index + 1), '\u202e');
  });
});
