import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DurableTasks } from '../../../src/core/tasks/durableTasks';
import { replayTask, TaskDiff, UnreadableTaskError } from '../../../src/core/tasks/taskLog';
import { emptyTaskState, type TaskState } from '../../../src/core/tasks/task';
import { NodeTaskFiles } from '../../../src/node/taskFiles';

const REPO = path.resolve(__dirname, '../../../..');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-tasks-'));
}

function step(state: TaskState, n: number): void {
  state.history.push({ role: 'assistant', content: `step ${n}`, toolCalls: [{ id: `c${n}`, name: 'read_file', arguments: '{}' }] });
  state.history.push({ role: 'tool', callId: `c${n}`, content: `result ${n}` });
  state.entries.push({ kind: 'tool', id: `t${n}`, name: 'read_file', summary: `f${n}`, status: 'done' });
  state.summary = { ...state.summary, updatedAt: state.summary.updatedAt + 1 };
}

describe('durable tasks: the log and its snapshot', () => {
  it('a save appends only the step: new history items, the entries it touched, the audit entries it added', () => {
    const state = emptyTaskState('t');
    state.summary.goal = 'g';
    const diff = new TaskDiff(emptyTaskState('t'));
    let seq = 0;
    const first = diff.records(state, { reset: true, ids: new Set() }, () => ++seq);
    assert.deepEqual(
      first.map((r) => r.t),
      ['summary', 'entries'],
    );
    step(state, 1);
    state.audit.push({ at: 1, kind: 'command', what: 'ls', outcome: 'allowed', by: 'user', scope: 'once' } as never);
    const second = diff.records(state, { reset: false, ids: new Set(['t1']) }, () => ++seq);
    assert.deepEqual(
      second.map((r) => r.t),
      ['summary', 'history', 'entries', 'audit'],
    );
    const history = second.find((r) => r.t === 'history');
    assert.ok(history?.t === 'history' && history.from === 0 && history.items.length === 2);
    step(state, 2);
    const third = diff.records(state, { reset: false, ids: new Set(['t2']) }, () => ++seq);
    const h3 = third.find((r) => r.t === 'history');
    assert.ok(h3?.t === 'history' && h3.from === 2 && h3.items.length === 2, 'only the new step');
    const e3 = third.find((r) => r.t === 'entries');
    assert.ok(e3?.t === 'entries' && e3.entries.length === 1 && e3.entries[0].id === 't2');
    assert.deepEqual(
      diff.records(state, { reset: false, ids: new Set() }, () => ++seq),
      [],
      'nothing changed, nothing written',
    );
    // A compaction rewrites the older part: the history record starts where it differs.
    state.history.splice(0, 2, { role: 'user', content: 'summary of step 1' });
    const fourth = diff.records(state, { reset: false, ids: new Set() }, () => ++seq);
    const h4 = fourth.find((r) => r.t === 'history');
    assert.ok(h4?.t === 'history' && h4.from === 0 && h4.items.length === 3);
  });

  it('replays snapshot + log to the same state; records already in the snapshot are skipped; a torn last line is dropped', async () => {
    const dir = tempDir();
    const files = new NodeTaskFiles(dir);
    const tasks = new DurableTasks(files);
    const state = emptyTaskState('task-a');
    state.summary.goal = 'replay';
    const writer = tasks.writer(emptyTaskState('task-a'));
    for (let n = 1; n <= 5; n++) {
      step(state, n);
      await writer.save(state, { reset: n === 1, ids: new Set([`t${n}`]) });
    }
    const loaded = await tasks.load('task-a');
    assert.deepEqual(loaded?.state.history, state.history);
    assert.deepEqual(
      loaded?.state.entries.map((e) => e.id),
      ['t1', 't2', 't3', 't4', 't5'],
    );
    // A crash mid-append leaves half a line at the end: it is dropped, the rest stands.
    fs.appendFileSync(path.join(dir, 'task-a', 'log.jsonl'), '{"seq":99,"t":"history","from":0,"it');
    const torn = await tasks.load('task-a');
    assert.equal(torn?.torn, true);
    assert.equal(torn?.state.history.length, 10);
    // Damage before the end is not silently skipped.
    const log = fs.readFileSync(path.join(dir, 'task-a', 'log.jsonl'), 'utf8').split('\n');
    log[1] = log[1].slice(0, 10);
    fs.writeFileSync(path.join(dir, 'task-a', 'log.jsonl'), log.join('\n'));
    await assert.rejects(tasks.load('task-a'), UnreadableTaskError);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('folds the log into a snapshot once it outgrows it, and still replays exactly', async () => {
    const dir = tempDir();
    const tasks = new DurableTasks(new NodeTaskFiles(dir));
    const state = emptyTaskState('task-big');
    state.summary.goal = 'big';
    const writer = tasks.writer(emptyTaskState('task-big'));
    const big = 'y'.repeat(20_000);
    for (let n = 1; n <= 40; n++) {
      state.history.push({ role: 'tool', callId: `c${n}`, content: `${n} ${big}` });
      await writer.save(state, { reset: false, ids: new Set() });
    }
    const snapshot = fs.readFileSync(path.join(dir, 'task-big', 'snapshot.json'), 'utf8');
    const log = fs.readFileSync(path.join(dir, 'task-big', 'log.jsonl'), 'utf8');
    assert.ok(snapshot.length > 256 * 1024, 'a snapshot was written');
    assert.ok(log.length < snapshot.length, 'the log was emptied when it was folded in');
    const replayed = replayTask(snapshot, log);
    assert.equal(replayed?.state.history.length, 40);
    assert.deepEqual(replayed?.state.history.at(-1), state.history.at(-1));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists tasks from the index; a task no process is writing that was running reads as interrupted', async () => {
    const dir = tempDir();
    const tasks = new DurableTasks(new NodeTaskFiles(dir));
    const state = emptyTaskState('task-run');
    state.summary = { ...state.summary, goal: 'go', title: 'go', status: 'running' };
    const writer = tasks.writer(emptyTaskState('task-run'));
    await writer.save(state, { reset: true, ids: new Set() });
    assert.equal((await tasks.list())[0].status, 'running', 'this process is writing it');
    const reopened = new DurableTasks(new NodeTaskFiles(dir));
    assert.equal((await reopened.list())[0].status, 'interrupted');
    await reopened.rename('task-run', 'renamed');
    assert.equal((await new DurableTasks(new NodeTaskFiles(dir)).list())[0].title, 'renamed');
    assert.equal((await reopened.load('task-run'))?.state.summary.title, 'renamed');
    await reopened.remove('task-run');
    assert.deepEqual(await reopened.list(), []);
    assert.equal(fs.existsSync(path.join(dir, 'task-run')), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives SIGKILL at every step boundary and mid-step (real process): every acknowledged step is there', async function () {
    this.timeout(120_000);
    const kills = [1, 2, 3, 5, 8, 13, 21];
    for (const killAfter of kills) {
      for (const midStep of [false, true]) {
        const dir = tempDir();
        const child = spawn(process.execPath, [path.join(REPO, 'test/fixtures/tasks/stepWriter.js'), REPO, dir, '40'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let acknowledged = 0;
        await new Promise<void>((resolve) => {
          let buffer = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            const saved = [...buffer.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
            acknowledged = Math.max(acknowledged, ...saved, 0);
            if (acknowledged >= killAfter) {
              // Mid-step: let the next save start writing before the kill lands.
              if (midStep) setImmediate(() => child.kill('SIGKILL'));
              else child.kill('SIGKILL');
              resolve();
            }
          });
        });
        await new Promise((resolve) => child.once('exit', resolve));
        const loaded = await new DurableTasks(new NodeTaskFiles(dir)).load('task-crash');
        const steps = (loaded?.state.history.length ?? 0) / 2;
        assert.ok(steps >= acknowledged, `killed after ${acknowledged} acknowledged steps (mid-step ${midStep}): ${steps} on disk`);
        assert.ok(steps <= acknowledged + 1, 'at most the step in flight more');
        assert.equal(loaded?.state.entries.length, steps, 'the cards of the same steps');
        assert.equal((await new DurableTasks(new NodeTaskFiles(dir)).list())[0]?.status, 'interrupted');
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
