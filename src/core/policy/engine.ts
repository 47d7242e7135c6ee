/**
 * The approval engine (issue 14): the one decision point every side effect passes — the agent's commands and
 * tasks, the verification checks, and (through `decideEdit`) proposals that would apply by themselves. Each
 * asks once and gets `{ decision: allow | ask | deny, where: host | sandbox, why, by }`; front ends (chat, CLI,
 * quick fix, verification) only carry the decision out.
 *
 * Order of a command decision:
 * 1. the user's deny rules (anywhere in the line) → deny;
 * 2. dangerous commands (§10) → ask, or deny when commands run unasked in the sandbox;
 * 3. findings — a file outside the workspace, through a link, secret or ignored; a glob over printed files;
 *    a process environment; the repository's git config running programs (asked of git itself, in the
 *    command's own folder) → ask, always: neither an allow rule nor full-auto's sandbox silences a finding;
 * 4. read-only commands and the user's allow rules → allow (with commands set to `sandbox`: in the sandbox,
 *    like every command);
 * 5. anything else → with commands set to `sandbox` and a working sandbox: allow in the sandbox; otherwise ask.
 */
import { classifyCommand, type CommandRisk } from './commands';
import { fileArgumentFindings, type FileArgumentFacts } from './fileArguments';
import { untrustedGitConfig, type GitConfigEntry } from './git';
import { protectedPathReasonIn } from './paths';
import { redactSecrets } from './redact';

/**
 * How edits are approved: each one reviewed, or those verified before review applied by themselves, or — only
 * for a background task working in its own worktree, when the user chose it (fixpoint.tasks.backgroundEdits)
 * — applied there unreviewed, since the task's whole change is reviewed when it comes back to the user.
 */
export type EditApproval = 'review' | 'auto-apply-verified' | 'apply-in-task-worktree';
/** How commands are approved: asked unless read-only or allowed by a rule, or run unasked inside the sandbox. */
export type CommandApproval = 'ask' | 'sandbox';

export interface ApprovalSettings {
  edits: EditApproval;
  commands: CommandApproval;
}

/**
 * The single mode of earlier versions (`fixpoint.approvalMode`, and the CLI's `--approval`), which mixed both:
 * review = each edit reviewed, commands asked · auto-edit = verified edits apply by themselves · full-auto =
 * that, and commands run unasked in the sandbox.
 */
export type ApprovalMode = 'review' | 'auto-edit' | 'full-auto';

/** A preset never applies unreviewed edits outside a task's own worktree. */
export function approvalSettingsOf(mode: ApprovalMode): ApprovalSettings & { edits: Exclude<EditApproval, 'apply-in-task-worktree'> } {
  return { edits: mode === 'review' ? 'review' : 'auto-apply-verified', commands: mode === 'full-auto' ? 'sandbox' : 'ask' };
}

export interface PolicyDecision {
  decision: 'allow' | 'ask' | 'deny';
  /** Where an allowed effect runs: the user's machine (terminal, task) or the OS sandbox. */
  where: 'host' | 'sandbox';
  /** Reasons a user can read next to the approval prompt or in the audit log. */
  why: string[];
  /** Who decided: the built-in policy, or one of the user's rules. (The user's own answers come later.) */
  by: 'policy' | 'rule';
  risk: CommandRisk;
}

export interface PolicyFacts extends FileArgumentFacts {
  /** The user-scope allow and deny prefixes. */
  commandRules(): { allow: readonly string[]; deny: readonly string[] };
  approvalSettings(): ApprovalSettings;
  /** Whether the commands' sandbox works here (bubblewrap with user namespaces). */
  sandboxAvailable(): Promise<boolean>;
  /** Configuration as git itself reads it in `cwd` (includes, worktree config, `gitdir:` files). */
  gitConfig(cwd: string): Promise<GitConfigEntry[]>;
  /** Credentials Fixpoint itself holds (the API key, secret environment values): masked in any output. */
  knownSecrets(): readonly string[];
}

export interface EditProposalFacts {
  /** Workspace-relative paths the proposal writes (moves count with both ends). */
  paths: readonly string[];
  /** It passed the verification check before review. */
  verified: boolean;
  /** It replaces the whole content of an existing file (an Add File onto an existing one, a move onto one). */
  replacesFile?: boolean;
}

export class ApprovalEngine {
  constructor(private readonly facts: PolicyFacts) {}

  /** The decision for a shell command the agent (or a check) wants to run in `cwd` (absolute). */
  async decideCommand(command: string, cwd: string): Promise<PolicyDecision> {
    const sandboxMode = this.facts.approvalSettings().commands === 'sandbox';
    const verdict = classifyCommand(command, this.facts.commandRules());
    if (verdict.decision === 'deny') return { decision: 'deny', where: 'host', why: verdict.reasons, by: 'rule', risk: verdict.risk };
    if (verdict.risk === 'dangerous') {
      return sandboxMode
        ? {
            decision: 'deny',
            where: 'host',
            why: ['Full-auto mode never runs commands like this', ...verdict.reasons],
            by: 'policy',
            risk: 'dangerous',
          }
        : { decision: 'ask', where: 'host', why: verdict.reasons, by: 'policy', risk: 'dangerous' };
    }
    const findings = [...verdict.findings];
    if (verdict.programs.includes('git')) findings.push(...untrustedGitConfig(await this.facts.gitConfig(cwd)));
    if (verdict.fileArguments.length > 0) findings.push(...(await fileArgumentFindings(verdict.fileArguments, cwd, this.facts)));
    if (findings.length > 0) {
      return { decision: 'ask', where: 'host', why: [...new Set([...findings, ...verdict.reasons])], by: 'policy', risk: verdict.risk };
    }
    const sandboxed = sandboxMode && (await this.facts.sandboxAvailable());
    if (verdict.decision === 'allow') {
      return {
        decision: 'allow',
        where: sandboxed ? 'sandbox' : 'host',
        why: verdict.reasons,
        by: verdict.allowedBy ?? 'policy',
        risk: verdict.risk,
      };
    }
    if (sandboxed) {
      return {
        decision: 'allow',
        where: 'sandbox',
        why: ['commands run in the sandbox (workspace writable, network off)'],
        by: 'policy',
        risk: verdict.risk,
      };
    }
    const why = sandboxMode ? [...verdict.reasons, 'no sandbox here, so commands are asked'] : verdict.reasons;
    return { decision: 'ask', where: 'host', why, by: 'policy', risk: verdict.risk };
  }

  /** Protected paths (§4) of this workspace: by name, and the git directory behind a `gitdir:` file (§35). */
  isProtected(relative: string): boolean {
    return protectedPathReasonIn(this.facts.root, relative) !== undefined;
  }

  /** What a command printed, as the model may see it: secrets masked, and a note saying so. */
  filterOutput(output: string): string {
    const { text, count } = redactSecrets(output, this.facts.knownSecrets());
    return count === 0 ? text : `${text}\n[Fixpoint masked ${count} secret${count === 1 ? '' : 's'} in this output.]`;
  }

  /**
   * A VS Code task runs project code like a command; it is never sandboxed (tasks run in VS Code's own
   * terminal). "Always allow" remembers it as the rule `task: <name>`.
   */
  decideTask(name: string): PolicyDecision {
    const rule = `task: ${name}`;
    const { allow, deny } = this.facts.commandRules();
    if (deny.some((r) => r.trim() === rule))
      return { decision: 'deny', where: 'host', why: [`denied by your rule \`${rule}\``], by: 'rule', risk: 'normal' };
    if (allow.some((r) => r.trim() === rule))
      return { decision: 'allow', where: 'host', why: [`allowed by your rule \`${rule}\``], by: 'rule', risk: 'normal' };
    return { decision: 'ask', where: 'host', why: [`runs the task "${name}" (project code)`], by: 'policy', risk: 'normal' };
  }

  /**
   * An MCP tool call (issue 15). Tools run arbitrary code on the server's side, so they ask unless the user
   * allowed that tool (`mcp: <server>/<tool>`) or the whole server (`mcp: <server>/*`); a deny rule of either
   * form refuses. The server's `readOnlyHint` is shown in the reasons and never decides alone.
   */
  decideMcpTool(server: string, tool: string, hints: { readOnlyHint?: boolean; destructiveHint?: boolean } = {}): PolicyDecision {
    const rules = [`mcp: ${server}/${tool}`, `mcp: ${server}/*`];
    const { allow, deny } = this.facts.commandRules();
    const denied = rules.find((rule) => deny.some((r) => r.trim() === rule));
    if (denied) return { decision: 'deny', where: 'host', why: [`denied by your rule \`${denied}\``], by: 'rule', risk: 'normal' };
    const allowed = rules.find((rule) => allow.some((r) => r.trim() === rule));
    if (allowed) return { decision: 'allow', where: 'host', why: [`allowed by your rule \`${allowed}\``], by: 'rule', risk: 'normal' };
    const hint = hints.destructiveHint
      ? 'the server marks this tool as destructive'
      : hints.readOnlyHint
        ? 'the server says this tool only reads (a hint, not a guarantee)'
        : 'runs a tool of the MCP server';
    return { decision: 'ask', where: 'host', why: [`MCP tool "${tool}" of "${server}": ${hint}`], by: 'policy', risk: 'normal' };
  }

  /**
   * Whether a proposal may apply without the user's review: only in auto-edit or full-auto, only when it passed
   * verification, and never for protected paths or a proposal that replaces an existing file.
   */
  decideEdit(proposal: EditProposalFacts): PolicyDecision {
    const ask = (why: string): PolicyDecision => ({ decision: 'ask', where: 'host', why: [why], by: 'policy', risk: 'normal' });
    const edits = this.facts.approvalSettings().edits;
    if (edits === 'review') return ask('edits are reviewed (fixpoint.edits.approval)');
    const protectedPaths = proposal.paths.filter((p) => this.isProtected(p));
    if (edits === 'apply-in-task-worktree') {
      if (protectedPaths.length > 0) return ask(`touches protected paths: ${protectedPaths.join(', ')}`);
      return {
        decision: 'allow',
        where: 'host',
        why: ["the task's own worktree; its whole change is reviewed when it comes back"],
        by: 'policy',
        risk: 'normal',
      };
    }
    if (!proposal.verified) return ask('not verified before review');
    if (protectedPaths.length > 0) return ask(`touches protected paths: ${protectedPaths.join(', ')}`);
    if (proposal.replacesFile) return ask('replaces an existing file');
    return { decision: 'allow', where: 'host', why: ['verified before review, no protected path'], by: 'policy', risk: 'normal' };
  }
}
