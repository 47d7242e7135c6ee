// The neutral conversation format the agent speaks; the client translates it to either OpenAI wire format.

export type WireApi = 'chat' | 'responses';

export interface ModelSettings {
  /** Undefined means OpenAI's own endpoint. */
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Small, fast model for quick asks and quick fixes; falls back to `model`. */
  fastModel?: string;
  wireApi: WireApi;
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high';
  /** The user's price per million tokens, to show a cost when the server reports none. */
  pricePerMillion?: { input: number; output: number };
}

export interface ToolCallRequest {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; it may be malformed and is validated by the tool runner. */
  arguments: string;
}

export type ChatItem =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallRequest[] }
  | { role: 'tool'; callId: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** What the request cost, when the server says (OpenRouter and some gateways report `usage.cost`). */
  cost?: number;
}

export type ModelEvent =
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  | { type: 'toolCall'; call: ToolCallRequest }
  | { type: 'usage'; usage: Usage };

export interface ModelRequest {
  items: ChatItem[];
  tools?: ToolSpec[];
  /** Overrides the settings' model (e.g. the fast model for quick asks). */
  model?: string;
}

/** Streams one model turn. Aborting the signal aborts the HTTP request. */
export interface ModelClient {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
