import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeTaskFiles } from '../../../src/node/taskFiles';
import { createAgentHarness, type AgentHarness, patchArgs as patch } from './harness';

const read = (h: AgentHarness, file: string) => fs.readFileSync(path.join(h.root, file), 'utf8');

describe('checkpoints', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  async function editTurn(): Promise<string> {
    h.server.enqueue(
      { toolCalls: [{ name: 'apply_patch', arguments: patch('*** Update File: a.txt\n-a\n+A\n*** Add File: new.txt\n+fresh\n') }] },
      { text: 'edited' },
    );
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    await h.session.prompt('edit');
    const user = h.entries('user').at(-1)!;
    assert.ok(user.kind === 'user' && user.checkpoint === 'available', 'the turn offers a checkpoint');
    return user.id;
  }

  it('SAFETY §29: restore reverts only the files the agent changed, and can be undone', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n', 'user.txt': 'mine\n' });
    const turn = await editTurn();
    fs.writeFileSync(path.join(h.root, 'user.txt'), 'mine, edited by the user\n');
    assert.equal(read(h, 'a.txt'), 'A\n');
    await h.session.checkpoint(turn, 'restore');
    assert.equal(read(h, 'a.txt'), 'a\n');
    assert.equal(fs.existsSync(path.join(h.root, 'new.txt')), false, 'the created file is removed');
    assert.equal(read(h, 'user.txt'), 'mine, edited by the user\n', 'other files are untouched');
    const user = h.entries('user').at(-1)!;
    assert.ok(user.kind === 'user' && user.checkpoint === 'restored');
    await h.session.checkpoint(turn, 'undo');
    assert.equal(read(h, 'a.txt'), 'A\n');
    assert.equal(read(h, 'new.txt'), 'fresh\n');
  });

  it('SAFETY §29: a file the user edited after the agent is left alone on restore', async () => {
    h = await createAgentHarness({ 'a.txt': 'a\n' });
    const turn = await editTurn();
    fs.writeFileSync(path.join(h.root, 'a.txt'), 'A\nuser line\n');
    await h.session.checkpoint(turn, 'restore');
    assert.equal(read(h, 'a.txt'), 'A\nuser line\n');
    assert.equal(fs.existsSync(path.join(h.root, 'new.txt')), false);
    assert.ok(
      h
        .entries('notice')
        .some((e) => e.kind === 'notice' && /Left alone \(you changed them since the agent's last write.*\): a\.txt/.test(e.text)),
    );
  });

  it('a command that writes gets a checkpoint; restored after the session is re-created (a reload), it reverts the file', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-agent-')));
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-state-'));
    const checkpointDir = path.join(state, 'checkpoints');
    const tasks = { files: new NodeTaskFiles(path.join(state, 'conversations')) };
    fs.writeFileSync(path.join(root, 'a.txt'), 'before\n');
    const first = await createAgentHarness({}, {}, { root, tasks, checkpointDir });
    first.onApproval = (entry) => first.session.approve(entry.id, 'once');
    first.server.enqueue(
      {
        toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: "printf 'by the command\\n' > a.txt && rm -f nothing" }) }],
      },
      { text: 'done' },
    );
    await first.session.prompt('rewrite a.txt with a command');
    assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'by the command\n');
    const turn = first.entries('user').at(-1)!;
    assert.ok(turn.kind === 'user' && turn.checkpoint === 'available', "the command's turn offers a checkpoint");
    await first.session.shutdown();
    await first.server.close();

    h = await createAgentHarness({}, {}, { root, tasks, checkpointDir });
    assert.equal(await h.session.restore(), true);
    const restoredTurn = h.entries('user').at(-1)!;
    assert.ok(restoredTurn.kind === 'user' && restoredTurn.checkpoint === 'available', 'still offered after the reload');
    await h.session.checkpoint(restoredTurn.id, 'restore');
    assert.equal(read(h, 'a.txt'), 'before\n');
    fs.rmSync(state, { recursive: true, force: true });
  });

  it('a read-only command takes no snapshot at all', async () => {
    const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-checkpoints-'));
    h = await createAgentHarness({ 'a.txt': 'a\n' }, {}, { checkpointDir });
    h.server.enqueue({ toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: 'cat a.txt' }) }] }, { text: 'read it' });
    await h.session.prompt('show a.txt');
    assert.ok(
      h.entries('tool').some((e) => e.kind === 'tool' && e.status === 'done'),
      'the command ran',
    );
    assert.equal(fs.existsSync(path.join(checkpointDir, 'HEAD')), false, 'the snapshot store was never opened');
    fs.rmSync(checkpointDir, { recursive: true, force: true });
  });
});
