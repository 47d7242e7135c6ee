import type { Entry, HostToWebview, ViewState, WebviewToHost } from '../src/shared/protocol';
import { unhandled } from './exhaustive';
import { ChatLog } from './chatLog';
import { codeOf, copyText } from './codeBlocks';
import { actionMessage } from './entries';
import { MentionPopup } from './mentions';
import { meterText } from './meter';
import { HistoryPanel } from './history';
import { SetupCard } from './setup';

declare function acquireVsCodeApi(): { postMessage(msg: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const send = (msg: WebviewToHost): void => vscode.postMessage(msg);

let state: ViewState = {
  entries: [],
  busy: false,
  model: '',
  endpoint: '',
  contextWindow: 0,
  contextUsed: 0,
  inputTokens: 0,
  outputTokens: 0,
};
/** When the agent last became busy, for the elapsed time in the composer. */
let busySince = 0;
let ticker: ReturnType<typeof setInterval> | undefined;
/** When the user last typed in the composer (an approval card does not take focus from someone typing). */
let typedAt = -Infinity;

const app = document.getElementById('app')!;
app.innerHTML = `
  <div class="header"><span class="model"></span><span class="meter" title="Context used / window"></span><button class="secondary icon history-toggle" title="Task history" aria-label="Task history">History</button></div>
  <div class="banner" role="status" hidden></div>
  <div class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0"></div>
  <div class="composer">
    <textarea rows="3" aria-label="Message Fixpoint" placeholder="Describe a change… @ to mention files, @problems, @selection, @terminal (Enter to send, Shift+Enter for a new line)"></textarea>
    <div class="actions">
      <span class="hint" aria-hidden="true"></span>
      <button class="secondary fast-toggle" aria-pressed="false" title="Fast mode: answer with the small, fast model (fixpoint.fastModel) for quick asks">Fast</button>
      <button class="secondary background-toggle" aria-pressed="false" title="Background: run the task in a git worktree of its own, beside this chat; its result comes back for review (Tasks view)">Background</button>
      <button class="secondary new-task" title="Start a new task">New Task</button>
      <button class="stop" hidden title="Stop (Esc)">Stop</button>
      <button class="send">Send</button>
    </div>
  </div>`;
const log = app.querySelector<HTMLElement>('.log')!;
const chat = new ChatLog(log);
chat.idleAllowed = () => !state.busy;
const input = app.querySelector<HTMLTextAreaElement>('textarea')!;
const sendButton = app.querySelector<HTMLButtonElement>('.send')!;
const stopButton = app.querySelector<HTMLButtonElement>('.stop')!;
const modelLabel = app.querySelector<HTMLElement>('.model')!;
const meter = app.querySelector<HTMLElement>('.meter')!;

function submit(): void {
  const text = input.value;
  if (!text.trim() || state.busy) return;
  input.value = '';
  typedAt = -Infinity; // Sent: what comes next (an approval card) may take the focus.
  const pressed = (toggle: HTMLButtonElement) => toggle.getAttribute('aria-pressed') === 'true';
  send({
    type: 'prompt',
    text,
    ...(pressed(fastToggle) ? { fast: true } : {}),
    ...(pressed(backgroundToggle) ? { background: true } : {}),
  });
}

const mentions = new MentionPopup(input, send);
const history = new HistoryPanel(send);
const setup = new SetupCard(send);
app.querySelector('.header')!.insertAdjacentElement('afterend', history.element);
history.element.insertAdjacentElement('afterend', setup.element);
app.querySelector('.history-toggle')!.addEventListener('click', () => history.toggle());

input.addEventListener('keydown', (e) => {
  if (mentions.handleKey(e)) return;
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === 'ArrowUp' && input.value === '' && !e.shiftKey && !e.altKey && !e.metaKey && !e.ctrlKey) {
    // ↑ in an empty composer brings the last prompt back for editing.
    const last = lastPrompt();
    if (last !== undefined) {
      e.preventDefault();
      input.value = last;
      input.setSelectionRange(last.length, last.length);
    }
  }
});
input.addEventListener('input', () => (typedAt = performance.now()));
// Esc stops the agent from anywhere in the chat (the mention popup and the history's rename field use it first).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.busy && !e.defaultPrevented && !(e.target instanceof HTMLInputElement)) {
    e.preventDefault();
    send({ type: 'cancel' });
  }
});
sendButton.addEventListener('click', submit);
stopButton.addEventListener('click', () => {
  send({ type: 'cancel' });
  input.focus();
});
const fastToggle = app.querySelector<HTMLButtonElement>('.fast-toggle')!;
const backgroundToggle = app.querySelector<HTMLButtonElement>('.background-toggle')!;
for (const toggle of [fastToggle, backgroundToggle])
  toggle.addEventListener('click', () => toggle.setAttribute('aria-pressed', String(toggle.getAttribute('aria-pressed') !== 'true')));
// Switched on: the host can get the task's worktree ready while the prompt is typed.
backgroundToggle.addEventListener('click', () => {
  if (backgroundToggle.getAttribute('aria-pressed') === 'true') send({ type: 'backgroundToggled' });
});
app.querySelector('.new-task')!.addEventListener('click', () => {
  send({ type: 'newTask' });
  input.focus();
});
log.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const link = target.closest<HTMLAnchorElement>('a[data-href]');
  if (link) {
    e.preventDefault();
    send({ type: 'openLink', href: link.dataset.href ?? '' });
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-action]');
  if (!button) return;
  if (button.dataset.action === 'code') {
    void codeAction(button);
    return;
  }
  const action = actionMessage(button.dataset);
  if (!action) return;
  send(action);
  // The card redraws without the button; keep the keyboard in the composer rather than on <body>.
  input.focus();
});

// Typing a letter while an approval card holds the focus goes to the composer (the letter included), so that
// only a deliberate Enter or Space on the card's button answers it.
log.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (e.key.length === 1 && e.key !== ' ' && !e.ctrlKey && !e.metaKey && !e.altKey && target.closest('.entry.approval button'))
    input.focus();
});

function lastPrompt(): string | undefined {
  const entries = chat.all;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.kind === 'user') return entry.text;
  }
  return undefined;
}

async function codeAction(button: HTMLButtonElement): Promise<void> {
  const block = codeOf(button);
  if (!block) return;
  const op = button.dataset.op;
  if (op === 'copy') {
    const ok = await copyText(block.code);
    const label = ok ? 'Copied' : 'Copy failed';
    button.textContent = label;
    button.setAttribute('aria-label', label);
    setTimeout(() => {
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy code');
    }, 1500);
    return;
  }
  if (op === 'insert' || op === 'apply') {
    send({ type: 'codeBlock', action: op, code: block.code, ...(block.language ? { language: block.language } : {}) });
    input.focus();
  }
}

/** A new approval card takes the focus (its first button), unless the user is typing in the composer. */
chat.onEntry = (entry: Entry, node: HTMLElement, previous: Entry | undefined) => {
  const wasPending = previous?.kind === 'approval' && previous.state === 'pending';
  if (entry.kind === 'approval' && entry.state === 'pending' && !wasPending) {
    const typing = document.activeElement === input && (input.value !== '' || performance.now() - typedAt < 2000);
    if (!typing) node.querySelector<HTMLButtonElement>('button')?.focus({ preventScroll: true });
  }
  if (entry.kind === 'approval' && wasPending && entry.state !== 'pending' && node.contains(document.activeElement)) input.focus();
};

const banner = app.querySelector<HTMLElement>('.banner')!;

function renderChrome(): void {
  banner.hidden = !state.restricted;
  banner.textContent = state.restricted
    ? `Restricted Mode: Fixpoint can read and propose edits, but runs no command or task — ${state.restricted}`
    : '';
  stopButton.hidden = !state.busy;
  sendButton.disabled = state.busy;
  modelLabel.textContent = state.model ? `${state.model} · ${state.endpoint}` : '';
  const shown = meterText(state);
  meter.textContent = shown.text;
  meter.title = shown.title;
  updateTimers();
  if (state.busy && !ticker) ticker = setInterval(updateTimers, 1000);
  if (!state.busy && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** The composer's "Working… 12s" and the elapsed time on running tool cards. */
function updateTimers(): void {
  const hint = app.querySelector<HTMLElement>('.hint')!;
  hint.textContent = state.busy ? `Working… ${formatElapsed(Date.now() - busySince)} (Esc to stop)` : '';
  for (const [id, since] of chat.toolStarts) {
    const span = log.querySelector<HTMLElement>(`.entry.tool[data-id="${CSS.escape(id)}"] .elapsed`);
    const ms = Date.now() - since;
    if (span) span.textContent = ms >= 1000 ? ` · ${formatElapsed(ms)}` : '';
  }
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'state':
      if (msg.state.busy && !state.busy) busySince = Date.now();
      state = msg.state;
      chat.reset(state.entries);
      renderChrome();
      return;
    case 'entry':
      chat.upsert(msg.entry);
      return;
    case 'delta':
      chat.appendText(msg.id, msg.text);
      return;
    case 'busy':
      if (msg.busy && !state.busy) busySince = Date.now();
      state.busy = msg.busy;
      if (msg.model) state.model = msg.model;
      renderChrome();
      if (!msg.busy) input.focus();
      return;
    case 'history':
      history.render(msg.items);
      return;
    case 'setup':
      setup.render(msg.setup);
      return;
    case 'mentions':
      mentions.show(msg.query, msg.items);
      return;
    case 'usage':
      state.contextUsed = msg.contextUsed;
      state.contextWindow = msg.contextWindow;
      state.inputTokens = msg.inputTokens;
      state.outputTokens = msg.outputTokens;
      state.cost = msg.cost;
      state.toolTokens = msg.tools;
      renderChrome();
      return;
    default:
      unhandled(msg);
  }
});

send({ type: 'ready' });
input.focus();
