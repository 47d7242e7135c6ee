import type { AuditEntry } from '../policy/audit';
import type { PolicyDecision } from '../policy/engine';
import type { CommandApprovalRequest } from '../ports';
import { ToolError, type ToolContext } from './types';

/** What to show and say for one side effect: the approval card, the audit entry, and the refusals for the model. */
export interface SideEffectRequest {
  kind: AuditEntry['kind'];
  what: string;
  /** The exact arguments, hashed into the audit entry's digest (default: `what`). */
  args?: string;
  card: CommandApprovalRequest;
  refused: { byRule: string; byPolicy: string; byUser: string };
}

/**
 * Carries out the approval engine's decision, the same way for commands, tasks and MCP tools: a refusal is
 * recorded and thrown as a ToolError, an allowed effect is recorded, and an "ask" shows the card — the user's
 * answer is recorded and, with a scope, remembered as a grant. Returns where the effect may run.
 */
export async function settleDecision(
  decision: PolicyDecision,
  request: SideEffectRequest,
  context: Pick<ToolContext, 'approver' | 'grant' | 'audit' | 'signal'>,
): Promise<'host' | 'sandbox'> {
  const record = (entry: Pick<AuditEntry, 'outcome' | 'by' | 'scope' | 'where'>) =>
    context.audit.record({ kind: request.kind, what: request.what, why: decision.why, ...entry }, request.args ?? request.what);
  if (decision.decision === 'deny') {
    record({ outcome: 'denied', by: decision.by });
    throw new ToolError(decision.by === 'rule' ? request.refused.byRule : request.refused.byPolicy);
  }
  if (decision.decision === 'allow') {
    record({ outcome: 'allowed', by: decision.by, where: decision.where });
    return decision.where;
  }
  const answer = await context.approver.approveCommand(request.card, context.signal);
  if (answer === 'deny') {
    record({ outcome: 'denied', by: 'user' });
    throw new ToolError(request.refused.byUser);
  }
  record({ outcome: 'allowed', by: 'user', scope: answer, where: 'host' });
  await context.grant(request.card.prefix, answer);
  return 'host';
}
