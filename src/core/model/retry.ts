import { ModelStreamError } from './stream/streamError';

/** Backoff for transient model errors: exponential with jitter, honouring Retry-After, bounded. */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * A 500 or a cut stream is usually over by the time a request is sent again, so the first retry comes after
 * about 0.25 s (then 0.5, 1, 2 s); servers that need longer say so with Retry-After, which always wins.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 60_000 };

export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, Math.ceil(retryAfterSeconds * 1000));
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(exponential * (0.75 + Math.random() * 0.5)));
}

/** Resolves after `ms`, or rejects with an AbortError as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const err = new Error('Aborted');
  err.name = 'AbortError';
  return err;
}

export function isContextOverflow(err: unknown): boolean {
  const e = err as { status?: number; code?: string; message?: string; error?: { code?: string; message?: string } };
  // Mid-stream errors have no status; their code and message still say when the prompt was too long.
  if (e?.status !== 400 && e?.status !== 413 && !(err instanceof ModelStreamError)) return false;
  const text = `${e.code ?? ''} ${e.error?.code ?? ''} ${e.message ?? ''} ${e.error?.message ?? ''}`;
  return /context_length_exceeded|context length|context window|maximum context|too many tokens|prompt is too long/i.test(text);
}

/** The window a context-overflow error names ("maximum context length is 8192"), if it names one. */
export function statedContextLimit(err: unknown): number | undefined {
  const match = /maximum context length is (\d+)|context window of (\d+)|limit of (\d+) tokens/i.exec(
    String((err as Error)?.message ?? ''),
  );
  const value = match && Number(match[1] ?? match[2] ?? match[3]);
  return value && value > 0 ? value : undefined;
}
