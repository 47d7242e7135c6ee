import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Entry } from '../../src/shared/protocol';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { updatePatch } from '../fakes/turns';
import { closeAllEditors, setSetting, waitFor, type TestApi, useFakeModel } from './helpers';

type VerificationEntry = Extract<Entry, { kind: 'verification' }>;

const ORIGINAL = '  return values.reduce(add, 0) / values.length;';
const WRONG = '  return values.reduce(add, 0) / (values.length + 1);';
const RIGHT = '  return values.length === 0 ? 0 : values.reduce(add, 0) / values.length;';

/** Verified, self-healing edits with the real terminal, real tasks and real processes (issue 5). */
describe('verification in the integrated terminal', function () {
  this.timeout(120_000);
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;
  let calc: string;
  let original: string;
  let stopAccepting = false;

  /** Plays the user: accepts every proposal and approves every command, as soon as they appear. */
  async function actAsUser(): Promise<void> {
    while (!stopAccepting) {
      for (const entry of api.snapshot().entries) {
        if (entry.kind === 'proposal' && entry.state === 'pending') api.session.review(entry.id, undefined, true);
        if (entry.kind === 'approval' && entry.state === 'pending') api.session.approve(entry.id, 'once');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const verification = () => api.snapshot().entries.find((e): e is VerificationEntry => e.kind === 'verification');
  const processRunning = (marker: string) =>
    execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .some((line) => line.includes(marker) && !line.includes('ps -eo'));

  useFakeModel({ 'verify.when': 'after-accept' }, (suite) => ({ server, api, root } = suite));
  before(() => {
    calc = path.join(root, 'src', 'calc.js');
    original = readFileSync(calc, 'utf8');
  });
  beforeEach(() => {
    stopAccepting = false;
    void actAsUser();
  });
  afterEach(async () => {
    stopAccepting = true;
    api.newTask();
    writeFileSync(calc, original);
    await setSetting('verify.command', undefined);
    await setSetting('verify.timeoutMs', undefined);
    await closeAllEditors();
  });
  it('a wrong fix fails the real node:test run, the model sees the failure and fixes it: green after 2 runs', async () => {
    await setSetting('verify.command', 'node --test test/');
    server.enqueue(
      {
        toolCalls: [
          {
            id: 'wrong',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${ORIGINAL}`, `+${WRONG}`]]) }),
          },
        ],
      },
      { text: 'Fixed the empty case.' },
      {
        toolCalls: [
          {
            id: 'right',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${WRONG}`, `+${RIGHT}`]]) }),
          },
        ],
      },
      { text: 'Now the average of nothing is 0 and the others are right.' },
    );
    assert.equal(await api.prompt('Make the failing test pass.'), 'answered');

    const entry = verification();
    assert.ok(entry, 'a verification timeline is shown');
    assert.equal(entry.status, 'passed');
    assert.deepEqual(
      entry.attempts.map((a) => [a.state, a.exitCode]),
      [
        ['failed', 1],
        ['passed', 0],
      ],
    );
    assert.ok(
      entry.attempts[0].failures.some((f) => /average/.test(f)),
      JSON.stringify(entry.attempts[0].failures),
    );
    assert.equal(entry.attempts[0].fix, 'edited src/calc.js');
    assert.match(readFileSync(calc, 'utf8'), /values\.length === 0 \? 0/);
    const feedback = JSON.stringify(server.modelRequests()[2].body.messages.at(-1));
    assert.match(feedback, /node --test test\/.*failed \(run 1 of 3\)/);
    assert.ok(
      vscode.window.terminals.some((t) => t.name === 'Fixpoint'),
      'it ran in the integrated terminal',
    );
  });

  it('runs a VS Code task of the test group when no command is set, with its exit code', async () => {
    const tasksFile = path.join(root, '.vscode', 'tasks.json');
    mkdirSync(path.dirname(tasksFile), { recursive: true });
    writeFileSync(
      tasksFile,
      JSON.stringify({
        version: '2.0.0',
        tasks: [{ label: 'unit tests', type: 'shell', command: 'node --test test/', group: 'test', problemMatcher: [] }],
      }),
    );
    try {
      await waitFor('VS Code to load the task', async () => (await vscode.tasks.fetchTasks()).some((t) => t.name === 'unit tests'));
      server.enqueue(
        {
          toolCalls: [
            {
              id: 'right',
              name: 'apply_patch',
              arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${ORIGINAL}`, `+${RIGHT}`]]) }),
            },
          ],
        },
        { text: 'Fixed.' },
      );
      await api.prompt('Fix average of an empty list.');
      const entry = verification();
      assert.ok(entry);
      assert.equal(entry.command, 'task: unit tests');
      assert.match(entry.why, /task/i);
      assert.deepEqual(
        entry.attempts.map((a) => [a.state, a.exitCode]),
        [['passed', 0]],
      );
    } finally {
      rmSync(path.dirname(tasksFile), { recursive: true, force: true });
    }
  });

  it('a hanging check is killed at the timeout', async () => {
    const marker = `fixpoint-hang-${Date.now()}`;
    await setSetting('verify.command', `node -e "setTimeout(() => {}, 600000)" ${marker}`);
    await setSetting('verify.timeoutMs', 3000);
    server.enqueue(
      {
        toolCalls: [
          {
            id: 'right',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${ORIGINAL}`, `+${RIGHT}`]]) }),
          },
        ],
      },
      { text: 'Fixed.' },
      { text: 'The check hangs; I cannot fix that from here.' },
    );
    await api.prompt('Fix average of an empty list.');
    const entry = verification();
    assert.ok(entry);
    assert.equal(entry.attempts[0].state, 'timed-out');
    await waitFor('the hanging process to be gone', () => !processRunning(marker), 10_000);
  });

  it('Stop during a check kills it, and the timeline says stopped', async () => {
    const marker = `fixpoint-stop-${Date.now()}`;
    await setSetting('verify.command', `node -e "setTimeout(() => {}, 600000)" ${marker}`);
    server.enqueue(
      {
        toolCalls: [
          {
            id: 'right',
            name: 'apply_patch',
            arguments: JSON.stringify({ patch: updatePatch('src/calc.js', [[`-${ORIGINAL}`, `+${RIGHT}`]]) }),
          },
        ],
      },
      { text: 'Fixed.' },
    );
    const done = api.prompt('Fix average of an empty list.');
    await waitFor('the check to be running', () => verification()?.attempts[0]?.state === 'running' && processRunning(marker));
    api.cancel();
    await done;
    assert.equal(verification()?.status, 'stopped');
    await waitFor('the stopped process to be gone', () => !processRunning(marker), 10_000);
  });
});
