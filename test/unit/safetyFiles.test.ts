import * as assert from 'node:assert/strict';
import { engineFor } from './policy/engineFor';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../../src/node/processRunner';
import { describeRun, OUTPUT_CAP_CHARS } from '../../src/core/tools/runCommand';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { createAgentHarness, type AgentHarness, patchArgs as patch } from './agent/harness';

describe('file, output and message safety', () => {
  let h: AgentHarness | undefined;
  afterEach(() => h?.dispose());

  it('SAFETY §7: CRLF, mixed endings, BOM and a missing final newline survive review and write byte for byte', async () => {
    const files = {
      'crlf.txt': 'one\r\ntwo\r\nthree\r\n',
      'mixed.txt': 'a\r\nb\nc\r\nd\n',
      'bom.txt': '\uFEFFalpha\nbeta\n',
      'nofinal.txt': 'x\ny',
    };
    h = await createAgentHarness(files);
    h.server.enqueue(
      {
        toolCalls: [
          {
            name: 'apply_patch',
            arguments: patch(
              '*** Update File: crlf.txt\n one\n-two\n+TWO\n three\n*** Update File: mixed.txt\n a\n-b\n+B\n c\n*** Update File: bom.txt\n-alpha\n+ALPHA\n beta\n*** Update File: nofinal.txt\n-x\n+X\n y\n',
            ),
          },
        ],
      },
      { text: 'ok' },
    );
    h.onProposal = (entry) => h!.session.review(entry.id, undefined, true);
    await h.session.prompt('edit');
    const bytes = (f: string) => fs.readFileSync(path.join(h!.root, f), 'utf8');
    assert.equal(bytes('crlf.txt'), 'one\r\nTWO\r\nthree\r\n');
    assert.equal(bytes('mixed.txt'), 'a\r\nB\nc\r\nd\n');
    assert.equal(bytes('bom.txt'), '\uFEFFALPHA\nbeta\n');
    assert.equal(bytes('nofinal.txt'), 'X\ny');
  });

  it('SAFETY §16: endless output is capped (head and tail kept), ANSI stripped, and the process group killed on timeout', async () => {
    const started = Date.now();
    const result = await runProcess(
      `node -e "let i=0; setInterval(()=>{ for(let j=0;j<2000;j++) console.log('\\u001b[32mline '+(i++)+'\\u001b[0m') }, 1)" & sleep 60`,
      {
        cwd: process.cwd(),
        timeoutMs: 1500,
        signal: new AbortController().signal,
      },
    );
    assert.equal(result.timedOut, true);
    assert.ok(Date.now() - started < 10_000, 'killed promptly');
    const described = describeRun(result, { policy: engineFor(process.cwd()) });
    assert.match(described.output, /^timed out after/);
    assert.ok(described.output.length < OUTPUT_CAP_CHARS + 200, `capped: ${described.output.length}`);
    assert.match(described.output, /characters omitted/);
    assert.doesNotMatch(described.output, /\u001b/);
    assert.match(described.output, /\nline 0\n/, 'the head is kept');
  });

  it('SAFETY §17: commands run without the API key and other secrets in their environment', async () => {
    process.env.OPENAI_API_KEY = 'sk-should-not-leak';
    process.env.GITHUB_TOKEN = 'ghp-should-not-leak';
    try {
      const result = await runProcess('env', { cwd: process.cwd(), timeoutMs: 10_000, signal: new AbortController().signal });
      assert.doesNotMatch(result.output, /should-not-leak/);
      assert.match(result.output, /PATH=/);
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('SAFETY §22: messages from the webview are validated and unknown types dropped', () => {
    assert.equal(parseWebviewMessage({ type: 'runCommand', command: 'rm -rf ~' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'approve', id: 'x', decision: 'yes-all' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'review', id: 'p', path: 42, decision: 'accept' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'approve', id: 'a-1', decision: 'once' }), {
      type: 'approve',
      id: 'a-1',
      decision: 'once',
    });
  });
});
