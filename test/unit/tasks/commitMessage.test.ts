import * as assert from 'node:assert/strict';
import { taskCommitMessage } from '../../../src/core/tasks/commitMessage';

describe('tasks/commitMessage: a kept task’s commit message from its ledger', () => {
  it('has the title as subject, then the goal, the files really changed, the checks and decisions', () => {
    const message = taskCommitMessage({
      id: 'task-abc',
      title: 'Add a --json flag to the list command so scripts can read it without parsing tables',
      goal: 'Add a --json flag',
      ledger: {
        goal: 'Add a --json flag to `list`; keep the table as the default.',
        plan: [],
        decisions: [{ decision: 'print one object per line', why: 'streams well' }],
        checks: [
          { command: 'npm test', passed: true },
          { command: 'npm run lint', passed: false },
        ],
        openQuestions: [],
      },
      changes: [
        { path: 'src/list.ts', base: 'a', task: 'b' },
        { path: 'src/json.ts', base: undefined, task: 'c' },
        { path: 'old.ts', base: 'd', task: undefined },
      ],
    });
    assert.equal(
      message,
      [
        'Add a --json flag to the list command so scripts can read it without pa…',
        '',
        'Goal:',
        '  Add a --json flag to `list`; keep the table as the default.',
        '',
        'Changed:',
        '- src/list.ts (modified)',
        '- src/json.ts (added)',
        '- old.ts (deleted)',
        '',
        'Checks:',
        '- npm test: passed',
        '- npm run lint: failed',
        '',
        'Decisions:',
        '- print one object per line (because streams well)',
        '',
        'Fixpoint-Task: task-abc',
        '',
      ].join('\n'),
    );
  });

  it('says when no check ran rather than leaving it out', () => {
    assert.match(
      taskCommitMessage({ id: 't', title: '', goal: 'do it', changes: [] }),
      /^do it\n\nGoal:\n {2}do it\n\nChecks:\n- none run\n/,
    );
  });
});
