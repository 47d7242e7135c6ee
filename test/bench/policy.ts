// The approval engine's decision for a command (issue 14; goal: p99 < 1 ms on a 2,000-character command).
// The engine runs against a real folder; git is only asked when the command runs git, so the figure for a
// long non-git pipeline measures the engine itself, and the git line shows what asking git costs on top.
//   node out/test/bench/policy.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { classifyCommand } from '../../src/core/policy';
import { engineFor } from '../unit/policy/engineFor';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function time(label: string, runs: number, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await once(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  console.log(`${label}: p50 ${pct(samples, 50).toFixed(3)} ms, p99 ${pct(samples, 99).toFixed(3)} ms (${runs} runs)`);
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bench-policy-')));
  try {
    fs.mkdirSync(path.join(root, 'src'));
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, 'src', `f${i}.ts`), 'export {};\n');
    execFileSync('git', ['init', '-q'], { cwd: root });
    const engine = engineFor(root, { commandRules: () => ({ allow: ['npm test', 'cat'], deny: ['git push'] }) });
    // A 2,000-character line of the kind models write: a pipeline with quoting, flags and many words.
    let long = "rg -n --glob '!node_modules' 'TODO|FIXME' src | sort | uniq -c";
    while (long.length < 2000) long += ` | grep -v 'generated file ${long.length}'`;
    long = long.slice(0, 2000);
    const files = Array.from({ length: 40 }, (_, i) => `src/f${i}.ts`).join(' ');
    let readMany = `cat ${files}`;
    while (readMany.length < 2000) readMany += ` ${files}`;
    readMany = readMany.slice(0, readMany.lastIndexOf(' ', 2000));
    console.log(`commands: pipeline ${long.length} chars, cat of many files ${readMany.length} chars`);
    await time('classifyCommand, 2,000-char pipeline', 2000, async () => classifyCommand(long));
    await time('engine decision, 2,000-char pipeline', 2000, () => engine.decideCommand(long, root));
    await time("engine decision, 2,000-char cat of workspace files (each realpath'd and ignore-checked)", 500, () =>
      engine.decideCommand(readMany, root),
    );
    await time('engine decision, git status (asks git for its config)', 200, () => engine.decideCommand('git status', root));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
