import type { ProviderProfile } from './profile';

/** Any other OpenAI-compatible server: recognised by nothing, so every window source is worth asking. */
export const custom: ProviderProfile = {
  preset: { id: 'custom', label: 'Other OpenAI-compatible', baseUrl: '', needsKey: false },
  recognises: () => false,
  contextWindowSources: ['modelList', 'ollamaShow', 'lmstudioModel'],
};
