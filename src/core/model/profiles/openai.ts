import { isOpenAIReasoningModel, type ProviderProfile } from './profile';

export const openai: ProviderProfile = {
  preset: { id: 'openai', label: 'OpenAI', baseUrl: '', needsKey: true },
  recognises: (url) => url.hostname === 'api.openai.com',
  // Its model list says nothing about windows.
  contextWindowSources: [],
  returnsEncryptedReasoning: isOpenAIReasoningModel,
};
