/**
 * Budgets for long work: per-task limits on model steps, running time and cost. A task that reaches one is
 * paused (`waiting` for budget) with what it used; Continue raises the limits that ran out by their own size
 * again, so a long task is checked on at regular intervals rather than stopped.
 */
import type { TaskBudget, TaskUsage } from './task';

/** Why the task may not make another model request, or undefined while it is within its budget. */
export function budgetExhausted(budget: TaskBudget | undefined, usage: TaskUsage): string | undefined {
  if (!budget) return undefined;
  const reasons: string[] = [];
  if (budget.maxSteps && usage.steps >= budget.maxSteps) reasons.push(`${usage.steps} of ${budget.maxSteps} steps`);
  if (budget.maxMinutes && usage.activeMs >= budget.maxMinutes * 60_000)
    reasons.push(`${formatMinutes(usage.activeMs)} of ${budget.maxMinutes} min running`);
  if (budget.maxCost && (usage.cost ?? 0) >= budget.maxCost)
    reasons.push(`$${(usage.cost ?? 0).toFixed(2)} of $${budget.maxCost.toFixed(2)}`);
  return reasons.length ? reasons.join(', ') : undefined;
}

/** The budget after Continue: each limit that ran out grows by the size it was set to in the first place. */
export function extendBudget(budget: TaskBudget, base: TaskBudget, usage: TaskUsage): TaskBudget {
  const next = { ...budget };
  if (next.maxSteps && usage.steps >= next.maxSteps) next.maxSteps = usage.steps + (base.maxSteps ?? next.maxSteps);
  if (next.maxMinutes && usage.activeMs >= next.maxMinutes * 60_000)
    next.maxMinutes = Math.ceil(usage.activeMs / 60_000) + (base.maxMinutes ?? next.maxMinutes);
  if (next.maxCost && (usage.cost ?? 0) >= next.maxCost) next.maxCost = (usage.cost ?? 0) + (base.maxCost ?? next.maxCost);
  return next;
}

/** What a task has used, for the pause card and `fixpoint tasks`. */
export function describeUsage(usage: TaskUsage): string {
  const cost = usage.cost !== undefined ? `, $${usage.cost.toFixed(2)}` : '';
  return `${usage.steps} steps, ${formatMinutes(usage.activeMs)} running${cost}`;
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  return minutes < 1 ? `${Math.round(ms / 1000)} s` : `${minutes.toFixed(minutes < 10 ? 1 : 0)} min`;
}

/** Reads a budget from settings-like numbers: zero, negative or missing means no limit. */
export function budgetFrom(values: { maxSteps?: number; maxMinutes?: number; maxCost?: number }): TaskBudget | undefined {
  const positive = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined);
  const budget: TaskBudget = {
    maxSteps: positive(values.maxSteps),
    maxMinutes: positive(values.maxMinutes),
    maxCost: positive(values.maxCost),
  };
  return budget.maxSteps || budget.maxMinutes || budget.maxCost ? budget : undefined;
}
