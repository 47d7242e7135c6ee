// `npm run bench`: every benchmark, one after another (each in its own process, so one's warm caches or
// leftovers cannot flatter the next). Figures are printed; targets are checked by reading them, not by tests.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const benches: Array<{ name: string; file: string; args?: string[] }> = [
  { name: 'edits (patch engine on the edit corpus)', file: 'edits.js' },
  { name: 'context (token accounting and compaction of a 192k history)', file: 'context.js' },
  { name: 'agent (list_files vs rg, tokenizer, context assembly, loop overhead)', file: 'agent.js' },
  { name: 'streams (parsing a 20,000-delta reply: throughput through the SDK, added latency per delta)', file: 'streams.js' },
  { name: 'policy (approval engine decision for a 2,000-character command)', file: 'policy.js' },
  { name: 'mcp (a tool call through Fixpoint vs the SDK alone; start-up of three stdio servers)', file: 'mcp.js' },
  {
    name: 'shadow (verify-before-review overhead: shadow copy + cleanup of a 5,000-file repo)',
    file: 'shadow.js',
    args: ['--synthetic', '5000', '5'],
  },
  {
    name: 'checkpoints (snapshot of a 5,000-file workspace after a 10-file change, restore of a turn)',
    file: 'checkpoints.js',
    args: ['5000', '5'],
  },
  {
    name: 'tasks (saving one step of a 1,000-step task vs rewriting it whole; opening it after a reload)',
    file: 'tasks.js',
    args: ['1000'],
  },
  {
    name: 'background tasks (creating one on a 5,000-file repository; per-step overhead of 3 concurrent tasks against 1)',
    file: 'backgroundTasks.js',
    args: ['5000', '5', '20'],
  },
  { name: 'repo map (2,000-file TypeScript repository: cold, after one file changes; grammar sizes)', file: 'repoMap.js' },
  { name: 'vscode (activation, first chunk to webview, ask-to-fix, find_references, .vsix size)', file: 'vscode.js' },
  { name: 'webview (1,000-message chat, reply streamed at 2,000 tokens/s: frame times, dropped chunks)', file: 'webview.js' },
];

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.name} ===`);
  const result = spawnSync(process.execPath, [path.join(__dirname, bench.file), ...(bench.args ?? [])], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`bench ${bench.file} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed ? 1 : 0);
