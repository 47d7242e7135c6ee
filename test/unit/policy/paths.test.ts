import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProtectedPath, protectedPathReason, resolveWorkspacePath } from '../../../src/core/policy';

/** A real workspace and a real "outside" folder in a temp dir, with real symlinks between them. */
describe('policy/paths', () => {
  let base: string;
  let root: string;
  let outside: string;

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-paths-'));
    root = path.join(base, 'workspace');
    outside = path.join(base, 'outside');
    await fs.mkdir(path.join(root, 'src', 'deep'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(root, 'src', 'a.ts'), 'export {};\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'secret\n');
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
    await fs.symlink(outside, path.join(root, 'linked-dir'));
    await fs.symlink(path.join(root, 'src', 'a.ts'), path.join(root, 'link-in.ts'));
    await fs.symlink(path.join(outside, 'does-not-exist.txt'), path.join(root, 'dangling.txt'));
    await fs.symlink(path.join(root, 'src'), path.join(root, 'src-alias'));
    await fs.symlink(root, path.join(base, 'root-alias'));
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  async function refused(input: string, pattern: RegExp, r = root): Promise<void> {
    const result = await resolveWorkspacePath(r, input);
    assert.equal(result.ok, false, `${input} should be refused`);
    if (!result.ok) assert.match(result.reason, pattern);
  }

  describe('SAFETY §1: ../, absolute and ~ paths', () => {
    it('SAFETY §1: ../ escaping the root is refused with a reason that says what to do', async () => {
      await refused('../outside/secret.txt', /outside the workspace.*relative to the workspace root/);
      await refused('src/../../outside/secret.txt', /outside the workspace/);
      await refused('..', /outside the workspace/);
      await refused('..\\outside\\secret.txt', /outside the workspace/);
    });
    it('SAFETY §1: an absolute path outside the root is refused', async () => {
      await refused(path.join(outside, 'secret.txt'), /absolute path outside the workspace/);
      await refused('/etc/passwd', /absolute path outside the workspace/);
      await refused('C:\\Windows\\system.ini', /absolute path/);
      await refused('\\\\server\\share\\x', /absolute path/);
    });
    it('SAFETY §1: ~ (home folder) paths are refused', async () => {
      await refused('~/.ssh/id_rsa', /home folder/);
      await refused('~', /home folder/);
      await refused('~root/.bashrc', /home folder/);
    });
    it('SAFETY §1: NUL bytes and empty paths are refused', async () => {
      await refused('src/a.ts\0.png', /NUL/);
      await refused('', /empty/);
    });
    it('SAFETY §1: paths inside the root resolve (relative, absolute, not-yet-existing, the root itself)', async () => {
      const real = await fs.realpath(root);
      const a = await resolveWorkspacePath(root, 'src/a.ts');
      assert.deepEqual(a, { ok: true, absolute: path.join(real, 'src', 'a.ts'), relative: 'src/a.ts' });
      const abs = await resolveWorkspacePath(root, path.join(root, 'src', 'a.ts'));
      assert.equal(abs.ok && abs.relative, 'src/a.ts');
      const fresh = await resolveWorkspacePath(root, './src/new/dir/file.ts');
      assert.equal(fresh.ok && fresh.relative, 'src/new/dir/file.ts');
      const dotdotInside = await resolveWorkspacePath(root, 'src/deep/../a.ts');
      assert.equal(dotdotInside.ok && dotdotInside.relative, 'src/a.ts');
      const self = await resolveWorkspacePath(root, '.');
      assert.equal(self.ok && self.relative, '.');
      const win = await resolveWorkspacePath(root, 'src\\a.ts');
      assert.equal(win.ok && win.relative, 'src/a.ts');
    });
    it('SAFETY §1: a file used as a folder is refused', async () => {
      await refused('src/a.ts/x', /not a folder/);
    });
  });

  describe('SAFETY §2: symlinks', () => {
    it('SAFETY §2: a symlinked file pointing outside is refused', async () => {
      await refused('link-out.txt', /symbolic link.*outside the workspace/);
    });
    it('SAFETY §2: an existing file under a symlinked parent folder pointing outside is refused', async () => {
      await refused('linked-dir/secret.txt', /outside the workspace/);
    });
    it('SAFETY §2: a not-yet-existing file under a symlinked parent folder is still refused', async () => {
      await refused('linked-dir/new/file.txt', /outside the workspace/);
    });
    it('SAFETY §2: a dangling symlink (whose target would be created outside) is refused', async () => {
      await refused('dangling.txt', /symbolic link whose target does not exist/);
    });
    it('SAFETY §2: an absolute path spelled through the symlink is refused too', async () => {
      await refused(path.join(root, 'linked-dir', 'secret.txt'), /outside the workspace/);
    });
    it('SAFETY §2: symlinks that stay inside resolve to their canonical target', async () => {
      const viaLink = await resolveWorkspacePath(root, 'link-in.ts');
      assert.equal(viaLink.ok && viaLink.relative, 'src/a.ts');
      const viaDir = await resolveWorkspacePath(root, 'src-alias/new.ts');
      assert.equal(viaDir.ok && viaDir.relative, 'src/new.ts');
    });
    it('SAFETY §2: a root opened through a symlink is canonicalised on its end too', async () => {
      const alias = path.join(base, 'root-alias');
      const r = await resolveWorkspacePath(alias, 'src/a.ts');
      assert.equal(r.ok && r.relative, 'src/a.ts');
      const abs = await resolveWorkspacePath(alias, path.join(alias, 'src', 'a.ts'));
      assert.equal(abs.ok && abs.relative, 'src/a.ts');
      await refused('linked-dir/secret.txt', /outside the workspace/, alias);
    });
    it('SAFETY §2: a symlink loop is refused', async () => {
      await fs.symlink(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
      await fs.symlink(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
      await refused('loop-a/x', /loop/);
    });
  });

  describe('SAFETY §3: case, separator and Unicode variants of protected paths', () => {
    const variants = [
      '.VSCode/Settings.json',
      '.vscode\\settings.json',
      '.git./config',
      '.git /config',
      '.GIT/hooks/pre-commit',
      '.git::$INDEX_ALLOCATION/config',
      'GIT~1/config',
      './.vscode//tasks.json',
      'src/../.vscode/launch.json',
      'agents.MD',
      'docs/Agents.md.',
      '.github/Workflows/ci.yml',
      '.HUSKY/pre-commit',
      'my.Code-Workspace',
      '.v\u017Fcode/settings.json', // long s folds to s on case-insensitive file systems
      '.ｖｓｃｏｄｅ/settings.json', // full-width letters (NFKC)
    ];
    for (const v of variants) {
      it(`SAFETY §3: ${JSON.stringify(v)} is still protected`, () => {
        assert.equal(isProtectedPath(v), true);
      });
    }
    it('SAFETY §3: NFD and NFC spellings of a protected name are both protected', () => {
      const nfc = 'caf\u00e9.code-workspace';
      const nfd = nfc.normalize('NFD');
      assert.notEqual(nfc, nfd);
      assert.equal(isProtectedPath(nfc), true);
      assert.equal(isProtectedPath(nfd), true);
      assert.equal(isProtectedPath('.fixpoint/r\u0065\u0301gles.json'), true);
    });
  });

  describe('SAFETY §4: protected paths', () => {
    const protectedPaths = [
      '.git/config',
      '.git/hooks/post-checkout',
      'sub/.git/config',
      '.git',
      '.vscode/settings.json',
      '.vscode/tasks.json',
      'project.code-workspace',
      '.github/workflows/ci.yml',
      '.husky/pre-commit',
      'AGENTS.md',
      'packages/x/AGENTS.md',
      '.fixpointignore',
      '.fixpoint/config.json',
      '.gitattributes',
      '.gitmodules',
      '.envrc',
      '.devcontainer/devcontainer.json',
    ];
    for (const p of protectedPaths) {
      it(`SAFETY §4: ${p} is protected`, () => {
        assert.equal(isProtectedPath(p), true);
        assert.ok(protectedPathReason(p));
      });
    }
    it('SAFETY §4: ordinary files are not protected', () => {
      for (const p of [
        'src/index.ts',
        'README.md',
        'docs/agents.txt',
        '.github/ISSUE_TEMPLATE.md',
        'gitignore.ts',
        'my.git/x',
        'vscode/settings.json',
        '.gitignore',
      ]) {
        assert.equal(isProtectedPath(p), false, p);
      }
    });
  });
});
