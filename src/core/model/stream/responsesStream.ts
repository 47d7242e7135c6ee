import type { ModelEvent, ToolSpec } from '../types';
import { ContentSplitter } from './contentSplitter';
import { streamErrorFrom } from './streamError';
import { TextToolCalls } from './textToolCalls';
import { reportedUsage } from './usage';

/** The fields of Responses stream events that are read here (the SDK's union, loosened for local servers). */
interface ResponsesEvent {
  type: string;
  delta?: string;
  text?: string;
  item_id?: string;
  summary_index?: number;
  item?: {
    type?: string;
    call_id?: string;
    name?: string;
    arguments?: string;
    /** A custom (freeform) tool call's raw input. */
    input?: string;
    encrypted_content?: string | null;
    status?: string;
  };
  response?: { usage?: object | null; error?: object | null };
}

/**
 * Turns Responses stream events into ModelEvents. Reasoning comes as summaries (OpenAI) or as raw reasoning
 * text (LM Studio, vLLM and other local servers: `response.reasoning_text.*`, sometimes only the `.done`
 * event); reasoning items with encrypted content are kept to be sent back on the next request.
 */
export class ResponsesStreamNormaliser {
  private readonly content: ContentSplitter;
  private readonly reasoningItems: object[] = [];
  /** Reasoning parts whose text already arrived as deltas, so their `.done` is a repeat. */
  private readonly streamed = new Set<string>();
  /** Message items whose answer text arrived as deltas, likewise. */
  private readonly answered = new Set<string | undefined>();
  private lastPart: string | undefined;

  constructor(private readonly tools: readonly ToolSpec[] | undefined) {
    this.content = new ContentSplitter(tools?.length ? new TextToolCalls(tools) : undefined);
  }

  /** A custom-tool call: its raw input becomes the JSON argument the tool takes (`{"patch": input}`). */
  private freeformCall(item: NonNullable<ResponsesEvent['item']>) {
    const argument = this.tools?.find((t) => t.name === item.name)?.freeform?.argument ?? 'input';
    return { id: item.call_id ?? '', name: item.name ?? '', arguments: JSON.stringify({ [argument]: item.input ?? '' }), freeform: true };
  }

  push(event: unknown, out: ModelEvent[]): void {
    const e = event as ResponsesEvent;
    switch (e.type) {
      case 'response.output_text.delta':
        this.answered.add(e.item_id);
        if (e.delta) this.content.push(e.delta, out);
        break;
      case 'response.output_text.done':
        // Servers that send the answer only whole (no deltas) still answer.
        if (e.text && !this.answered.has(e.item_id)) this.content.push(e.text, out);
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.reasoning(e, e.delta, out);
        break;
      case 'response.reasoning_summary_text.done':
      case 'response.reasoning_text.done':
        if (!this.streamed.has(partKey(e))) this.reasoning(e, e.text, out);
        break;
      case 'response.output_item.done':
        if (e.item?.type === 'function_call')
          out.push({ type: 'toolCall', call: { id: e.item.call_id ?? '', name: e.item.name ?? '', arguments: e.item.arguments ?? '' } });
        else if (e.item?.type === 'custom_tool_call') out.push({ type: 'toolCall', call: this.freeformCall(e.item) });
        // Without encrypted content a reasoning item cannot be sent back: requests are not stored.
        else if (e.item?.type === 'reasoning' && e.item.encrypted_content) this.reasoningItems.push(withoutStatus(e.item));
        break;
      case 'response.completed':
      case 'response.incomplete':
        if (e.response?.usage) out.push({ type: 'usage', usage: reportedUsage(e.response.usage) });
        break;
      case 'response.failed':
        throw streamErrorFrom(e.response?.error ?? { message: 'The response failed.' });
      case 'error':
        throw streamErrorFrom(e);
    }
  }

  private reasoning(e: ResponsesEvent, text: string | undefined, out: ModelEvent[]): void {
    if (!text) return;
    const key = partKey(e);
    this.streamed.add(key);
    // Summary parts are separate paragraphs; without a break they would run into each other.
    if (this.lastPart !== undefined && this.lastPart !== key) out.push({ type: 'reasoning', delta: '\n\n' });
    this.lastPart = key;
    out.push({ type: 'reasoning', delta: text });
  }

  end(out: ModelEvent[]): void {
    this.content.end(out);
    if (this.reasoningItems.length) out.push({ type: 'reasoningState', state: { responsesItems: this.reasoningItems } });
  }
}

/** Summary parts are numbered paragraphs; raw reasoning text is one part (vLLM numbers every delta). */
function partKey(e: ResponsesEvent): string {
  return e.type.startsWith('response.reasoning_summary') ? `${e.item_id}:summary:${e.summary_index ?? 0}` : `${e.item_id}:text`;
}

/** The item as it goes back as input (`status` is output-only). */
function withoutStatus(item: object): object {
  const { status: _status, ...rest } = item as { status?: unknown };
  return rest;
}
