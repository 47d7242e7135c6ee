import type { ProviderProfile } from './profile';

/** Reasoning models stream typed content parts; tool-call fragments carry no index. */
export const mistral: ProviderProfile = {
  preset: { id: 'mistral', label: 'Mistral', baseUrl: 'https://api.mistral.ai/v1', needsKey: true },
  recognises: (url) => url.hostname === 'api.mistral.ai',
  contextWindowSources: ['modelList'],
};
