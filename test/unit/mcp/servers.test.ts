import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mcpResultText } from '../../../src/core/mcp/toolMapping';
import type { McpServerConfig } from '../../../src/core/mcp/types';
import { McpConnection } from '../../../src/node/mcp/connection';

// Real MCP servers from npm, started by the tests (issue 15): the reference "everything" server over stdio,
// streamable HTTP and the older HTTP+SSE, the filesystem server on a temp folder, the memory server.
const bin = (pkg: string) => path.resolve(__dirname, '../../../../node_modules/@modelcontextprotocol', pkg, 'dist/index.js');
const stdio = (pkg: string, ...args: string[]): McpServerConfig => ({
  type: 'stdio',
  command: process.execPath,
  args: [bin(pkg), ...args],
  env: {},
});
const signal = () => new AbortController().signal;

async function httpServer(mode: 'streamableHttp' | 'sse'): Promise<{ url: string; child: ChildProcess }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [bin('server-everything'), mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${mode} server did not start`)), 15_000);
    const onData = (chunk: Buffer) => {
      if (/running on port|listening/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
  });
  return { url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`, child };
}

describe('MCP servers (real servers from npm)', function () {
  this.timeout(60_000);
  const open: McpConnection[] = [];
  const connect = (name: string, config: McpServerConfig, options = {}) => {
    const c = new McpConnection(name, config, options);
    open.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.dispose()));
  });

  it('everything over stdio: tools listed with their hints; text, image, links, resources and structured results mapped', async () => {
    const c = connect('everything', stdio('server-everything'));
    const tools = await c.listTools();
    const echo = tools.find((t) => t.name === 'echo');
    assert.equal(echo?.annotations?.readOnlyHint, true);
    assert.equal(mcpResultText(await c.callTool('echo', { message: 'hi' }, signal())), 'Echo: hi');
    assert.match(mcpResultText(await c.callTool('get-tiny-image', {}, signal())), /\[image: image\/png, 4,033 bytes\]/);
    assert.match(mcpResultText(await c.callTool('get-resource-links', { count: 2 }, signal())), /\[link: [^\]]+\]/);
    assert.match(
      mcpResultText(await c.callTool('get-resource-reference', { resourceType: 'Text', resourceId: 1 }, signal())),
      /\[resource [^\]]+\]/,
    );
    assert.match(mcpResultText(await c.callTool('get-structured-content', { location: 'Chicago' }, signal())), /temperature|Chicago/i);
  });

  it('SAFETY §36: a tool error (isError) comes back as such, and a server never gets Fixpoint’s credentials', async () => {
    process.env.FIXPOINT_TEST_SECRET_TOKEN = 'sk-test-should-not-leak-0123456789';
    try {
      const c = connect('everything', stdio('server-everything'));
      const env = mcpResultText(await c.callTool('get-env', {}, signal()));
      assert.doesNotMatch(env, /sk-test-should-not-leak/);
      const bad = await c
        .callTool('get-sum', { a: 'not a number' }, signal())
        .catch((err: Error) => ({ isError: true, content: [{ type: 'text' as const, text: err.message }] }));
      assert.equal(bad.isError, true);
    } finally {
      delete process.env.FIXPOINT_TEST_SECRET_TOKEN;
    }
  });

  for (const mode of ['streamableHttp', 'sse'] as const) {
    it(`everything over ${mode === 'sse' ? 'HTTP+SSE (older servers)' : 'streamable HTTP'}`, async () => {
      const server = await httpServer(mode);
      try {
        const c = connect('remote', { type: mode === 'sse' ? 'sse' : 'http', url: server.url, headers: {} });
        assert.ok((await c.listTools()).some((t) => t.name === 'echo'));
        assert.equal(mcpResultText(await c.callTool('echo', { message: 'over http' }, signal())), 'Echo: over http');
      } finally {
        server.child.kill('SIGKILL');
      }
    });
  }

  it('Stop cancels a long-running tool: the call ends at once, not when the operation would have finished', async () => {
    const c = connect('everything', stdio('server-everything'));
    await c.listTools();
    const controller = new AbortController();
    const call = c.callTool('trigger-long-running-operation', { duration: 30, steps: 30 }, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(call, /abort/i);
    // The connection still works afterwards.
    assert.equal(mcpResultText(await c.callTool('echo', { message: 'after' }, signal())), 'Echo: after');
  });

  it('a server killed mid-call: the call fails with an error (not retried), the server is restarted on next use', async () => {
    const events: string[] = [];
    const c = connect('everything', stdio('server-everything'), { onEvent: (e: { state: string }) => events.push(e.state) });
    await c.listTools();
    const pid = c.pid;
    assert.ok(pid);
    const call = c.callTool('trigger-long-running-operation', { duration: 30, steps: 30 }, signal());
    setTimeout(() => process.kill(pid, 'SIGKILL'), 200);
    await assert.rejects(call);
    assert.ok(events.includes('crashed'), events.join(','));
    // After the backoff, the next use starts a new process.
    let tools;
    for (let i = 0; i < 40 && !tools; i++) {
      tools = await c.listTools().catch(() => undefined);
      if (!tools) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(
      tools?.some((t) => t.name === 'echo'),
      'restarted',
    );
    assert.notEqual(c.pid, pid);
  });

  it('a server that never answers times out with a clear message', async () => {
    const c = connect(
      'silent',
      { type: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {} },
      { startTimeoutMs: 1_000 },
    );
    await assert.rejects(c.listTools(), /the MCP server "silent" did not start/);
  });

  it('filesystem (a temp folder as its root) and memory servers', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-mcp-fs-')));
    fs.writeFileSync(path.join(root, 'note.txt'), 'hello from the filesystem server\n');
    try {
      const files = connect('files', stdio('server-filesystem', root));
      const read = (await files.listTools()).find((t) => /read_(text_)?file/.test(t.name));
      assert.ok(read);
      assert.match(
        mcpResultText(await files.callTool(read.name, { path: path.join(root, 'note.txt') }, signal())),
        /hello from the filesystem server/,
      );
      const memoryFile = path.join(root, 'memory.jsonl');
      const memory = connect('memory', { ...stdio('server-memory'), env: { MEMORY_FILE_PATH: memoryFile } } as McpServerConfig);
      await memory.callTool(
        'create_entities',
        { entities: [{ name: 'Fixpoint', entityType: 'project', observations: ['reviews diffs'] }] },
        signal(),
      );
      assert.match(mcpResultText(await memory.callTool('read_graph', {}, signal())), /Fixpoint/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
