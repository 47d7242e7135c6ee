import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { sseFixture } from '../fakes/sseFixtures';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
/** The CLI keeps checkpoints under $XDG_CACHE_HOME and tasks under $XDG_STATE_HOME: temp folders here, not the user's. */
const CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-cli-cache-'));
const STATE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-cli-state-'));

function cli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, OPENAI_API_KEY: '', XDG_CACHE_HOME: CACHE_HOME, XDG_STATE_HOME: STATE_HOME, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('headless CLI', () => {
  let server: FakeOpenAIServer;
  let dir: string;
  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-cli-')));
    fs.writeFileSync(path.join(dir, 'greet.js'), "console.log('hello');\n");
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  after(() => {
    fs.rmSync(CACHE_HOME, { recursive: true, force: true });
    fs.rmSync(STATE_HOME, { recursive: true, force: true });
  });

  const editTurns = () => {
    server.enqueue(
      {
        toolCalls: [
          {
            name: 'apply_patch',
            arguments: JSON.stringify({
              patch: "*** Begin Patch\n*** Update File: greet.js\n-console.log('hello');\n+console.log('hello, world');\n*** End Patch\n",
            }),
          },
        ],
      },
      { toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: 'node greet.js' }) }] },
      { text: 'Done: it greets the world.' },
    );
  };

  it('exec --yes streams the task, prints the diff, applies the edit, runs the command and exits 0', async () => {
    editTurns();
    const result = await cli(['exec', 'greet the world', '--cwd', dir, '--yes', '--model', 'fake-model', '--verify', 'off'], {
      env: { OPENAI_BASE_URL: server.url },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Done: it greets the world\./);
    assert.match(result.stderr, /-console\.log\('hello'\);\n\+console\.log\('hello, world'\);/);
    assert.match(result.stderr, /hello, world/, 'the command ran and its output was shown');
    assert.equal(fs.readFileSync(path.join(dir, 'greet.js'), 'utf8'), "console.log('hello, world');\n");
    assert.equal(server.modelRequests()[0].body.model, 'fake-model');
    const store = path.join(CACHE_HOME, 'fixpoint', 'checkpoints', createHash('sha256').update(dir).digest('hex').slice(0, 16));
    assert.ok(fs.existsSync(path.join(store, 'HEAD')), 'the edit was checkpointed in the CLI cache, outside the workspace');
    assert.equal(fs.existsSync(path.join(dir, '.git')), false);
  });

  it('without a terminal and without --yes nothing is approved, and it says so', async () => {
    editTurns();
    const result = await cli(['exec', 'greet the world', '--cwd', dir, '--verify', 'off'], { env: { OPENAI_BASE_URL: server.url } });
    assert.match(result.stderr, /Rejected \(no terminal to ask; use --yes/);
    assert.match(result.stderr, /Denied \(no terminal to ask; use --yes or --allow\): node greet\.js/);
    assert.equal(fs.readFileSync(path.join(dir, 'greet.js'), 'utf8'), "console.log('hello');\n");
  });

  it('--yes still refuses dangerous commands', async () => {
    server.enqueue({ toolCalls: [{ name: 'run_command', arguments: JSON.stringify({ command: 'rm -rf greet.js' }) }] }, { text: 'ok' });
    const result = await cli(['exec', 'clean', '--cwd', dir, '--yes'], { env: { OPENAI_BASE_URL: server.url } });
    assert.match(result.stderr, /Refused \(dangerous commands need an interactive yes/);
    assert.equal(fs.existsSync(path.join(dir, 'greet.js')), true);
  });

  it("--mcp-config: the servers' tools are offered, asked like commands (--yes approves), and their results reach the model", async () => {
    const everything = path.resolve(__dirname, '../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
    fs.writeFileSync(
      path.join(dir, 'mcp.json'),
      JSON.stringify({ servers: { everything: { command: process.execPath, args: [everything] } } }),
    );
    server.enqueue(
      { toolCalls: [{ id: 'echo', name: 'mcp__everything__echo', arguments: JSON.stringify({ message: 'from the CLI' }) }] },
      { text: 'ok' },
    );
    const result = await cli(['exec', 'echo', '--cwd', dir, '--yes', '--mcp-config', path.join(dir, 'mcp.json')], {
      env: { OPENAI_BASE_URL: server.url },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /mcp: everything\/echo/);
    const messages = server.modelRequests()[1].body.messages as Array<{ role: string; content: string }>;
    assert.equal(messages.find((m) => m.role === 'tool')?.content, 'Echo: from the CLI');
  });

  it('--mcp-config with a broken file is bad usage, said clearly', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ "servers": { "x": { "type": "stdio" } } }');
    const result = await cli(['exec', 'x', '--cwd', dir, '--mcp-config', path.join(dir, 'bad.json')], {
      env: { OPENAI_BASE_URL: server.url },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /MCP server "x": "command" is missing/);
  });

  it('--yes does not replace an existing file: that needs an interactive yes, like a protected path', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me\n');
    server.enqueue(
      {
        toolCalls: [
          { name: 'apply_patch', arguments: JSON.stringify({ patch: '*** Begin Patch\n*** Add File: notes.txt\n+new\n*** End Patch\n' }) },
        ],
      },
      { text: 'ok' },
    );
    const result = await cli(['exec', 'rewrite notes', '--cwd', dir, '--yes'], { env: { OPENAI_BASE_URL: server.url } });
    assert.match(result.stderr, /Not applied: notes\.txt would replace the existing notes\.txt and needs an interactive yes/);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'keep me\n');
  });

  it('reasoning in array content (Mistral) is printed apart from the answer, and only when asked for off a terminal', async () => {
    for (const show of [true, false]) {
      server.enqueue({ rawSse: sseFixture('mistral-magistral-thinking') });
      const args = ['exec', 'add 2 and 3', '--cwd', dir, '--model', 'magistral-medium-2509', ...(show ? ['--show-reasoning'] : [])];
      const result = await cli(args, { env: { OPENAI_BASE_URL: server.url } });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "I'll both add them: 2 + 3 = 5.\n", 'stdout carries the answer alone');
      if (show) assert.match(result.stderr, /\nThinking: The user wants both numbers added together\.\n/);
      else assert.doesNotMatch(result.stderr, /The user wants/);
    }
  });

  it('the context window the server runs the model with is used and named, unless FIXPOINT_CONTEXT_WINDOW is set', async () => {
    const ollama = await FakeOpenAIServer.start({ routes: { 'POST /api/show': { parameters: 'num_ctx 8192', model_info: {} } } });
    try {
      for (const set of [false, true]) {
        ollama.enqueue({ text: 'hi' });
        const env = { OPENAI_BASE_URL: ollama.url, ...(set ? { FIXPOINT_CONTEXT_WINDOW: '50000' } : {}) };
        const result = await cli(['exec', 'hi', '--cwd', dir, '--model', 'qwen3:8b'], { env });
        assert.equal(result.code, 0, result.stderr);
        if (set) assert.doesNotMatch(result.stderr, /Context window:/);
        else assert.match(result.stderr, /Context window: 8192 tokens \(from Ollama’s num_ctx for this model\)\./);
      }
      assert.deepEqual(ollama.requests.filter((r) => r.path === '/api/show').length, 1, 'asked only when not set');
    } finally {
      await ollama.close();
    }
  });

  it('a missing endpoint key is a clear error with exit code 1', async () => {
    const result = await cli(['exec', 'hi', '--cwd', dir], { env: { OPENAI_BASE_URL: '' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No API key is set for OpenAI/);
  });

  it('apply-patch applies a patch from stdin, or writes nothing and exits 1', async () => {
    const good = await cli(['apply-patch', '--cwd', dir], {
      stdin:
        "*** Begin Patch\n*** Update File: greet.js\n-console.log('hello');\n+console.log('hi');\n*** Add File: new.txt\n+new\n*** End Patch\n",
    });
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /M greet\.js\nA new\.txt/);
    assert.equal(fs.readFileSync(path.join(dir, 'greet.js'), 'utf8'), "console.log('hi');\n");
    const bad = await cli(['apply-patch', '--cwd', dir], {
      stdin: '*** Begin Patch\n*** Update File: greet.js\n-nothing like this\n+x\n*** Add File: other.txt\n+x\n*** End Patch\n',
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error: .*Nothing was written/s);
    assert.equal(fs.existsSync(path.join(dir, 'other.txt')), false);
  });

  it('--help (and -h) on each command prints its usage and exits 0', async () => {
    for (const args of [['--help'], ['exec', '--help'], ['exec', '-h'], ['exec', 'some task', '--help'], ['apply-patch', '--help']]) {
      const result = await cli(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(
        result.stdout,
        args[0] === 'apply-patch' ? /^Usage: fixpoint apply-patch/ : /^Usage:\n {2}fixpoint exec/,
        args.join(' '),
      );
      assert.equal(result.stderr, '');
    }
  });

  it('bad usage exits 2 with the help text', async () => {
    const result = await cli(['exec', '--wire', 'soap', 'x']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--wire must be one of chat, responses/);
  });

  it('SIGKILL mid-task, then `fixpoint resume` finishes it from the last step; no tool runs twice; `tasks` lists it', async function () {
    this.timeout(60_000);
    const env = { OPENAI_BASE_URL: server.url, FIXPOINT_CONTEXT_WINDOW: '64000' };
    const count = "require('fs').appendFileSync('count.txt', 'ran\\n')";
    server.enqueue(
      { toolCalls: [{ id: 'once', name: 'run_command', arguments: JSON.stringify({ command: `node -e "${count}"` }) }] },
      // The next request hangs: the process is killed while the model is "thinking".
      { text: 'never sent', stallAfterChunks: 0 },
    );
    const child = spawn(process.execPath, [CLI, 'exec', '--cwd', dir, '--allow', 'node', 'count how often this runs'], {
      env: { ...process.env, OPENAI_API_KEY: '', XDG_CACHE_HOME: CACHE_HOME, XDG_STATE_HOME: STATE_HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (let i = 0; i < 400 && server.modelRequests().length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(server.modelRequests().length, 2, 'the second request arrived');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(fs.readFileSync(path.join(dir, 'count.txt'), 'utf8'), 'ran\n');

    const listed = await cli(['tasks', '--cwd', dir, '--json'], { env });
    const tasks = JSON.parse(listed.stdout) as Array<{ id: string; status: string; title: string }>;
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].status, 'interrupted');
    assert.equal(tasks[0].title, 'count how often this runs');
    const table = await cli(['tasks', '--cwd', dir], { env });
    assert.match(
      table.stdout,
      new RegExp(`^ID +STATUS +CHECKS +AGE +COST +TITLE\\n${tasks[0].id} +interrupted +passed +0m +- +count how often`),
    );

    server.enqueue({ text: 'It ran once.' });
    const resumed = await cli(['resume', tasks[0].id, '--cwd', dir, '--allow', 'node'], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /It ran once\./);
    assert.equal(fs.readFileSync(path.join(dir, 'count.txt'), 'utf8'), 'ran\n', 'the command did not run again');
    const last = server.modelRequests().at(-1)!.body.messages as Array<{ role: string; tool_call_id?: string; content: string }>;
    const result = last.find((m) => m.role === 'tool' && m.tool_call_id === 'once');
    assert.match(result?.content ?? '', /exit code 0|exited with 0|Exit code: 0|\(exit 0\)/i, 'the real result, recorded before the kill');
    const shown = await cli(['tasks', 'show', tasks[0].id, '--cwd', dir], { env });
    assert.match(shown.stdout, /status: done/);
    assert.match(shown.stdout, /Goal: count how often this runs/);
    assert.match(shown.stdout, /node -e/, 'the ledger lists the check that ran');
  });
});
