import type { ProviderProfile } from './profile';

/** Thinking mode wants each assistant message's `reasoning_content` back. */
export const deepseek: ProviderProfile = {
  preset: { id: 'deepseek', label: 'DeepSeek', baseUrl: 'https://api.deepseek.com/v1', needsKey: true },
  recognises: (url) => url.hostname === 'api.deepseek.com',
  contextWindowSources: [],
  // Its API takes text only.
  acceptsImages: () => false,
};
