import type { ChatItem, ModelClient } from '../model/types';
import type { TranscriptSink } from './transcript';
import type { ToolSpec } from '../model/types';
import { countTokens, historyTokens, historyTokensAtMost, itemTokens } from './tokens';
import { toolTokens } from './toolTokens';

/** Soft limit: compaction starts when a request passes this share of the window (leaving room to answer). */
const COMPACT_AT = 0.8;
/** However much else a request carries, the conversation keeps at least this share (then the server decides). */
const MIN_HISTORY_SHARE = 0.2;

/**
 * What the conversation (system prompt included) may take of a `window` before it is compacted: 80% of it,
 * less what every request carries beside it (`carried`: tool definitions, the ledger). A few MCP servers'
 * schemas can take thousands of tokens, which on a small local model's window is most of it.
 */
export function historyBudget(window: number, carried: number): number {
  return Math.max(window * COMPACT_AT - carried, window * MIN_HISTORY_SHARE);
}

/** The tokens a request carries beside its items: the tools offered (counted once per spec) and the ledger. */
export function carriedTokens(run: { tools: { specs(): ToolSpec[] }; ledger?: () => string | undefined }): number {
  const tools = toolTokens(run.tools.specs());
  const ledger = run.ledger?.();
  return tools.builtIn + tools.mcp + (ledger ? countTokens(ledger) : 0);
}

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
    const note: ChatItem = {
      role: 'user',
      content: `${NOTE_PREFIX} ${dropped} earlier messages were removed to fit the context window. Re-read files before editing them.]`,
    };
    out.splice(firstUser + 1, 0, note);
  }
  return { items: out, changed: true };
}

const NOTE_PREFIX = '[Context note:';
function isNote(item: ChatItem): boolean {
  return item.role === 'user' && item.content.startsWith(NOTE_PREFIX);
}

export const SUMMARY_PREFIX = '[Summary of the earlier conversation, written by you to keep the thread:';
const SUMMARY_INSTRUCTIONS = [
  'Summarize the conversation above for yourself, so you can continue the task without it.',
  "Keep: the user's goal and constraints; decisions made and why; files read and what matters in them; edits proposed",
  'and whether the user accepted them; commands run and their results (exact failing tests, errors, paths,',
  'identifiers); what remains to do. Be concise and factual; use bullet points. Do not call tools.',
].join(' ');

/**
 * Model-written compaction: the oldest exchanges (after the user's first request) are replaced by a summary the
 * model writes of them; the first request and the recent items stay verbatim. Exchanges are cut only at unit
 * boundaries, so no tool call is ever separated from its result. Returns undefined when there is nothing old
 * enough to summarise.
 */
export async function summarizeHistory(
  items: readonly ChatItem[],
  summarize: (transcript: ChatItem[]) => Promise<string>,
): Promise<{ items: ChatItem[]; summary: string; replaced: ChatItem[] } | undefined> {
  const firstUser = items.findIndex((i) => i.role === 'user');
  if (firstUser < 0) return undefined;
  // Recent items stay verbatim: up to KEEP_RECENT, but never more than half of what follows the request.
  const keepRecent = Math.min(KEEP_RECENT, Math.max(2, Math.floor((items.length - firstUser - 1) / 2)));
  // The old segment ends where a new unit starts (not a tool result), before the recent items.
  let end = Math.max(firstUser + 1, items.length - keepRecent);
  while (end > firstUser + 1 && items[end]?.role === 'tool') end--;
  if (end - (firstUser + 1) < 2) return undefined;
  const old = items.slice(firstUser + 1, end);
  const summary = (await summarize([...items.slice(0, end), { role: 'user', content: SUMMARY_INSTRUCTIONS }])).trim();
  if (!summary) return undefined;
  return {
    items: [
      ...items.slice(0, firstUser + 1),
      { role: 'user', content: `${SUMMARY_PREFIX} ${old.length} messages]\n${summary}` },
      ...items.slice(end),
    ],
    summary,
    replaced: old,
  };
}

/** How much of what was summarised the notice keeps for the user to read (tool output is cut first). */
const REPLACED_SHOWN_CHARS = 40_000;
const TOOL_OUTPUT_SHOWN_CHARS = 2_000;

/** What a compaction replaced, as the user can read it under the notice: each message, tool output cut short. */
export function describeReplaced(items: readonly ChatItem[]): string {
  const lines = items.map((item) => {
    if (item.role === 'tool') {
      const text = item.content.length > TOOL_OUTPUT_SHOWN_CHARS ? `${item.content.slice(0, TOOL_OUTPUT_SHOWN_CHARS)}…` : item.content;
      return `[tool result]\n${text}`;
    }
    if (item.role === 'assistant') {
      const calls = (item.toolCalls ?? []).map((c) => `→ ${c.name}(${c.arguments.slice(0, 200)})`).join('\n');
      return `[assistant]\n${[item.content, calls].filter(Boolean).join('\n')}`;
    }
    return `[${item.role}]\n${item.content}`;
  });
  const text = lines.join('\n\n');
  return text.length > REPLACED_SHOWN_CHARS
    ? `${text.slice(0, REPLACED_SHOWN_CHARS)}\n… (${text.length - REPLACED_SHOWN_CHARS} more characters)`
    : text;
}

/**
 * Brings the history under `budget` tokens: first by letting the model summarise the oldest exchanges, then
 * (if that is not enough, or the summary call fails) by eliding old tool output and dropping whole exchanges.
 */
export async function fitContext(
  history: ChatItem[],
  budget: number,
  run: { client: ModelClient; transcript: TranscriptSink; signal: AbortSignal },
  force = false,
): Promise<boolean> {
  if (!force && historyTokensAtMost(history) <= budget) return false;
  const before = historyTokens(history);
  if (before <= budget && !force) return false;
  const { transcript } = run;
  const noticeId = transcript.newId('notice');
  transcript.put({ kind: 'notice', id: noticeId, text: `Compacting the conversation (${before} tokens)…` });
  let items: ChatItem[] = history;
  let how = 'summarised older turns';
  // What the user can open under the notice: the summary, and what it replaced.
  let details: Array<{ title: string; text: string }> | undefined;
  try {
    const summarised = await summarizeHistory(history, (transcriptItems) => collectText(run.client, transcriptItems, run.signal));
    if (summarised) {
      items = summarised.items;
      details = [
        { title: 'Summary', text: summarised.summary },
        { title: `What was summarised (${summarised.replaced.length} messages)`, text: describeReplaced(summarised.replaced) },
      ];
    }
  } catch (err) {
    if (run.signal.aborted) {
      transcript.put({ kind: 'notice', id: noticeId, text: 'Compaction stopped; nothing changed.' });
      throw err;
    }
    how = 'the summary failed, so old tool output was elided';
  }
  if (items === history) how = 'old tool output elided';
  const elided = compactHistory(items, budget);
  if (elided.changed && items !== history) how += ', then old tool output elided';
  items = elided.items;
  const changed = items !== history || elided.changed;
  if (changed) history.splice(0, history.length, ...items);
  transcript.put({
    kind: 'notice',
    id: noticeId,
    text: changed ? `Context compacted: ${before} → ${historyTokens(history)} tokens (${how}).` : 'Nothing to compact yet.',
    ...(changed && details ? { details } : {}),
  });
  return changed;
}

/**
 * `/compact`: the conversation (`history`, without the system prompt) summarised now, within its budget of
 * the window (historyBudget: what the tools and the ledger leave of 80 %).
 * Stopped by the user or failed, the history is unchanged and a notice says so. Returns the history to keep and
 * its size with the system prompt, in tokens.
 */
export async function compactOnRequest(
  history: readonly ChatItem[],
  run: { systemPrompt: string; window: number; carried: number; client: ModelClient; transcript: TranscriptSink; signal: AbortSignal },
): Promise<{ history: ChatItem[]; tokens?: number }> {
  const items: ChatItem[] = [{ role: 'system', content: run.systemPrompt }, ...history];
  try {
    await fitContext(items, historyBudget(run.window, run.carried), run, true);
    return { history: items.slice(1), tokens: historyTokens(items) };
  } catch (err) {
    run.transcript.put({
      kind: 'notice',
      id: run.transcript.newId('notice'),
      text: run.signal.aborted
        ? 'Compaction stopped; nothing changed.'
        : `Compaction failed; nothing changed (${err instanceof Error ? err.message : String(err)}).`,
    });
    return { history: [...history] };
  }
}

/** A whole model answer as text (no tools offered), for summaries. */
async function collectText(client: ModelClient, items: ChatItem[], signal: AbortSignal): Promise<string> {
  let text = '';
  for await (const event of client.stream({ items }, signal)) if (event.type === 'text') text += event.delta;
  return text;
}
