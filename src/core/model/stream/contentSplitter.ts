import type { ModelEvent } from '../types';
import type { TextToolCalls } from './textToolCalls';

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const CALL_OPEN = '<tool_call>';
const CALL_CLOSE = '</tool_call>';

type Mode = 'answer' | 'think' | 'call' | 'held';

/**
 * Splits streamed answer text into what it really is, across chunk boundaries:
 * - `<think>…</think>` before the answer (reasoning models served by Ollama, llama.cpp, vLLM without a
 *   reasoning parser) is reasoning;
 * - `<tool_call>…</tool_call>` (Hermes / Qwen templates) is a tool call, when the request offered tools;
 * - an answer that starts like JSON (`{`, `[{`, `[TOOL_CALLS]`, a ```json fence) is held back to the end, and
 *   becomes tool calls if that is what it was, else the answer it was;
 * - the rest is answer text, streamed as it comes, without leading whitespace.
 * A possible start of a tag at the end of a chunk waits for the next chunk.
 */
export class ContentSplitter {
  private mode: Mode = 'answer';
  private answerStarted = false;
  /** Whether the open think block has shown any (non-whitespace) reasoning yet. */
  private thinkStarted = false;
  /** Text that may be the start of a tag (or of a JSON answer); decided by the next chunk. */
  private pending = '';
  /** The open `<tool_call>` block, or the held JSON answer. */
  private block = '';

  /** `toolCalls` is undefined when the request offered no tools: then no text can be a tool call. */
  constructor(private readonly toolCalls: TextToolCalls | undefined) {}

  push(chunk: string, out: ModelEvent[]): void {
    let text = this.pending ? this.pending + chunk : chunk;
    this.pending = '';
    while (text) {
      switch (this.mode) {
        case 'held':
          this.block += text;
          return;
        case 'think':
          text = this.untilClose(text, THINK_CLOSE, out);
          break;
        case 'call':
          text = this.untilClose(text, CALL_CLOSE, out);
          break;
        case 'answer':
          text = this.answer(text, out);
          break;
      }
    }
  }

  /** Whether text seen so far is (or may be) a tool call, which a cut stream would leave incomplete. */
  holdsToolCall(): boolean {
    return this.mode === 'call' || this.mode === 'held';
  }

  /** Emits what is left: an unfinished tag is text, an unclosed block is still what it opened as. */
  end(out: ModelEvent[]): void {
    const rest = this.pending;
    this.pending = '';
    switch (this.mode) {
      case 'think': {
        const text = this.thinkStarted ? rest : rest.trimStart();
        if (text) out.push({ type: 'reasoning', delta: text });
        break;
      }
      case 'call':
        // Some servers strip the closing tag with the stop token.
        this.emitCalls(this.block + rest, out);
        break;
      case 'held': {
        const calls = this.toolCalls?.fromAnswer(this.block);
        if (calls) for (const call of calls) out.push({ type: 'toolCall', call });
        else this.emitText(this.block, out);
        break;
      }
      case 'answer':
        this.emitText(this.answerStarted ? rest : rest.trimStart(), out);
        break;
    }
    this.block = '';
  }

  /** Inside a think or tool-call block: consumes up to its closing tag; returns the text after it. */
  private untilClose(text: string, close: string, out: ModelEvent[]): string {
    const at = text.indexOf(close);
    const inside = at >= 0 ? text.slice(0, at) : text.slice(0, text.length - partialTagAtEnd(text, close));
    if (at < 0) this.pending = text.slice(inside.length);
    if (this.mode === 'think') {
      // Leading whitespace is dropped, so an empty `<think>\n\n</think>` (Qwen3 not thinking) shows nothing.
      const text = this.thinkStarted ? inside : inside.trimStart();
      if (text) out.push({ type: 'reasoning', delta: text });
      this.thinkStarted ||= text !== '';
    } else this.block += inside;
    if (at < 0) return '';
    if (this.mode === 'call') this.emitCalls(this.block, out);
    this.block = '';
    this.mode = 'answer';
    return text.slice(at + close.length);
  }

  /** Answer text: looks for the tags and JSON openers that may begin here; returns text still to process. */
  private answer(text: string, out: ModelEvent[]): string {
    if (!this.answerStarted) {
      text = text.trimStart();
      if (!text) return '';
      if (text.startsWith(THINK_OPEN)) {
        this.mode = 'think';
        this.thinkStarted = false;
        return text.slice(THINK_OPEN.length);
      }
      if (THINK_OPEN.startsWith(text)) {
        this.pending = text;
        return '';
      }
      if (this.toolCalls) {
        const opening = jsonOpening(text);
        if (opening === 'json') {
          this.mode = 'held';
          this.block = text;
          return '';
        }
        if (opening === 'undecided') {
          this.pending = text;
          return '';
        }
      }
    }
    if (!this.toolCalls || !text.includes('<')) {
      this.emitText(text, out);
      return '';
    }
    const at = text.indexOf(CALL_OPEN);
    if (at >= 0) {
      this.emitText(text.slice(0, at), out);
      this.mode = 'call';
      this.block = '';
      return text.slice(at + CALL_OPEN.length);
    }
    const keep = partialTagAtEnd(text, CALL_OPEN);
    this.emitText(text.slice(0, text.length - keep), out);
    this.pending = text.slice(text.length - keep);
    return '';
  }

  private emitText(text: string, out: ModelEvent[]): void {
    if (!text) return;
    out.push({ type: 'text', delta: text });
    this.answerStarted = true;
  }

  private emitCalls(block: string, out: ModelEvent[]): void {
    for (const call of this.toolCalls?.fromBlock(block) ?? []) out.push({ type: 'toolCall', call });
  }
}

/** How many characters at the end of `text` could be the beginning of `tag` (tags have a single '<', first). */
function partialTagAtEnd(text: string, tag: string): number {
  const lt = text.lastIndexOf('<');
  if (lt < 0 || text.length - lt >= tag.length) return 0;
  return tag.startsWith(text.slice(lt)) ? text.length - lt : 0;
}

/** Whether an answer (leading whitespace removed) opens like JSON tool calls, may still, or does not. */
function jsonOpening(text: string): 'json' | 'undecided' | 'no' {
  if (text.startsWith('{') || text.startsWith('[TOOL_CALLS]') || /^\[\s*\{/.test(text) || /^```(json)?\s*[{[]/i.test(text)) return 'json';
  if ('[TOOL_CALLS]'.startsWith(text) || /^\[\s*$/.test(text) || /^`{1,3}$/.test(text) || /^```(j(s(o(n)?)?)?)?\s*$/i.test(text))
    return 'undecided';
  return 'no';
}
