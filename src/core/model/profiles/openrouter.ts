import type { ProviderProfile } from './profile';

/** Reasoning comes as `reasoning` plus `reasoning_details`, which go back on the assistant message. */
export const openrouter: ProviderProfile = {
  preset: { id: 'openrouter', label: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', needsKey: true },
  recognises: (url) => url.hostname === 'openrouter.ai',
  contextWindowSources: ['modelList'],
};
