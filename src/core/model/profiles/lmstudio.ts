import { onLocalPort, type ProviderProfile } from './profile';

/** Its Responses endpoint may send reasoning only as `response.reasoning_text.done`. */
export const lmstudio: ProviderProfile = {
  preset: { id: 'lmstudio', label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', needsKey: false },
  recognises: (url) => onLocalPort(url, '1234'),
  contextWindowSources: ['lmstudioModel'],
};
