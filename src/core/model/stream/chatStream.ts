import OpenAI from 'openai';
import type { ModelEvent, ReasoningState, ToolSpec } from '../types';
import { ContentSplitter } from './contentSplitter';
import { streamErrorFrom } from './streamError';
import { TextToolCalls } from './textToolCalls';
import { ToolCallAssembler, type ToolCallFragment } from './toolCallAssembler';
import { reportedUsage } from './usage';

/** A Chat Completions stream chunk as servers really send it: the SDK's type, loosened where they differ. */
interface ChatChunk {
  choices?: Array<{ index?: number; finish_reason?: string | null; delta?: ChatDelta | null }> | null;
  usage?: object | null;
  /** Groq reports usage here in the last chunk. */
  x_groq?: { usage?: object };
  error?: unknown;
}

interface ChatDelta {
  /** A string, or typed parts (Mistral: `text` and `thinking` parts). */
  content?: string | ContentPart[] | null;
  /** DeepSeek, vLLM, SGLang, llama.cpp, DashScope. */
  reasoning_content?: string | null;
  /** OpenRouter, Ollama, Groq, newer vLLM. */
  reasoning?: string | null;
  /** OpenRouter's structured reasoning, which must go back with the message. */
  reasoning_details?: ReasoningDetail[] | null;
  tool_calls?: ToolCallFragment[] | null;
  /** Gemini: the thought signature of an answer. */
  extra_content?: object;
}

interface ContentPart {
  type?: string;
  text?: string;
  thinking?: string | Array<{ type?: string; text?: string }>;
}

interface ReasoningDetail {
  type?: string;
  index?: number;
  text?: string;
  summary?: string;
  data?: string;
  [field: string]: unknown;
}

/**
 * Turns Chat Completions chunks into ModelEvents: answer text, reasoning in every shape servers send it, tool
 * calls however their fragments are numbered, usage, and the reasoning state to send back. Synchronous and
 * allocation-light: it runs once per streamed delta.
 */
export class ChatStreamNormaliser {
  private readonly calls = new ToolCallAssembler();
  private readonly content: ContentSplitter;
  private readonly details: ReasoningDetail[] = [];
  private extraContent: object | undefined;
  private reasoningContent = '';
  private finished = false;

  constructor(tools: readonly ToolSpec[] | undefined) {
    this.content = new ContentSplitter(tools?.length ? new TextToolCalls(tools) : undefined);
  }

  push(chunk: unknown, out: ModelEvent[]): void {
    const c = chunk as ChatChunk;
    if (c.error) throw streamErrorFrom(c.error);
    for (const choice of c.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue; // one answer was asked for (n = 1)
      if (choice.finish_reason) this.finished = true;
      if (choice.delta) this.delta(choice.delta, out);
    }
    const usage = c.usage ?? c.x_groq?.usage;
    if (usage) out.push({ type: 'usage', usage: reportedUsage(usage) });
  }

  private delta(delta: ChatDelta, out: ModelEvent[]): void {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) out.push({ type: 'reasoning', delta: reasoning });
    if (typeof delta.reasoning_content === 'string') this.reasoningContent += delta.reasoning_content;
    if (delta.reasoning_details?.length) this.mergeDetails(delta.reasoning_details, typeof reasoning !== 'string', out);
    const content = delta.content;
    if (typeof content === 'string') {
      if (content) this.content.push(content, out);
    } else if (Array.isArray(content)) {
      for (const part of content) this.part(part, out);
    }
    for (const fragment of delta.tool_calls ?? []) this.calls.add(fragment);
    if (delta.extra_content) this.extraContent = delta.extra_content;
  }

  private part(part: ContentPart, out: ModelEvent[]): void {
    if (part.type === 'thinking') {
      const thinking = typeof part.thinking === 'string' ? part.thinking : (part.thinking ?? []).map((t) => t.text ?? '').join('');
      if (thinking) out.push({ type: 'reasoning', delta: thinking });
    } else if (part.type === 'text' && typeof part.text === 'string' && part.text) {
      this.content.push(part.text, out);
    }
    // Other parts (Mistral's `reference` citations) carry no text of the answer.
  }

  /**
   * OpenRouter streams each reasoning detail in pieces with its `index`; the pieces are joined into whole
   * details, as they must be sent back. Their text is shown only when the chunk had no plain reasoning field.
   */
  private mergeDetails(details: ReasoningDetail[], showText: boolean, out: ModelEvent[]): void {
    for (const detail of details) {
      const same = this.detailContinued(detail);
      if (!same) this.details.push({ ...detail });
      else
        for (const [key, value] of Object.entries(detail)) {
          const joined = (key === 'text' || key === 'summary' || key === 'data') && typeof same[key] === 'string';
          same[key] = joined && typeof value === 'string' ? (same[key] as string) + value : value;
        }
      const text = detail.type === 'reasoning.summary' ? detail.summary : detail.type === 'reasoning.text' ? detail.text : undefined;
      if (showText && text) out.push({ type: 'reasoning', delta: text });
    }
  }

  /** The detail a piece continues: the one with its index, else (no index) the latest of its type. */
  private detailContinued(piece: ReasoningDetail): ReasoningDetail | undefined {
    for (let i = this.details.length - 1; i >= 0; i--) {
      const d = this.details[i];
      if (piece.index !== undefined ? d.index === piece.index : d.type === piece.type) return d;
    }
    return undefined;
  }

  /** After the last chunk: held text, the assembled tool calls, and the state to send back. */
  end(out: ModelEvent[]): void {
    // A stream that ended without a finish reason was cut: its tool calls may be incomplete (and still parse).
    if (!this.finished && (this.calls.size || this.content.holdsToolCall()))
      throw new OpenAI.APIConnectionError({ message: 'The stream ended before the tool call was complete.' });
    this.content.end(out);
    for (const call of this.calls.finish()) out.push({ type: 'toolCall', call });
    const state: ReasoningState = {
      ...(this.details.length ? { reasoningDetails: this.details } : {}),
      ...(this.extraContent ? { extraContent: this.extraContent } : {}),
      ...(this.reasoningContent ? { reasoningContent: this.reasoningContent } : {}),
    };
    if (Object.keys(state).length) out.push({ type: 'reasoningState', state });
  }
}
