import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createIgnoreFilter, isSecretEnvName, isSecretPath, scrubEnvironment } from '../../../src/core/policy';

describe('policy/secrets', () => {
  describe('SAFETY §9: secret files', () => {
    const secret = [
      '.env',
      '.env.local',
      '.env.production',
      'apps/web/.env',
      '.ENV',
      'prod.env',
      'certs/server.pem',
      'tls.key',
      'id_rsa',
      'id_rsa.pub',
      'home/.ssh/id_ed25519',
      'keys/id_ecdsa',
      'store.p12',
      'cert.pfx',
      '.npmrc',
      '.netrc',
      '.pypirc',
      '.git-credentials',
      '.aws/credentials',
      '.ssh/config',
      '.docker/config.json',
      'infra/terraform.tfvars',
      'prod.tfstate',
      '.env.\u0301local',
    ];
    for (const p of secret) {
      it(`SAFETY §9: ${JSON.stringify(p)} is a secret file`, () => assert.equal(isSecretPath(p), true));
    }
    it('SAFETY §9: .env templates and ordinary files are not secret', () => {
      for (const p of [
        '.env.example',
        '.env.sample',
        '.env.template',
        'src/env.ts',
        'environment.md',
        'keyboard.ts',
        'docs/key.md',
        'src/keys.ts',
        'package.json',
        'README.md',
        '.envrc.md',
      ]) {
        assert.equal(isSecretPath(p), false, p);
      }
    });
  });

  describe('SAFETY §9: .gitignore / .fixpointignore / fixpoint.exclude', () => {
    let root: string;
    before(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-ignore-'));
      const write = async (rel: string, text = '') => {
        await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
        await fs.writeFile(path.join(root, rel), text);
      };
      await write('.gitignore', 'node_modules/\n*.log\nbuild/\n!important.log\n/secret-root.txt\n');
      await write('.fixpointignore', 'private/\n*.snap\n');
      await write('packages/app/.gitignore', 'generated/\n!keep.log\nlocal.txt\n');
      await write('packages/app/src/index.ts');
      await write('packages/app/generated/x.ts');
      await write('node_modules/pkg/.gitignore', '!*\n'); // inside an ignored folder: must not be read
      await write('build/out.js');
      await write('private/notes.md');
      await write('src/a.ts');
    });
    after(async () => {
      await fs.rm(root, { recursive: true, force: true });
    });

    it('SAFETY §9: ignored files are filtered (root, nested, .fixpointignore, exclude globs)', async () => {
      const ignored = await createIgnoreFilter(root, { exclude: ['**/*.min.js', 'dist'] });
      const yes = [
        'node_modules/pkg/index.js',
        'debug.log',
        'src/debug.log',
        'build/out.js',
        'build/',
        'secret-root.txt',
        'private/notes.md',
        'src/__snapshots__/a.snap',
        'packages/app/generated/x.ts',
        'packages/app/local.txt',
        'vendor/jquery.min.js',
        'dist/index.js',
        '.git/config',
        'sub/.git/HEAD',
      ];
      const no = [
        'src/a.ts',
        'important.log',
        'packages/app/src/index.ts',
        'sub/secret-root.txt',
        'packages/app/keep.log',
        'packages/local.txt',
        'README.md',
        'src/build.ts',
        '.gitignore',
      ];
      for (const p of yes) assert.equal(ignored(p), true, `${p} should be ignored`);
      for (const p of no) assert.equal(ignored(p), false, `${p} should not be ignored`);
    });
    it('SAFETY §9: backslash and ./ spellings are normalised', async () => {
      const ignored = await createIgnoreFilter(root);
      assert.equal(ignored('node_modules\\pkg\\index.js'), true);
      assert.equal(ignored('./build/out.js'), true);
      assert.equal(ignored('.'), false);
    });
  });

  describe('SAFETY §17: environment scrubbing', () => {
    it('SAFETY §17: API keys, tokens, secrets and passwords are removed; the rest is kept', () => {
      const env = {
        PATH: '/usr/bin',
        HOME: '/home/me',
        LANG: 'C.UTF-8',
        PWD: '/w',
        TERM: 'xterm',
        NODE_ENV: 'test',
        TOKENIZERS_PARALLELISM: 'false',
        OPENAI_API_KEY: 'sk-1',
        OPENAI_BASE_URL: 'http://localhost:1234/v1',
        ANTHROPIC_API_KEY: 'x',
        AZURE_OPENAI_APIKEY: 'x',
        GITHUB_TOKEN: 'ghp',
        GH_TOKEN: 'ghp',
        NPM_TOKEN: 'n',
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
        AWS_REGION: 'eu-west-1',
        CLIENT_SECRET: 's',
        DB_PASSWORD: 'p',
        PGPASSWORD: 'p',
        MYSQL_PWD_X: 'kept',
        SSH_AUTH_SOCK: '/tmp/agent',
        GOOGLE_APPLICATION_CREDENTIALS: '/k.json',
        npm_config__authToken: 'x',
        HF_TOKEN: 'hf',
        DATABASE_URL: 'postgres://user:hunter2@db/x',
        REDIS_URL: 'redis://localhost:6379',
        UNDEFINED: undefined,
      };
      const scrubbed = scrubEnvironment(env);
      assert.deepEqual(Object.keys(scrubbed).sort(), [
        'AWS_REGION',
        'HOME',
        'LANG',
        'MYSQL_PWD_X',
        'NODE_ENV',
        'OPENAI_BASE_URL',
        'PATH',
        'PWD',
        'REDIS_URL',
        'TERM',
        'TOKENIZERS_PARALLELISM',
      ]);
      assert.ok(!JSON.stringify(scrubbed).includes('sk-1'));
      assert.ok(!JSON.stringify(scrubbed).includes('hunter2'));
      assert.equal(env.OPENAI_API_KEY, 'sk-1', 'the input is not modified');
    });
    it('SAFETY §17: PGPASSWORD-style names without a separator are caught by the explicit list or segments', () => {
      assert.equal(isSecretEnvName('MY_SERVICE_API_KEY'), true);
      assert.equal(isSecretEnvName('PGPASSWORD'), true);
      assert.equal(isSecretEnvName('MYSQL_PWD'), true);
      assert.equal(isSecretEnvName('PWD'), false);
      assert.equal(isSecretEnvName('KEYBOARD_LAYOUT'), false);
    });
  });
});
