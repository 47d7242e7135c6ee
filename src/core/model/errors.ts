import OpenAI from 'openai';
import type { FixAction } from '../../shared/protocol';
import { ModelStreamError } from './stream/streamError';
import type { ModelSettings } from './types';

/** What the user sees when a model request fails: what happened, and how to fix it. Never a stack trace. */
export interface UserFacingError {
  message: string;
  fix?: string;
  action?: FixAction;
  /** Worth retrying automatically (rate limits, overloaded or flaky servers). */
  transient: boolean;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
}

export function endpointLabel(settings: Pick<ModelSettings, 'baseURL'>): string {
  return settings.baseURL || 'https://api.openai.com/v1';
}

/** Checks the settings before any request, so a missing key is reported instead of a 401 round trip. */
export function checkSettings(settings: ModelSettings): UserFacingError | undefined {
  if (!settings.model.trim()) {
    return { message: 'No model is configured.', fix: 'Set "fixpoint.model" in the settings.', action: 'openSettings', transient: false };
  }
  if (settings.baseURL) {
    try {
      const url = new URL(settings.baseURL);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    } catch {
      return {
        message: `The endpoint "${settings.baseURL}" is not a valid http(s) URL.`,
        fix: 'Fix "fixpoint.baseUrl" in the settings (for example http://localhost:11434/v1 for Ollama).',
        action: 'openSettings',
        transient: false,
      };
    }
  } else if (!settings.apiKey) {
    return {
      message: 'No API key is set for OpenAI.',
      fix: 'Run "Fixpoint: Set API Key", set OPENAI_API_KEY, or point "fixpoint.baseUrl" at a local OpenAI-compatible server.',
      action: 'setApiKey',
      transient: false,
    };
  }
  return undefined;
}

/**
 * The server's words when it rejected a tool call the model wrote (Groq's `tool_use_failed`, mid-stream or as
 * a 400; other servers' "failed to parse tool call"): the model's mistake, worth one corrected retry.
 */
export function malformedToolCall(err: unknown): string | undefined {
  if (!(err instanceof ModelStreamError) && !(err instanceof OpenAI.APIError && err.status === 400)) return undefined;
  const { code, message } = errorWords(err);
  const toolCall = /tool[ _]?call|function[ _]?call|call a function|tool_use/i.test(message);
  return code === 'tool_use_failed' || (toolCall && /fail|invalid|malformed|pars|validat/i.test(message)) ? message : undefined;
}

/** What the model had written when the server rejected its tool call, when the server says. */
export function failedGeneration(err: unknown): string | undefined {
  if (err instanceof ModelStreamError) return err.failedGeneration;
  const e = err instanceof OpenAI.APIError ? (err.error as { failed_generation?: unknown } | undefined) : undefined;
  return typeof e?.failed_generation === 'string' ? e.failed_generation : undefined;
}

export function describeModelError(err: unknown, settings: ModelSettings): UserFacingError {
  const endpoint = endpointLabel(settings);
  if (err instanceof ModelStreamError) return describeStreamError(err, endpoint);
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return {
      message: `The request to ${endpoint} timed out.`,
      fix: 'Check that the server is running and reachable, then retry.',
      action: 'retry',
      transient: true,
    };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const code = causeCode(err);
    // Nobody listening / no such host: retrying only delays the message. A reset mid-request is worth a retry.
    const unreachable = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH';
    return {
      message: unreachable ? `Cannot reach ${endpoint} (${code}).` : `The connection to ${endpoint} failed${code ? ` (${code})` : ''}.`,
      fix: 'Check "fixpoint.baseUrl" (or OPENAI_BASE_URL) and that the server is running.',
      action: unreachable ? 'openSettings' : 'retry',
      transient: !unreachable,
    };
  }
  if (err instanceof OpenAI.APIError) {
    const detail =
      err.error && typeof err.error === 'object' && 'message' in err.error ? String((err.error as { message: unknown }).message) : '';
    const said = detail ? ` The server said: ${detail}` : '';
    switch (err.status) {
      case 401:
        return {
          message: `The API key was rejected by ${endpoint} (401).${said}`,
          fix: 'Run "Fixpoint: Set API Key" with a valid key.',
          action: 'setApiKey',
          transient: false,
        };
      case 403:
        return {
          message: `Access denied by ${endpoint} (403).${said}`,
          fix: 'Check that the key has access to this model.',
          action: 'setApiKey',
          transient: false,
        };
      case 404:
        return {
          message: `The model "${settings.model}" or the API path was not found at ${endpoint} (404).${said}`,
          fix: 'Check "fixpoint.model" and that "fixpoint.baseUrl" ends with the API root (often /v1).',
          action: 'openSettings',
          transient: false,
        };
      case 429:
        // An exhausted quota does not come back by waiting: say so instead of retrying.
        if (err.code === 'insufficient_quota') return quotaExhausted(endpoint, said);
        return {
          message: `Rate limited by ${endpoint} (429).${said}`,
          fix: 'Wait a moment and retry.',
          action: 'retry',
          transient: true,
          retryAfterSeconds: retryAfterOf(err),
        };
      default:
        if (err.status !== undefined && err.status >= 500) {
          return {
            message: `The server at ${endpoint} failed (${err.status}).${said}`,
            fix: 'Retry in a moment.',
            action: 'retry',
            transient: true,
            retryAfterSeconds: retryAfterOf(err),
          };
        }
        if (malformedToolCall(err)) return malformedCall(endpoint, said);
        return {
          message: `The request was refused by ${endpoint}${err.status ? ` (${err.status})` : ''}.${said}`,
          action: 'retry',
          transient: false,
        };
    }
  }
  const text = err instanceof Error ? err.message : String(err);
  return { message: `The model request failed: ${text}`, action: 'retry', transient: false };
}

/**
 * An error reported inside a stream that began with HTTP 200. The request was accepted, so the words are
 * "reported" or "failed", never "refused"; the code says whether waiting, a new key or a retry helps.
 */
function describeStreamError(err: ModelStreamError, endpoint: string): UserFacingError {
  const said = ` The server said: ${err.message}`;
  const { code, message } = errorWords(err);
  if (malformedToolCall(err)) return malformedCall(endpoint, said);
  if (code === 'insufficient_quota' || /quota|billing|credits?\b/i.test(message)) return quotaExhausted(endpoint, said);
  if (code === 'invalid_api_key' || /api key|unauthori[sz]ed|authentication/i.test(message))
    return {
      message: `The API key was rejected by ${endpoint}.${said}`,
      fix: 'Run "Fixpoint: Set API Key" with a valid key.',
      action: 'setApiKey',
      transient: false,
    };
  if (code === 'rate_limit_exceeded' || /rate limit/i.test(message))
    return { message: `Rate limited by ${endpoint}.${said}`, fix: 'Wait a moment and retry.', action: 'retry', transient: true };
  if (/server_error|internal|overloaded|unavailable|timeout/i.test(`${code} ${message}`))
    return {
      message: `The model service at ${endpoint} failed mid-answer.${said}`,
      fix: 'Retry in a moment.',
      action: 'retry',
      transient: true,
    };
  return { message: `The model service at ${endpoint} reported an error mid-answer.${said}`, action: 'retry', transient: false };
}

function malformedCall(endpoint: string, said: string): UserFacingError {
  return {
    message: `The model wrote a malformed tool call, which ${endpoint} rejected.${said}`,
    fix: 'Retry; if it keeps happening, try a stronger model or one with a tool-call template.',
    action: 'retry',
    transient: false,
  };
}

function quotaExhausted(endpoint: string, said: string): UserFacingError {
  return {
    message: `The quota of this API key at ${endpoint} is used up.${said}`,
    fix: 'Check the plan and billing of the key, or set another key with "Fixpoint: Set API Key".',
    action: 'setApiKey',
    transient: false,
  };
}

/** The code and message of an SDK or stream error, wherever the server put them. */
function errorWords(err: unknown): { code: string; message: string } {
  if (err instanceof ModelStreamError) return { code: err.code ?? '', message: err.message };
  const e = err as { code?: unknown; message?: unknown; error?: { code?: unknown; type?: unknown; message?: unknown } };
  const code = e.code ?? e.error?.code ?? e.error?.type;
  return { code: typeof code === 'string' ? code : '', message: String(e.error?.message ?? e.message ?? '') };
}

export function isAbort(err: unknown): boolean {
  return err instanceof OpenAI.APIUserAbortError || (err instanceof Error && err.name === 'AbortError');
}

/** The system error code behind a connection failure (undici nests it one or two causes deep). */
function causeCode(err: Error): string | undefined {
  let cause = (err as { cause?: unknown }).cause as { code?: string; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; cause && depth < 3; depth++) {
    const code = cause.code ?? cause.message?.match(/\bE[A-Z]{3,}\b/)?.[0];
    if (code) return code;
    cause = cause.cause as typeof cause;
  }
  return undefined;
}

function retryAfterOf(err: InstanceType<typeof OpenAI.APIError>): number | undefined {
  const raw = err.headers?.get?.('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
