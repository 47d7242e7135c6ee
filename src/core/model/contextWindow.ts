import type { ModelSettings } from './types';

/** A model's context window as its server reports it, and where the number came from (for the user). */
export interface DetectedWindow {
  tokens: number;
  source: string;
}

/** For all the questions together: a start must not wait long on a server that does not answer. */
const DETECT_TIMEOUT_MS = 3_000;

/**
 * Asks the endpoint how large the model's context window really is. Local servers often run a model with a
 * window far below the model's maximum (Ollama's default num_ctx), so the configured 192k would let the
 * history overflow long before compaction starts. Tried in turn, each answer optional:
 * - the OpenAI-compatible model list: vLLM's `max_model_len`, OpenRouter's `context_length`;
 * - Ollama's `/api/show`: the `num_ctx` the model runs with, else the model's own context length;
 * - LM Studio's `/api/v0/models/{id}`: the loaded context length, else the maximum.
 * Undefined for OpenAI itself (its model list says nothing about windows) and when nothing answers.
 */
export async function detectContextWindow(
  settings: Pick<ModelSettings, 'baseURL' | 'apiKey' | 'model'>,
  signal?: AbortSignal,
): Promise<DetectedWindow | undefined> {
  if (!settings.baseURL) return undefined;
  const base = settings.baseURL.replace(/\/+$/, '');
  // Ollama's and LM Studio's own APIs live at the server root, beside the OpenAI-compatible /v1.
  const root = base.replace(/\/v1$/, '');
  const deadline = AbortSignal.timeout(DETECT_TIMEOUT_MS);
  const within = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const ask = (url: string, body?: object) => askJson(url, settings.apiKey, body, within);
  const listed = (await ask(`${base}/models`)) as { data?: Array<Record<string, unknown>> } | undefined;
  const entry = listed?.data?.find((m) => m.id === settings.model);
  if (entry) {
    const vllm = positive(entry.max_model_len);
    if (vllm) return { tokens: vllm, source: 'the server’s max_model_len (vLLM)' };
    const listedLength = positive(entry.context_length) ?? positive((entry.top_provider as { context_length?: unknown })?.context_length);
    if (listedLength) return { tokens: listedLength, source: 'the model list’s context_length' };
  }
  const shown = (await ask(`${root}/api/show`, { model: settings.model })) as { parameters?: unknown; model_info?: object } | undefined;
  if (shown) {
    const numCtx = typeof shown.parameters === 'string' ? positive(Number(/^num_ctx\s+(\d+)/m.exec(shown.parameters)?.[1])) : undefined;
    if (numCtx) return { tokens: numCtx, source: 'Ollama’s num_ctx for this model' };
    const length = Object.entries(shown.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
    if (positive(length)) return { tokens: length as number, source: 'Ollama’s model info (context_length)' };
  }
  const studio = (await ask(`${root}/api/v0/models/${encodeURIComponent(settings.model)}`)) as
    { loaded_context_length?: unknown; max_context_length?: unknown } | undefined;
  const loaded = positive(studio?.loaded_context_length);
  if (loaded) return { tokens: loaded, source: 'LM Studio’s loaded context length' };
  const max = positive(studio?.max_context_length);
  if (max) return { tokens: max, source: 'LM Studio’s maximum context length' };
  return undefined;
}

/** A JSON answer, or undefined for anything else (another server's 404, a timeout, HTML). */
async function askJson(url: string, apiKey: string | undefined, body: object | undefined, signal: AbortSignal): Promise<unknown> {
  try {
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal,
    });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
