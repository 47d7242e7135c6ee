// Edit benchmark: applies every case of the edit corpus with an engine and scores it.
//   npm run bench:edits -- [corpus.jsonl.gz] [--failures] [--engine fixpoint|codex]
// `--engine codex` runs the real Codex CLI binary instead of Fixpoint's patch engine (see codexEngine.ts).
// A case passes when the file at `path` afterwards equals `expected` byte for byte, or when the engine refuses
// and `expected` is null. A false apply (output that differs from `expected`, or output where a refusal was
// right) is the worst outcome and is counted separately.
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { codexEngine } from './codexEngine';
import { fixpointEngine, type EditCase, type EditEngine } from './editEngine';

type Outcome = 'correct' | 'false-apply' | 'refused' | 'crash';

interface Tally {
  total: number;
  correct: number;
  falseApplies: number;
  refused: number;
  crashes: number;
}

const repoRoot = path.resolve(__dirname, '../../..');

function loadCorpus(file: string): EditCase[] {
  let text: string;
  try {
    text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  } catch (err) {
    console.error(`bench:edits: cannot read corpus ${file}: ${(err as Error).message}`);
    process.exit(1);
  }
  const cases: EditCase[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      cases.push(JSON.parse(line) as EditCase);
    } catch {
      console.error(`bench:edits: ${file}:${i + 1} is not valid JSON`);
      process.exit(1);
    }
  });
  if (cases.length === 0) {
    console.error(`bench:edits: ${file} holds no cases`);
    process.exit(1);
  }
  return cases;
}

async function runCase(engine: EditEngine, c: EditCase): Promise<{ outcome: Outcome; ms: number; detail: string }> {
  const result = await engine.apply(c);
  const { ms } = result;
  if (result.kind === 'crash') return { outcome: 'crash', ms, detail: result.message };
  if (result.kind === 'refused') return { outcome: c.expected === null ? 'correct' : 'refused', ms, detail: result.message };
  if (c.expected !== null && result.content === c.expected) return { outcome: 'correct', ms, detail: '' };
  return {
    outcome: 'false-apply',
    ms,
    detail: c.expected === null ? 'applied where a refusal was expected' : 'output differs from expected',
  };
}

function engineNamed(name: string): EditEngine {
  if (name === 'fixpoint') return fixpointEngine;
  if (name === 'codex') return codexEngine();
  console.error(`bench:edits: unknown engine "${name}" (fixpoint or codex)`);
  process.exit(1);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const showFailures = args.includes('--failures');
  const engineFlag = args.indexOf('--engine');
  const engineName = engineFlag >= 0 ? args[engineFlag + 1] : 'fixpoint';
  const corpusArg = args.find((a, i) => !a.startsWith('--') && (engineFlag < 0 || i !== engineFlag + 1));
  const corpusPath = path.resolve(corpusArg ?? path.join(repoRoot, '../shared/bench/edit-corpus.jsonl.gz'));
  if (!fs.existsSync(corpusPath)) {
    console.error(`bench:edits: corpus not found: ${corpusPath}`);
    process.exit(1);
  }
  const cases = loadCorpus(corpusPath);
  const engine = engineNamed(engineName ?? '');
  const byVariant = new Map<string, Tally>();
  const total: Tally = { total: 0, correct: 0, falseApplies: 0, refused: 0, crashes: 0 };
  const latencies: number[] = [];
  try {
    for (const c of cases) {
      const { outcome, ms, detail } = await runCase(engine, c);
      latencies.push(ms);
      let t = byVariant.get(c.variant);
      if (!t) byVariant.set(c.variant, (t = { total: 0, correct: 0, falseApplies: 0, refused: 0, crashes: 0 }));
      for (const tally of [t, total]) {
        tally.total++;
        if (outcome === 'correct') tally.correct++;
        else if (outcome === 'false-apply') tally.falseApplies++;
        else if (outcome === 'refused') tally.refused++;
        else tally.crashes++;
      }
      if (showFailures && outcome !== 'correct') {
        console.log(`--- ${outcome} ${c.variant} ${c.id} ${c.path}\n${detail.split('\n').slice(0, 12).join('\n')}`);
      }
    }
  } finally {
    engine.dispose?.();
  }
  const pct = (t: Tally): string => ((100 * t.correct) / t.total).toFixed(1) + '%';
  const rows = [...byVariant.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  console.log(`corpus: ${corpusPath}`);
  console.log(`engine: ${engine.name}`);
  console.log(
    `${'variant'.padEnd(22)}${'correct'.padStart(11)}${'%'.padStart(8)}${'false applies'.padStart(15)}${'refused'.padStart(9)}${'crashes'.padStart(9)}`,
  );
  for (const [variant, t] of [...rows, ['TOTAL', total] as [string, Tally]]) {
    console.log(
      `${variant.padEnd(22)}${`${t.correct}/${t.total}`.padStart(11)}${pct(t).padStart(8)}` +
        `${String(t.falseApplies).padStart(15)}${String(t.refused).padStart(9)}${String(t.crashes).padStart(9)}`,
    );
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `latency per case: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms`,
  );
  console.log(`edits: ${total.correct}/${total.total} correct (${pct(total)}), false applies: ${total.falseApplies}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
