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
  /**
   * Offer freeform tools (apply_patch as a grammar-constrained custom tool) on the Responses wire; undefined:
   * the provider's profile decides (OpenAI's GPT-5 family). For gateways that serve those models elsewhere.
   */
  freeformTools?: boolean;
  /**
   * Send images from tool results (an MCP server's screenshot) to the model; undefined: the provider's
   * profile decides by the model's name. A model that cannot see them gets their description instead.
   */
  images?: boolean;
}

/** An image a tool returned, base64 as MCP carries it. */
export interface ImageData {
  mimeType: string;
  data: string;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; it may be malformed and is validated by the tool runner. */
  arguments: string;
  /** Gemini's thought signature for this call (`extra_content`), sent back with the call verbatim. */
  extraContent?: object;
  /**
   * The model wrote the call as a freeform (custom) tool input rather than JSON: `arguments` holds the JSON
   * the tool expects, and the call and its result go back to the Responses API as custom-tool items.
   */
  freeform?: boolean;
}

/**
 * What a reasoning model needs back on later requests to keep its chain of thought between tool calls. Each
 * field is opaque provider data, sent back verbatim on the wire it came from (and ignored on the other).
 */
export interface ReasoningState {
  /** Responses reasoning output items with their `encrypted_content` (requests are not stored server-side). */
  responsesItems?: object[];
  /** OpenRouter's `reasoning_details`, merged from the streamed fragments. */
  reasoningDetails?: object[];
  /** Gemini's `extra_content` (thought signature) on an answer without tool calls. */
  extraContent?: object;
  /**
   * The reasoning text as it came in `reasoning_content`: DeepSeek's and Kimi's thinking modes refuse the next
   * request (HTTP 400) unless every assistant message carries its own back.
   */
  reasoningContent?: string;
}

export type ChatItem =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallRequest[]; reasoning?: ReasoningState }
  /** `images`: what the tool returned besides its text; sent only to models that accept images (wireFormat.ts). */
  | { role: 'tool'; callId: string; content: string; images?: ImageData[] };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /**
   * The tool can also be offered as a freeform tool whose whole input is one string argument, constrained by
   * a Lark grammar (OpenAI Responses custom tools). The provider's profile decides when (see wireFormat.ts).
   */
  freeform?: { argument: string; larkGrammar: string };
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** What the request cost, when the server says (OpenRouter and some gateways report `usage.cost`). */
  cost?: number;
}

/** The one normalised stream event, whatever the wire format and the provider's dialect of it. */
export type ModelEvent =
  /** Answer text (never reasoning, never a tool call written as text). */
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  /** A complete tool call; all of a turn's calls arrive before the stream ends. */
  | { type: 'toolCall'; call: ToolCallRequest }
  /** Sent once, at the end of a turn that produced state to send back. */
  | { type: 'reasoningState'; state: ReasoningState }
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
