import * as vscode from 'vscode';
import type { ApprovalGrants, Grant, GrantStore } from '../core/policy';
import { allowCommandPrefix, commandRules } from './settings';

/**
 * Lasting approvals in VS Code: "always" in the user's settings (`fixpoint.commands.allow`), "this workspace"
 * in the extension's global state keyed by the folder — both out of the repository's reach.
 */
export class HostGrantStore implements GrantStore {
  constructor(
    private readonly state: vscode.Memento,
    private readonly root: string,
  ) {}

  private get key(): string {
    return `fixpoint.grants:${this.root}`;
  }

  workspaceRules(): string[] {
    return this.state.get<string[]>(this.key) ?? [];
  }

  commandRules(): { allow: string[]; deny: string[] } {
    const user = commandRules();
    return { allow: [...user.allow, ...this.workspaceRules()], deny: user.deny };
  }

  async remember(rule: string, scope: 'workspace' | 'always'): Promise<void> {
    if (scope === 'always') return allowCommandPrefix(rule);
    const current = this.workspaceRules();
    if (!current.includes(rule)) await this.state.update(this.key, [...current, rule]);
  }

  async revoke(grant: Grant): Promise<void> {
    if (grant.scope === 'workspace') {
      await this.state.update(
        this.key,
        this.workspaceRules().filter((r) => r !== grant.rule),
      );
    } else if (grant.scope === 'always') {
      const config = vscode.workspace.getConfiguration('fixpoint.commands');
      const current = config.inspect<string[]>('allow')?.globalValue ?? [];
      await config.update(
        'allow',
        current.filter((r) => r !== grant.rule),
        vscode.ConfigurationTarget.Global,
      );
    }
  }
}

const SCOPE_LABEL: Record<Grant['scope'], string> = { task: 'this task', workspace: 'this workspace', always: 'always' };

/** "Fixpoint: Manage Approvals": every grant with its scope; the ones picked are revoked. */
export async function manageApprovals(store: HostGrantStore, grants: ApprovalGrants): Promise<void> {
  const all: Grant[] = [
    ...grants.taskGrants(),
    ...store.workspaceRules().map((rule): Grant => ({ rule, scope: 'workspace' })),
    ...commandRules().allow.map((rule): Grant => ({ rule, scope: 'always' })),
  ];
  if (all.length === 0) {
    void vscode.window.showInformationMessage('Fixpoint: no approvals are remembered.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((grant) => ({ label: grant.rule, description: SCOPE_LABEL[grant.scope], grant })),
    { canPickMany: true, title: 'Remembered approvals — pick the ones to revoke', placeHolder: 'Commands that run without asking' },
  );
  for (const item of picked ?? []) {
    if (item.grant.scope === 'task') grants.revokeTask(item.grant.rule);
    else await store.revoke(item.grant);
  }
  if (picked?.length) void vscode.window.showInformationMessage(`Fixpoint: revoked ${picked.length} approval(s).`);
}
