import type { Entry } from '../../shared/protocol';
import { auditToMarkdown, type AuditEntry } from '../policy/audit';

/** A task as Markdown, for "Export": the conversation, tool calls, proposals and checks, in order. */
export function transcriptToMarkdown(title: string, entries: readonly Entry[], audit: readonly AuditEntry[] = []): string {
  const out = [`# ${title}`, ''];
  for (const entry of entries) {
    switch (entry.kind) {
      case 'user':
        out.push(`## You`, '', entry.text, '');
        break;
      case 'assistant':
        out.push(`## Fixpoint`, '', entry.text, '');
        break;
      case 'reasoning':
        out.push(`> _Reasoning:_ ${entry.text.replace(/\n/g, '\n> ')}`, '');
        break;
      case 'tool':
        out.push(
          `- \`${entry.name}\` ${entry.summary} — ${entry.status}${entry.durationMs !== undefined ? ` (${(entry.durationMs / 1000).toFixed(1)}s)` : ''}`,
          '',
        );
        break;
      case 'ledger':
        out.push('**Task ledger**', '', '```', entry.text, '```', '');
        break;
      case 'plan':
        out.push(
          '**Plan**',
          '',
          ...entry.steps.map(
            (s) => `- [${s.status === 'completed' ? 'x' : ' '}] ${s.text}${s.status === 'in_progress' ? ' (in progress)' : ''}`,
          ),
          '',
        );
        break;
      case 'approval':
        out.push(`- Command \`${entry.command}\`: ${entry.state}`, '');
        break;
      case 'proposal':
        out.push('**Proposed changes**', '', ...entry.files.map((f) => `- ${f.path} (+${f.added} −${f.removed}): ${f.status}`), '');
        break;
      case 'verification':
        out.push(
          `**Verification** \`${entry.command}\`: ${entry.status}`,
          '',
          ...entry.attempts.map((a) => `- run ${a.attempt}: ${a.state}${a.exitCode !== undefined ? ` (exit ${a.exitCode})` : ''}`),
          '',
        );
        break;
      case 'error':
        out.push(`> **Error:** ${entry.message}${entry.fix ? ` ${entry.fix}` : ''}`, '');
        break;
      case 'notice':
        out.push(`_${entry.text}_`, '');
        for (const d of entry.details ?? [])
          out.push(`<details><summary>${d.title}</summary>`, '', '```', d.text, '```', '', '</details>', '');
        break;
      case 'resume':
        if (entry.state === 'pending') out.push(`_${entry.text}_`, '');
        break;
    }
  }
  if (audit.length) out.push('## Audit log', '', auditToMarkdown(audit));
  return out.join('\n');
}
