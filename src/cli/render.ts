import type { ChatSession } from '../core/agent/session';
import type { Proposal } from '../core/review/proposal';
import type { ApprovalDecision, Entry, HostToWebview } from '../shared/protocol';

const CLI_ANSWERS: Record<string, ApprovalDecision> = {
  y: 'once',
  yes: 'once',
  t: 'task',
  task: 'task',
  w: 'workspace',
  workspace: 'workspace',
  a: 'always',
  always: 'always',
};

export interface RendererOptions {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Asks the user a question; undefined when there is no terminal to ask. */
  ask?: (question: string) => Promise<string>;
  /** --yes: approve edits and commands; the command policy still applies and dangerous commands are refused. */
  approveAll: boolean;
  session: () => ChatSession;
  onError: () => void;
  /** Print the model's reasoning (on `err`, as its own block); without it only the answer is printed. */
  showReasoning: boolean;
  /** `err` is a terminal: reasoning is dimmed there. */
  dim: boolean;
}

/** Renders the session's protocol messages as terminal output and answers its questions on the terminal. */
export function terminalRenderer(options: RendererOptions): (msg: HostToWebview) => void {
  const { out, err } = options;
  const seen = new Set<string>();
  // Reasoning streams into its own block on stderr, never into the answer on stdout.
  const reasoningIds = new Set<string>();
  const [dimOn, dimOff] = options.dim ? ['\x1b[2m', '\x1b[22m'] : ['', ''];
  let reasoningOpen = false;
  const closeReasoning = () => {
    if (reasoningOpen) err.write(`${dimOff}\n`);
    reasoningOpen = false;
  };
  return (msg) => {
    if (msg.type === 'delta') {
      if (reasoningIds.has(msg.id)) {
        if (!options.showReasoning) return;
        if (!reasoningOpen) err.write(`\n${dimOn}Thinking: `);
        reasoningOpen = true;
        err.write(msg.text);
        return;
      }
      closeReasoning();
      out.write(msg.text);
      return;
    }
    if (msg.type !== 'entry') return;
    const entry = msg.entry;
    const first = !seen.has(entry.id);
    seen.add(entry.id);
    if (entry.kind === 'reasoning') {
      reasoningIds.add(entry.id);
      if (!entry.streaming) closeReasoning();
      return;
    }
    closeReasoning();
    switch (entry.kind) {
      case 'error':
        options.onError();
        err.write(`\nerror: ${entry.message}${entry.fix ? `\n  fix: ${entry.fix}` : ''}\n`);
        break;
      case 'notice':
        err.write(`\n${entry.text}\n`);
        break;
      case 'assistant':
        if (!entry.streaming) out.write('\n');
        break;
      case 'tool':
        if (entry.status !== 'running')
          err.write(
            `\n[${entry.name} ${entry.summary}] ${entry.status}${entry.status === 'failed' && entry.output ? `: ${entry.output.split('\n')[0]}` : ''}\n`,
          );
        break;
      case 'ledger':
        break; // The CLI shows the plan and decisions as they happen.
      case 'resume':
        if (entry.state === 'pending') err.write(`\n${entry.text}\nTo go on: fixpoint resume ${options.session().tasks.id}\n`);
        break;
      case 'plan':
        err.write(
          `\nPlan:\n${entry.steps.map((s) => `  [${s.status === 'completed' ? 'x' : s.status === 'in_progress' ? '>' : ' '}] ${s.text}`).join('\n')}\n`,
        );
        break;
      case 'verification':
        if (entry.status !== 'running') {
          err.write(
            `\nVerification ${entry.status}: ${entry.command}\n${entry.attempts.map((a) => `  run ${a.attempt}: ${a.state}${a.exitCode !== undefined ? ` (exit ${a.exitCode})` : ''}${a.failures.length ? `\n    ${a.failures.join('\n    ')}` : ''}`).join('\n')}\n`,
          );
        }
        break;
      case 'approval':
        if (first && entry.state === 'pending') void askApproval(entry, options);
        break;
      case 'proposal':
        if (first && entry.state === 'pending') void askReview(entry, { ...options, target: options.session() });
        break;
      default:
        break;
    }
  };
}

async function askApproval(entry: Extract<Entry, { kind: 'approval' }>, options: RendererOptions): Promise<void> {
  if (options.approveAll) {
    const dangerous = entry.dangerous === true;
    options.err.write(
      dangerous
        ? `\nRefused (dangerous commands need an interactive yes, even with --yes): ${entry.command}\n`
        : `\n$ ${entry.command}   (approved by --yes)\n`,
    );
    options.session().approve(entry.id, dangerous ? 'deny' : 'once');
    return;
  }
  if (!options.ask) {
    options.err.write(`\nDenied (no terminal to ask; use --yes or --allow): ${entry.command}\n`);
    options.session().approve(entry.id, 'deny');
    return;
  }
  const answer = (
    await options.ask(
      `\nRun this command?\n  ${entry.command}\n${entry.reasons.map((r) => `  (${r})`).join('\n')}\n[y]es once / [t]his task / [w]orkspace / [a]lways / [N]o: `,
    )
  )
    .trim()
    .toLowerCase();
  options.session().approve(entry.id, CLI_ANSWERS[answer] ?? 'deny');
}

/** What a review in the terminal needs: the proposal, and where the answers go (a session, or a bare reviewer). */
export interface ReviewTarget {
  reviewer: { get(id: string): Proposal | undefined };
  review(id: string, path: string | undefined, accept: boolean): void;
}

export interface ReviewOptions extends Pick<RendererOptions, 'err' | 'ask' | 'approveAll'> {
  target: ReviewTarget;
  /** A reason a file needs an interactive yes besides the built-in ones (shown when asking, too). */
  attention?: (path: string) => string | undefined;
}

/** Prints a proposal's diffs and asks per file (or applies what --yes may apply). */
export async function askReview(entry: Extract<Entry, { kind: 'proposal' }>, options: ReviewOptions): Promise<void> {
  const proposal = options.target.reviewer.get(entry.id);
  if (!proposal) return;
  options.err.write(`\nProposed changes:\n${proposal.files.map((f) => f.change.diff).join('\n')}\n`);
  if (options.approveAll) {
    // Like protected paths, a replacement of an existing file's whole content needs an interactive yes.
    for (const file of proposal.files) {
      const why = file.protected
        ? 'is a protected path'
        : file.change.replaces
          ? `would replace the existing ${file.change.replaces.path}`
          : (options.attention?.(file.change.path) ?? '');
      if (why) options.err.write(`Not applied: ${file.change.path} ${why} and needs an interactive yes, even with --yes.\n`);
      options.target.review(entry.id, file.change.path, !why);
    }
    return;
  }
  if (!options.ask) {
    options.err.write('Rejected (no terminal to ask; use --yes to accept edits).\n');
    return options.target.review(entry.id, undefined, false);
  }
  for (const file of proposal.files) {
    const notes = [
      ...(file.protected ? ['PROTECTED PATH'] : []),
      ...(file.change.replaces
        ? [`REPLACES the existing ${file.change.replaces.path}: ${file.change.replaces.removedLines} lines removed`]
        : []),
      ...[options.attention?.(file.change.path)].filter((n) => n !== undefined),
    ];
    const answer = (await options.ask(`Apply changes to ${file.change.path}${notes.length ? ` (${notes.join('; ')})` : ''}? [y/N] `))
      .trim()
      .toLowerCase();
    options.target.review(entry.id, file.change.path, answer === 'y' || answer === 'yes');
  }
}
