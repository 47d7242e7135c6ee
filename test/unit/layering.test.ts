import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The architecture rule: only the host layer and extension.ts may import 'vscode'; the webview and shared
// code import nothing from the host. Enforced here so it cannot rot.
const root = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('layering', () => {
  it("only src/host/** and src/extension.ts import 'vscode'", () => {
    const offenders = [...sources(path.join(root, 'src')), ...sources(path.join(root, 'media'))]
      .filter((file) => /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file))
      .filter((rel) => !rel.startsWith(`src${path.sep}host${path.sep}`) && rel !== path.join('src', 'extension.ts'));
    assert.deepEqual(offenders, []);
  });

  it('src/shared imports nothing, and core/cli/media never import host code', () => {
    const bad: string[] = [];
    for (const file of sources(path.join(root, 'src', 'shared'))) {
      if (/^\s*import\s.*from\s+['"]/m.test(fs.readFileSync(file, 'utf8'))) bad.push(path.relative(root, file));
    }
    for (const dir of ['src/core', 'src/cli', 'media']) {
      for (const file of sources(path.join(root, dir))) {
        if (/from\s+['"][./]*host\//.test(fs.readFileSync(file, 'utf8'))) bad.push(path.relative(root, file));
      }
    }
    assert.deepEqual(bad, []);
  });
});
