import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';

describe('workspace listing and search (ripgrep, with the JS walk as fallback)', () => {
  let root: string;
  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ws-')));
    const write = (rel: string, text = 'needle\n') => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write('.gitignore', 'dist/\n*.log\n');
    write('.fixpointignore', 'secret-notes.md\n');
    write('src/a.ts');
    write('src/deep/b.ts');
    write('dist/out.js');
    write('debug.log');
    write('secret-notes.md');
    write('node_modules/x/index.js');
    write('vendor/.fixpointignore', 'generated.ts\n');
    write('vendor/generated.ts');
    write('vendor/kept.ts');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const [label, ripgrepPath] of [
    ['ripgrep', undefined],
    ['JS fallback', '/nonexistent/rg'],
  ] as const) {
    it(`${label}: honours .gitignore, root and nested .fixpointignore, exclude globs, node_modules`, async () => {
      const workspace = new NodeWorkspace({ root, ripgrepPath, exclude: ['**/deep/**'] });
      const { files } = await workspace.listFiles({ max: 100 });
      assert.deepEqual(files, ['.fixpointignore', '.gitignore', 'src/a.ts', 'vendor/.fixpointignore', 'vendor/kept.ts']);
      const hits = (await workspace.search({ pattern: 'needle', regex: false, max: 100 })).hits.map((h) => h.path).sort();
      assert.deepEqual(hits, ['src/a.ts', 'vendor/kept.ts']);
    });
  }

  it('truncates deterministically at max and lists a folder or a glob', async () => {
    const workspace = new NodeWorkspace({ root });
    assert.deepEqual(await workspace.listFiles({ max: 2 }), { files: ['.fixpointignore', '.gitignore'], truncated: true });
    assert.deepEqual((await workspace.listFiles({ dir: 'src', max: 10 })).files, ['src/a.ts', 'src/deep/b.ts']);
    assert.deepEqual((await workspace.listFiles({ glob: '**/*.ts', max: 10 })).files, ['src/a.ts', 'src/deep/b.ts', 'vendor/kept.ts']);
  });
});
