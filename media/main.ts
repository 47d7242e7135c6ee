import { assertNever, type Entry, type HostToWebview, type ViewState, type WebviewToHost } from '../src/shared/protocol';
import { actionMessage, renderEntry } from './entries';
import { MentionPopup } from './mentions';
import { HistoryPanel } from './history';
import { SetupCard } from './setup';

declare function acquireVsCodeApi(): { postMessage(msg: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const send = (msg: WebviewToHost): void => vscode.postMessage(msg);

let state: ViewState = { entries: [], busy: false, model: '', endpoint: '', contextWindow: 0, contextUsed: 0, inputTokens: 0, outputTokens: 0 };
const nodes = new Map<string, HTMLElement>();
/** Streaming entries whose Markdown must be re-rendered on the next animation frame. */
const dirty = new Set<string>();
let frameRequested = false;

const app = document.getElementById('app')!;
app.innerHTML = `
  <div class="header"><span class="model"></span><span class="meter" title="Context used / window"></span><button class="secondary icon history-toggle" title="Task history" aria-label="Task history">History</button></div>
  <div class="banner" role="status" hidden></div>
  <div class="log" role="log" aria-live="polite" aria-label="Conversation"></div>
  <div class="composer">
    <textarea rows="3" aria-label="Message Fixpoint" placeholder="Describe a change… @ to mention files, @problems, @selection, @terminal (Enter to send, Shift+Enter for a new line)"></textarea>
    <div class="actions">
      <span class="hint"></span>
      <button class="secondary new-task" title="Start a new task">New Task</button>
      <button class="stop" hidden title="Stop (Esc)">Stop</button>
      <button class="send">Send</button>
    </div>
  </div>`;
const log = app.querySelector<HTMLElement>('.log')!;
const input = app.querySelector<HTMLTextAreaElement>('textarea')!;
const sendButton = app.querySelector<HTMLButtonElement>('.send')!;
const stopButton = app.querySelector<HTMLButtonElement>('.stop')!;
const modelLabel = app.querySelector<HTMLElement>('.model')!;
const meter = app.querySelector<HTMLElement>('.meter')!;

function submit(): void {
  const text = input.value;
  if (!text.trim() || state.busy) return;
  input.value = '';
  send({ type: 'prompt', text });
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
  } else if (e.key === 'Escape' && state.busy) {
    send({ type: 'cancel' });
  }
});
sendButton.addEventListener('click', submit);
stopButton.addEventListener('click', () => send({ type: 'cancel' }));
app.querySelector('.new-task')!.addEventListener('click', () => send({ type: 'newTask' }));
log.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const link = target.closest<HTMLAnchorElement>('a[data-href]');
  if (link) {
    e.preventDefault();
    send({ type: 'openLink', href: link.dataset.href ?? '' });
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-action]');
  const action = button && actionMessage(button.dataset);
  if (action) send(action);
});

function upsert(entry: Entry): void {
  const index = state.entries.findIndex((e) => e.id === entry.id);
  if (index >= 0) state.entries[index] = entry;
  else state.entries.push(entry);
  let el = nodes.get(entry.id);
  if (!el) {
    el = document.createElement('div');
    nodes.set(entry.id, el);
    log.querySelector('.empty')?.remove();
    log.append(el);
  }
  dirty.delete(entry.id);
  renderEntry(entry, el);
  scrollToEnd();
}

function scheduleRender(id: string): void {
  dirty.add(id);
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    for (const dirtyId of dirty) {
      const entry = state.entries.find((e) => e.id === dirtyId);
      const el = nodes.get(dirtyId);
      if (entry && el) renderEntry(entry, el);
    }
    dirty.clear();
    scrollToEnd();
  });
}

function scrollToEnd(): void {
  log.scrollTop = log.scrollHeight;
}

const banner = app.querySelector<HTMLElement>('.banner')!;

function renderChrome(): void {
  banner.hidden = !state.restricted;
  banner.textContent = state.restricted ? `Restricted Mode: Fixpoint can read and propose edits, but runs no command or task — ${state.restricted}` : '';
  stopButton.hidden = !state.busy;
  sendButton.disabled = state.busy;
  modelLabel.textContent = state.model ? `${state.model} · ${state.endpoint}` : '';
  meter.textContent = state.contextWindow ? `${formatTokens(state.contextUsed)} / ${formatTokens(state.contextWindow)}` : '';
  meter.title = `Context: ${state.contextUsed} of ${state.contextWindow} tokens. This task so far: ${state.inputTokens} input + ${state.outputTokens} output tokens billed.`;
  app.querySelector<HTMLElement>('.hint')!.textContent = state.busy ? 'Working… (Esc to stop)' : '';
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k` : String(n);
}

function renderAll(): void {
  nodes.clear();
  log.replaceChildren();
  if (state.entries.length === 0) {
    const empty = document.createElement('div');
    empty.className = 'empty';
    empty.textContent = 'Describe a change, e.g. "make the failing test pass" or "add a --json flag".';
    log.append(empty);
  }
  for (const entry of state.entries) {
    const el = document.createElement('div');
    nodes.set(entry.id, el);
    renderEntry(entry, el);
    log.append(el);
  }
  renderChrome();
  scrollToEnd();
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'state':
      state = msg.state;
      renderAll();
      return;
    case 'entry':
      upsert(msg.entry);
      return;
    case 'delta': {
      const entry = state.entries.find((e) => e.id === msg.id);
      if (entry && (entry.kind === 'assistant' || entry.kind === 'reasoning')) {
        entry.text += msg.text;
        scheduleRender(msg.id);
      }
      return;
    }
    case 'busy':
      state.busy = msg.busy;
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
      renderChrome();
      return;
    default:
      assertNever(msg);
  }
});

send({ type: 'ready' });
input.focus();
