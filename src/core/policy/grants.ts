/**
 * Approvals that stick (issue 14): what the user allowed, with a scope. `once` is remembered nowhere; `task`
 * lasts until the next task starts; `workspace` and `always` are kept by the front end where the repository
 * cannot widen them (VS Code: the user's global state and user settings; the CLI: the process). Every grant
 * is an allow rule for the approval engine, so it widens what runs unasked and never silences a finding.
 */

import type { ApprovalScope } from '../domain';

export type { ApprovalScope };

export interface Grant {
  /** The command prefix (`npm test`) or task rule (`task: build`) allowed. */
  rule: string;
  scope: Exclude<ApprovalScope, 'once'>;
}

/** Where the lasting grants live: the user's own storage, never the workspace's files. */
export interface GrantStore {
  /** The user's rules: `always` grants and deny rules (settings), and this workspace's grants. */
  commandRules(): { allow: string[]; deny: string[] };
  remember(rule: string, scope: 'workspace' | 'always'): Promise<void>;
}

export class ApprovalGrants {
  private task: string[] = [];

  constructor(private readonly store: GrantStore) {}

  /** The allow and deny rules the engine applies now. */
  rules(): { allow: string[]; deny: string[] } {
    const { allow, deny } = this.store.commandRules();
    return { allow: [...allow, ...this.task], deny };
  }

  async grant(rule: string, scope: ApprovalScope): Promise<void> {
    if (scope === 'once') return;
    if (scope === 'task') {
      if (!this.task.includes(rule)) this.task.push(rule);
      return;
    }
    await this.store.remember(rule, scope);
  }

  /** This task's grants, for the view where they can be revoked. */
  taskGrants(): Grant[] {
    return this.task.map((rule) => ({ rule, scope: 'task' }));
  }

  revokeTask(rule: string): void {
    this.task = this.task.filter((r) => r !== rule);
  }

  /** A new task starts with none of the last one's task grants. */
  clearTask(): void {
    this.task = [];
  }
}
