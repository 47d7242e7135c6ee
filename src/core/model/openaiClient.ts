import OpenAI from 'openai';
import type { ChatItem, ModelClient, ModelEvent, ModelRequest, ModelSettings, ToolSpec } from './types';

/** A key is mandatory for the SDK; local servers (Ollama, LM Studio, vLLM) ignore it. */
const PLACEHOLDER_KEY = 'not-needed';

/** The one ModelClient: the official `openai` SDK, speaking Chat Completions or Responses. */
export class OpenAIModelClient implements ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly settings: ModelSettings) {
    this.client = new OpenAI({
      apiKey: settings.apiKey || PLACEHOLDER_KEY,
      baseURL: settings.baseURL || undefined,
      // Retries are the agent's job, so they can be shown to the user and cancelled.
      maxRetries: 0,
      timeout: 10 * 60_000,
    });
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    yield* this.settings.wireApi === 'responses' ? this.streamResponses(request, signal) : this.streamChat(request, signal);
    // The SDK ends an aborted stream quietly; callers must not mistake that for a complete turn.
    if (signal.aborted) throw new OpenAI.APIUserAbortError();
  }

  private async *streamChat(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const stream = await this.client.chat.completions.create(
      {
        model: request.model ?? this.settings.model,
        messages: request.items.map(toChatMessage),
        tools: request.tools?.length ? request.tools.map(toChatTool) : undefined,
        stream: true,
        stream_options: { include_usage: true },
        ...(this.settings.reasoningEffort ? { reasoning_effort: this.settings.reasoningEffort } : {}),
      },
      { signal },
    );
    // Tool calls arrive as fragments keyed by index; they are complete only when the stream ends.
    const pending = new Map<number, { id: string; name: string; arguments: string }>();
    let finished = false;
    for await (const chunk of stream) {
      for (const choice of chunk.choices ?? []) {
        if (choice.finish_reason) finished = true;
        const delta = choice.delta as { content?: string | null; reasoning_content?: string; reasoning?: string } & typeof choice.delta;
        const reasoning = delta?.reasoning_content ?? delta?.reasoning;
        if (reasoning) yield { type: 'reasoning', delta: reasoning };
        if (delta?.content) yield { type: 'text', delta: delta.content };
        for (const part of delta?.tool_calls ?? []) {
          const call = pending.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          pending.set(part.index, call);
        }
      }
      if (chunk.usage) {
        yield {
          type: 'usage',
          usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens, ...reportedCost(chunk.usage) },
        };
      }
    }
    // A stream that ended without a finish reason was cut: its tool calls may be incomplete (and still parse).
    if (pending.size && !finished && !signal.aborted)
      throw new OpenAI.APIConnectionError({ message: 'The stream ended before the tool call was complete.' });
    for (const [index, call] of [...pending].sort(([a], [b]) => a - b)) {
      yield { type: 'toolCall', call: { ...call, id: call.id || `call_${index}` } };
    }
  }

  private async *streamResponses(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const stream = await this.client.responses.create(
      {
        model: request.model ?? this.settings.model,
        input: request.items.flatMap(toResponsesInput),
        tools: request.tools?.length ? request.tools.map(toResponsesTool) : undefined,
        stream: true,
        store: false,
        ...(this.settings.reasoningEffort ? { reasoning: { effort: this.settings.reasoningEffort, summary: 'auto' as const } } : {}),
      },
      { signal },
    );
    for await (const event of stream) {
      switch (event.type) {
        case 'response.output_text.delta':
          yield { type: 'text', delta: event.delta };
          break;
        case 'response.reasoning_summary_text.delta':
          yield { type: 'reasoning', delta: event.delta };
          break;
        case 'response.output_item.done':
          if (event.item.type === 'function_call') {
            yield { type: 'toolCall', call: { id: event.item.call_id, name: event.item.name, arguments: event.item.arguments } };
          }
          break;
        case 'response.completed':
          if (event.response.usage) {
            const { input_tokens, output_tokens } = event.response.usage;
            yield {
              type: 'usage',
              usage: { inputTokens: input_tokens, outputTokens: output_tokens, ...reportedCost(event.response.usage) },
            };
          }
          break;
        case 'response.failed':
        case 'error':
          throw new Error(errorMessageOf(event));
      }
    }
  }
}

/** A `cost` the server put in its usage report (not part of OpenAI's schema, so read defensively). */
function reportedCost(usage: object): { cost?: number } {
  const cost = (usage as { cost?: unknown }).cost;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { cost } : {};
}

function errorMessageOf(event: { type: string }): string {
  const e = event as { message?: string; response?: { error?: { message?: string } | null } };
  return e.message ?? e.response?.error?.message ?? 'The model service reported an error.';
}

function toChatMessage(item: ChatItem): OpenAI.Chat.ChatCompletionMessageParam {
  switch (item.role) {
    case 'system':
    case 'user':
      return { role: item.role, content: item.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: item.content || null,
        tool_calls: item.toolCalls?.length
          ? item.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }))
          : undefined,
      };
    case 'tool':
      return { role: 'tool', tool_call_id: item.callId, content: item.content };
  }
}

function toResponsesInput(item: ChatItem): OpenAI.Responses.ResponseInputItem[] {
  switch (item.role) {
    case 'system':
      return [{ role: 'developer', content: item.content }];
    case 'user':
      return [{ role: 'user', content: item.content }];
    case 'assistant': {
      const out: OpenAI.Responses.ResponseInputItem[] = item.content ? [{ role: 'assistant', content: item.content }] : [];
      for (const c of item.toolCalls ?? []) {
        out.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments });
      }
      return out;
    }
    case 'tool':
      return [{ type: 'function_call_output', call_id: item.callId, output: item.content }];
  }
}

function toChatTool(tool: ToolSpec): OpenAI.Chat.ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function toResponsesTool(tool: ToolSpec): OpenAI.Responses.FunctionTool {
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false };
}

/** "Test connection": the models the endpoint lists (sorted), or the SDK error for describeModelError. */
export async function listModels(settings: Pick<ModelSettings, 'baseURL' | 'apiKey'>, signal?: AbortSignal): Promise<string[]> {
  const client = new OpenAI({
    apiKey: settings.apiKey || PLACEHOLDER_KEY,
    baseURL: settings.baseURL || undefined,
    maxRetries: 0,
    timeout: 15_000,
  });
  const ids: string[] = [];
  for await (const model of client.models.list({ signal })) ids.push(model.id);
  return ids.sort();
}
