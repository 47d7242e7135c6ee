import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as os from 'node:os';
import * as fs from 'node:fs';
import { formatTaskList } from '../../../src/cli/tasks';
import { taskRowDescription } from '../../../src/core/tasks/taskRows';
import { NodeTaskFiles } from '../../../src/node/taskFiles';
import { createAgentHarness, type AgentHarness } from './harness';

// Issue 12: the task ledger — goal, plan, decisions, checks — travels with every request, verbatim, however
// often the conversation is compacted, and comes back with the task.
describe('task ledger', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  const LEDGER = [
    '## Task ledger (kept by Fixpoint outside the conversation; it survives compaction)',
    'Goal: add a --json flag to the CLI',
    'Plan:',
    '- [x] read the argument parser',
    '- [~] add the flag',
    'Decisions:',
    '- use node:util parseArgs — because it is already a dependency-free choice in this codebase',
    'Checks run:',
    '- node -e "process.exit(0)": passed',
    'Open questions:',
    '- should --json also cover errors?',
  ].join('\n');

  it('is in the system prompt of every request, verbatim, after several compactions, and survives a reload', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ledger-')));
    const tasks = { files: new NodeTaskFiles(path.join(root, '.state')) };
    h = await createAgentHarness({}, { contextWindow: 192_000, autoCompact: false }, { root, tasks });
    h.allow.push('node');
    const plan = {
      steps: [
        { text: 'read the argument parser', status: 'completed' },
        { text: 'add the flag', status: 'in_progress' },
      ],
    };
    const decision = {
      decision: 'use node:util parseArgs',
      why: 'it is already a dependency-free choice in this codebase',
      open_questions: ['should --json also cover errors?'],
    };
    h.server.enqueue(
      { toolCalls: [{ id: 'p', name: 'update_plan', arguments: JSON.stringify(plan) }] },
      { toolCalls: [{ id: 'd', name: 'record_decision', arguments: JSON.stringify(decision) }] },
      { toolCalls: [{ id: 'c', name: 'run_command', arguments: JSON.stringify({ command: 'node -e "process.exit(0)"' }) }] },
      { text: 'one' },
      { text: '- summary one' },
      { text: 'two' },
      { text: '- summary two' },
      { text: 'three' },
    );
    await h.session.prompt('add a --json flag to the CLI');
    assert.equal(await h.session.prompt('/compact'), 'answered');
    await h.session.prompt('second');
    assert.equal(await h.session.prompt('/compact'), 'answered');
    await h.session.prompt('third');
    const system = (h.server.modelRequests().at(-1)!.body.messages as Array<{ role: string; content: string }>)[0];
    assert.equal(system.role, 'system');
    assert.ok(system.content.endsWith(LEDGER), `the ledger, verbatim, ends the system prompt:\n${system.content.slice(-800)}`);

    await h.session.shutdown();
    await h.server.close(); // Not dispose(): that removes the folder the next window reopens.
    h = await createAgentHarness({}, {}, { root, tasks });
    assert.equal(await h.session.restore(), true);
    h.server.enqueue({ text: 'four' });
    await h.session.prompt('fourth');
    const after = (h.server.modelRequests().at(-1)!.body.messages as Array<{ content: string }>)[0].content;
    assert.ok(after.endsWith(LEDGER), 'the ledger came back with the task');
    const cards = h.entries('ledger');
    assert.equal(cards.length, 1, 'one ledger card, updated in place');
    assert.ok(cards[0].kind === 'ledger' && cards[0].text === LEDGER);
    const [summary] = await h.session.tasks.list();
    assert.equal(summary.checks, 'passed', 'the task list knows its checks passed');
    assert.match(taskRowDescription(summary, Date.now()), /^done · ✓ verified · \d+m ago$/);
  });

  it('a task whose latest check failed says so in the task list', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-ledger-')));
    h = await createAgentHarness({}, {}, { root, tasks: { files: new NodeTaskFiles(path.join(root, '.state')) } });
    h.allow.push('node');
    h.server.enqueue(
      { toolCalls: [{ id: 'c', name: 'run_command', arguments: JSON.stringify({ command: 'node -e "process.exit(3)"' }) }] },
      { text: 'The check fails.' },
    );
    await h.session.prompt('run the check');
    await h.session.save();
    const [summary] = await h.session.tasks.list();
    assert.equal(summary.checks, 'failed');
    assert.match(taskRowDescription(summary, Date.now()), /^done · ✗ check failed · /);
    assert.match(formatTaskList([summary], Date.now()), /^ID +STATUS +CHECKS .*\n\S+ +done +failed /);
  });
});
