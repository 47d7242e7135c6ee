import * as assert from 'node:assert/strict';
import { MAX_PROMPT_CHARS, parseWebviewMessage } from '../../src/shared/protocol';

describe('webview message validation', () => {
  it('accepts each known message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'prompt', text: 'fix it' }), { type: 'prompt', text: 'fix it' });
    assert.deepEqual(parseWebviewMessage({ type: 'prompt', text: 'quick', fast: true }), { type: 'prompt', text: 'quick', fast: true });
    assert.deepEqual(parseWebviewMessage({ type: 'prompt', text: 'quick', fast: 'yes' }), { type: 'prompt', text: 'quick' });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel', extra: 1 }), { type: 'cancel' });
    assert.deepEqual(parseWebviewMessage({ type: 'backgroundToggled', on: 'x' }), { type: 'backgroundToggled' });
    assert.deepEqual(parseWebviewMessage({ type: 'fix', action: 'retry' }), { type: 'fix', action: 'retry' });
    assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://example.com' }), {
      type: 'openLink',
      href: 'https://example.com',
    });
  });

  it('drops unknown types and malformed payloads', () => {
    for (const raw of [
      null,
      undefined,
      42,
      'ready',
      [],
      {},
      { type: 'runCommand', command: 'rm -rf /' },
      { type: 'prompt' },
      { type: 'prompt', text: 7 },
      { type: 'prompt', text: '   ' },
      { type: 'prompt', text: 'x'.repeat(MAX_PROMPT_CHARS + 1) },
      { type: 'fix', action: 'deleteEverything' },
      { type: 'openLink', href: {} },
      { type: '__proto__' },
    ]) {
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
    }
  });
});
