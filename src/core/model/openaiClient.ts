import OpenAI from 'openai';
import { ChatStreamNormaliser } from './stream/chatStream';
import { ResponsesStreamNormaliser } from './stream/responsesStream';
import { streamErrorFrom } from './stream/streamError';
import type { ModelClient, ModelEvent, ModelRequest, ModelSettings } from './types';
import { acceptsImages } from './images';
import { toChatMessages, toChatTool, toResponsesInputs, toResponsesTool, wantsEncryptedReasoning, wantsFreeformTools } from './wireFormat';

/** A key is mandatory for the SDK; local servers (Ollama, LM Studio, vLLM) ignore it. */
const PLACEHOLDER_KEY = 'not-needed';

/** What both wires' normalisers do: chunks in, ModelEvents out, the rest once the stream has ended. */
interface StreamNormaliser {
  push(chunk: unknown, out: ModelEvent[]): void;
  end(out: ModelEvent[]): void;
}

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
    try {
      if (this.settings.wireApi === 'responses') yield* this.streamResponses(request, signal);
      else yield* this.streamChat(request, signal);
    } catch (err) {
      throw midStreamError(err);
    }
    // The SDK ends an aborted stream quietly; callers must not mistake that for a complete turn.
    if (signal.aborted) throw new OpenAI.APIUserAbortError();
  }

  private async *streamChat(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const model = request.model ?? this.settings.model;
    const stream = await this.client.chat.completions.create(
      {
        model,
        messages: toChatMessages(request.items, acceptsImages(this.settings, model)),
        tools: request.tools?.length ? request.tools.map(toChatTool) : undefined,
        stream: true,
        stream_options: { include_usage: true },
        ...(this.settings.reasoningEffort ? { reasoning_effort: this.settings.reasoningEffort } : {}),
      },
      { signal },
    );
    yield* normalised(stream, new ChatStreamNormaliser(request.tools), signal);
  }

  private async *streamResponses(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const model = request.model ?? this.settings.model;
    const freeform = wantsFreeformTools(this.settings, model);
    const stream = await this.client.responses.create(
      {
        model,
        input: toResponsesInputs(request.items, acceptsImages(this.settings, model)),
        tools: request.tools?.length ? request.tools.map((t) => toResponsesTool(t, freeform)) : undefined,
        stream: true,
        store: false,
        ...(wantsEncryptedReasoning(this.settings, model) ? { include: ['reasoning.encrypted_content' as const] } : {}),
        ...(this.settings.reasoningEffort ? { reasoning: { effort: this.settings.reasoningEffort, summary: 'auto' as const } } : {}),
      },
      { signal },
    );
    yield* normalised(stream, new ResponsesStreamNormaliser(request.tools), signal);
  }
}

async function* normalised(stream: AsyncIterable<unknown>, normaliser: StreamNormaliser, signal: AbortSignal): AsyncIterable<ModelEvent> {
  const out: ModelEvent[] = [];
  for await (const chunk of stream) {
    normaliser.push(chunk, out);
    if (out.length) {
      yield* out;
      out.length = 0;
    }
  }
  // An aborted stream has no end worth reporting (stream() throws the abort).
  if (signal.aborted) return;
  normaliser.end(out);
  yield* out;
}

/**
 * The SDK reports an error chunk of a stream that began with HTTP 200 as an APIError without a status; it is
 * the service speaking mid-stream, not a refused request.
 */
function midStreamError(err: unknown): unknown {
  const midStream =
    err instanceof OpenAI.APIError &&
    err.status === undefined &&
    !(err instanceof OpenAI.APIConnectionError) &&
    !(err instanceof OpenAI.APIUserAbortError);
  return midStream ? streamErrorFrom(err.error ?? { message: err.message }) : err;
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
