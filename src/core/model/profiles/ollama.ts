import { onLocalPort, type ProviderProfile } from './profile';

/** Runs models with its own num_ctx, often far below the model's maximum. */
export const ollama: ProviderProfile = {
  preset: { id: 'ollama', label: 'Ollama', baseUrl: 'http://localhost:11434/v1', needsKey: false },
  recognises: (url) => onLocalPort(url, '11434'),
  contextWindowSources: ['ollamaShow'],
};
