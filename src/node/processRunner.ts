import { spawn } from 'node:child_process';
import type { RunResult } from '../core/ports';
import { gitEnv, scrubEnvironment } from '../core/policy';

/** Raw output kept in memory while a command runs (head and tail); the tool caps what reaches the model. */
const HEAD_CHARS = 1_000_000;
const TAIL_CHARS = 3_000_000;

export interface ProcessRunOptions {
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Prefix argv (e.g. a bubblewrap sandbox) put in front of `bash -c command`. */
  wrapper?: string[];
  onOutput?(chunk: string): void;
}

/**
 * Runs `command` with bash in its own process group, so a timeout or Stop kills the whole tree, with API keys
 * scrubbed from its environment and git's safe overrides in it. Output is stdout and stderr interleaved as they arrive.
 */
export function runProcess(command: string, options: ProcessRunOptions): Promise<RunResult> {
  const started = Date.now();
  const argv = [...(options.wrapper ?? []), 'bash', '-c', command];
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...gitEnv(scrubEnvironment(process.env)), TERM: 'dumb', NO_COLOR: '1', FORCE_COLOR: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let head = '';
    let tail = '';
    let omitted = 0;
    let timedOut = false;
    let cancelled = false;
    // Endless output must not exhaust memory: keep the beginning and a rolling end.
    const collect = (text: string) => {
      options.onOutput?.(text);
      if (head.length < HEAD_CHARS) {
        head += text;
        return;
      }
      tail += text;
      if (tail.length > TAIL_CHARS * 2) {
        omitted += tail.length - TAIL_CHARS;
        tail = tail.slice(tail.length - TAIL_CHARS);
      }
    };
    // Decoded per stream, so a UTF-8 character split across two chunks is not garbled.
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    const killTree = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killTree();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | undefined, extra = '') => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      const output = omitted ? `${head}\n… [${omitted} characters omitted] …\n${tail}` : head + tail;
      resolve({ exitCode, output: output + extra, durationMs: Date.now() - started, timedOut, cancelled });
    };
    child.on('error', (err) => finish(undefined, `\n${err.message}`));
    child.on('close', (code, signalName) => finish(code ?? (signalName ? 128 : undefined)));
  });
}
