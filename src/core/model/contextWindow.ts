import type { ContextWindowSource } from './profiles/profile';
import { profileOf } from './providers';
import type { ModelSettings } from './types';

/** A model's context window as its server reports it, and where the number came from (for the user). */
export interface DetectedWindow {
  tokens: number;
  source: string;
}

/** For all the questions together: a start must not wait long on a server that does not answer. */
const DETECT_TIMEOUT_MS = 3_000;

type Ask = (url: string, body?: object) => Promise<unknown>;
interface Endpoint {
  /** The OpenAI-compatible API root, e.g. http://localhost:11434/v1. */
  base: string;
  /** The server root, where Ollama's and LM Studio's own APIs live beside /v1. */
  root: string;
  model: string;
}

/**
 * Asks the endpoint how large the model's context window really is. Local servers often run a model with a
 * window far below the model's maximum (Ollama's default num_ctx), so the configured 192k would let the
 * history overflow long before compaction starts. The provider's profile says where to ask; undefined when
 * nothing answers (and for OpenAI itself, whose model list says nothing about windows).
 */
export async function detectContextWindow(
  settings: Pick<ModelSettings, 'baseURL' | 'apiKey' | 'model'>,
  signal?: AbortSignal,
): Promise<DetectedWindow | undefined> {
  if (!settings.baseURL) return undefined;
  const base = settings.baseURL.replace(/\/+$/, '');
  const endpoint: Endpoint = { base, root: base.replace(/\/v1$/, ''), model: settings.model };
  const deadline = AbortSignal.timeout(DETECT_TIMEOUT_MS);
  const within = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const ask: Ask = (url, body) => askJson(url, settings.apiKey, body, within);
  for (const source of profileOf(settings.baseURL).contextWindowSources) {
    const found = await READERS[source](endpoint, ask);
    if (found) return found;
  }
  return undefined;
}

const READERS: Record<ContextWindowSource, (endpoint: Endpoint, ask: Ask) => Promise<DetectedWindow | undefined>> = {
  async modelList({ base, model }, ask) {
    const listed = (await ask(`${base}/models`)) as { data?: Array<Record<string, unknown>> } | undefined;
    const entry = listed?.data?.find((m) => m.id === model);
    if (!entry) return undefined;
    const vllm = positive(entry.max_model_len);
    if (vllm) return { tokens: vllm, source: 'the server’s max_model_len (vLLM)' };
    // OpenRouter: context_length (also per provider); Mistral: max_context_length; Groq: context_window.
    const listedLength =
      positive(entry.context_length) ??
      positive((entry.top_provider as { context_length?: unknown } | undefined)?.context_length) ??
      positive(entry.max_context_length) ??
      positive(entry.context_window);
    return listedLength ? { tokens: listedLength, source: 'the model list’s context length' } : undefined;
  },
  async ollamaShow({ root, model }, ask) {
    const shown = (await ask(`${root}/api/show`, { model })) as { parameters?: unknown; model_info?: object } | undefined;
    if (!shown) return undefined;
    const numCtx = typeof shown.parameters === 'string' ? positive(Number(/^num_ctx\s+(\d+)/m.exec(shown.parameters)?.[1])) : undefined;
    if (numCtx) return { tokens: numCtx, source: 'Ollama’s num_ctx for this model' };
    const length = positive(Object.entries(shown.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1]);
    return length ? { tokens: length, source: 'Ollama’s model info (context_length)' } : undefined;
  },
  async lmstudioModel({ root, model }, ask) {
    const studio = (await ask(`${root}/api/v0/models/${encodeURIComponent(model)}`)) as
      { loaded_context_length?: unknown; max_context_length?: unknown } | undefined;
    const loaded = positive(studio?.loaded_context_length);
    if (loaded) return { tokens: loaded, source: 'LM Studio’s loaded context length' };
    const max = positive(studio?.max_context_length);
    return max ? { tokens: max, source: 'LM Studio’s maximum context length' } : undefined;
  },
};

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
