import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandMentions, mentionCompletions, parseMentions } from '../../src/core/context/mentions';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';

describe('@-mentions', () => {
  it('parses files, folders and keywords, ignoring e-mail addresses and punctuation', () => {
    assert.deepEqual(parseMentions('fix @src/app.ts and @problems, see @docs/ (mail me@x.org) @terminal.'), [
      { kind: 'path', path: 'src/app.ts' },
      { kind: 'keyword', name: 'problems' },
      { kind: 'path', path: 'docs/' },
      { kind: 'keyword', name: 'terminal' },
    ]);
  });

  it('expands a named file (even a secret one: naming it is consent), a folder, and the last terminal output', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-mention-')));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, '.env'), 'TOKEN=x\n');
    const workspace = new NodeWorkspace({ root });
    const text = await expandMentions('look at @src/a.ts @.env @src/ @terminal @../outside', {
      workspace,
      lastTerminalOutput: () => 'FAIL test 1',
    });
    assert.match(text, /@src\/a\.ts:\n```\nexport const a = 1;/);
    assert.match(text, /@\.env:\n```\nTOKEN=x/);
    assert.match(text, /@src\/ \(files\):\nsrc\/a\.ts/);
    assert.match(text, /@terminal \(last command output\):\n```\nFAIL test 1/);
    assert.match(text, /@\.\.\/outside: .*outside/i);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('completes keywords, files by base name first, and folders', () => {
    const items = mentionCompletions('ap', ['src/app.ts', 'src/map.ts', 'apps/x.ts']);
    assert.deepEqual(items.map((i) => i.label).slice(0, 3), ['apps/', 'src/app.ts', 'apps/x.ts']);
    assert.equal(mentionCompletions('pro', [])[0].label, 'problems');
  });
});
