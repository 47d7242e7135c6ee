// Where the VS Code tiers leave what they produce. Screenshots go to out/screenshots/ (outside git) unless
// FIXPOINT_UPDATE_SCREENSHOTS=1 asks to refresh the committed ones in test/e2e/screenshots/; failure
// screenshots never go into the tree. Per-test results go to out/test-results/ for `npm run test:safety`.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './env';

export const UPDATE_SCREENSHOTS_ENV = 'FIXPOINT_UPDATE_SCREENSHOTS';

export function updatingScreenshots(): boolean {
  return process.env[UPDATE_SCREENSHOTS_ENV] === '1';
}

/** The folder for the screenshots a test means to keep (chat.png, review.png…), created on demand. */
export function screenshotsDir(): string {
  const dir = updatingScreenshots() ? path.join(repoRoot, 'test', 'e2e', 'screenshots') : path.join(repoRoot, 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The folder for failure screenshots and other debugging leftovers: never in the tree. */
export function scratchDir(): string {
  const dir = path.join(repoRoot, 'out', 'screenshots', 'scratch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const TEST_RESULTS_DIR = path.join(repoRoot, 'out', 'test-results');
/** Per-test results of the VS Code tiers, written by runVsCodeTests. */
export const VSCODE_RESULTS_FILE = path.join(TEST_RESULTS_DIR, 'vscode.json');
/** Per-test results of the unit tier, written by the mocha reporter out/test/safety/unitReporter.js. */
export const UNIT_RESULTS_FILE = path.join(TEST_RESULTS_DIR, 'unit.json');
