import { isOpenAIReasoningModel, type ProviderProfile } from './profile';

export const openai: ProviderProfile = {
  preset: { id: 'openai', label: 'OpenAI', baseUrl: '', needsKey: true },
  recognises: (url) => url.hostname === 'api.openai.com',
  // Its model list says nothing about windows.
  contextWindowSources: [],
  returnsEncryptedReasoning: isOpenAIReasoningModel,
  // GPT-5-family models are trained to write apply_patch as a freeform tool input (Codex offers it so).
  freeformTools: (model) => /^gpt-5/i.test(model.split('/').at(-1) ?? model),
};
