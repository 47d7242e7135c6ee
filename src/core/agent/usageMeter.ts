import type { ModelSettings, Usage } from '../model/types';

/**
 * What a task has used: the context it fills now, and the tokens billed (with their cost, from the server's
 * own `usage.cost` when it reports one, else from the user's price per million tokens).
 */
export class UsageMeter {
  contextUsed = 0;
  input = 0;
  output = 0;
  cost: number | undefined;

  add(usage: Usage, price: ModelSettings['pricePerMillion']): void {
    this.input += usage.inputTokens;
    this.output += usage.outputTokens;
    const cost = usage.cost ?? (price ? (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6 : undefined);
    if (cost !== undefined) this.cost = (this.cost ?? 0) + cost;
  }

  reset(): void {
    this.contextUsed = 0;
    this.input = 0;
    this.output = 0;
    this.cost = undefined;
  }
}
