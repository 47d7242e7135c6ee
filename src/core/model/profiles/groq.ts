import type { ProviderProfile } from './profile';

/** Rejects malformed tool calls mid-stream (`tool_use_failed`), which the agent retries once. */
export const groq: ProviderProfile = {
  preset: { id: 'groq', label: 'Groq', baseUrl: 'https://api.groq.com/openai/v1', needsKey: true },
  recognises: (url) => url.hostname === 'api.groq.com',
  contextWindowSources: ['modelList'],
};
