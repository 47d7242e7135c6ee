/**
 * The task's audit log (issue 14): every decision about a side effect — what, a digest of its arguments, the
 * decision, who made it (the policy, one of the user's rules, or the user) and why. Kept with the task,
 * shown by "Fixpoint: Show Audit Log" and included in the task's Markdown export.
 */
import { createHash } from 'node:crypto';
import type { ApprovalScope } from './grants';

export interface AuditEntry {
  /** ISO time of the decision. */
  at: string;
  kind: 'command' | 'task' | 'edit' | 'mcp';
  /** The command line, task name or the files an edit writes. */
  what: string;
  /** sha256 of the exact arguments (first 16 hex digits), to match an entry to a call without storing secrets twice. */
  digest: string;
  /** What finally happened: it ran / was written, or not. */
  outcome: 'allowed' | 'denied';
  by: 'policy' | 'rule' | 'user';
  /** For the user's approvals: how long the approval lasts. */
  scope?: ApprovalScope;
  /** For commands that ran: on the user's machine or in the sandbox. */
  where?: 'host' | 'sandbox';
  why: string[];
}

export function auditDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class AuditLog {
  private list: AuditEntry[] = [];

  record(entry: Omit<AuditEntry, 'at' | 'digest'>, args: string = entry.what): void {
    this.list.push({ at: new Date().toISOString(), digest: auditDigest(args), ...entry });
  }

  entries(): readonly AuditEntry[] {
    return this.list;
  }

  /** Replaces the log with a saved one (a restored task); malformed entries are dropped. */
  restore(saved: unknown): void {
    this.list = Array.isArray(saved) ? saved.filter(isAuditEntry) : [];
  }

  clear(): void {
    this.list = [];
  }
}

function isAuditEntry(value: unknown): value is AuditEntry {
  const e = value as Partial<AuditEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.at === 'string' &&
    typeof e.what === 'string' &&
    typeof e.digest === 'string' &&
    (e.outcome === 'allowed' || e.outcome === 'denied') &&
    Array.isArray(e.why)
  );
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function auditToMarkdown(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return '_No side effects were decided in this task._\n';
  const rows = entries.map((e) =>
    [
      e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      e.kind,
      `\`${cell(e.what)}\``,
      e.outcome + (e.where ? ` (${e.where})` : ''),
      e.by + (e.scope && e.scope !== 'once' ? `, ${e.scope}` : ''),
      cell(e.why.join('; ')),
      `\`${e.digest}\``,
    ].join(' | '),
  );
  return ['| time | kind | what | outcome | by | why | digest |', '|---|---|---|---|---|---|---|', ...rows.map((r) => `| ${r} |`), ''].join(
    '\n',
  );
}
