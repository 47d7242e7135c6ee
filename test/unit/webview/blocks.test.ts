import * as assert from 'node:assert/strict';
import { finishedBlocksEnd, hasLinkDefinitions } from '../../../media/blocks';

// marked is an ES module; the unit tests are CommonJS.
let marked: typeof import('marked', { with: { 'resolution-mode': 'import' } }).marked;
const html = (text: string) => (marked.parse(text, { async: false, gfm: true }) as string).replace(/\n+/g, '\n').trim();

/** Streams `text` one chunk at a time the way the webview does: commit up to each cut, re-render the tail. */
function streamed(text: string, chunk: number): { parts: string[]; cuts: number[] } {
  let committed = 0;
  const parts: string[] = [];
  const cuts: number[] = [];
  for (let end = chunk; end < text.length + chunk; end += chunk) {
    const cut = finishedBlocksEnd(text.slice(0, Math.min(end, text.length)), committed);
    assert.ok(cut >= committed, 'cuts never move back');
    if (cut > committed) {
      parts.push(text.slice(committed, cut));
      cuts.push(cut);
      committed = cut;
    }
  }
  parts.push(text.slice(committed));
  return { parts, cuts };
}

const SAMPLES = [
  'Intro paragraph.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter the code.\n\n## Heading\n\nText.\n',
  '- one\n- two\n\n- three (loose)\n\n  continued in the item\n\nNext paragraph.\n\n1. first\n\n2. second\n\nEnd.',
  '~~~~\nfence with ``` inside\n\n```\nstill code\n~~~~\n\nafter\n\n> quote\n\n> another\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\ndone',
  'Para one\nline two\n\n    indented code\n\n    more code\n\nback\n\n```\nunclosed fence\n\nstill inside',
  'A ``` inline fence-like line\n\nthen text\n\n***\n\nlast',
];

describe('webview: streaming Markdown blocks', () => {
  before(async () => {
    ({ marked } = await import('marked'));
  });

  it('cuts only where rendering the pieces separately equals rendering the whole', () => {
    for (const text of SAMPLES) {
      for (const chunk of [1, 3, 4, 7, 50]) {
        const { parts } = streamed(text, chunk);
        assert.equal(parts.join(''), text, 'no text lost or repeated');
        assert.equal(parts.map(html).join('\n'), html(text), `sample ${JSON.stringify(text.slice(0, 30))}, chunk ${chunk}`);
      }
    }
  });

  it('commits finished blocks as they arrive and keeps the unfinished one', () => {
    assert.equal(finishedBlocksEnd('First.\n\nSecond'), 0, 'the last line is still arriving');
    assert.equal(finishedBlocksEnd('First.\n\nSecond\n'), 'First.\n\n'.length);
    assert.equal(finishedBlocksEnd('```\ncode\n\nmore\n'), 0, 'inside an open fence');
    assert.equal(finishedBlocksEnd('```\ncode\n```\n\nText\n'), '```\ncode\n```\n\n'.length);
    assert.equal(finishedBlocksEnd('- a\n\n- b\n'), 0, 'a list may continue');
    assert.equal(finishedBlocksEnd('Text\n\n    code\n'), 0, 'an indented line may belong above');
    const from = 'First.\n\n'.length;
    assert.equal(finishedBlocksEnd('First.\n\nSecond.\n\nThird\n', from), 'First.\n\nSecond.\n\n'.length, 'continues from a previous cut');
  });

  it('a long reply is cut into many blocks (so a frame re-parses only the last)', () => {
    const text =
      Array.from({ length: 200 }, (_, i) => (i % 3 ? `Paragraph ${i} with words.` : `\`\`\`ts\nconst x${i} = ${i};\n\`\`\``)).join('\n\n') +
      '\n';
    const { cuts } = streamed(text, 4);
    assert.ok(cuts.length > 150, `${cuts.length} commits`);
    assert.ok(text.length - cuts.at(-1)! < 40, 'only the last block is left');
  });

  it('spots reference-style link definitions', () => {
    assert.equal(hasLinkDefinitions('See [the docs][d].\n\n[d]: https://example.com'), true);
    assert.equal(hasLinkDefinitions('A [normal](https://example.com) link and [brackets].'), false);
  });
});
