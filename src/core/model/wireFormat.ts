// The neutral conversation (types.ts) in each wire format's request shape, with the reasoning state each
// provider expects back on the messages it came from.
import type OpenAI from 'openai';
import { profileOf } from './providers';
import type { ChatItem, ModelSettings, ToolSpec } from './types';

/** Extra fields some providers read on an assistant message (OpenRouter, Gemini, DeepSeek); not in the SDK's types. */
type AssistantMessage = OpenAI.Chat.ChatCompletionAssistantMessageParam & {
  reasoning_details?: object[];
  extra_content?: object;
  reasoning_content?: string;
};

export function toChatMessage(item: ChatItem): OpenAI.Chat.ChatCompletionMessageParam {
  switch (item.role) {
    case 'system':
    case 'user':
      return { role: item.role, content: item.content };
    case 'assistant': {
      const message: AssistantMessage = {
        role: 'assistant',
        content: item.content || null,
        tool_calls: item.toolCalls?.length
          ? item.toolCalls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.name, arguments: c.arguments },
              ...(c.extraContent ? { extra_content: c.extraContent } : {}),
            }))
          : undefined,
      };
      if (item.reasoning?.reasoningDetails) message.reasoning_details = item.reasoning.reasoningDetails;
      if (item.reasoning?.extraContent) message.extra_content = item.reasoning.extraContent;
      if (item.reasoning?.reasoningContent) message.reasoning_content = item.reasoning.reasoningContent;
      return message;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: item.callId, content: item.content };
  }
}

export function toResponsesInput(item: ChatItem): OpenAI.Responses.ResponseInputItem[] {
  switch (item.role) {
    case 'system':
      return [{ role: 'developer', content: item.content }];
    case 'user':
      return [{ role: 'user', content: item.content }];
    case 'assistant': {
      // Reasoning items go first: each preceded the message or call it led to in the output.
      const out = [...((item.reasoning?.responsesItems ?? []) as OpenAI.Responses.ResponseInputItem[])];
      if (item.content) out.push({ role: 'assistant', content: item.content });
      for (const c of item.toolCalls ?? []) out.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments });
      return out;
    }
    case 'tool':
      return [{ type: 'function_call_output', call_id: item.callId, output: item.content }];
  }
}

export function toChatTool(tool: ToolSpec): OpenAI.Chat.ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

export function toResponsesTool(tool: ToolSpec): OpenAI.Responses.FunctionTool {
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false };
}

/**
 * Whether to ask the Responses API for encrypted reasoning. Requests are not stored (`store: false`), so a
 * reasoning model's chain survives between tool calls only if its reasoning items come back encrypted and are
 * sent back. Asked for when reasoning is configured, or when the provider's profile knows the model returns it
 * (OpenAI's reasoning families); other models refuse the option.
 */
export function wantsEncryptedReasoning(settings: Pick<ModelSettings, 'reasoningEffort' | 'baseURL'>, model: string): boolean {
  return settings.reasoningEffort !== undefined || profileOf(settings.baseURL).returnsEncryptedReasoning?.(model) === true;
}
