// Checkpoints inside VS Code: a command's writes are reverted by a checkpoint restored after the session was
// dropped and reopened from storage (the task list on disk, the private snapshot store in the extension's
// storage), with the writes going through the editor.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finishAllowingCommands, toolTurns, useFakeModel, waitFor, type TestApi } from './helpers';
import type { FakeOpenAIServer } from '../fakes/openaiServer';

describe('checkpoints in VS Code', () => {
  let server: FakeOpenAIServer;
  let api: TestApi;
  let root: string;
  useFakeModel({}, (suite) => ({ server, api, root } = suite));

  const file = (name: string) => path.join(root, name);
  const read = (name: string) => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);
  afterEach(() => {
    for (const name of ['checkpoint-formatted.txt', 'checkpoint-generated.txt']) fs.rmSync(file(name), { force: true });
  });

  it('a checkpoint restored after a reload-like re-creation of the session reverts what a command wrote', async () => {
    fs.writeFileSync(file('checkpoint-formatted.txt'), 'as the user wrote it\n');
    server.enqueue(
      ...toolTurns(
        'format',
        'run_command',
        { command: "printf 'formatted\\n' > checkpoint-formatted.txt && printf 'generated\\n' > checkpoint-generated.txt" },
        'Formatted and generated.',
      ),
    );
    await finishAllowingCommands(api, api.prompt('format and generate'));
    assert.equal(read('checkpoint-formatted.txt'), 'formatted\n');
    assert.equal(read('checkpoint-generated.txt'), 'generated\n');
    const turn = api.snapshot().entries.find((e) => e.kind === 'user');
    assert.ok(turn?.kind === 'user' && turn.checkpoint === 'available', 'the turn offers a checkpoint');

    // What a reload does to the session: saved, dropped (a new task), and the task reopened from disk.
    await api.session.save();
    api.newTask();
    assert.equal(api.snapshot().entries.length, 0);
    assert.equal(await api.session.restore(), true);
    const reopened = api.snapshot().entries.find((e) => e.kind === 'user');
    assert.ok(reopened?.kind === 'user' && reopened.id === turn.id && reopened.checkpoint === 'available', 'still offered');

    await api.session.checkpoint(turn.id, 'restore');
    assert.equal(read('checkpoint-formatted.txt'), 'as the user wrote it\n', 'the command’s rewrite is reverted');
    assert.equal(read('checkpoint-generated.txt'), undefined, 'the generated file is gone');
    const notice = await waitFor('the restore notice', () =>
      api.snapshot().entries.find((e) => e.kind === 'notice' && /^Restored /.test(e.text)),
    );
    assert.ok(notice.kind === 'notice' && /Checkpoints use [\d.]+ MB of 500\.0 MB/.test(notice.text), 'storage is reported');
    const restored = api.snapshot().entries.find((e) => e.id === turn.id);
    assert.ok(restored?.kind === 'user' && restored.checkpoint === 'restored');

    await api.session.checkpoint(turn.id, 'undo');
    assert.equal(read('checkpoint-formatted.txt'), 'formatted\n');
    assert.equal(read('checkpoint-generated.txt'), 'generated\n');
  });
});
