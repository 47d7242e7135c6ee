// A provider family as Fixpoint knows it: the preset the setup card offers, how to recognise its endpoint, and
// the quirks that differ between families. One file per family next to this one; the list is in ../providers.ts.
// Stream dialects are not here: the normalisers (../stream) accept every family's shapes, so a server that
// copies another family's dialect works without a profile of its own.

export type ProviderId =
  'openai' | 'azure' | 'openrouter' | 'gemini' | 'mistral' | 'groq' | 'deepseek' | 'ollama' | 'lmstudio' | 'vllm' | 'custom';

/** What the setup card shows and fills in (plain data: it is posted to the webview). */
export interface ProviderPreset {
  id: ProviderId;
  label: string;
  /** Empty for OpenAI (the SDK's default) and for "custom" (the user types it). */
  baseUrl: string;
  needsKey: boolean;
}

/** Where a server tells its model's real context window (see ../contextWindow.ts). */
export type ContextWindowSource =
  /** `GET {baseUrl}/models`: vLLM's max_model_len, OpenRouter's context_length, Mistral's, Groq's. */
  | 'modelList'
  /** Ollama's `POST /api/show`: num_ctx, else the model's context_length. */
  | 'ollamaShow'
  /** LM Studio's `GET /api/v0/models/{id}`: the loaded context length. */
  | 'lmstudioModel';

export interface ProviderProfile {
  preset: ProviderPreset;
  /** Whether a configured base URL is this family's endpoint. */
  recognises(url: URL): boolean;
  /** Where its real context window can be read, in order; empty when nowhere. */
  contextWindowSources: readonly ContextWindowSource[];
  /**
   * Responses wire: whether this model returns encrypted reasoning when asked, without a configured effort.
   * Absent: only when an effort is configured (other models refuse the option).
   */
  returnsEncryptedReasoning?(model: string): boolean;
  /**
   * Responses wire: whether tools that have a freeform form (apply_patch) are offered as grammar-constrained
   * custom tools to this model, as the models trained on them expect. Absent: always as JSON functions.
   */
  freeformTools?(model: string): boolean;
  /**
   * Whether this model accepts images in its input (tool results' images are then sent, not described).
   * Absent: judged from the model's name (`seesImagesByName` in ../images.ts), for servers that host anything.
   */
  acceptsImages?(model: string): boolean;
}

/** A server on this machine at the family's usual port. */
export function onLocalPort(url: URL, port: string): boolean {
  return url.port === port && ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(url.hostname);
}

/** OpenAI's reasoning families (o-series, GPT-5, Codex), also when named with a provider prefix. */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5|codex)/i.test(model.split('/').at(-1) ?? model);
}
