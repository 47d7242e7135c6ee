import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenTask } from '../../../src/core/tasks/openTask';
import { DurableTasks } from '../../../src/core/tasks/durableTasks';
import { FileStore } from '../../../src/node/fileStore';
import { NodeTaskFiles } from '../../../src/node/taskFiles';

/** Two tasks as the previous version stored them (snapshot version 1, in the extension's FileStore). */
function writeV1(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const index = [
    { id: 'task-new', title: 'Add a flag', createdAt: 2_000, updatedAt: 3_000, filesTouched: ['cli.ts'], outcome: 'in progress' },
    { id: 'task-old', title: 'Fix the test', createdAt: 1_000, updatedAt: 1_500, filesTouched: [], outcome: 'answered' },
  ];
  fs.writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify(index));
  const snapshot = (prompt: string, extra: object) => ({
    version: 1,
    savedAt: 3_000,
    entries: [{ kind: 'user', id: 'user-1', text: prompt }],
    history: [{ role: 'user', content: prompt }],
    proposals: [],
    lastPrompt: prompt,
    ...extra,
  });
  fs.writeFileSync(
    path.join(dir, 'task-task-new.json'),
    JSON.stringify(
      snapshot('add a --json flag', {
        history: [
          { role: 'user', content: 'add a --json flag' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'run_command', arguments: '{"command":"npm test"}' }] },
        ],
        ledger: {
          goal: 'add a --json flag',
          plan: [{ text: 'parse it', status: 'in_progress' }],
          decisions: [],
          checks: [],
          openQuestions: [],
        },
        audit: [{ at: 2_500, kind: 'command', what: 'npm test', outcome: 'asked', by: 'user' }],
      }),
    ),
  );
  fs.writeFileSync(path.join(dir, 'task-task-old.json'), JSON.stringify(snapshot('fix the test', {})));
}

const noLive = {
  entries: () => [],
  takeEntryChanges: () => ({ reset: false, ids: new Set<string>() }),
  history: () => [],
  proposals: () => [],
  lastPrompt: () => undefined,
  filesWritten: () => [],
  status: () => ({ status: 'done' as const }),
  usage: () => ({ inputTokens: 0, outputTokens: 0, steps: 0, activeMs: 0 }),
  audit: () => [],
  checkpoints: () => undefined,
  ledger: () => ({ plan: [], decisions: [], checks: [], openQuestions: [] }),
  budget: () => undefined,
};

describe('durable tasks: migration of version-1 tasks', () => {
  it('moves every version-1 task into the store once, with its status, ledger and audit, and keeps the old files', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-migrate-'));
    const legacyDir = path.join(root, 'conversations');
    writeV1(legacyDir);
    const files = new NodeTaskFiles(path.join(root, 'tasks'));
    const open = new OpenTask(files, new FileStore(legacyDir), noLive);
    const list = await open.list();
    assert.deepEqual(
      list.map((s) => [s.id, s.title, s.status]),
      [
        ['task-new', 'Add a flag', 'interrupted'],
        ['task-old', 'Fix the test', 'done'],
      ],
    );
    const state = await open.open('task-new');
    assert.equal(state?.summary.goal, 'add a --json flag');
    assert.deepEqual(state?.summary.filesTouched, ['cli.ts']);
    assert.equal(state?.ledger?.plan[0].text, 'parse it');
    assert.equal(state?.audit.length, 1);
    assert.equal(state?.history.length, 2);
    // The old documents stay (a rolled-back version still finds them under the renamed index) …
    assert.ok(fs.existsSync(path.join(legacyDir, 'task-task-new.json')));
    assert.ok(fs.existsSync(path.join(legacyDir, 'tasks.migrated-to-v2.json')));
    assert.equal(fs.existsSync(path.join(legacyDir, 'tasks.json')), false);
    // … and a second start migrates nothing again.
    const again = new OpenTask(new NodeTaskFiles(path.join(root, 'tasks')), new FileStore(legacyDir), noLive);
    assert.equal((await again.list()).length, 2);
    assert.equal((await new DurableTasks(new NodeTaskFiles(path.join(root, 'tasks'))).list()).length, 2);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
