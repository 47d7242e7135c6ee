import * as vscode from 'vscode';
import type { ChatSession } from '../core/agent/session';
import { commitAccepted } from '../node/gitCommit';

/**
 * fixpoint.git.commitOnAccept (off by default): each accepted proposal of the chat's session becomes a commit
 * of exactly the files it wrote, with a message saying what the task was and what was accepted. Nothing is
 * pushed, no history is rewritten, what the user staged stays staged, and Restricted Mode commits nothing.
 */
export function registerCommitOnAccept(session: ChatSession, root: string, output: vscode.OutputChannel): vscode.Disposable {
  let queue = Promise.resolve();
  return session.reviewer.onDidWrite((paths, proposal) => {
    if (!vscode.workspace.getConfiguration('fixpoint.git').get<boolean>('commitOnAccept') || !vscode.workspace.isTrusted) return;
    const goal = session.tasks.current().goal.replace(/\s+/g, ' ').trim();
    const subject = `Fixpoint: ${goal.length > 62 ? `${goal.slice(0, 61)}…` : goal || 'accepted changes'}`;
    const message = `${subject}\n\nAccepted in review: ${proposal.decisionSummary().detail}\n\nFixpoint-Task: ${session.tasks.id}\n`;
    // One at a time, in the order the proposals were accepted.
    queue = queue.then(async () => {
      try {
        const result = await commitAccepted(root, paths, message);
        if (result.commit)
          output.appendLine(`Committed ${paths.join(', ')} as ${result.commit.slice(0, 8)} (fixpoint.git.commitOnAccept).`);
        else output.appendLine(`Not committed (${result.skipped}).`);
      } catch (err) {
        void vscode.window.showWarningMessage(`Fixpoint could not commit the accepted change: ${(err as Error).message}`);
      }
    });
  });
}
