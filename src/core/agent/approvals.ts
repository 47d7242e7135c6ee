import type { ApprovalDecision, ApprovalState, Entry } from '../../shared/protocol';
import type { Approver, CommandApproval, CommandApprovalRequest } from '../ports';
import { revealInvisible } from '../policy';
import type { Transcript } from './transcript';

const STATE_OF: Record<ApprovalDecision, ApprovalState> = {
  once: 'allowed',
  task: 'task',
  workspace: 'workspace',
  always: 'always',
  deny: 'denied',
};

/** Asks for command approval with a card in the chat (Allow once / Always allow prefix / Deny). */
export class ChatApprover implements Approver {
  private readonly waiting = new Map<string, { entry: Extract<Entry, { kind: 'approval' }>; resolve: (d: CommandApproval) => void }>();

  /** Decisions given on a card restored after a restart, for the call that asked, which runs again on resume. */
  private readonly primed = new Map<string, ApprovalDecision>();

  constructor(private readonly transcript: Transcript) {}

  approveCommand({ command, prefix, reasons, dangerous }: CommandApprovalRequest, signal: AbortSignal): Promise<CommandApproval> {
    const primed = this.primed.get(revealInvisible(command));
    if (primed) {
      this.primed.delete(revealInvisible(command));
      return Promise.resolve(primed);
    }
    if (signal.aborted) return Promise.resolve('deny');
    const entry: Extract<Entry, { kind: 'approval' }> = {
      kind: 'approval',
      id: this.transcript.newId('approval'),
      command: revealInvisible(command),
      prefix: revealInvisible(prefix),
      reasons,
      dangerous,
      state: 'pending',
    };
    // Registered before the card is shown: a renderer may answer synchronously (the CLI's --yes).
    const onAbort = () => this.decide(entry.id, 'deny');
    const decided = new Promise<CommandApproval>((resolve) => {
      this.waiting.set(entry.id, {
        entry,
        resolve: (decision) => {
          signal.removeEventListener('abort', onAbort);
          resolve(decision);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
    this.transcript.put(entry);
    return decided;
  }

  /**
   * A card that was pending when VS Code closed. The command never ran: deciding the card remembers the
   * decision for that command (the resumed task asks again and gets it at once) and calls `onDecided`.
   */
  adopt(entry: Extract<Entry, { kind: 'approval' }>, onDecided: (decision: ApprovalDecision) => void): void {
    this.waiting.set(entry.id, {
      entry,
      resolve: (decision) => {
        this.primed.set(entry.command, decision);
        onDecided(decision);
      },
    });
  }

  /** Cards waiting for the user, and decisions not used yet, are dropped (another task was opened). */
  clear(): void {
    this.waiting.clear();
    this.primed.clear();
  }

  /** Whether a card is waiting for the user. */
  get pending(): boolean {
    return this.waiting.size > 0;
  }

  decide(id: string, decision: ApprovalDecision): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    this.transcript.put({ ...waiting.entry, state: STATE_OF[decision] });
    waiting.resolve(decision);
  }
}
