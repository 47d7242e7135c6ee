/**
 * "Test connection" as a self-test (issue 17): one verdict per capability the agent depends on — the endpoint
 * answers, the model is served, streaming works, a tool call round-trips, whether reasoning comes back, and
 * the real context window — each with the fix when it fails. Real requests to the configured endpoint with
 * the configured model; nothing is guessed from the provider's name.
 */
import { detectContextWindow } from './contextWindow';
import { describeModelError } from './errors';
import { listModels } from './openaiClient';
import { providerOf } from './providers';
import type { ChatItem, ModelClient, ModelEvent, ModelSettings, ToolSpec } from './types';

export interface SelfTestCheck {
  name: string;
  /** null: informational (reasoning is optional, a window the server does not report). */
  ok: boolean | null;
  detail: string;
  fix?: string;
}

export interface SelfTestReport {
  ok: boolean;
  checks: SelfTestCheck[];
  /** What the endpoint lists, for the model picker. */
  models: string[];
}

const PROBE_TOOL: ToolSpec = {
  name: 'report_status',
  description: 'Reports a status word back to the caller.',
  parameters: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'], additionalProperties: false },
};

/** One streamed turn, collected. */
async function turn(client: ModelClient, items: ChatItem[], model: string, signal: AbortSignal, tools?: ToolSpec[]) {
  const events: ModelEvent[] = [];
  for await (const event of client.stream({ items, model, tools }, signal)) events.push(event);
  const text = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
  return {
    text,
    textChunks: events.filter((e) => e.type === 'text').length,
    reasoning: events.some((e) => e.type === 'reasoning'),
    calls: events.flatMap((e) => (e.type === 'toolCall' ? [e.call] : [])),
  };
}

export async function runSelfTest(
  settings: ModelSettings,
  client: ModelClient,
  signal: AbortSignal,
  configuredWindow?: number,
): Promise<SelfTestReport> {
  const checks: SelfTestCheck[] = [];
  const fail = (name: string, err: unknown): SelfTestReport => {
    const described = describeModelError(err, settings);
    checks.push({ name, ok: false, detail: described.message, fix: described.fix });
    return { ok: false, checks, models };
  };
  let models: string[] = [];
  try {
    models = await listModels(settings, signal);
    checks.push({ name: 'the endpoint answers', ok: true, detail: `${models.length} model(s) listed` });
  } catch (err) {
    return fail('the endpoint answers', err);
  }
  if (models.length > 0 && !models.includes(settings.model)) {
    checks.push({
      name: 'the model is served',
      ok: false,
      detail: `"${settings.model}" is not among the ${models.length} models the endpoint lists`,
      fix: 'Pick one of the listed models.',
    });
    return { ok: false, checks, models };
  }
  checks.push({ name: 'the model is served', ok: true, detail: settings.model });

  let reasoning = false;
  try {
    const hello = await turn(client, [{ role: 'user', content: 'Reply with the single word: ready' }], settings.model, signal);
    reasoning ||= hello.reasoning;
    checks.push(
      hello.textChunks > 0
        ? { name: 'streaming works', ok: true, detail: `the answer arrived in ${hello.textChunks} chunk(s)` }
        : {
            name: 'streaming works',
            ok: false,
            detail: 'the stream ended without any answer text',
            fix: 'Check that the server supports stream: true.',
          },
    );
  } catch (err) {
    return fail('streaming works', err);
  }

  try {
    const ask: ChatItem[] = [{ role: 'user', content: 'Call the report_status tool with status "ok". Do not answer in text.' }];
    const first = await turn(client, ask, settings.model, signal, [PROBE_TOOL]);
    reasoning ||= first.reasoning;
    const call = first.calls.find((c) => c.name === PROBE_TOOL.name);
    if (!call) {
      checks.push({
        name: 'a tool call round-trips',
        ok: false,
        detail: 'the model answered in text instead of calling the tool',
        fix: toolFix(settings),
      });
    } else {
      const back: ChatItem[] = [
        ...ask,
        { role: 'assistant', content: first.text, toolCalls: [call] },
        { role: 'tool', callId: call.id, content: 'status recorded' },
      ];
      const second = await turn(client, back, settings.model, signal, [PROBE_TOOL]);
      reasoning ||= second.reasoning;
      checks.push({ name: 'a tool call round-trips', ok: true, detail: 'the model called the tool and took its result' });
    }
  } catch (err) {
    return fail('a tool call round-trips', err);
  }

  checks.push(
    reasoning
      ? { name: 'reasoning', ok: true, detail: 'returned, and shown apart from the answer' }
      : { name: 'reasoning', ok: null, detail: 'not returned (normal for models that do not reason, or when the server hides it)' },
  );
  const detected = await detectContextWindow(settings, signal).catch(() => undefined);
  checks.push(
    detected
      ? { name: 'context window', ok: true, detail: `${detected.tokens.toLocaleString('en-US')} tokens (${detected.source})` }
      : {
          name: 'context window',
          ok: null,
          detail: `not reported by the server; using fixpoint.contextWindow (${(configuredWindow ?? 192_000).toLocaleString('en-US')})`,
        },
  );
  return { ok: checks.every((c) => c.ok !== false), checks, models };
}

function toolFix(settings: ModelSettings): string {
  switch (providerOf(settings.baseURL)) {
    case 'ollama':
      return 'This Ollama model has no tool-call template; pick a tools-capable model (e.g. qwen2.5-coder, llama3.1).';
    case 'lmstudio':
      return 'Load a model LM Studio marks as tool-capable (the hammer icon), or pick another model.';
    case 'vllm':
      return 'Start vLLM with --enable-auto-tool-choice and the --tool-call-parser for this model.';
    default:
      return 'Pick a model that supports tool calling: Fixpoint works through tools.';
  }
}
