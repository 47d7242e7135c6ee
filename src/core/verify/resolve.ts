/**
 * Which command proves the agent's edits (issue 5, "Verification command").
 *
 * Order: the `fixpoint.verify.command` setting → a VS Code task in the `test` group, then the `build` group →
 * detection from workspace files. The first hit wins and carries a `why` the user is shown, so a surprising
 * choice can be traced to the file that caused it and overridden with the setting.
 */
import type { Workspace } from '../ports';
import { decodeUtf8 } from '../tools/text';

/** A task the host found (tasks.json or a task provider). */
export interface TaskCandidate {
  name: string;
  group?: 'test' | 'build';
  /** Where it comes from, e.g. "tasks.json" or "npm" (shown in `why`). */
  source: string;
}

export type VerifyResolution =
  | { kind: 'command'; command: string; source: 'setting' | 'detected'; why: string }
  | { kind: 'task'; name: string; why: string }
  | { kind: 'none'; why: string };

export interface ResolveInput {
  /** `fixpoint.verify.command`; blank counts as unset. */
  setting?: string;
  tasks?: readonly TaskCandidate[];
  workspace: Pick<Workspace, 'readFile' | 'listFiles'>;
  signal?: AbortSignal;
}

export async function resolveVerification(input: ResolveInput): Promise<VerifyResolution> {
  const setting = input.setting?.trim();
  if (setting) return { kind: 'command', command: setting, source: 'setting', why: 'fixpoint.verify.command setting' };

  for (const group of ['test', 'build'] as const) {
    const task = (input.tasks ?? []).find((t) => t.group === group);
    if (task) return { kind: 'task', name: task.name, why: `VS Code task "${task.name}" (${group} group, ${task.source})` };
  }

  const detected = await detectCommand(input.workspace, input.signal);
  if (detected) return { kind: 'command', command: detected.command, source: 'detected', why: detected.why };
  return {
    kind: 'none',
    why: 'no fixpoint.verify.command setting, no test or build task, and no package.json test script, pytest, Cargo.toml, go.mod or Makefile test target',
  };
}

type Files = Pick<Workspace, 'readFile' | 'listFiles'>;
interface Detected {
  command: string;
  why: string;
}

/** Detectors in priority order: the first that recognises the workspace decides. */
const DETECTORS: ReadonlyArray<(files: Files, signal?: AbortSignal) => Promise<Detected | undefined>> = [
  detectPackageJson,
  detectPytest,
  async (files) => ((await exists(files, 'Cargo.toml')) ? { command: 'cargo test', why: 'Cargo.toml → cargo test' } : undefined),
  async (files) => ((await exists(files, 'go.mod')) ? { command: 'go test ./...', why: 'go.mod → go test ./...' } : undefined),
  detectMakeTest,
];

async function detectCommand(files: Files, signal?: AbortSignal): Promise<Detected | undefined> {
  for (const detect of DETECTORS) {
    if (signal?.aborted) return undefined;
    const found = await detect(files, signal);
    if (found) return found;
  }
  return undefined;
}

/** What `npm init` writes when there are no tests: running it can only fail, so it is not a verification. */
const NPM_PLACEHOLDER = /no test specified/i;

/** Lockfiles in the order they are trusted when several are present (a stray package-lock.json is common). */
const LOCKFILES: ReadonlyArray<readonly [file: string, manager: PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];
type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** `bun test` runs bun's own test runner, not the script, so bun gets `bun run test`. */
const TEST_COMMAND: Record<PackageManager, string> = { npm: 'npm test', pnpm: 'pnpm test', yarn: 'yarn test', bun: 'bun run test' };

async function detectPackageJson(files: Files): Promise<Detected | undefined> {
  const text = await readText(files, 'package.json');
  if (text === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(manifest) || !isRecord(manifest.scripts)) return undefined;
  const script = manifest.scripts.test;
  if (typeof script !== 'string' || script.trim() === '' || NPM_PLACEHOLDER.test(script)) return undefined;

  // The `packageManager` field (corepack) is the project's explicit choice; lockfiles are the evidence otherwise.
  const declared = typeof manifest.packageManager === 'string' ? /^(npm|pnpm|yarn|bun)@/.exec(manifest.packageManager)?.[1] : undefined;
  if (declared) {
    const manager = declared as PackageManager;
    return {
      command: TEST_COMMAND[manager],
      why: `package.json test script, packageManager ${manifest.packageManager} → ${TEST_COMMAND[manager]}`,
    };
  }
  for (const [lockfile, manager] of LOCKFILES) {
    if (await exists(files, lockfile)) {
      return { command: TEST_COMMAND[manager], why: `package.json test script, ${lockfile} → ${TEST_COMMAND[manager]}` };
    }
  }
  return { command: 'npm test', why: 'package.json test script, no lockfile → npm test' };
}

async function detectPytest(files: Files, signal?: AbortSignal): Promise<Detected | undefined> {
  const found = (why: string): Detected => ({ command: 'pytest', why: `${why} → pytest` });
  if (await exists(files, 'pytest.ini')) return found('pytest.ini');
  if ((await readText(files, 'pyproject.toml'))?.includes('[tool.pytest')) return found('pyproject.toml [tool.pytest]');
  if ((await readText(files, 'setup.cfg'))?.includes('[tool:pytest]')) return found('setup.cfg [tool:pytest]');
  if (/^\[pytest\]/m.test((await readText(files, 'tox.ini')) ?? '')) return found('tox.ini [pytest]');
  if (await exists(files, 'conftest.py')) return found('conftest.py');
  const tests = await files.listFiles({ dir: 'tests', glob: 'tests/test_*.py', max: 1 }, signal).catch(() => undefined);
  if (tests?.files.length) return found(`${tests.files[0]}`);
  return undefined;
}

async function detectMakeTest(files: Files): Promise<Detected | undefined> {
  for (const name of ['GNUmakefile', 'Makefile', 'makefile']) {
    const text = await readText(files, name);
    if (text === undefined) continue;
    // A rule line `test:` or `test other:` (not `test := value`, which is a variable).
    if (/^(?:[\w.-]+[ \t]+)*test(?:[ \t]+[\w.-]+)*[ \t]*:(?!=)/m.test(text))
      return { command: 'make test', why: `${name} test target → make test` };
    return undefined;
  }
  return undefined;
}

async function exists(files: Files, relative: string): Promise<boolean> {
  return (await files.readFile(relative).catch(() => undefined)) !== undefined;
}

async function readText(files: Files, relative: string): Promise<string | undefined> {
  const bytes = await files.readFile(relative).catch(() => undefined);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
