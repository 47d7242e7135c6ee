/**
 * The commit message of a task kept as a branch (issue 13), written from what Fixpoint knows for certain —
 * the task's ledger (goal, decisions, checks run and their results) and the files its change really touches
 * — rather than asking the model, so the message cannot claim checks that did not run.
 */
import type { LedgerState } from './ledger';
import type { TaskFileDelta } from './taskWorkspace';

const SUBJECT_MAX = 72;
const MAX_FILES = 50;

export function taskCommitMessage(task: {
  id: string;
  title: string;
  goal: string;
  ledger?: LedgerState;
  changes: readonly TaskFileDelta[];
}): string {
  const subject = oneLine(task.title || task.goal || 'Fixpoint task');
  const lines = [subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 1).trimEnd()}…` : subject, ''];
  const goal = (task.ledger?.goal ?? task.goal).trim();
  if (goal) lines.push('Goal:', ...wrap(goal).map((l) => `  ${l}`), '');
  if (task.changes.length) {
    lines.push('Changed:');
    for (const c of task.changes.slice(0, MAX_FILES))
      lines.push(`- ${c.path} (${c.base === undefined ? 'added' : c.task === undefined ? 'deleted' : 'modified'})`);
    if (task.changes.length > MAX_FILES) lines.push(`- and ${task.changes.length - MAX_FILES} more`);
    lines.push('');
  }
  const checks = task.ledger?.checks ?? [];
  lines.push(
    'Checks:',
    ...(checks.length ? checks.map((c) => `- ${oneLine(c.command)}: ${c.passed ? 'passed' : 'failed'}`) : ['- none run']),
    '',
  );
  const decisions = task.ledger?.decisions ?? [];
  if (decisions.length)
    lines.push('Decisions:', ...decisions.map((d) => `- ${oneLine(d.decision)}${d.why ? ` (because ${oneLine(d.why)})` : ''}`), '');
  lines.push(`Fixpoint-Task: ${task.id}`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function wrap(text: string, width = 72): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of oneLine(paragraph).split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
  }
  return out;
}
