/**
 * Background tasks (issue 13 benchmarks; goals on 2 cores: creating a background task on a 5,000-file
 * repository < 1 s; per-step overhead of 3 concurrent scripted tasks ≤ 1.3× that of 1).
 *
 *   node out/test/bench/backgroundTasks.js [files] [runs] [steps]
 *
 * The repository is generated (generatedRepo.ts): `files` committed source files, a .gitignore hiding a
 * node_modules of 3,000 files (linked into each worktree, never copied), and uncommitted work of the user's
 * (8 files edited, 2 untracked files added, 1 deleted) that every task starts from.
 * (1) Creation: GitWorktrees.create alone, then BackgroundTasks.start up to the first model request its
 *     session sends (worktree, session, prompt; the fake model server answers at once), split into its
 *     worktree and the rest. Baseline in the same runs: a plain `git worktree add` (checkout of HEAD), the
 *     floor of any worktree. First run apart (cold process), p50/max of the next `runs`. Each worktree is
 *     discarded after its run, untimed.
 * (2) Per-step overhead: scripted tasks of `steps` read_file calls then an answer, against the local fake
 *     OpenAI server (no delays, in this process), so the time is Fixpoint's own (SDK round trip, loop, tool,
 *     transcript, the durable store's fdatasync per step). 1 task alone, then 3 at once (maxParallel 3),
 *     alternated for a few rounds, each task in a worktree made beforehand. A task's first step is reported
 *     apart (it builds the ignore rules once per session). Read-only steps take no checkpoint snapshot, as in
 *     the product. Two ratios: a task's step 3-at-once against alone (how fast each task advances), and the
 *     wall time per step of all tasks together (what running them at once costs, beyond the work itself).
 * Not a mocha test (no .test suffix): timings are reported, not asserted.
 */
import { promises as fs, mkdtempSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BackgroundTasks, type BackgroundTask } from '../../src/core/agent/backgroundTasks';
import type { TaskWorkspaceInfo, TaskWorkspaces } from '../../src/core/tasks/taskWorkspace';
import { NodeTaskFiles } from '../../src/node/taskFiles';
import { GitWorktrees } from '../../src/node/worktrees';
import type { ScriptedTurn } from '../fakes/openaiServer';
import { createAgentHarness, type AgentHarness } from '../unit/agent/harness';
import { generateRepo, git } from './generatedRepo';

const DEPENDENCY_FILES = 3_000;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const now = () => performance.timeOrigin + performance.now(); // the fake server stamps requests on this clock

interface Opened {
  harness: AgentHarness;
  /** When the session's first model request arrived (the fake server's clock). */
  firstRequest(): number | undefined;
}

/**
 * BackgroundTasks wired as the unit test does: each task's session is a real ChatSession (createAgentHarness)
 * rooted in its workspace, with its own fake model server scripted by `script`, all storing into one task folder.
 */
function backgroundTasks(
  workspaces: TaskWorkspaces,
  origin: string,
  taskFiles: NodeTaskFiles,
  maxParallel: number,
  script: (index: number) => ScriptedTurn[],
): { tasks: BackgroundTasks; opened: Opened[] } {
  const opened: Opened[] = [];
  const tasks = new BackgroundTasks({
    workspaces,
    origin,
    maxParallel: () => maxParallel,
    changed: () => undefined,
    openSession: async (taskId, info) => {
      const harness = await createAgentHarness({}, { maxSteps: 1_000 }, { root: info.root, tasks: { files: taskFiles }, taskId });
      harness.server.enqueue(...script(opened.length));
      opened.push({ harness, firstRequest: () => harness.server.modelRequests()[0]?.receivedAt });
      return { session: harness.session, dispose: () => undefined };
    },
  });
  return { tasks, opened };
}

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Ends the tasks and their sessions; the harness's dispose is not used, as it would delete the worktree root. */
async function closeAll(tasks: BackgroundTasks, opened: Opened[]): Promise<void> {
  for (const task of tasks.all()) await tasks.close(task.id);
  for (const o of opened) await o.harness.server.close();
}

/** The port, timing each create: so start()'s time splits into the worktree and the rest (session, prompt). */
function timed(worktrees: GitWorktrees, creates: number[]): TaskWorkspaces {
  return Object.assign(Object.create(worktrees) as GitWorktrees, {
    create: async (request: Parameters<GitWorktrees['create']>[0]) => {
      const t = performance.now();
      const info = await worktrees.create(request);
      creates.push(performance.now() - t);
      return info;
    },
  });
}

async function creation(repo: string, top: string, taskFiles: NodeTaskFiles, runs: number): Promise<void> {
  const worktrees = new GitWorktrees(path.join(top, 'worktrees'));
  const create: number[] = [];
  const plain: number[] = [];
  const start: number[] = [];
  const resolved: number[] = [];
  const inStart: number[] = [];
  // Interleaved, so the machine's noise (file creation on this disk varies a lot with others' load) falls
  // on the three alike. Run 0 is the cold process.
  for (let run = 0; run <= runs; run++) {
    let t = performance.now();
    const info = await worktrees.create({ taskId: `bench-create-${run}`, title: `bench create ${run}`, origin: repo });
    create.push(performance.now() - t);
    if (run === 0) {
      const linked = await fs.lstat(path.join(info.root, 'node_modules'));
      const notes = await fs.readFile(path.join(info.root, 'NOTES.md'), 'utf8').catch(() => '');
      if (!linked.isSymbolicLink() || notes !== 'draft\n') throw new Error('the worktree does not hold the user’s working tree');
    }
    await worktrees.discard(info);

    // The floor for any worktree: plain `git worktree add` (a checkout of HEAD's files, nothing else).
    const bare = path.join(top, `plain-${run}`);
    t = performance.now();
    git(repo, 'worktree', 'add', '-q', '-b', `plain-${run}`, bare, 'HEAD');
    plain.push(performance.now() - t);
    git(repo, 'worktree', 'remove', '--force', bare);
    git(repo, 'branch', '-q', '-D', `plain-${run}`);

    const { tasks, opened } = backgroundTasks(timed(worktrees, inStart), repo, taskFiles, 3, () => [{ text: 'Done.' }]);
    const t0 = now();
    const task = await tasks.start(`bench start ${run}`, `bench start ${run}`);
    resolved.push(now() - t0);
    await until('the first model request', () => opened[0]?.firstRequest() !== undefined);
    start.push(opened[0].firstRequest()! - t0);
    await until('the task to end', () => task.state === 'idle');
    await closeAll(tasks, opened);
    await worktrees.discard(task.workspace);
  }
  const beyond = start.map((s, i) => s - inStart[i]);
  const later = (xs: number[]) => xs.slice(1);
  const stats = (xs: number[]) => `first ${ms(xs[0])}; p50 ${ms(median(later(xs)))}, max ${ms(Math.max(...later(xs)))}`;
  const list = (xs: number[]) =>
    `(${later(xs)
      .map((x) => x.toFixed(0))
      .join(', ')})`;
  console.log(`(1) creating a background task: a first run (cold process), then ${runs} runs:`);
  console.log(`  GitWorktrees.create                           ${stats(create)} ${list(create)}  goal < 1000 ms`);
  console.log(`  BackgroundTasks.start → first model request   ${stats(start)} ${list(start)}  goal < 1000 ms`);
  console.log(`    of which the worktree (create)              ${stats(inStart)}`);
  console.log(`    the rest (session opened, prompt, request)  ${stats(beyond)}`);
  console.log(`    start() itself resolved after               ${stats(resolved)}`);
  console.log(
    `  baseline: plain git worktree add (checkout)   ${stats(plain)} ${list(plain)} → create ${(median(later(create)) / median(later(plain))).toFixed(2)}× it`,
  );
}

/** A pool of worktrees made beforehand: in (2) tasks must start together, not one worktree creation apart. */
function premade(worktrees: GitWorktrees, pool: TaskWorkspaceInfo[]): TaskWorkspaces {
  let next = 0;
  return {
    unavailable: (origin, signal) => worktrees.unavailable(origin, signal),
    create: async () => pool[next++ % pool.length],
    changes: (info, signal) => worktrees.changes(info, signal),
    keep: (info, message, signal) => worktrees.keep(info, message, signal),
    discard: async (info) => info, // the pool is discarded once, at the end
    sweep: async () => [],
  };
}

/** `steps` read_file calls (different small files), then an answer. */
function readingScript(files: string[], steps: number, task: number): ScriptedTurn[] {
  const turns: ScriptedTurn[] = [];
  for (let s = 0; s < steps; s++) {
    const file = files[(task * 997 + s * 131) % files.length];
    turns.push({ toolCalls: [{ id: `call-${task}-${s}`, name: 'read_file', arguments: JSON.stringify({ path: file }) }] });
  }
  turns.push({ text: 'Read them all.' });
  return turns;
}

interface Round {
  /** Each task's first step: it pays for building the workspace's ignore rules (read_file checks them). */
  first: number[];
  /** Every later step's duration (one model request to the next in its task), all tasks. */
  steps: number[];
  /**
   * Steady-state wall time per step of all tasks together: the span where every task is past its first
   * step and none has finished, divided by the steps that ended in it.
   */
  aggregate: number;
  /** Share of the span the main thread was busy (event-loop utilisation): near 1, the steps queue for it. */
  busy: number;
}

async function concurrent(
  pool: TaskWorkspaces,
  repo: string,
  taskFiles: NodeTaskFiles,
  files: string[],
  n: number,
  steps: number,
): Promise<Round> {
  const { tasks, opened } = backgroundTasks(pool, repo, taskFiles, 3, (i) => readingScript(files, steps, i));
  const elu = performance.eventLoopUtilization();
  const started: BackgroundTask[] = await Promise.all(Array.from({ length: n }, (_, i) => tasks.start(`read ${i}`, `read ${i}`)));
  await until('the tasks to end', () => started.every((t) => t.state === 'idle'));
  const busy = performance.eventLoopUtilization(elu).utilization;
  const stamps = opened.map((o) => o.harness.server.modelRequests().map((r) => r.receivedAt));
  for (const s of stamps) if (s.length !== steps + 1) throw new Error(`a task made ${s.length} model requests, not ${steps + 1}`);
  await closeAll(tasks, opened);
  const from = Math.max(...stamps.map((s) => s[1]));
  const to = Math.min(...stamps.map((s) => s[steps]));
  const ended = stamps.flatMap((s) => s.slice(2)).filter((t) => t > from && t <= to).length;
  return {
    first: stamps.map((s) => s[1] - s[0]),
    steps: stamps.flatMap((s) => s.slice(2).map((t, i) => t - s[i + 1])),
    aggregate: (to - from) / Math.max(1, ended),
    busy,
  };
}

async function perStep(
  repo: string,
  base: string,
  taskFiles: NodeTaskFiles,
  files: string[],
  steps: number,
  rounds: number,
): Promise<void> {
  const worktrees = new GitWorktrees(base);
  const made: TaskWorkspaceInfo[] = [];
  for (let i = 0; i < 3; i++) made.push(await worktrees.create({ taskId: `bench-steps-${i}`, title: `bench steps ${i}`, origin: repo }));
  const pool = premade(worktrees, made);
  // A warm-up task: the first session in a process pays for loading the SDK and JIT; neither side should.
  await concurrent(pool, repo, taskFiles, files, 1, steps);
  const one: Round[] = [];
  const three: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(await concurrent(pool, repo, taskFiles, files, 1, steps));
    three.push(await concurrent(pool, repo, taskFiles, files, 3, steps));
  }
  for (const info of made) await worktrees.discard(info);

  const step = (rs: Round[]) => median(rs.flatMap((r) => r.steps));
  const p95 = (rs: Round[]) => sorted(rs.flatMap((r) => r.steps))[Math.floor(rs.flatMap((r) => r.steps).length * 0.95)];
  const first = (rs: Round[]) => median(rs.flatMap((r) => r.first));
  const aggregate = (rs: Round[]) => median(rs.map((r) => r.aggregate));
  const busy = (rs: Round[]) => median(rs.map((r) => r.busy));
  const line = (label: string, rs: Round[]) =>
    console.log(
      `  ${label}: a task's step p50 ${ms(step(rs))}, p95 ${ms(p95(rs))} (its first step ${ms(first(rs))}); ` +
        `all tasks together ${ms(aggregate(rs))}/step; main thread busy ${(busy(rs) * 100).toFixed(0)}%`,
    );
  console.log(`(2) per-step overhead, ${steps} read_file steps + an answer per task, ${rounds} rounds of each after a warm-up:`);
  line('1 task alone   ', one);
  line('3 tasks at once', three);
  console.log(
    `  3 against 1: a task's step ${(step(three) / step(one)).toFixed(2)}× (how fast each task advances); ` +
      `cost per step ${(aggregate(three) / aggregate(one)).toFixed(2)}× (what running them together adds)  goal ≤ 1.3×`,
  );
  const r = (x: Round) => median(x.steps).toFixed(1);
  console.log(`  rounds (a task's step p50 ms, 1 | 3): ${one.map((o, i) => `${r(o)} | ${r(three[i])}`).join('; ')}`);
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5_000);
  const runs = Number(process.argv[3] ?? 5);
  const steps = Number(process.argv[4] ?? 20);
  const top = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bench-bg-')));
  // Everything the harness makes in the temp folder (checkpoint stores) lands in ours, removed at the end.
  process.env.TMPDIR = top;
  try {
    const repo = path.join(top, 'repo');
    await fs.mkdir(repo);
    let t = performance.now();
    const files = await generateRepo(repo, count, DEPENDENCY_FILES);
    console.log(
      `generated a ${count}-file git repository (+${DEPENDENCY_FILES} ignored in node_modules, 8 edited, 2 untracked, 1 deleted) in ${((performance.now() - t) / 1000).toFixed(1)} s; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const taskFiles = new NodeTaskFiles(path.join(top, 'tasks'));
    t = performance.now();
    await creation(repo, top, taskFiles, runs);
    await perStep(repo, path.join(top, 'worktrees'), taskFiles, files.slice(0, -1), steps, 3);
    console.log(
      `total ${((performance.now() - t) / 1000).toFixed(1)} s; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await fs.rm(top, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
