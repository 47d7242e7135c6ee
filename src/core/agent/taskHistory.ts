import type { Entry, HistoryItem } from '../../shared/protocol';
import { auditToMarkdown, type AuditEntry } from '../policy/audit';
import type { Store } from '../ports';
import { isSnapshot, type SessionSnapshot } from './persistence';

export interface TaskRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  filesTouched: string[];
  outcome: HistoryItem['outcome'];
}

const INDEX_KEY = 'tasks';
const snapshotKey = (id: string) => `task-${id}`;
/** Oldest tasks beyond this are forgotten (their snapshots removed). */
const MAX_TASKS = 200;

/** Past tasks: a small index (title, date, files, outcome) plus one snapshot per task, both in the Store. */
export class TaskHistory {
  private index: TaskRecord[] | undefined;

  constructor(private readonly store: Store) {}

  async list(): Promise<TaskRecord[]> {
    if (!this.index) {
      const raw = await this.store.load<TaskRecord[]>(INDEX_KEY);
      this.index = Array.isArray(raw) ? raw.filter((r) => typeof r?.id === 'string') : [];
    }
    return [...this.index].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async load(id: string): Promise<SessionSnapshot | undefined> {
    const raw = await this.store.load<unknown>(snapshotKey(id));
    return isSnapshot(raw) ? raw : undefined;
  }

  async save(record: TaskRecord, snapshot: SessionSnapshot): Promise<void> {
    await this.store.save(snapshotKey(record.id), snapshot);
    const list = (await this.list()).filter((r) => r.id !== record.id);
    list.unshift(record);
    for (const old of list.splice(MAX_TASKS)) await this.store.remove(snapshotKey(old.id));
    this.index = list;
    await this.store.save(INDEX_KEY, list);
  }

  /** The list for the history view; `currentId` marks the open task. */
  async items(currentId: string): Promise<HistoryItem[]> {
    return (await this.list()).map((r) => ({
      id: r.id,
      title: r.title,
      updatedAt: r.updatedAt,
      filesTouched: r.filesTouched,
      outcome: r.outcome,
      current: r.id === currentId,
    }));
  }

  async exportMarkdown(id: string): Promise<string | undefined> {
    const record = (await this.list()).find((r) => r.id === id);
    const snapshot = record && (await this.load(id));
    return record && snapshot ? transcriptToMarkdown(record.title, snapshot.entries, snapshot.audit ?? []) : undefined;
  }

  async rename(id: string, title: string): Promise<void> {
    const list = await this.list();
    const record = list.find((r) => r.id === id);
    if (!record) return;
    record.title = title;
    this.index = list;
    await this.store.save(INDEX_KEY, list);
  }

  async remove(id: string): Promise<void> {
    this.index = (await this.list()).filter((r) => r.id !== id);
    await this.store.save(INDEX_KEY, this.index);
    await this.store.remove(snapshotKey(id));
  }
}

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
        break;
    }
  }
  if (audit.length) out.push('## Audit log', '', auditToMarkdown(audit));
  return out.join('\n');
}
