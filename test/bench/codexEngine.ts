// The real Codex CLI as a bench engine: the `@openai/codex` npm package ships the Codex binary, which runs its
// apply_patch implementation offline when started under the name `apply_patch` (how Codex itself invokes it:
// the patch is the first argument, paths are relative to the working directory, files are written in place).
// The package is installed once into a cache outside the clone (FIXPOINT_BENCH_CACHE, default
// ~/.cache/fixpoint-bench), never into the project's node_modules.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EditCase, EditEngine, EngineResult } from './editEngine';

const CODEX_VERSION = '0.171.0';
const CASE_TIMEOUT_MS = 20_000;

const cacheRoot = path.resolve(process.env.FIXPOINT_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'fixpoint-bench'));

export function codexEngine(): EditEngine {
  const binary = ensureCodexBinary();
  // Codex keeps state under CODEX_HOME (default ~/.codex); the bench gives it its own folder in the cache.
  const codexHome = path.join(cacheRoot, 'codex-home');
  fs.mkdirSync(codexHome, { recursive: true });
  const workRoot = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'fixpoint-codex-'));
  let next = 0;
  return {
    name: `codex-cli ${CODEX_VERSION} (the binary's apply_patch, one process per case)`,
    apply: (c) => applyWithCodex(binary, codexHome, path.join(workRoot, String(next++)), c),
    dispose: () => fs.rmSync(workRoot, { recursive: true, force: true }),
  };
}

/**
 * Writes the case's file into a fresh folder, runs the binary there and reads the file back. An error exit
 * that left the file as it was is a refusal; one that changed it is scored like any other output, since the
 * change reached the disk.
 */
async function applyWithCodex(binary: string, codexHome: string, dir: string, c: EditCase): Promise<EngineResult> {
  const file = path.resolve(dir, c.path);
  if (!file.startsWith(dir + path.sep)) return { kind: 'crash', message: `case path escapes the work folder: ${c.path}`, ms: 0 };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, c.before);
  try {
    const run = await runApplyPatch(binary, codexHome, dir, c.patch);
    if (run.crash) return { kind: 'crash', message: run.crash, ms: run.ms };
    const after = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (run.exitCode !== 0 && after === c.before) return { kind: 'refused', message: run.output, ms: run.ms };
    return { kind: 'output', content: after, ms: run.ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface CodexRun {
  exitCode: number | null;
  output: string;
  /** Set when the process could not run to an exit code (spawn failure, signal, timeout). */
  crash?: string;
  ms: number;
}

function runApplyPatch(binary: string, codexHome: string, cwd: string, patch: string): Promise<CodexRun> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn(binary, [patch], {
      argv0: 'apply_patch',
      cwd,
      env: { ...process.env, CODEX_HOME: codexHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CASE_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output, crash: `cannot start ${binary}: ${err.message}`, ms: elapsed() });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = elapsed();
      if (code === null) resolve({ exitCode: null, output, crash: `killed by ${signal} after ${ms.toFixed(0)} ms\n${output}`, ms });
      else resolve({ exitCode: code, output, ms });
    });
  });
}

/** The Codex binary of CODEX_VERSION, installed into the cache first if it is not there. */
function ensureCodexBinary(): string {
  const installDir = path.join(cacheRoot, 'codex', CODEX_VERSION);
  const found = findBinary(installDir);
  if (found) return found;
  const staging = `${installDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  console.error(`bench:edits: installing @openai/codex@${CODEX_VERSION} into ${installDir} (about 420 MB unpacked)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      staging,
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `@openai/codex@${CODEX_VERSION}`,
    ],
    { env: registryOnlyEnv(), stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (install.status !== 0) throw new Error(`npm install @openai/codex@${CODEX_VERSION} failed (exit ${install.status ?? install.signal})`);
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.renameSync(staging, installDir);
  const binary = findBinary(installDir);
  if (!binary)
    throw new Error(`@openai/codex@${CODEX_VERSION} installed, but it holds no Codex binary for ${process.platform}-${process.arch}`);
  return binary;
}

/** The package's binary lives in its platform package: @openai/codex-<platform>/vendor/<target triple>/bin/codex. */
function findBinary(installDir: string): string | undefined {
  const scope = path.join(installDir, 'node_modules', '@openai');
  if (!fs.existsSync(scope)) return undefined;
  for (const pkg of fs.readdirSync(scope).filter((name) => name.startsWith('codex-'))) {
    const vendor = path.join(scope, pkg, 'vendor');
    if (!fs.existsSync(vendor)) continue;
    for (const target of fs.readdirSync(vendor)) {
      const binary = path.join(vendor, target, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
      if (fs.existsSync(binary)) return binary;
    }
  }
  return undefined;
}

/**
 * Under `npm run`, the outer npm's settings arrive as npm_config_* variables and an inner npm would take them
 * as its own (a `--prefix` or `--omit=optional` there would break this install); keep only how to reach the
 * registry.
 */
function registryOnlyEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|@.*:registry|proxy|https_proxy|noproxy|cafile|ca|strict_ssl|cache|fetch_.*)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)));
}
