// The provider families the setup card offers and Fixpoint recognises, one profile per family in ./profiles.
// The webview receives the presets (plain data) in its setup state instead of importing them.
import { azure } from './profiles/azure';
import { custom } from './profiles/custom';
import { deepseek } from './profiles/deepseek';
import { gemini } from './profiles/gemini';
import { groq } from './profiles/groq';
import { lmstudio } from './profiles/lmstudio';
import { mistral } from './profiles/mistral';
import { ollama } from './profiles/ollama';
import { openai } from './profiles/openai';
import { openrouter } from './profiles/openrouter';
import type { ProviderId, ProviderPreset, ProviderProfile } from './profiles/profile';
import { vllm } from './profiles/vllm';

export type { ProviderId, ProviderPreset, ProviderProfile } from './profiles/profile';

/** In the setup card's order; "custom" last, as the fallback of profileOf. */
const PROFILES: readonly ProviderProfile[] = [openai, azure, openrouter, gemini, mistral, groq, deepseek, ollama, lmstudio, vllm, custom];

export const PROVIDER_PRESETS: readonly ProviderPreset[] = PROFILES.map((p) => p.preset);

export function isProviderId(value: string): value is ProviderId {
  return PROFILES.some((p) => p.preset.id === value);
}

/** The profile of a configured base URL (no base URL: OpenAI's own endpoint). */
export function profileOf(baseUrl: string | undefined): ProviderProfile {
  if (!baseUrl) return openai;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return custom;
  }
  return PROFILES.find((p) => p.recognises(url)) ?? custom;
}

/** Which preset a configured base URL belongs to. */
export function providerOf(baseUrl: string | undefined): ProviderId {
  return profileOf(baseUrl).preset.id;
}
