import type { HostToWebview, ToolTokens } from '../../shared/protocol';
import type { ModelSettings, Usage } from '../model/types';
import type { TaskUsage } from '../tasks/task';

/**
 * What a task has used: the context it fills now, the tokens billed (with their cost, from the server's own
 * `usage.cost` when it reports one, else from the user's price per million tokens), the model requests made
 * and the time spent running. Persisted with the task, so budgets hold across restarts.
 */
export class UsageMeter {
  contextUsed = 0;
  input = 0;
  output = 0;
  cost: number | undefined;
  steps = 0;
  private activeMs = 0;
  private runningSince: number | undefined;

  add(usage: Usage, price: ModelSettings['pricePerMillion']): void {
    this.input += usage.inputTokens;
    this.output += usage.outputTokens;
    const cost = usage.cost ?? (price ? (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6 : undefined);
    if (cost !== undefined) this.cost = (this.cost ?? 0) + cost;
  }

  /** A run started or ended: running time counts only while one goes. */
  running(on: boolean, now = Date.now()): void {
    if (on) this.runningSince ??= now;
    else if (this.runningSince !== undefined) {
      this.activeMs += now - this.runningSince;
      this.runningSince = undefined;
    }
  }

  /** The context now holds `used` tokens: the meter's message (what the request carried, what was billed). */
  report(used: number, contextWindow: number, tools: ToolTokens | undefined): Extract<HostToWebview, { type: 'usage' }> {
    this.contextUsed = used;
    const { input, output, cost } = this;
    return { type: 'usage', contextUsed: used, contextWindow, inputTokens: input, outputTokens: output, cost, tools };
  }

  usage(now = Date.now()): TaskUsage {
    return {
      inputTokens: this.input,
      outputTokens: this.output,
      cost: this.cost,
      steps: this.steps,
      activeMs: this.activeMs + (this.runningSince !== undefined ? now - this.runningSince : 0),
    };
  }

  restore(saved: TaskUsage | undefined): void {
    this.reset();
    if (!saved) return;
    this.input = saved.inputTokens;
    this.output = saved.outputTokens;
    this.cost = saved.cost;
    this.steps = saved.steps;
    this.activeMs = saved.activeMs;
  }

  reset(): void {
    this.contextUsed = 0;
    this.input = 0;
    this.output = 0;
    this.cost = undefined;
    this.steps = 0;
    this.activeMs = 0;
    this.runningSince = undefined;
  }
}
