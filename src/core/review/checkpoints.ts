import type { FileWriter } from '../ports';

interface FileState {
  path: string;
  /** Content before the turn's first accepted edit; undefined when the agent created the file. */
  before: string | undefined;
  /** Content after the turn's last accepted edit; undefined when the agent deleted the file. */
  after: string | undefined;
}

export interface RestoreReport {
  restored: string[];
  /** Files left alone because they changed after the agent's edit: the user's work wins. */
  skipped: Array<{ path: string; reason: string }>;
}

/**
 * Per-turn checkpoints of the agent's accepted edits. Restoring a turn reverts exactly the files the agent
 * changed in it (never the user's `.git` or other files), skips any file edited since, and can itself be
 * undone.
 */
export class Checkpoints {
  private readonly turns = new Map<string, FileState[]>();
  private readonly restoredTurns = new Map<string, FileState[]>();

  record(turnId: string, path: string, before: string | undefined, after: string | undefined): void {
    const files = this.turns.get(turnId) ?? [];
    const existing = files.find((f) => f.path === path);
    if (existing) existing.after = after;
    else files.push({ path, before, after });
    this.turns.set(turnId, files);
  }

  has(turnId: string): boolean {
    return (this.turns.get(turnId)?.length ?? 0) > 0;
  }

  isRestored(turnId: string): boolean {
    return this.restoredTurns.has(turnId);
  }

  files(turnId: string): string[] {
    return (this.turns.get(turnId) ?? []).map((f) => f.path);
  }

  async restore(turnId: string, writer: FileWriter): Promise<RestoreReport> {
    const report = await revert(this.turns.get(turnId) ?? [], writer, 'before');
    if (report.restored.length)
      this.restoredTurns.set(
        turnId,
        (this.turns.get(turnId) ?? []).filter((f) => report.restored.includes(f.path)),
      );
    return report;
  }

  /** Re-applies what a restore reverted. */
  async undoRestore(turnId: string, writer: FileWriter): Promise<RestoreReport> {
    const files = this.restoredTurns.get(turnId) ?? [];
    const report = await revert(
      files.map((f) => ({ path: f.path, before: f.after, after: f.before })),
      writer,
      'before',
    );
    this.restoredTurns.delete(turnId);
    return report;
  }

  clear(): void {
    this.turns.clear();
    this.restoredTurns.clear();
  }
}

/** What the chat says after a restore (or its undo), and what the model is told when files changed. */
export function describeRestore(report: RestoreReport, action: 'restore' | 'undo'): { notice: string; forModel?: string } {
  const verb = action === 'restore' ? 'Restored' : 'Re-applied';
  const parts = [
    report.restored.length ? `${verb} ${report.restored.join(', ')}.` : `Nothing to ${action === 'restore' ? 'restore' : 're-apply'}.`,
  ];
  if (report.skipped.length) parts.push(`Left alone (changed since): ${report.skipped.map((s) => s.path).join(', ')}.`);
  const forModel = report.restored.length
    ? `[The user ${action === 'restore' ? 'reverted your accepted edits to' : 're-applied your edits to'}: ${report.restored.join(', ')}. Re-read files before editing them.]`
    : undefined;
  return { notice: parts.join(' '), forModel };
}

async function revert(files: FileState[], writer: FileWriter, target: 'before'): Promise<RestoreReport> {
  const report: RestoreReport = { restored: [], skipped: [] };
  const ops: Array<{ path: string; content: string | undefined }> = [];
  for (const file of files) {
    const current = await writer.readText(file.path);
    if (current !== file.after) {
      report.skipped.push({ path: file.path, reason: 'changed since the agent edited it' });
      continue;
    }
    ops.push({ path: file.path, content: file[target] });
    report.restored.push(file.path);
  }
  if (ops.length) await writer.write(ops);
  return report;
}
