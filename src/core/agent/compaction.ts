import type { ChatItem } from '../model/types';
import { historyTokens, itemTokens } from './tokens';

export const ELIDED_OUTPUT = '[output elided to save context; call the tool again if you still need it]';
/** The most recent items are never touched: they are what the model is working on. */
const KEEP_RECENT = 8;

/**
 * Shrinks a history to fit `budget` tokens without breaking the thread:
 * 1. old tool outputs are elided (largest first), keeping the calls so the model knows what it did;
 * 2. if still too big, the oldest exchanges are dropped as whole units (an assistant message together with all
 *    its tool results), and a note says so. The first user request and the recent items always stay.
 * Returns a new array; the input is not modified.
 */
export function compactHistory(items: readonly ChatItem[], budget: number): { items: ChatItem[]; changed: boolean } {
  let out = [...items];
  if (historyTokens(out) <= budget) return { items: out, changed: false };
  const protectedFrom = Math.max(0, out.length - KEEP_RECENT);

  const candidates = out
    .map((item, index) => ({ item, index }))
    .filter(({ item, index }) => item.role === 'tool' && index < protectedFrom && item.content !== ELIDED_OUTPUT)
    .sort((a, b) => itemTokens(b.item) - itemTokens(a.item));
  for (const { item, index } of candidates) {
    if (historyTokens(out) <= budget) break;
    if (item.role === 'tool') out[index] = { role: 'tool', callId: item.callId, content: ELIDED_OUTPUT };
  }
  if (historyTokens(out) <= budget) return { items: out, changed: true };

  const firstUser = out.findIndex((i) => i.role === 'user');
  let dropped = 0;
  for (;;) {
    if (historyTokens(out) <= budget) break;
    const start = out.findIndex((item, index) => index > firstUser && item.role !== 'system' && item.role !== 'tool' && !isNote(item));
    if (start < 0 || start >= out.length - KEEP_RECENT) break;
    let end = start + 1;
    while (end < out.length && out[end].role === 'tool') end++;
    out = [...out.slice(0, start), ...out.slice(end)];
    dropped += end - start;
  }
  if (dropped > 0) {
    const note: ChatItem = { role: 'user', content: `${NOTE_PREFIX} ${dropped} earlier messages were removed to fit the context window. Re-read files before editing them.]` };
    out.splice(firstUser + 1, 0, note);
  }
  return { items: out, changed: true };
}

const NOTE_PREFIX = '[Context note:';
function isNote(item: ChatItem): boolean {
  return item.role === 'user' && item.content.startsWith(NOTE_PREFIX);
}
