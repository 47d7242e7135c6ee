import { isOpenAIReasoningModel, type ProviderProfile } from './profile';

export const azure: ProviderProfile = {
  preset: { id: 'azure', label: 'Azure OpenAI', baseUrl: 'https://YOUR-RESOURCE.openai.azure.com/openai/v1', needsKey: true },
  recognises: (url) => url.hostname.endsWith('.openai.azure.com') || url.hostname.endsWith('.services.ai.azure.com'),
  contextWindowSources: [],
  returnsEncryptedReasoning: isOpenAIReasoningModel,
};
