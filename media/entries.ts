import type { ApprovalDecision, Entry, FixAction, ProposalFile, ProposalVerification, WebviewToHost } from '../src/shared/protocol';
import { unhandled } from './exhaustive';
import { renderMessage } from './markdown';

const FIX_LABELS: Record<FixAction, string> = { setApiKey: 'Set API Key', openSettings: 'Open Settings', retry: 'Retry' };
const APPROVAL_LABELS: Record<string, string> = {
  pending: 'Waiting for approval',
  allowed: 'Allowed once',
  task: 'Allowed for this task',
  workspace: 'Allowed in this workspace',
  always: 'Always allowed',
  denied: 'Denied',
};
const TOOL_STATUS = { pending: 'waiting', running: 'running', done: 'done', failed: 'failed' } as const;
const PLAN_MARKS = { pending: '○', in_progress: '◐', completed: '●' } as const;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button whose click the chat turns into a host message (see actionMessage). */
function actionButton(label: string, data: Record<string, string>, secondary = false): HTMLButtonElement {
  const button = el('button', secondary ? 'secondary' : undefined, label);
  for (const [key, value] of Object.entries(data)) button.dataset[key] = value;
  return button;
}

/** Turns a clicked button's data attributes back into a typed message (the host validates it again). */
export function actionMessage(data: DOMStringMap): WebviewToHost | undefined {
  switch (data.action) {
    case 'fix':
      return { type: 'fix', action: data.fix as FixAction };
    case 'approve':
      return { type: 'approve', id: data.id ?? '', decision: data.decision as ApprovalDecision };
    case 'review':
      return {
        type: 'review',
        id: data.id ?? '',
        decision: data.decision === 'accept' ? 'accept' : 'reject',
        ...(data.path ? { path: data.path } : {}),
      };
    case 'openDiff':
      return { type: 'openDiff', id: data.id ?? '', path: data.path ?? '' };
    case 'checkpoint':
      return { type: 'checkpoint', id: data.id ?? '', action: data.op === 'undo' ? 'undo' : 'restore' };
    case 'resume':
      return { type: 'resume', id: data.id ?? '' };
    default:
      return undefined;
  }
}

export function renderEntry(entry: Entry, node: HTMLElement): void {
  node.className = `entry ${entry.kind}`;
  node.dataset.id = entry.id;
  switch (entry.kind) {
    case 'user':
      node.replaceChildren(el('div', 'text', entry.text));
      if (entry.checkpoint) {
        const restored = entry.checkpoint === 'restored';
        node.append(
          actionButton(
            restored ? 'Undo restore' : 'Restore checkpoint',
            { action: 'checkpoint', id: entry.id, op: restored ? 'undo' : 'restore' },
            true,
          ),
        );
      }
      return;
    case 'notice':
      node.replaceChildren(el('div', 'text', entry.text));
      for (const section of entry.details ?? []) {
        const details = el('details');
        details.append(el('summary', 'title', section.title), el('pre', 'notice-detail', section.text));
        node.append(details);
      }
      return;
    case 'reasoning':
      node.textContent = entry.text;
      node.classList.toggle('streaming', entry.streaming);
      return;
    case 'assistant':
      renderMessage(node, entry.id, entry.text, entry.streaming);
      node.classList.toggle('streaming', entry.streaming);
      node.setAttribute('aria-busy', String(entry.streaming));
      return;
    case 'tool': {
      node.classList.add(entry.status);
      const details = el('details');
      const summary = el('summary');
      const seconds = entry.durationMs !== undefined ? (entry.durationMs / 1000).toFixed(1) : undefined;
      // Read as one phrase by screen readers; the live elapsed timer beside it is hidden from them.
      summary.setAttribute(
        'aria-label',
        `Tool ${entry.name}, ${entry.summary}: ${TOOL_STATUS[entry.status]}${seconds !== undefined ? `, took ${seconds} seconds` : ''}`,
      );
      const status = el('span', 'status', seconds !== undefined ? `${entry.status} · ${seconds}s` : entry.status);
      if (entry.status === 'running' || entry.status === 'pending') {
        const elapsed = el('span', 'elapsed');
        elapsed.setAttribute('aria-hidden', 'true');
        status.append(elapsed);
      }
      summary.append(el('span', 'tool-name', entry.name), ' ', el('span', 'tool-summary', entry.summary), status);
      details.append(summary, el('pre', 'tool-output', entry.output ?? ''));
      node.replaceChildren(details);
      return;
    }
    case 'error': {
      node.setAttribute('role', 'alert');
      node.replaceChildren(el('div', 'message', entry.message));
      if (entry.fix) node.append(el('div', 'fix', entry.fix));
      if (entry.action) node.append(actionButton(FIX_LABELS[entry.action], { action: 'fix', fix: entry.action }));
      return;
    }
    case 'resume':
      node.setAttribute('role', 'status');
      node.replaceChildren(el('div', 'message', entry.text));
      if (entry.state === 'pending')
        node.append(actionButton(entry.reason === 'interrupted' ? 'Resume' : 'Continue', { action: 'resume', id: entry.id }));
      return;
    case 'ledger': {
      const details = el('details');
      const summary = el('summary', 'title', 'Task ledger');
      summary.setAttribute('aria-label', 'Task ledger: what every request to the model carries');
      details.append(summary, el('pre', 'ledger-text', entry.text));
      node.replaceChildren(details);
      return;
    }
    case 'plan': {
      const list = el('ul', 'plan-steps');
      list.setAttribute('aria-label', 'Plan');
      for (const step of entry.steps) {
        const item = el('li', step.status, `${PLAN_MARKS[step.status]} ${step.text}`);
        list.append(item);
      }
      node.replaceChildren(el('div', 'title', 'Plan'), list);
      return;
    }
    case 'approval': {
      node.classList.add(entry.state);
      node.replaceChildren(el('div', 'title', 'Run this command?'), el('pre', 'command', entry.command));
      for (const reason of entry.reasons) node.append(el('div', 'reason', reason));
      if (entry.state === 'pending') {
        const actions = el('div', 'row-actions');
        actions.append(
          actionButton('Allow once', { action: 'approve', id: entry.id, decision: 'once' }),
          actionButton(`Allow "${entry.prefix}" for this task`, { action: 'approve', id: entry.id, decision: 'task' }, true),
          actionButton('In this workspace', { action: 'approve', id: entry.id, decision: 'workspace' }, true),
          actionButton('Always', { action: 'approve', id: entry.id, decision: 'always' }, true),
          actionButton('Deny', { action: 'approve', id: entry.id, decision: 'deny' }, true),
        );
        node.append(actions);
      } else {
        node.append(el('div', 'state', APPROVAL_LABELS[entry.state]));
      }
      return;
    }
    case 'verification':
      renderVerification(entry, node);
      return;
    case 'proposal': {
      node.classList.add(entry.state);
      const pending = entry.files.some((f) => f.status === 'pending');
      node.replaceChildren(el('div', 'title', pending ? 'Proposed changes — review before anything is written' : 'Proposed changes'));
      if (entry.verification) node.append(verificationBadge(entry.verification));
      for (const file of entry.files) {
        const row = el('div', `file ${file.status}`);
        const name = file.movePath ? `${file.path} → ${file.movePath}` : file.path;
        row.append(el('span', 'path', name), el('span', 'counts', ` +${file.added} −${file.removed}`));
        if (file.protected) row.append(el('span', 'warning', ' ⚠ protected path'));
        if (file.replaces) row.append(el('span', 'warning replaces', ` ⚠ ${replacementText(file.path, file.replaces)}`));
        if (file.status === 'pending') {
          row.append(
            actionButton('Accept', { action: 'review', id: entry.id, path: file.path, decision: 'accept' }),
            actionButton('Reject', { action: 'review', id: entry.id, path: file.path, decision: 'reject' }, true),
            actionButton('Open Diff', { action: 'openDiff', id: entry.id, path: file.path }, true),
          );
        } else {
          row.append(el('span', 'state', ` ${file.status}`));
        }
        node.append(row);
      }
      if (pending && entry.files.length > 1) {
        const all = el('div', 'row-actions');
        all.append(
          actionButton('Accept All', { action: 'review', id: entry.id, decision: 'accept' }),
          actionButton('Reject All', { action: 'review', id: entry.id, decision: 'reject' }, true),
        );
        node.append(all);
      }
      return;
    }
    default:
      unhandled(entry);
  }
}

/** The card's words for a change that overwrites an existing file instead of editing it. */
function replacementText(path: string, replaced: NonNullable<ProposalFile['replaces']>): string {
  const which = replaced.path === path ? 'the existing file' : `the existing file ${replaced.path}`;
  return `replaces ${which} — ${replaced.removedLines} line${replaced.removedLines === 1 ? '' : 's'} removed`;
}

const BADGES = { passed: '✓ verified', failed: '✗ verification failed', 'not-run': '○ not verified' } as const;

function verificationBadge(v: ProposalVerification): HTMLElement {
  const badge = el('details', `badge ${v.state}`);
  const where = v.sandboxed ? ' in a sandboxed copy' : v.state === 'not-run' ? '' : ' in an isolated copy';
  badge.append(
    el('summary', undefined, `${BADGES[v.state]}${v.command ? ` — ${v.command}${where}` : ''}`),
    el('pre', 'tool-output', v.summary ?? ''),
  );
  return badge;
}

const ATTEMPT_MARKS = { running: '…', passed: '✓', failed: '✗', 'timed-out': '⏱', cancelled: '■' } as const;

/** The verification timeline: one row per run (exit code, duration, failing tests, the fix proposed after it). */
function renderVerification(entry: Extract<Entry, { kind: 'verification' }>, node: HTMLElement): void {
  node.classList.add(entry.status);
  const titles = { running: 'Verifying', passed: 'Verified', failed: 'Verification failed', stopped: 'Verification stopped' } as const;
  node.replaceChildren(el('div', 'title', `${titles[entry.status]}: ${entry.command}`), el('div', 'reason', entry.why));
  const list = el('ol', 'attempts');
  for (const a of entry.attempts) {
    const item = el('li', a.state);
    const timing = a.durationMs !== undefined ? ` · ${(a.durationMs / 1000).toFixed(1)}s` : '';
    item.append(
      el('span', 'mark', `${ATTEMPT_MARKS[a.state]} run ${a.attempt}`),
      el('span', 'meta', `${a.exitCode !== undefined ? ` exit ${a.exitCode}` : ''}${timing}`),
    );
    if (a.failures.length) {
      const failures = el('ul', 'failures');
      for (const f of a.failures) failures.append(el('li', undefined, f));
      item.append(failures);
    }
    if (a.fix) item.append(el('div', 'fix', `→ fix proposed: ${a.fix}`));
    list.append(item);
  }
  node.append(list);
  if (entry.reason) node.append(el('div', 'reason', entry.reason));
}
