// `npm run test:electron`: the same integration suites in desktop VS Code downloaded by @vscode/test-electron
// (needs the internet the first time; offline, use `npm run test:vscode`).
//   FIXPOINT_VSCODE_VERSION=1.139.1 (default) picks the VS Code build.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { QUIET_SETTINGS } from './codeServer';
import { repoRoot } from './env';
import { RESULTS_ENV, type TierResults } from './results';

async function main(): Promise<number> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixpoint-electron-'));
  try {
    const workspace = path.join(tmp, 'workspace');
    await cp(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const userDataDir = path.join(tmp, 'user-data');
    await mkdir(path.join(userDataDir, 'User'), { recursive: true });
    await writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
    const resultsFile = path.join(tmp, 'integration.json');

    const version = process.env.FIXPOINT_VSCODE_VERSION ?? '1.139.1';
    const majorMinor = /^\d+\.\d+/.exec(version)?.[0] ?? ''; // '' for 'stable'/'insiders': any version.
    let runError: unknown;
    try {
      await runTests({
        version,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
        extensionTestsEnv: {
          [RESULTS_ENV]: resultsFile,
          OPENAI_API_KEY: '',
          OPENAI_BASE_URL: '',
          FIXPOINT_EXPECT_VSCODE_VERSION: majorMinor,
        },
        launchArgs: [
          workspace,
          '--user-data-dir',
          userDataDir,
          '--extensions-dir',
          path.join(tmp, 'extensions'),
          '--disable-extensions', // Other extensions only; the one under development still loads.
          '--disable-workspace-trust',
          '--disable-telemetry',
        ],
      });
    } catch (err) {
      runError = err;
    }

    let results: TierResults | undefined;
    try {
      results = JSON.parse(await readFile(resultsFile, 'utf8')) as TierResults;
    } catch {
      // No results: VS Code could not be downloaded or started, or the suites never ran.
    }
    if (!results) {
      console.error(`[electron] no test results: ${runError instanceof Error ? runError.message : String(runError ?? 'unknown error')}`);
      console.log('electron: 0 passed, 1 failed');
      return 1;
    }
    if (results.fatal) console.error(`[electron] runner failed: ${results.fatal}`);
    // Mocha's own report went to VS Code's output above; repeat the failures next to the summary.
    for (const t of results.tests.filter((t) => t.state === 'failed')) console.error(`[electron] FAILED ${t.fullTitle}\n${t.error ?? ''}`);
    console.log(`electron: ${results.passes} passed, ${results.failures} failed`);
    return results.failures > 0 || results.passes === 0 ? 1 : 0;
  } finally {
    await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log('electron: 0 passed, 1 failed');
    process.exit(1);
  },
);
