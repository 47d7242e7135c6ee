/**
 * Domain values the chat shows exactly as they are, defined once: core works with them, and the webview
 * protocol (src/shared) re-exports them as types — the one import src/shared takes from the project — instead
 * of a second copy that could drift. Plain types only, no imports, so the webview build can read this file.
 */

/** A step of the agent's plan (update_plan), as the ledger keeps it and the plan card shows it. */
export interface PlanStep {
  text: string;
  status: 'pending' | 'in_progress' | 'completed';
}

/** How long an approval holds: this once, for the task, in this workspace, or always. */
export type ApprovalScope = 'once' | 'task' | 'workspace' | 'always';

/** The user's answer to an approval card: allowed for a scope, or denied. */
export type ApprovalDecision = ApprovalScope | 'deny';
