import type { Usage } from '../types';

/** Token usage in either wire's field names, with the `cost` some gateways add (OpenRouter's `usage.cost`). */
export function reportedUsage(usage: object): Usage {
  const u = usage as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    input_tokens?: unknown;
    output_tokens?: unknown;
    cost?: unknown;
  };
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const cost = u.cost;
  return {
    inputTokens: count(u.prompt_tokens ?? u.input_tokens),
    outputTokens: count(u.completion_tokens ?? u.output_tokens),
    ...(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { cost } : {}),
  };
}
