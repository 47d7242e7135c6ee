import { applyPatch as applyHunks, type StructuredPatchHunk } from 'diff';
import type { Entry, FileDecision, ProposalFile, ProposalVerification } from '../../shared/protocol';
import type { FileChange } from '../patch/types';
import { isProtectedPath } from '../policy';
import type { HunkDecision, ReviewOutcome } from '../tools/types';

export type PendingDecision = HunkDecision | 'pending';

export interface ProposalFileState {
  change: FileChange;
  /** One per hunk (a single one for add/delete, which are decided as a whole). */
  decisions: PendingDecision[];
  protected: boolean;
  note?: string;
}

/** A set of file changes awaiting the user's per-hunk decisions. Pure state; writing is the reviewer's job. */
export class Proposal {
  readonly files: ProposalFileState[];
  /** Set when the proposal was verified before review. */
  verification: ProposalVerification | undefined;

  constructor(
    readonly id: string,
    changes: FileChange[],
    isProtected: (path: string) => boolean = isProtectedPath,
  ) {
    this.files = changes.map((change) => ({
      change,
      decisions: Array<PendingDecision>(change.kind === 'update' ? Math.max(1, change.hunks.length) : 1).fill('pending'),
      protected: isProtected(change.path) || (change.movePath !== undefined && isProtected(change.movePath)),
    }));
  }

  file(path: string): ProposalFileState | undefined {
    return this.files.find((f) => f.change.path === path || f.change.movePath === path);
  }

  decideHunk(path: string, index: number, accept: boolean): boolean {
    const file = this.file(path);
    if (!file || index < 0 || index >= file.decisions.length || file.decisions[index] !== 'pending') return false;
    file.decisions[index] = accept ? 'accepted' : 'rejected';
    return true;
  }

  decideFile(path: string, accept: boolean): boolean {
    const file = this.file(path);
    if (!file) return false;
    file.decisions = file.decisions.map((d) => (d === 'pending' ? (accept ? 'accepted' : 'rejected') : d));
    return true;
  }

  /** Accepting everything never includes protected paths (.git, .vscode, AGENTS.md…): those need their own click. */
  decideAll(accept: boolean): void {
    for (const file of this.files) if (!accept || !file.protected) this.decideFile(file.change.path, accept);
  }

  /** Marks everything still pending as rejected (the task was stopped or the window closed). */
  abandon(note: string): void {
    for (const file of this.files) {
      if (file.decisions.includes('pending')) file.note = note;
      file.decisions = file.decisions.map((d) => (d === 'pending' ? 'rejected' : d));
    }
  }

  get decided(): boolean {
    return this.files.every((f) => !f.decisions.includes('pending'));
  }

  /** For the audit log: the files, whether anything was accepted, and the decisions in a few words. */
  decisionSummary(): { paths: string[]; accepted: boolean; detail: string } {
    const outcome = this.outcome();
    const accepted = outcome.files.some((f) => f.hunks.includes('accepted'));
    const detail = outcome.files
      .map((f) => `${f.path}: ${f.hunks.filter((h) => h === 'accepted').length}/${f.hunks.length} hunks accepted`)
      .join('; ');
    return { paths: outcome.files.map((f) => f.path), accepted, detail };
  }

  outcome(): ReviewOutcome {
    return {
      files: this.files.map((f) => ({
        path: f.change.movePath ?? f.change.path,
        hunks: f.decisions.map((d) => (d === 'pending' ? 'rejected' : d)),
        note: f.note,
      })),
    };
  }

  toEntry(): Entry {
    return {
      kind: 'proposal',
      id: this.id,
      state: this.decided ? 'decided' : 'pending',
      verification: this.verification,
      files: this.files.map((f): ProposalFile => {
        const { added, removed } = countLines(f.change);
        return {
          path: f.change.path,
          kind: f.change.kind,
          movePath: f.change.movePath,
          added,
          removed,
          hunks: f.decisions.length,
          status: fileStatus(f.decisions),
          protected: f.protected,
          ...(f.change.replaces && { replaces: { path: f.change.replaces.path, removedLines: f.change.replaces.removedLines } }),
        };
      }),
    };
  }
}

/** "replaces the existing file — 120 lines removed", for a change that overwrites a file (else undefined). */
export function replacementSummary(change: FileChange): string | undefined {
  const replaced = change.replaces;
  if (!replaced) return undefined;
  const which = replaced.path === change.path ? 'the existing file' : `the existing file ${replaced.path}`;
  return `replaces ${which} — ${replaced.removedLines} line${replaced.removedLines === 1 ? '' : 's'} removed`;
}

function fileStatus(decisions: PendingDecision[]): FileDecision {
  if (decisions.includes('pending')) return 'pending';
  if (decisions.every((d) => d === 'accepted')) return 'accepted';
  if (decisions.every((d) => d === 'rejected')) return 'rejected';
  if (decisions.includes('stale') && !decisions.includes('accepted')) return 'stale';
  return 'partial';
}

function countLines(change: FileChange): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of change.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  return { added, removed };
}

/**
 * The content to write for an update: the accepted hunks applied to the file as it is *now*. When the user
 * edited the file meanwhile, the hunks are rebased onto the new text; hunks that no longer fit are reported
 * as stale and left out, so the user's edit is never overwritten.
 */
export function contentWithAcceptedHunks(
  change: FileChange,
  decisions: readonly PendingDecision[],
  current: string,
): { content: string; stale: number[] } {
  const accepted = change.hunks.map((hunk, index) => ({ hunk, index })).filter(({ index }) => decisions[index] === 'accepted');
  if (current === change.oldContent && accepted.length === change.hunks.length && change.newContent !== undefined) {
    return { content: change.newContent, stale: [] };
  }
  let content = current;
  const stale: number[] = [];
  // Bottom-up keeps earlier hunks' line numbers valid while later ones are applied.
  for (const { hunk, index } of [...accepted].sort((a, b) => b.hunk.oldStart - a.hunk.oldStart)) {
    const next = applyOne(content, hunk);
    if (next === undefined) stale.push(index);
    else content = next;
  }
  return { content, stale: stale.sort((a, b) => a - b) };
}

function applyOne(content: string, hunk: StructuredPatchHunk): string | undefined {
  // fuzzFactor 0: a hunk applies only where its context is exactly as the engine saw it. Hunk lines keep
  // their '\r' when the file has CRLF endings, so line endings survive byte for byte.
  const patch = { oldFileName: 'a', newFileName: 'b', oldHeader: '', newHeader: '', hunks: [hunk] };
  const result = applyHunks(content, patch, { fuzzFactor: 0 });
  return result === false ? undefined : result;
}
