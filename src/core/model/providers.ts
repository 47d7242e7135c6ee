// Provider presets: the endpoints the setup card offers. A provider family is a core concept (its base URL,
// whether it needs a key); the webview receives this list in its setup state instead of importing it.

export type ProviderId = 'openai' | 'azure' | 'ollama' | 'lmstudio' | 'vllm' | 'custom';

export interface ProviderPreset {
  id: ProviderId;
  label: string;
  /** Empty for OpenAI (the SDK's default) and for "custom" (the user types it). */
  baseUrl: string;
  needsKey: boolean;
}

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  { id: 'openai', label: 'OpenAI', baseUrl: '', needsKey: true },
  { id: 'azure', label: 'Azure OpenAI', baseUrl: 'https://YOUR-RESOURCE.openai.azure.com/openai/v1', needsKey: true },
  { id: 'ollama', label: 'Ollama', baseUrl: 'http://localhost:11434/v1', needsKey: false },
  { id: 'lmstudio', label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', needsKey: false },
  { id: 'vllm', label: 'vLLM', baseUrl: 'http://localhost:8000/v1', needsKey: false },
  { id: 'custom', label: 'Other OpenAI-compatible', baseUrl: '', needsKey: false },
];

export function isProviderId(value: string): value is ProviderId {
  return PROVIDER_PRESETS.some((p) => p.id === value);
}

/** Which preset a configured base URL belongs to. */
export function providerOf(baseUrl: string | undefined): ProviderId {
  if (!baseUrl) return 'openai';
  const match = PROVIDER_PRESETS.find((p) => p.baseUrl && baseUrl.startsWith(p.baseUrl));
  if (match) return match.id;
  return baseUrl.includes('.openai.azure.com') ? 'azure' : 'custom';
}
