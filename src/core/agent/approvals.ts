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

  constructor(private readonly transcript: Transcript) {}

  approveCommand({ command, prefix, reasons, dangerous }: CommandApprovalRequest, signal: AbortSignal): Promise<CommandApproval> {
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

  decide(id: string, decision: ApprovalDecision): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    this.transcript.put({ ...waiting.entry, state: STATE_OF[decision] });
    waiting.resolve(decision);
  }
}
