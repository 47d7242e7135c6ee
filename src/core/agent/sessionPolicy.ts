import { ApprovalEngine, ApprovalGrants, AuditLog, secretEnvironmentValues } from '../policy';
import type { ReviewPolicy } from '../review/reviewer';
import type { SessionDeps } from './sessionDeps';

/**
 * A session's side of the approval engine (issue 14): the engine over the session's workspace, runner and
 * settings; the open task's grants and audit log; and what review asks of the engine. One per session.
 */
export class SessionPolicy {
  readonly engine: ApprovalEngine;
  /** What the user allowed, per scope (this task's grants live here; lasting ones in deps.grants). */
  readonly grants: ApprovalGrants;
  /** Every side-effect decision of the open task. */
  readonly audit = new AuditLog();
  /** The API key of the last request, masked in command output. */
  apiKey: string | undefined;

  constructor(deps: SessionDeps) {
    this.grants = new ApprovalGrants(deps.grants);
    this.engine = new ApprovalEngine({
      root: deps.workspace.root,
      isIgnored: (relative) => deps.workspace.isIgnored(relative),
      gitConfig: (cwd) => deps.workspace.gitConfig(cwd),
      commandRules: () => this.grants.rules(),
      approvalSettings: () => deps.approvalSettings?.() ?? { edits: 'review', commands: 'ask' },
      sandboxAvailable: async () => (await deps.runner.sandboxAvailable?.()) ?? false,
      knownSecrets: () => [...(this.apiKey ? [this.apiKey] : []), ...secretEnvironmentValues(process.env)],
    });
  }

  /**
   * With edits set to apply when verified, a proposal that passed verification before review, touching no
   * protected path and replacing no file, is accepted without asking (still a checkpoint, still undoable).
   * Every proposal's outcome goes into the audit log.
   */
  reviewPolicy(): ReviewPolicy {
    return {
      mayApplyUnreviewed: (proposal) =>
        this.engine.decideEdit({
          paths: proposal.files.flatMap((f) => (f.change.movePath ? [f.change.path, f.change.movePath] : [f.change.path])),
          verified: proposal.verification?.state === 'passed',
          replacesFile: proposal.files.some((f) => f.change.replaces !== undefined),
        }).decision === 'allow',
      isProtected: (path) => this.engine.isProtected(path),
      decided: (proposal, by) => {
        const { paths, accepted, detail } = proposal.decisionSummary();
        const why = by === 'policy' ? ['verified before review, no protected path', detail] : [detail];
        this.audit.record({ kind: 'edit', what: paths.join(', '), outcome: accepted ? 'allowed' : 'denied', by, why });
      },
    };
  }

  /** A new task starts with no task grants and an empty audit log. */
  newTask(): void {
    this.grants.clearTask();
    this.audit.clear();
  }
}
