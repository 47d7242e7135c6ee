import type { ProviderProfile } from './profile';

/** Gemini's OpenAI compatibility: thought signatures (`extra_content`) go back with each call. */
export const gemini: ProviderProfile = {
  preset: { id: 'gemini', label: 'Google Gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai', needsKey: true },
  recognises: (url) => url.hostname === 'generativelanguage.googleapis.com',
  contextWindowSources: [],
  // Every Gemini model (and the Gemma 3 models served there) takes images.
  acceptsImages: () => true,
};
