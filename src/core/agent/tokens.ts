import type { ChatItem } from '../model/types';

// The o200k tables are 2.7 MB of JavaScript: loaded on the first count (the first prompt), not at activation.
// The bundler maps this require to a separate file next to the extension bundle (scripts/build.mjs).
let counter: ((text: string) => number) | undefined;
export function countTokens(text: string): number {
  counter ??= (require('gpt-tokenizer') as typeof import('gpt-tokenizer')).countTokens;
  return counter(text);
}

/** Whether the tables are in memory (counting is then cheap; before, the first count pays the load). */
export function tokenizerLoaded(): boolean {
  return counter !== undefined;
}

// o200k (gpt-tokenizer's default) is the tokenizer of current OpenAI models; for other models it is a close
// enough estimate for budgeting. Counts are cached per item because the history is re-measured every step.
const cache = new WeakMap<ChatItem, number>();
/** Per-message framing overhead of the chat format. */
const PER_ITEM_OVERHEAD = 4;
/**
 * An image in a tool result, whether or not this model is sent it: OpenAI bills a 512×512 high-detail image
 * 765 tokens (85 + 4 tiles × 170); counting every image so keeps the budget on the safe side without decoding.
 */
const IMAGE_TOKENS = 765;

export function itemTokens(item: ChatItem): number {
  let n = cache.get(item);
  if (n === undefined) {
    n = PER_ITEM_OVERHEAD + countTokens(item.content);
    if (item.role === 'assistant') {
      for (const c of item.toolCalls ?? []) n += countTokens(c.name) + countTokens(c.arguments) + PER_ITEM_OVERHEAD;
      // Reasoning text sent back with the message (DeepSeek, Kimi) is input like the rest.
      if (item.reasoning?.reasoningContent) n += countTokens(item.reasoning.reasoningContent);
    }
    if (item.role === 'tool') n += (item.images?.length ?? 0) * IMAGE_TOKENS;
    cache.set(item, n);
  }
  return n;
}

export function historyTokens(items: readonly ChatItem[]): number {
  let total = 0;
  for (const item of items) total += itemTokens(item);
  return total;
}

/**
 * A cheap upper bound: an o200k token is at least one byte, so the UTF-8 size (plus framing) bounds the count.
 * Lets the agent skip exact counting (and loading the tokenizer) while a history is clearly small.
 */
export function historyTokensAtMost(items: readonly ChatItem[]): number {
  let bytes = 0;
  for (const item of items) {
    bytes += PER_ITEM_OVERHEAD + Buffer.byteLength(item.content, 'utf8');
    if (item.role === 'assistant') {
      for (const c of item.toolCalls ?? []) bytes += PER_ITEM_OVERHEAD + Buffer.byteLength(c.name) + Buffer.byteLength(c.arguments);
      bytes += Buffer.byteLength(item.reasoning?.reasoningContent ?? '');
    }
    if (item.role === 'tool') bytes += (item.images?.length ?? 0) * IMAGE_TOKENS;
  }
  return bytes;
}
