import { isProtectedPath } from '../policy';
import { createHash } from 'node:crypto';
import type { PersistedProposal } from '../tasks/task';
import type { PatchResult } from '../patch/types';
import type { ProposalVerification } from '../../shared/protocol';
import type { EntrySink, FileWriter } from '../ports';
import type { Reviewer, ReviewOutcome } from '../tools/types';
import type { ChangeRecorder } from './checkpoints';
import { contentWithAcceptedHunks, Proposal } from './proposal';

export interface FileWrite {
  path: string;
  /** A short hash of the written content, or 'deleted'. */
  contentHash: string;
}

export interface ProposalListener {
  /** A proposal appeared, changed (a decision) or ended (`proposal.decided`). */
  (proposal: Proposal): void;
}

/**
 * Turns an apply_patch result into a pending proposal, waits for the user's decisions (from the chat card or
 * the inline editor review), then writes exactly the accepted hunks. Nothing touches the files before that.
 */
/** What review asks of the approval engine: may a proposal skip review, and is a path protected (§4, §35). */
export interface ReviewPolicy {
  mayApplyUnreviewed(proposal: Proposal): boolean;
  isProtected(path: string): boolean;
  /** Called once per proposal when it is decided: by the policy (applied unreviewed) or by the user. */
  decided?(proposal: Proposal, by: 'policy' | 'user'): void;
}

export class ProposalReviewer implements Reviewer {
  private readonly open = new Map<string, { proposal: Proposal; turnId: string; settle: () => void }>();
  private readonly listeners = new Set<ProposalListener>();
  private readonly writeListeners = new Set<(paths: string[], proposal: Proposal) => void>();
  /** Proposals of a task the user left: their outcome no longer belongs in the (new) transcript. */
  private readonly silenced = new Set<string>();
  /** The user turn whose checkpoint records what accepted edits change. */
  currentTurn = '';
  /** Every file write of the current task, so verification can tell whether a fix changed anything. */
  readonly writeLog: FileWrite[] = [];

  constructor(
    private readonly transcript: EntrySink,
    private readonly writer: FileWriter,
    private readonly policy: ReviewPolicy = { mayApplyUnreviewed: () => false, isProtected: isProtectedPath },
    /** Brackets each write with the turn's checkpoint; without one, writes are not checkpointed. */
    private readonly recordChange: ChangeRecorder = (_turnId, change) => change(),
  ) {}

  /** Told after accepted hunks are on disk, with the paths written (for fixpoint.git.commitOnAccept). */
  onDidWrite(listener: (paths: string[], proposal: Proposal) => void): { dispose(): void } {
    this.writeListeners.add(listener);
    return { dispose: () => this.writeListeners.delete(listener) };
  }

  onDidChange(listener: ProposalListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  pending(): Proposal[] {
    return [...this.open.values()].map((o) => o.proposal);
  }

  get(id: string): Proposal | undefined {
    return this.open.get(id)?.proposal;
  }

  async propose(change: PatchResult, signal: AbortSignal, verification?: ProposalVerification): Promise<ReviewOutcome> {
    const proposal = new Proposal(this.transcript.newId('proposal'), change.files, (p) => this.policy.isProtected(p));
    proposal.verification = verification;
    const turnId = this.currentTurn;
    const decided = new Promise<void>((resolve) => this.open.set(proposal.id, { proposal, turnId, settle: resolve }));
    const onAbort = () => this.settle(proposal.id, 'The task was stopped before the user decided.');
    signal.addEventListener('abort', onAbort, { once: true });
    this.changed(proposal);
    const unreviewed = this.policy.mayApplyUnreviewed(proposal) && proposal.files.every((f) => !f.protected);
    if (unreviewed) this.decideFile(proposal.id, undefined, true);
    try {
      await decided;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.policy.decided?.(proposal, unreviewed ? 'policy' : 'user');
    await this.write(proposal, turnId);
    this.changed(proposal);
    return proposal.outcome();
  }

  /** Whether a proposal is waiting for the user's review. */
  get reviewPending(): boolean {
    return this.open.size > 0;
  }

  /** Pending proposals in a form that survives a reload. */
  persisted(): PersistedProposal[] {
    return [...this.open.values()].map(({ proposal, turnId }) => ({
      id: proposal.id,
      turnId,
      changes: proposal.files.map((f) => f.change),
      decisions: proposal.files.map((f) => [...f.decisions]),
    }));
  }

  /**
   * Brings back a proposal that was pending when VS Code closed. Nothing is applied until the user decides
   * again; then the accepted hunks are written (rebased onto the files as they are now) and `onDecided` tells
   * the conversation what happened, since the tool call that made it is gone.
   */
  restore(saved: PersistedProposal, onDecided: (outcome: ReviewOutcome) => void): void {
    const proposal = new Proposal(saved.id, saved.changes, (p) => this.policy.isProtected(p));
    proposal.files.forEach((file, i) => (file.decisions = saved.decisions[i] ?? file.decisions));
    const decided = new Promise<void>((resolve) => this.open.set(proposal.id, { proposal, turnId: saved.turnId, settle: resolve }));
    this.changed(proposal);
    void decided
      .then(async () => {
        await this.write(proposal, saved.turnId);
        this.changed(proposal);
        onDecided(proposal.outcome());
      })
      .catch((err: unknown) =>
        this.transcript.put({
          kind: 'error',
          id: this.transcript.newId('error'),
          message: `The restored changes could not be written: ${err instanceof Error ? err.message : String(err)}`,
        }),
      );
  }

  decideHunk(id: string, path: string, index: number, accept: boolean): void {
    const proposal = this.get(id);
    if (proposal?.decideHunk(path, index, accept)) this.afterDecision(proposal);
  }

  decideFile(id: string, path: string | undefined, accept: boolean): void {
    const proposal = this.get(id);
    if (!proposal) return;
    if (path === undefined) proposal.decideAll(accept);
    else if (!proposal.decideFile(path, accept)) return;
    this.afterDecision(proposal);
  }

  /** Rejects every open proposal of a task the user left (New Task): their cards stay with that task. */
  abandonAll(note: string): void {
    this.writeLog.length = 0;
    for (const id of [...this.open.keys()]) {
      this.silenced.add(id);
      this.settle(id, note);
    }
  }

  private afterDecision(proposal: Proposal): void {
    if (proposal.decided) this.settle(proposal.id);
    else this.changed(proposal);
  }

  private settle(id: string, abandonNote?: string): void {
    const open = this.open.get(id);
    if (!open) return;
    if (abandonNote) open.proposal.abandon(abandonNote);
    this.open.delete(id);
    open.settle();
  }

  private changed(proposal: Proposal): void {
    if (!this.silenced.has(proposal.id)) this.transcript.put(proposal.toEntry());
    for (const listener of this.listeners) listener(proposal);
  }

  private async write(proposal: Proposal, turnId: string): Promise<void> {
    const ops: Array<{ path: string; content: string | undefined; renameFrom?: string }> = [];
    for (const file of proposal.files) {
      const { change } = file;
      if (!file.decisions.includes('accepted')) continue;
      if (change.kind === 'add') {
        if ((await this.writer.readText(change.path)) !== undefined) {
          file.decisions = ['stale'];
          file.note = 'the file was created by someone else meanwhile';
          continue;
        }
        ops.push({ path: change.path, content: change.newContent ?? '' });
      } else if (change.kind === 'delete') {
        const current = await this.writer.readText(change.path);
        if (current !== change.oldContent) {
          file.decisions = ['stale'];
          file.note = 'the file changed meanwhile, so it was not deleted';
          continue;
        }
        ops.push({ path: change.path, content: undefined });
      } else {
        const current = await this.writer.readText(change.path);
        if (current === undefined) {
          file.decisions = file.decisions.map(() => 'stale');
          file.note = 'the file was deleted meanwhile';
          continue;
        }
        // A move writes its target whole: only over what the review showed there (nothing, or the replaced file).
        if (change.movePath && (await this.writer.readText(change.movePath)) !== change.replaces?.content) {
          file.decisions = file.decisions.map(() => 'stale');
          file.note = `${change.movePath} changed meanwhile, so it was not overwritten`;
          continue;
        }
        const { content, stale } = contentWithAcceptedHunks(change, file.decisions, current);
        for (const index of stale) file.decisions[index] = 'stale';
        if (change.movePath) ops.push({ path: change.movePath, content, renameFrom: change.path });
        else if (content !== current) ops.push({ path: change.path, content });
      }
    }
    if (ops.length === 0) return;
    await this.recordChange(turnId, () => this.writer.write(ops));
    for (const op of ops) {
      this.writeLog.push({
        path: op.path,
        contentHash: op.content === undefined ? 'deleted' : createHash('sha256').update(op.content).digest('hex').slice(0, 16),
      });
    }
    const paths = ops.flatMap((op) => (op.renameFrom ? [op.renameFrom, op.path] : [op.path]));
    for (const listener of this.writeListeners) listener(paths, proposal);
  }
}
