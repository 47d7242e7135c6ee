// Fake model servers in a process of their own, as a real model server is (not a bench: index.ts does not list
// it). In the bench's process their work (parsing each request, encoding each answer) ran on the event loop
// the sessions under measurement share, and was billed to Fixpoint. Here one child process hosts FakeOpenAIServer
// instances, scripted over the IPC channel; the sessions' openai SDK talks HTTP to them as to any server.
import { fork, type ChildProcess } from 'node:child_process';
import { FakeOpenAIServer, type ScriptedTurn } from '../fakes/openaiServer';

/**
 * One model request, on the clock `performance.timeOrigin + performance.now()`: each process sets its origin
 * from the wall clock when it starts, so stamps from the two processes compare to well under a millisecond.
 */
export interface Stamp {
  /** When the request's body had arrived. */
  receivedAt: number;
  /** When the answer was written: the whole of it, as it goes in one write (delayed) or in one tick (instant). */
  answeredAt: number;
}

export interface RemoteServer {
  /** The base URL to give the SDK. */
  url: string;
  stamps(): Promise<Stamp[]>;
  close(): Promise<void>;
}

type Call =
  { op: 'start'; turns: ScriptedTurn[]; latencies: number[] } | { op: 'stamps'; server: number } | { op: 'close'; server: number };
type Reply = { id: number; result?: unknown; error?: string } | { ready: true };

export class ModelServers {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      if (!('id' in reply)) return;
      const call = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) call?.reject(new Error(reply.error));
      else call?.resolve(reply.result);
    });
    child.on('exit', (code) => {
      for (const call of this.waiting.values()) call.reject(new Error(`the model server process exited (${code})`));
    });
  }

  /** Forks the host (without the bench's own node flags, so a --cpu-prof profiles the bench alone). */
  static async start(): Promise<ModelServers> {
    const child = fork(__filename, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the model server process exited (${code}) before it was ready`)));
    });
    return new ModelServers(child);
  }

  /** A server answering `turns` in order, turn i `latencies[i]` ms after its request arrived (none or 0: at once). */
  async server(turns: ScriptedTurn[], latencies: number[] = []): Promise<RemoteServer> {
    const { server, url } = (await this.call({ op: 'start', turns, latencies })) as { server: number; url: string };
    return {
      url,
      stamps: async () => (await this.call({ op: 'stamps', server })) as Stamp[],
      close: async () => void (await this.call({ op: 'close', server })),
    };
  }

  /** Ends the host: it exits when its channel closes. */
  close(): void {
    this.child.disconnect();
  }

  private call(call: Call): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, call });
    });
  }
}

/**
 * The child's side. A delayed turn is first rendered to the exact bytes FakeOpenAIServer streams for it (by a
 * scratch server), then replayed as one raw write after the delay: FakeOpenAIServer's delay is per write, and
 * a whole answer arriving after a fixed time to first byte makes the model's share of a step one known span.
 */
async function host(): Promise<void> {
  const servers: FakeOpenAIServer[] = [];
  const renderer = await FakeOpenAIServer.start();
  const render = async (turn: ScriptedTurn): Promise<string> => {
    renderer.enqueue(turn);
    const answer = await fetch(`${renderer.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', stream: true, messages: [] }),
    });
    renderer.reset();
    return answer.text();
  };
  const handle = async (call: Call): Promise<unknown> => {
    if (call.op === 'start') {
      const server = await FakeOpenAIServer.start();
      for (const [i, turn] of call.turns.entries()) {
        const delay = call.latencies[i] ?? 0;
        server.enqueue(delay > 0 ? { rawSse: [await render(turn)], chunkDelayMs: delay } : turn);
      }
      servers.push(server);
      return { server: servers.length - 1, url: server.url };
    }
    if (call.op === 'stamps') {
      return servers[call.server].modelRequests().map(({ receivedAt, firstChunkAt }): Stamp => {
        if (firstChunkAt === undefined) throw new Error('a model request was not answered with a stream');
        return { receivedAt, answeredAt: firstChunkAt };
      });
    }
    await servers[call.server].close();
    return undefined;
  };
  process.on('message', ({ id, call }: { id: number; call: Call }) => {
    handle(call).then(
      (result) => process.send!({ id, result }),
      (err: unknown) => process.send!({ id, error: String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

if (require.main === module) void host();
