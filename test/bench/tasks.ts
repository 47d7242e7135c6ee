/**
 * Durable tasks (issue 12 benchmark; goals on 2 cores: saving one step of a 1,000-step task < 5 ms and flat
 * in task length; opening a 1,000-step task in the chat < 500 ms to interactive).
 *
 *   node out/test/bench/tasks.js [steps]
 *
 * A step is what the loop records after one model turn with a tool call: the assistant item (~300 chars),
 * the tool result (~2 KB), its tool card and a streamed answer card. Each save goes through the real store
 * (append + fdatasync). The baseline, in the same process, is what the previous version did: rewrite the
 * whole task as one JSON document (temp file, fsync, rename) on every save.
 * Opening is timed through a real ChatSession: restore() (index, snapshot, log replay, repair, transcript
 * load) until the view's state message is posted. The webview's own render of such a chat is in webview.js.
 * Not a mocha test (no .test suffix): timings are reported, not asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DurableTasks } from '../../src/core/tasks/durableTasks';
import { emptyTaskState, type TaskState } from '../../src/core/tasks/task';
import { FileStore } from '../../src/node/fileStore';
import { NodeTaskFiles } from '../../src/node/taskFiles';
import { createAgentHarness } from '../unit/agent/harness';

function addStep(state: TaskState, n: number): string[] {
  state.history.push({
    role: 'assistant',
    content: `Step ${n}: reading the next file to see where the flag is parsed. `.repeat(4),
    toolCalls: [{ id: `call-${n}`, name: 'read_file', arguments: JSON.stringify({ path: `src/module${n % 50}.ts` }) }],
  });
  state.history.push({ role: 'tool', callId: `call-${n}`, content: `export function f${n}() {\n  return ${n};\n}\n`.repeat(60) });
  state.entries.push({ kind: 'assistant', id: `a-${n}`, text: `Step ${n}: reading the next file.`, streaming: false });
  state.entries.push({ kind: 'tool', id: `t-${n}`, name: 'read_file', summary: `src/module${n % 50}.ts`, status: 'done', durationMs: 3 });
  state.summary = { ...state.summary, updatedAt: Date.now(), usage: { ...state.summary.usage, steps: n } };
  return [`a-${n}`, `t-${n}`];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 1_000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bench-tasks-'));
  const tasks = new DurableTasks(new NodeTaskFiles(path.join(dir, 'tasks')));
  const legacy = new FileStore(path.join(dir, 'v1'));
  const state = emptyTaskState('task-bench');
  state.summary = { ...state.summary, goal: 'a long task', title: 'a long task', status: 'running' };
  state.entries.push({ kind: 'user', id: 'user-1', text: 'a long task' });
  const writer = tasks.writer(emptyTaskState('task-bench'));
  await writer.save(state, { reset: true, ids: new Set() });

  const buckets = new Map<number, { log: number[]; whole: number[] }>();
  for (let n = 1; n <= steps; n++) {
    const ids = addStep(state, n);
    let t = performance.now();
    await writer.save(state, { reset: false, ids: new Set(ids) });
    const log = performance.now() - t;
    const bucket = n <= 10 ? 10 : n <= 100 ? 100 : n <= 500 ? 500 : steps;
    const b = buckets.get(bucket) ?? { log: [], whole: [] };
    b.log.push(log);
    // The baseline at a few points only (it is O(task) per save; timing all 1,000 would take minutes).
    if (n % 10 === 0 || n <= 10) {
      t = performance.now();
      await legacy.save('task-bench', { version: 1, savedAt: Date.now(), ...state });
      b.whole.push(performance.now() - t);
    }
    buckets.set(bucket, b);
  }
  console.log(`saving one step (append + fdatasync), ${steps} steps, real store in ${os.tmpdir()}:`);
  for (const [upTo, b] of buckets) {
    const ratio = median(b.whole) / median(b.log);
    console.log(
      `  steps ≤ ${String(upTo).padStart(4)}: log p50 ${ms(median(b.log))}, p95 ${ms(p95(b.log))}, max ${ms(Math.max(...b.log))}` +
        ` | whole-task rewrite (v1) p50 ${ms(median(b.whole))} → ${ratio.toFixed(1)}× the log`,
    );
  }
  const files = await fs.readdir(path.join(dir, 'tasks', 'task-bench'));
  const sizes = await Promise.all(
    files.map(async (f) => `${f} ${((await fs.stat(path.join(dir, 'tasks', 'task-bench', f))).size / 1e6).toFixed(1)} MB`),
  );
  console.log(`  on disk: ${sizes.join(', ')}`);

  // Opening it in a session, as after a reload (the state message is what the webview renders from).
  state.summary = { ...state.summary, status: 'running' };
  await writer.save(state, { reset: false, ids: new Set() });
  const opens: number[] = [];
  for (let run = 0; run < 5; run++) {
    const h = await createAgentHarness({}, {}, { tasks: { files: new NodeTaskFiles(path.join(dir, 'tasks')) } });
    const t = performance.now();
    const ok = await h.session.restore('task-bench');
    const posted = h.posted.find((m) => m.type === 'state');
    opens.push(performance.now() - t);
    if (!ok || !posted || posted.type !== 'state' || posted.state.entries.length < steps * 2)
      throw new Error('the task did not open whole');
    await h.dispose();
  }
  console.log(
    `opening the ${steps}-step task in a session (restore → state posted): p50 ${ms(median(opens))}, max ${ms(Math.max(...opens))}`,
  );
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
