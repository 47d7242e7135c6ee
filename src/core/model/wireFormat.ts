// The neutral conversation (types.ts) in each wire format's request shape, with the reasoning state each
// provider expects back on the messages it came from.
import type OpenAI from 'openai';
import { dataUrl, imageNote, sendableImages } from './images';
import { profileOf } from './providers';
import type { ChatItem, ModelSettings, ToolSpec } from './types';

/** Extra fields some providers read on an assistant message (OpenRouter, Gemini, DeepSeek); not in the SDK's types. */
type AssistantMessage = OpenAI.Chat.ChatCompletionAssistantMessageParam & {
  reasoning_details?: object[];
  extra_content?: object;
  reasoning_content?: string;
};

/**
 * The conversation as Chat Completions messages. A tool message may carry text only, so when the model takes
 * images (`images`), those of a turn's tool results follow its last result as one user message; a user
 * message between the results would break the call/result pairing the API requires.
 */
export function toChatMessages(items: readonly ChatItem[], images: boolean): OpenAI.Chat.ChatCompletionMessageParam[] {
  const out: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  let pending: OpenAI.Chat.ChatCompletionContentPart[] = [];
  const flush = () => {
    if (pending.length) out.push({ role: 'user', content: pending });
    pending = [];
  };
  for (const item of items) {
    if (item.role !== 'tool') flush();
    if (item.role !== 'tool' || !item.images?.length) {
      out.push(toChatMessage(item));
      continue;
    }
    const sent = images ? sendableImages(item.images) : [];
    const note = imageNote(item.images.length, sent.length, images, 'in the next message');
    out.push({ role: 'tool', tool_call_id: item.callId, content: item.content + note });
    if (sent.length) {
      pending.push({ type: 'text', text: `The images returned by tool call ${item.callId}:` });
      for (const image of sent) pending.push({ type: 'image_url', image_url: { url: dataUrl(image) } });
    }
  }
  flush();
  return out;
}

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

/** The conversation as Responses input items; custom-tool calls and their results go back as custom-tool items. */
export function toResponsesInputs(items: readonly ChatItem[], images = false): OpenAI.Responses.ResponseInputItem[] {
  const freeformCalls = new Set(
    items.flatMap((i) => (i.role === 'assistant' ? (i.toolCalls ?? []).filter((c) => c.freeform) : [])).map((c) => c.id),
  );
  return items.flatMap((item) => toResponsesInput(item, freeformCalls, images));
}

function toResponsesInput(item: ChatItem, freeformCalls: ReadonlySet<string>, images: boolean): OpenAI.Responses.ResponseInputItem[] {
  switch (item.role) {
    case 'system':
      return [{ role: 'developer', content: item.content }];
    case 'user':
      return [{ role: 'user', content: item.content }];
    case 'assistant': {
      // Reasoning items go first: each preceded the message or call it led to in the output.
      const out = [...((item.reasoning?.responsesItems ?? []) as OpenAI.Responses.ResponseInputItem[])];
      if (item.content) out.push({ role: 'assistant', content: item.content });
      for (const c of item.toolCalls ?? []) {
        out.push(
          c.freeform
            ? { type: 'custom_tool_call', call_id: c.id, name: c.name, input: freeformInput(c.arguments) }
            : { type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments },
        );
      }
      return out;
    }
    case 'tool': {
      if (freeformCalls.has(item.callId)) return [{ type: 'custom_tool_call_output', call_id: item.callId, output: item.content }];
      if (!item.images?.length) return [{ type: 'function_call_output', call_id: item.callId, output: item.content }];
      // A function call's output may be a list of parts, images included.
      const sent = images ? sendableImages(item.images) : [];
      const text = item.content + imageNote(item.images.length, sent.length, images, 'below');
      if (!sent.length) return [{ type: 'function_call_output', call_id: item.callId, output: text }];
      const output: OpenAI.Responses.ResponseFunctionCallOutputItemList = [
        { type: 'input_text', text },
        ...sent.map((image) => ({ type: 'input_image' as const, image_url: dataUrl(image), detail: 'auto' as const })),
      ];
      return [{ type: 'function_call_output', call_id: item.callId, output }];
    }
  }
}

/** A freeform call's input, back from the JSON the tool took it as (`{"patch": "<input>"}`). */
function freeformInput(args: string): string {
  try {
    const value = Object.values(JSON.parse(args) as Record<string, unknown>)[0];
    return typeof value === 'string' ? value : args;
  } catch {
    return args;
  }
}

export function toChatTool(tool: ToolSpec): OpenAI.Chat.ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

export function toResponsesTool(tool: ToolSpec, freeform: boolean): OpenAI.Responses.FunctionTool | OpenAI.Responses.CustomTool {
  if (freeform && tool.freeform) {
    return {
      type: 'custom',
      name: tool.name,
      description: tool.description,
      format: { type: 'grammar', syntax: 'lark', definition: tool.freeform.larkGrammar },
    };
  }
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false };
}

/** Whether this endpoint's profile offers freeform tools to this model (Responses wire only). */
export function wantsFreeformTools(settings: Pick<ModelSettings, 'baseURL' | 'freeformTools'>, model: string): boolean {
  return settings.freeformTools ?? profileOf(settings.baseURL).freeformTools?.(model) === true;
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
