/**
 * An error the model service reported inside a stream that had started with HTTP 200: an error chunk or
 * `event: error` on Chat Completions (Groq's `tool_use_failed`), `error` / `response.failed` on Responses.
 */
export class ModelStreamError extends Error {
  override name = 'ModelStreamError';

  constructor(
    message: string,
    /** The service's error code or type (`tool_use_failed`, `insufficient_quota`, `server_error`…). */
    readonly code: string | undefined,
    /** What the model had generated when a tool call failed validation (Groq's `failed_generation`). */
    readonly failedGeneration?: string,
  ) {
    super(message);
  }
}

/** The error object of a chunk or event, in the shapes services use (`{error: {…}}`, `{message, code}`). */
export function streamErrorFrom(payload: unknown): ModelStreamError {
  const outer = (payload ?? {}) as { error?: unknown };
  const e = (typeof outer.error === 'object' && outer.error !== null ? outer.error : outer) as {
    message?: unknown;
    code?: unknown;
    type?: unknown;
    failed_generation?: unknown;
  };
  const text = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);
  return new ModelStreamError(
    text(e.message) ?? 'The model service reported an error.',
    text(e.code) ?? text(e.type),
    text(e.failed_generation),
  );
}
