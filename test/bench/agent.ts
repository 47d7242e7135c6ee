// Agent-side figures (issue 3), each against a baseline run in the same process:
//   (a) list_files on a generated 100,000-file tree with a .gitignore vs `rg --files` (goal ≤ 1.5× rg);
//   (b) tokenizer throughput (o200k) and assembling a full 192k-token context from the workspace: list, read,
//       count until the window is full (goal < 300 ms);
//   (c) agent-loop overhead per step, excluding model latency: runAgent driven by an in-process ModelClient
//       that answers instantly with a read_file call (goal < 20 ms p95).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { countTokens } from 'gpt-tokenizer';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAgent, DEFAULT_AGENT_OPTIONS } from '../../src/core/agent/loop';
import { itemTokens } from '../../src/core/agent/tokens';
import { Transcript } from '../../src/core/agent/transcript';
import type { ChatItem, ModelClient, ModelEvent } from '../../src/core/model/types';
import { ToolRegistry } from '../../src/core/tools/registry';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { engineFor } from '../unit/policy/engineFor';
import { AuditLog } from '../../src/core/policy';
import { decodeUtf8 } from '../../src/core/tools/text';

const FILES = 100_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

function generateTree(root: string): void {
  // 1,000 folders × 100 files; every 10th folder is a build output the .gitignore excludes, plus *.log files.
  fs.writeFileSync(path.join(root, '.gitignore'), 'build-*/\n*.log\n');
  for (let d = 0; d < FILES / 100; d++) {
    const dir = path.join(root, d % 10 === 0 ? `build-${d}` : `pkg${d % 37}`, `mod${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++)
      fs.writeFileSync(path.join(dir, f % 25 === 0 ? `trace${f}.log` : `file${f}.ts`), `export const v${f} = ${d};\n`);
  }
}

async function listing(root: string): Promise<void> {
  const rg = spawnSync('rg', ['--version']).status === 0 ? 'rg' : undefined;
  const timesRg: number[] = [];
  const timesOurs: number[] = [];
  let countRg = 0;
  let countOurs = 0;
  for (let i = 0; i < 3; i++) {
    if (rg) {
      const t = performance.now();
      const out = spawnSync(rg, ['--files', '--hidden', '--no-require-git', '--glob', '!.git'], { cwd: root, maxBuffer: 1 << 28 });
      timesRg.push(performance.now() - t);
      countRg = out.stdout.toString().split('\n').filter(Boolean).length;
    }
    const workspace = new NodeWorkspace({ root }); // fresh: ignore rules are read again each run
    const t = performance.now();
    countOurs = (await workspace.listFiles({ max: 1_000_000 })).files.length;
    timesOurs.push(performance.now() - t);
  }
  console.log(
    `(a) list ${FILES} generated files (.gitignore excludes ${FILES - countOurs}): list_files median ${median(timesOurs).toFixed(0)} ms (${countOurs} files)` +
      (rg
        ? ` vs rg --files ${median(timesRg).toFixed(0)} ms (${countRg} files): ratio ${(median(timesOurs) / median(timesRg)).toFixed(2)}×`
        : ' (rg not installed: no baseline)'),
  );
}

async function tokens(): Promise<void> {
  const sample = fs.readFileSync(path.join(__dirname, '../../../src/core/agent/loop.ts'), 'utf8').repeat(20);
  countTokens('warm up');
  const t = performance.now();
  const n = countTokens(sample);
  const ms = performance.now() - t;
  console.log(`(b) tokenizer: ${n} tokens in ${ms.toFixed(0)} ms = ${(((n / ms) * 1000) / 1e6).toFixed(2)}M tokens/s (o200k)`);
  // A realistic tree for this part: copies of this repository's own sources (tiny generated files would
  // measure file-open overhead, not context assembly).
  const codeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bench-code-'));
  const sources = path.join(__dirname, '../../../src');
  for (let copy = 0; copy < 12; copy++) fs.cpSync(sources, path.join(codeRoot, `copy${copy}`), { recursive: true });
  const workspace = new NodeWorkspace({ root: codeRoot });
  const samples: number[] = [];
  let assembled = 0;
  let read = 0;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const { files } = await workspace.listFiles({ max: 1_000_000 });
    let total = 0;
    read = 0;
    for (const file of files) {
      const text = decodeUtf8((await workspace.readFile(file))!) ?? '';
      total += itemTokens({ role: 'tool', callId: file, content: text });
      read++;
      if (total >= 192_000) break;
    }
    samples.push(performance.now() - started);
    assembled = total;
  }
  fs.rmSync(codeRoot, { recursive: true, force: true });
  console.log(
    `    assemble a ${assembled}-token context from ${read} source files (list, read, count): median ${median(samples).toFixed(0)} ms of 5`,
  );
}

async function loopOverhead(root: string): Promise<void> {
  const STEPS = 200;
  let step = 0;
  // In-process model: every turn asks to read a file, the last one answers. No network, no latency.
  const client: ModelClient = {
    async *stream(): AsyncIterable<ModelEvent> {
      step++;
      if (step > STEPS) {
        yield { type: 'text', delta: 'done' };
        return;
      }
      yield { type: 'text', delta: `step ${step}` };
      yield { type: 'toolCall', call: { id: `c${step}`, name: 'read_file', arguments: JSON.stringify({ path: 'pkg1/mod1/file1.ts' }) } };
    },
  };
  const stamps: number[] = [];
  const transcript = new Transcript((msg) => {
    if (msg.type === 'entry' && msg.entry.kind === 'tool' && msg.entry.status === 'done') stamps.push(performance.now());
  });
  const workspace = new NodeWorkspace({ root });
  const history: ChatItem[] = [
    { role: 'system', content: 'bench' },
    { role: 'user', content: 'go' },
  ];
  const started = performance.now();
  await runAgent(history, {
    client,
    settings: { model: 'bench', wireApi: 'chat' },
    tools: new ToolRegistry(),
    transcript,
    options: { ...DEFAULT_AGENT_OPTIONS, maxSteps: STEPS + 1 },
    onUsage: () => undefined,
    onHistoryChanged: () => undefined,
    signal: new AbortController().signal,
    toolContext: {
      workspace,
      runner: {
        canRun: () => ({ ok: false, reason: 'bench' }),
        run: async () => ({ exitCode: 0, output: '', durationMs: 0 }),
        runTask: async () => ({ exitCode: 0, output: '', durationMs: 0 }),
      },
      approver: { approveCommand: async () => 'deny' },
      reviewer: { propose: async () => ({ files: [] }) },
      policy: engineFor(workspace.root),
      grant: async () => undefined,
      audit: new AuditLog(),
      updatePlan: () => undefined,
    },
  });
  const perStep = stamps.slice(1).map((t, i) => t - stamps[i]);
  console.log(
    `(c) agent loop overhead per step (stream + validate + read_file + history + transcript), ${STEPS} steps: p50 ${pct(perStep, 50).toFixed(2)} ms, p95 ${pct(perStep, 95).toFixed(2)} ms, total ${(performance.now() - started).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bench-tree-'));
  try {
    const t = performance.now();
    generateTree(root);
    console.log(`generated ${FILES} files in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await listing(root);
    await tokens();
    await loopOverhead(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
