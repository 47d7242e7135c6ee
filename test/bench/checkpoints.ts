/**
 * Checkpoints on a 5,000-file workspace (issue 12 benchmark; goals on 2 cores: a snapshot after a 10-file
 * change < 300 ms, a restore < 1 s).
 *
 *   node out/test/bench/checkpoints.js [files] [runs]
 *
 * The workspace is generated (not a git repository, a .gitignore hiding a node_modules of 2,000 files). Each run
 * changes 10 files (8 rewritten, 1 created, 1 deleted) as a command would, times the snapshot taken after it,
 * then records another 10-file change in a turn's checkpoint and times restoring that turn.
 * Not a mocha test (no .test suffix): timings are reported, not asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checkpoints } from '../../src/core/review/checkpoints';
import { FsFileWriter } from '../../src/node/fsWriter';
import { GitWorkspaceSnapshots } from '../../src/node/gitSnapshots';
import { generateWorkspace } from './generatedRepo';

/** What a formatter or generator run does to 10 files: 8 rewritten, 1 created, 1 deleted. */
async function tenFileChange(root: string, files: string[], run: number, phase: string): Promise<void> {
  for (let i = 0; i < 8; i++) await fs.appendFile(path.join(root, files[(run * 37 + i * 101) % files.length]), `// ${phase} ${run}\n`);
  await fs.writeFile(path.join(root, `generated/${phase}-${run}.ts`), `export const run = ${run};\n`);
  await fs.rm(path.join(root, files[(run * 53 + 999) % files.length]), { force: true });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5_000);
  const runs = Number(process.argv[3] ?? 5);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bench-ws-'));
  const store = await fs.mkdtemp(path.join(os.tmpdir(), 'fixpoint-bench-store-'));
  await fs.mkdir(path.join(root, 'generated'));
  const files = await generateWorkspace(root, count, 2_000);
  const snapshots = new GitWorkspaceSnapshots(root, store);
  const checkpoints = new Checkpoints(snapshots, new FsFileWriter(root), { group: () => 'bench', maxBytes: () => 1e12 });

  let t = performance.now();
  await snapshots.take('bench');
  const first = performance.now() - t;

  const snapshot: number[] = [];
  const record: number[] = [];
  const restore: number[] = [];
  let restoredFiles = 0;
  for (let run = 0; run < runs; run++) {
    await tenFileChange(root, files, run, 'command');
    t = performance.now();
    await snapshots.take('bench');
    snapshot.push(performance.now() - t);

    t = performance.now();
    await checkpoints.recordChange(`turn-${run}`, () => tenFileChange(root, files, run, 'turn'));
    record.push(performance.now() - t);

    t = performance.now();
    const report = await checkpoints.restore(`turn-${run}`);
    restore.push(performance.now() - t);
    restoredFiles = report.restored.length;
    if (report.conflicts.length || report.failure) throw new Error(`unexpected restore report: ${JSON.stringify(report)}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`${count} files (+2,000 ignored in node_modules), not a git repository, ${runs} runs`);
  console.log(`first snapshot (cold store)              ${first.toFixed(0)} ms`);
  console.log(`snapshot after a 10-file change          median ${median(snapshot).toFixed(0)} ms  (${list(snapshot)})  goal < 300 ms`);
  console.log(`a 10-file change recorded (2 snapshots)  median ${median(record).toFixed(0)} ms  (${list(record)})`);
  console.log(
    `restore of that turn (${restoredFiles} files)           median ${median(restore).toFixed(0)} ms  (${list(restore)})  goal < 1000 ms`,
  );
  console.log(`store on disk                            ${((await snapshots.usage()) / 1024 / 1024).toFixed(1)} MB`);
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(store, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
