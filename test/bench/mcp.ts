// MCP (issue 15): what a tool call through Fixpoint costs over the server's own time, the start-up of three
// stdio servers, and what the call after a Stop waits for (the stopped server's restart). Baselines run in the
// same process: the official SDK client talking to the same servers.
//   node out/test/bench/mcp.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mcpToolsForRun } from '../../src/core/mcp/mcpTools';
import type { McpServerEntry } from '../../src/core/mcp/types';
import { AuditLog } from '../../src/core/policy';
import { NodeMcpServers } from '../../src/node/mcp/servers';
import { engineFor } from '../unit/policy/engineFor';

const bin = (pkg: string) => path.resolve(__dirname, '../../../node_modules/@modelcontextprotocol', pkg, 'dist/index.js');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const RUNS = 300;

async function rawClient(args: string[]): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  return client;
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fixpoint-bench-mcp-')));
  const entries: McpServerEntry[] = [
    { name: 'everything', source: 'user', config: { type: 'stdio', command: process.execPath, args: [bin('server-everything')], env: {} } },
    {
      name: 'memory',
      source: 'user',
      config: {
        type: 'stdio',
        command: process.execPath,
        args: [bin('server-memory')],
        env: { MEMORY_FILE_PATH: path.join(root, 'm.jsonl') },
      },
    },
    {
      name: 'files',
      source: 'user',
      config: { type: 'stdio', command: process.execPath, args: [bin('server-filesystem'), root], env: {} },
    },
  ];
  try {
    // Start-up: each server alone through the SDK (their own start), then all three through Fixpoint.
    const own: number[] = [];
    for (const e of entries) {
      if (e.config.type !== 'stdio') continue;
      const t = performance.now();
      const c = await rawClient(e.config.args);
      await c.listTools();
      own.push(performance.now() - t);
      await c.close();
    }
    const servers = new NodeMcpServers(entries);
    const signal = new AbortController().signal;
    const t0 = performance.now();
    const tools = await mcpToolsForRun(servers, { signal });
    const ours = performance.now() - t0;
    console.log(
      `start-up of 3 stdio servers, tools listed and mapped (${tools.length} tools): ${ours.toFixed(0)} ms in parallel; the servers alone, one by one: ${own.map((x) => x.toFixed(0)).join(' / ')} ms (slowest ${Math.max(...own).toFixed(0)} ms)`,
    );

    // A call: the SDK alone vs through Fixpoint's tool (approval engine with an allow rule, audit, result mapping).
    const raw = await rawClient([bin('server-everything')]);
    const echo = tools.find((t) => t.spec.name === 'mcp__everything__echo')!;
    const context = {
      policy: engineFor(root, { commandRules: () => ({ allow: ['mcp: everything/echo'], deny: [] }) }),
      audit: new AuditLog(),
      signal,
    } as unknown as Parameters<typeof echo.run>[1];
    const sdk: number[] = [];
    const fixpoint: number[] = [];
    for (let i = 0; i < 30; i++) {
      await raw.callTool({ name: 'echo', arguments: { message: 'warm' } });
      await echo.run({ message: 'warm' }, context);
    }
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await raw.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      sdk.push(performance.now() - t);
      t = performance.now();
      await echo.run({ message: `m${i}` }, context);
      fixpoint.push(performance.now() - t);
    }
    console.log(
      `echo call, ${RUNS} runs: SDK alone p50 ${pct(sdk, 50).toFixed(2)} ms, p95 ${pct(sdk, 95).toFixed(2)} ms; through Fixpoint p50 ${pct(fixpoint, 50).toFixed(2)} ms, p95 ${pct(fixpoint, 95).toFixed(2)} ms; added p95 ${(pct(fixpoint, 95) - pct(sdk, 95)).toFixed(2)} ms`,
    );
    await raw.close();

    // Stop: a long call cancelled stops the stdio server (connection.ts); what the next call then waits for.
    const everything = servers.connection('everything')!;
    const stops: number[] = [];
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const long = everything.callTool('trigger-long-running-operation', { duration: 30, steps: 30 }, controller.signal);
      await new Promise((r) => setTimeout(r, 100));
      controller.abort();
      await long.catch(() => undefined);
      const t = performance.now();
      await everything.callTool('echo', { message: 'after stop' }, signal);
      stops.push(performance.now() - t);
    }
    console.log(
      `after Stop (the server stopped, restarted on next use), 5 runs: the next echo call answered in median ${pct(stops, 50).toFixed(0)} ms, max ${Math.max(...stops).toFixed(0)} ms`,
    );
    await servers.dispose();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
