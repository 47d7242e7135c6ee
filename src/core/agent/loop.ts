import { describeModelError, failedGeneration, isAbort, malformedToolCall } from '../model/errors';
import { DEFAULT_RETRY, isContextOverflow, retryDelayMs, sleep, statedContextLimit, type RetryPolicy } from '../model/retry';
import type { ChatItem, ModelClient, ModelSettings, ReasoningState, ToolCallRequest, Usage } from '../model/types';
import { readToolArguments, type ToolArguments } from '../tools/arguments';
import type { ToolRegistry } from '../tools/registry';
import { ToolError, type ToolContext, type ToolOutcome } from '../tools/types';
import { validateArgs, withoutNulls } from '../tools/validate';
import { carriedTokens, fitContext, historyBudget } from './compaction';
import { historyTokens } from './tokens';
import { unansweredCalls } from '../tasks/reopen';
import type { TranscriptSink } from './transcript';

export interface AgentOptions {
  maxSteps: number;
  /** Consecutive malformed/unknown tool calls before the turn is ended. */
  maxConsecutiveMistakes: number;
  /** A stream with no event for this long is abandoned. */
  streamIdleTimeoutMs: number;
  contextWindow: number;
  retry: RetryPolicy;
  /** Bounded retries after a context-overflow error, each with a harder compaction. */
  maxCompactions: number;
  /** Compact automatically when the history passes 80% of the window (overflow errors compact regardless). */
  autoCompact: boolean;
}

export const DEFAULT_AGENT_OPTIONS: AgentOptions = {
  maxSteps: 50,
  maxConsecutiveMistakes: 3,
  streamIdleTimeoutMs: 90_000,
  contextWindow: 192_000,
  retry: DEFAULT_RETRY,
  maxCompactions: 1,
  autoCompact: true,
};

export interface AgentRun {
  client: ModelClient;
  settings: ModelSettings;
  tools: ToolRegistry;
  toolContext: Omit<ToolContext, 'signal'>;
  transcript: TranscriptSink;
  options: AgentOptions;
  onUsage(usage: Usage, estimatedContext: number): void;
  /**
   * Called after every change to the history, so the session can persist it; the loop goes on once it has
   * resolved, so a step is on disk before the next one starts (a crash loses at most the step in flight).
   */
  onHistoryChanged(): void | Promise<void>;
  /** The task ledger as it stands now, sent with the system prompt of every request (never compacted). */
  ledger?(): string | undefined;
  /** Called before every model request: counts the step, or says why the task's budget does not allow it. */
  beforeStep?(): string | undefined;
  signal: AbortSignal;
}

/** The request's items: the ledger joins the system prompt, which compaction keeps verbatim. */
function withLedger(history: ChatItem[], ledger: string | undefined): ChatItem[] {
  if (!ledger || history[0]?.role !== 'system') return history;
  return [{ role: 'system', content: `${history[0].content}\n\n${ledger}` }, ...history.slice(1)];
}

export type AgentEnd = 'answered' | 'stopped' | 'failed' | 'step-limit' | 'mistakes' | 'budget';

/**
 * The agent loop: stream a turn, run its tool calls, feed the results back, until the model answers without
 * tools, the user stops it, or a limit is hit. `history` is updated in place (system prompt first).
 */
export async function runAgent(history: ChatItem[], run: AgentRun): Promise<AgentEnd> {
  const { transcript, options, signal } = run;
  let mistakes = 0;
  // A resumed task may end on calls that never ran (one waited for the user's approval when VS Code closed).
  const open = unansweredCalls(history);
  if (open.length) {
    await runCalls(open.map(withReadArguments), history, run);
    if (signal.aborted) {
      transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: 'Stopped.' });
      return 'stopped';
    }
  }
  for (let step = 1; step <= options.maxSteps; step++) {
    if (run.beforeStep?.()) return 'budget';
    if (options.autoCompact) {
      try {
        await fitContext(history, historyBudget(options.contextWindow, carriedTokens(run)), run);
      } catch (err) {
        if (!signal.aborted) throw err;
        transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: 'Stopped.' });
        return 'stopped';
      }
    }
    const turn = await streamTurnWithRetry(history, run);
    if (turn === 'stopped' || turn === 'failed') return turn;
    const calls = turn.toolCalls.map(withReadArguments);
    history.push({
      role: 'assistant',
      content: turn.text,
      toolCalls: calls.length ? calls.map((c) => c.call) : undefined,
      ...(turn.reasoning ? { reasoning: turn.reasoning } : {}),
    });
    await run.onHistoryChanged();
    if (calls.length === 0) return 'answered';
    const allMistakes = await runCalls(calls, history, run);
    // A turn counts as a mistake only when none of its calls was usable.
    mistakes = allMistakes ? mistakes + 1 : 0;
    if (signal.aborted) {
      transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: 'Stopped.' });
      return 'stopped';
    }
    if (mistakes >= options.maxConsecutiveMistakes) {
      transcript.put({
        kind: 'error',
        id: transcript.newId('error'),
        message: `The model made ${mistakes} invalid tool calls in a row, so the task was paused.`,
        fix: 'Rephrase the request, or try a stronger model.',
        action: 'retry',
      });
      return 'mistakes';
    }
  }
  // The session shows a card with Continue (as for a task's budget).
  return 'step-limit';
}

/** Runs the calls and records their results; true when every one was a mistake (unknown tool, bad arguments). */
async function runCalls(calls: ReadCall[], history: ChatItem[], run: AgentRun): Promise<boolean> {
  let allMistakes = true;
  // Read-only calls next to each other run together; a call that edits or runs something runs alone, in order.
  for (const batch of batches(calls, run)) {
    if (run.signal.aborted) {
      for (const { call } of batch)
        history.push({ role: 'tool', callId: call.id, content: 'Interrupted: the user stopped the task before this call ran.' });
      continue;
    }
    const results = await Promise.all(batch.map((call) => runToolCall(call, run)));
    batch.forEach(({ call }, i) => {
      const images = results[i].images;
      history.push({ role: 'tool', callId: call.id, content: results[i].output, ...(images?.length ? { images } : {}) });
    });
    await run.onHistoryChanged();
    allMistakes &&= results.every((r) => r.mistake);
  }
  return allMistakes;
}

interface Turn {
  text: string;
  toolCalls: ToolCallRequest[];
  reasoning?: ReasoningState;
}

/** A call with its arguments read once; repaired arguments replace the raw ones, so the history is valid JSON. */
interface ReadCall {
  call: ToolCallRequest;
  read: ToolArguments;
}

function withReadArguments(call: ToolCallRequest): ReadCall {
  const read = readToolArguments(call.arguments);
  return { call: read.ok && read.repaired ? { ...call, arguments: JSON.stringify(read.args) } : call, read };
}

async function streamTurnWithRetry(history: ChatItem[], run: AgentRun): Promise<Turn | 'stopped' | 'failed'> {
  const { transcript, options, signal } = run;
  let compactions = 0;
  // A tool call the server rejected is the model's slip: the turn is asked again once, with a short correction.
  let correction: ChatItem | undefined;
  // One answer card across retries: a retried turn replaces the partial text of the failed attempt.
  const answerId = transcript.newId('assistant');
  for (let attempt = 1; ; attempt++) {
    try {
      return await streamTurn(correction ? [...history, correction] : history, run, answerId);
    } catch (err) {
      transcript.finishStreaming();
      if (signal.aborted || (isAbort(err) && !(err instanceof StreamStalled))) {
        transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: 'Stopped.' });
        return 'stopped';
      }
      if (err instanceof StreamStalled) {
        transcript.put({
          kind: 'error',
          id: transcript.newId('error'),
          message: `The model stream stalled for ${Math.round(options.streamIdleTimeoutMs / 1000)}s and was abandoned; no partial tool call was run.`,
          fix: 'Retry, or check the server.',
          action: 'retry',
        });
        return 'failed';
      }
      if (isContextOverflow(err) && compactions < options.maxCompactions) {
        compactions++;
        // The server's real limit may be below the configured window: use the one it names, else shrink.
        const named = statedContextLimit(err);
        const current = historyTokens(history);
        const carried = carriedTokens(run);
        const budget = Math.min(
          named ? historyBudget(named, carried) : Infinity,
          current * (1 - 0.3 * compactions),
          historyBudget(options.contextWindow, carried),
        );
        if (await fitContext(history, budget, run)) continue;
      }
      const rejectedCall = malformedToolCall(err);
      if (rejectedCall !== undefined && !correction) {
        correction = { role: 'user', content: toolCallCorrection(rejectedCall, failedGeneration(err)) };
        transcript.put({
          kind: 'notice',
          id: transcript.newId('notice'),
          text: `The model wrote a malformed tool call (the server said: ${rejectedCall}). Asking it once more…`,
        });
        continue;
      }
      const described = describeModelError(err, run.settings);
      if (described.transient && attempt <= options.retry.maxRetries) {
        const delay = retryDelayMs(attempt, options.retry, described.retryAfterSeconds);
        transcript.put({
          kind: 'notice',
          id: transcript.newId('notice'),
          text: `${described.message} Retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${options.retry.maxRetries + 1})…`,
        });
        try {
          await sleep(delay, signal);
        } catch {
          transcript.put({ kind: 'notice', id: transcript.newId('notice'), text: 'Stopped.' });
          return 'stopped';
        }
        continue;
      }
      transcript.put({
        kind: 'error',
        id: transcript.newId('error'),
        message: described.message,
        fix: described.fix,
        action: described.action,
      });
      return 'failed';
    }
  }
}

/** The correction sent (once, with the retried request only) after the server rejected a tool call. */
function toolCallCorrection(serverSaid: string, generated: string | undefined): string {
  const wrote = generated ? ` You wrote: ${generated.length > 500 ? `${generated.slice(0, 500)}…` : generated}` : '';
  return `[Your last reply was rejected because a tool call in it was malformed: ${serverSaid}${wrote} Reply again; call tools only through the tool-calling interface, with arguments that are one JSON object matching the tool's schema.]`;
}

/** Splits a turn's calls into runs of read-only calls and single mutating (or unknown) calls, in order. */
function batches(calls: ReadCall[], run: AgentRun): ReadCall[][] {
  const out: ReadCall[][] = [];
  for (const item of calls) {
    const readOnly = run.tools.get(item.call.name)?.mutating === false;
    const last = out.at(-1);
    if (readOnly && last && run.tools.get(last[0].call.name)?.mutating === false) last.push(item);
    else out.push([item]);
  }
  return out;
}

class StreamStalled extends Error {
  override name = 'StreamStalled';
}

/** Streams one turn. Tool calls are collected and returned only when the stream completed. */
async function streamTurn(history: ChatItem[], run: AgentRun, answerId: string): Promise<Turn> {
  const { transcript, options, signal } = run;
  const local = new AbortController();
  const forward = () => local.abort();
  signal.addEventListener('abort', forward, { once: true });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      local.abort();
    }, options.streamIdleTimeoutMs);
  };
  let text = '';
  let answerShown = false;
  let reasoningId: string | undefined;
  let reasoning: ReasoningState | undefined;
  const toolCalls: ToolCallRequest[] = [];
  try {
    arm();
    for await (const event of run.client.stream({ items: withLedger(history, run.ledger?.()), tools: run.tools.specs() }, local.signal)) {
      arm();
      switch (event.type) {
        case 'text':
          if (!answerShown) {
            transcript.put({ kind: 'assistant', id: answerId, text: '', streaming: true });
            answerShown = true;
          }
          text += event.delta;
          transcript.appendText(answerId, event.delta);
          break;
        case 'reasoning':
          if (!reasoningId) {
            reasoningId = transcript.newId('reasoning');
            transcript.put({ kind: 'reasoning', id: reasoningId, text: '', streaming: true });
          }
          transcript.appendText(reasoningId, event.delta);
          break;
        case 'toolCall':
          toolCalls.push(event.call);
          break;
        case 'reasoningState':
          reasoning = event.state;
          break;
        case 'usage':
          run.onUsage(event.usage, event.usage.inputTokens + event.usage.outputTokens);
          break;
      }
    }
  } catch (err) {
    if (stalled && !signal.aborted) throw new StreamStalled();
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
  if (stalled && !signal.aborted) throw new StreamStalled();
  transcript.finishStreaming();
  return { text, toolCalls: dedupeIds(toolCalls), ...(reasoning ? { reasoning } : {}) };
}

/** Duplicate call ids would make results ambiguous; later duplicates get fresh ids (and run normally). */
function dedupeIds(calls: ToolCallRequest[]): ToolCallRequest[] {
  const seen = new Set<string>();
  return calls.map((call, index) => {
    const id = !call.id || seen.has(call.id) ? `${call.id || 'call'}_dup${index}` : call.id;
    seen.add(id);
    return { ...call, id };
  });
}

async function runToolCall({ call, read }: ReadCall, run: AgentRun): Promise<ToolOutcome & { mistake: boolean }> {
  const { transcript, tools, signal } = run;
  const cardId = transcript.newId('tool');
  const tool = tools.get(call.name);
  const fail = (output: string, mistake: boolean, summary = '') => {
    transcript.put({ kind: 'tool', id: cardId, name: call.name || '(unnamed)', summary, status: 'failed', output });
    return { ok: false, output, mistake };
  };
  if (!tool) {
    return fail(
      `Error: unknown tool "${call.name}". Available tools: ${tools
        .specs()
        .map((t) => t.name)
        .join(', ')}.`,
      true,
    );
  }
  if (!read.ok) {
    return fail(
      `Error: the arguments of ${call.name} were not a valid JSON object (${read.error}): ${call.arguments.slice(0, 200)}. Call the tool again with a JSON object matching its schema.`,
      true,
    );
  }
  const args = withoutNulls(read.args);
  const repairNote = read.repaired ? `Note: ${read.repaired}. Send valid JSON arguments next time.\n\n` : '';
  const problem = validateArgs(tool.spec.parameters, args);
  if (problem) return fail(`${repairNote}Error: ${problem}. Call ${call.name} again with valid arguments.`, true, safeSummary(tool, args));

  const summary = safeSummary(tool, args);
  const started = Date.now();
  transcript.put({ kind: 'tool', id: cardId, name: call.name, summary, status: 'running', startedAt: started });
  let outcome: ToolOutcome;
  try {
    outcome = await tool.run(args, { ...run.toolContext, signal });
  } catch (err) {
    if (signal.aborted || isAbort(err)) outcome = { ok: false, output: 'Interrupted: the user stopped the task.' };
    else if (err instanceof ToolError) outcome = { ok: false, output: `Error: ${err.message}` };
    else outcome = { ok: false, output: `Error: ${call.name} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
  }
  const output = repairNote + outcome.output;
  transcript.put({
    kind: 'tool',
    id: cardId,
    name: call.name,
    summary,
    status: outcome.ok ? 'done' : 'failed',
    output,
    durationMs: Date.now() - started,
  });
  return { ...outcome, output, mistake: false };
}

function safeSummary(tool: { summarize(a: never): string }, args: Record<string, unknown>): string {
  try {
    return tool.summarize(args as never).slice(0, 200);
  } catch {
    return '';
  }
}
