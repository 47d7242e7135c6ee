import { onLocalPort, type ProviderProfile } from './profile';

export const vllm: ProviderProfile = {
  preset: { id: 'vllm', label: 'vLLM', baseUrl: 'http://localhost:8000/v1', needsKey: false },
  recognises: (url) => onLocalPort(url, '8000'),
  contextWindowSources: ['modelList'],
};
