import type { ModelSettings } from '../model/types';
import type { Runner } from '../ports';
import type { ProposalReviewer } from '../review/reviewer';
import type { Checkpoints } from '../review/checkpoints';
import type { ToolRegistry } from '../tools/registry';
import type { ChatApprover } from './approvals';
import { DEFAULT_AGENT_OPTIONS, type AgentRun } from './loop';
import type { SessionDeps } from './sessionDeps';
import type { SessionPolicy } from './sessionPolicy';
import type { TaskCards } from './taskCards';
import type { TranscriptSink } from './transcript';
import { commandGate, type PreReviewVerifier } from './verification';

/** What one run of the agent is assembled from: the session's parts, seen for the duration of the run. */
export interface RunParts {
  deps: SessionDeps;
  settings: ModelSettings;
  tools: ToolRegistry;
  transcript: TranscriptSink;
  signal: AbortSignal;
  runner: Runner;
  approver: ChatApprover;
  reviewer: ProposalReviewer;
  policy: SessionPolicy;
  cards: TaskCards;
  checkpoints: Checkpoints | undefined;
  preReview: PreReviewVerifier | undefined;
  onUsage: AgentRun['onUsage'];
  onHistoryChanged: AgentRun['onHistoryChanged'];
  beforeStep: AgentRun['beforeStep'];
}

/** The loop's view of a session for one run: the client, the tools and everything a tool may touch. */
export function agentRunFor(parts: RunParts): AgentRun {
  const { deps, checkpoints, policy, cards } = parts;
  const turnId = parts.reviewer.currentTurn;
  const run: AgentRun = {
    client: deps.createClient(parts.settings),
    settings: parts.settings,
    tools: parts.tools,
    transcript: parts.transcript,
    options: { ...DEFAULT_AGENT_OPTIONS, ...deps.agentOptions() },
    signal: parts.signal,
    onUsage: parts.onUsage,
    onHistoryChanged: parts.onHistoryChanged,
    beforeStep: parts.beforeStep,
    ledger: () => cards.ledger.render(),
    toolContext: {
      workspace: deps.workspace,
      runner: parts.runner,
      approver: parts.approver,
      reviewer: parts.reviewer,
      policy: policy.engine,
      grant: (rule, scope) => policy.grants.grant(rule, scope),
      audit: policy.audit,
      ledger: cards.ledger,
      updatePlan: (steps) => cards.showPlan(steps),
      codeIntelligence: deps.codeIntelligence,
      recordChange: checkpoints && ((change) => checkpoints.recordChange(turnId, change)),
    },
  };
  const preReview = parts.preReview;
  if (preReview) {
    const gate = commandGate(run.toolContext, deps.workspace.root);
    run.toolContext.verifyProposal = (change, signal) => preReview.check(change, gate, signal);
  }
  return run;
}
