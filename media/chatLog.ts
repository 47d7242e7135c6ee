import type { Entry } from '../src/shared/protocol';
import { setCodeViewport } from './codeBlocks';
import { renderEntry } from './entries';

// The conversation log, kept fast however long it gets:
// - Every entry has a DOM node (so find-in-page, keyboard and screen readers reach all of it), but each node has
//   `content-visibility: auto` (main.css): the browser skips style, layout and paint of the ones off screen.
// - A snapshot draws finished assistant messages far from the bottom as plain text first; their Markdown is
//   parsed when they come within ~2 screens of the viewport (IntersectionObserver), or in idle time while the
//   agent is not working. Such nodes have aria-live="off" so filling them in is not announced as new output.
// - A streaming message is re-rendered at most once per animation frame, and only its unfinished last block is
//   parsed again (markdown.ts).
// - The view follows new output only while the user is at the bottom; once they scroll up it stays put.

/** Entries at the end of a snapshot drawn in full at once (the rest are drawn lazily). */
const EAGER_TAIL = 24;
/** Entries per chunk: the log holds a few dozen chunks rather than a thousand children, so a change near the
 * end relays out one chunk, and off-screen chunks are skipped whole (content-visibility in main.css). */
const CHUNK_SIZE = 40;
/** "At the bottom" tolerance in px. */
const BOTTOM_SLACK = 24;

export class ChatLog {
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly nodes = new Map<string, HTMLElement>();
  private lastChunk: HTMLElement | undefined;
  private lastChunkCount = 0;
  /** Entries drawn as plain-text placeholders whose Markdown is still to be parsed. */
  private readonly lazy = new Set<string>();
  private readonly lazyObserver: IntersectionObserver;
  private readonly dirty = new Set<string>();
  private frameRequested = false;
  private idleRequested = false;
  private follow = true;
  private userScrollAt = -Infinity;
  /** When each running tool started (the host's start time; when the webview first saw it, for old state). */
  readonly toolStarts = new Map<string, number>();
  /** Called after an entry is added or replaced (not for streamed text). */
  onEntry?: (entry: Entry, node: HTMLElement, previous: Entry | undefined) => void;
  /** Whether idle time may be used to parse placeholders (not while the agent works). */
  idleAllowed: () => boolean = () => true;

  constructor(readonly element: HTMLElement) {
    setCodeViewport(element);
    this.lazyObserver = new IntersectionObserver(
      (items) => {
        for (const item of items) if (item.isIntersecting) this.fill((item.target as HTMLElement).dataset.id ?? '');
      },
      { root: element, rootMargin: '1500px 0px' },
    );
    // Only a user's own scrolling may stop the view from following; content growing under it may not.
    const userScroll = () => (this.userScrollAt = performance.now());
    for (const type of ['wheel', 'touchmove', 'pointerdown', 'keydown']) element.addEventListener(type, userScroll, { passive: true });
    element.addEventListener(
      'scroll',
      () => {
        if (this.atBottom()) this.follow = true;
        else if (performance.now() - this.userScrollAt < 1000) this.follow = false;
      },
      { passive: true },
    );
  }

  get all(): readonly Entry[] {
    return this.entries;
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** Replaces the whole conversation (a `state` snapshot). */
  reset(entries: Entry[]): void {
    this.entries = entries;
    this.byId.clear();
    this.nodes.clear();
    this.lazy.clear();
    this.dirty.clear();
    this.lazyObserver.disconnect();
    // A rebuilt webview keeps the elapsed time of tools still running.
    this.toolStarts.clear();
    for (const entry of entries) this.trackTool(entry);
    const fragment = document.createDocumentFragment();
    if (entries.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'empty';
      empty.textContent = 'Describe a change, e.g. "make the failing test pass" or "add a --json flag".';
      fragment.append(empty);
    }
    this.lastChunk = undefined;
    const eagerFrom = entries.length - EAGER_TAIL;
    entries.forEach((entry, i) => {
      this.byId.set(entry.id, entry);
      const node = document.createElement('div');
      this.nodes.set(entry.id, node);
      if (i < eagerFrom && entry.kind === 'assistant' && !entry.streaming) this.placeholder(entry, node);
      else renderEntry(entry, node);
      this.chunkFor(fragment).append(node);
    });
    this.element.replaceChildren(fragment);
    for (const id of this.lazy) this.lazyObserver.observe(this.nodes.get(id)!);
    this.follow = true;
    this.scrollToEnd();
    this.requestIdleFill();
  }

  /** Adds an entry, or redraws the one with the same id. */
  upsert(entry: Entry): void {
    const previous = this.byId.get(entry.id);
    this.byId.set(entry.id, entry);
    if (previous) {
      const index = this.entries.lastIndexOf(previous);
      if (index >= 0) this.entries[index] = entry;
    } else {
      this.entries.push(entry);
    }
    let node = this.nodes.get(entry.id);
    if (!node) {
      node = document.createElement('div');
      this.nodes.set(entry.id, node);
      this.element.querySelector(':scope > .empty')?.remove();
      this.chunkFor(this.element).append(node);
    }
    this.lazy.delete(entry.id);
    this.dirty.delete(entry.id);
    this.trackTool(entry);
    renderEntry(entry, node);
    this.onEntry?.(entry, node, previous);
    this.followOutput();
  }

  /** Appends streamed text; the entry is redrawn on the next animation frame. */
  appendText(id: string, text: string): void {
    const entry = this.byId.get(id);
    if (!entry || (entry.kind !== 'assistant' && entry.kind !== 'reasoning')) return;
    entry.text += text;
    this.dirty.add(id);
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.flush());
  }

  /** Scrolls to the newest entry and follows output again. */
  scrollToEnd(): void {
    this.follow = true;
    this.element.scrollTop = this.element.scrollHeight;
  }

  private flush(): void {
    this.frameRequested = false;
    for (const id of this.dirty) {
      const entry = this.byId.get(id);
      const node = this.nodes.get(id);
      if (entry && node) renderEntry(entry, node);
    }
    this.dirty.clear();
    this.followOutput();
  }

  /** The chunk the next entry goes in (a new one, appended to `parent`, when the last is full). */
  private chunkFor(parent: ParentNode): HTMLElement {
    if (!this.lastChunk || this.lastChunkCount >= CHUNK_SIZE || (!this.lastChunk.isConnected && parent === this.element)) {
      this.lastChunk = document.createElement('div');
      this.lastChunk.className = 'chunk';
      this.lastChunkCount = 0;
      parent.append(this.lastChunk);
    }
    this.lastChunkCount++;
    return this.lastChunk;
  }

  private followOutput(): void {
    if (this.follow) this.element.scrollTop = this.element.scrollHeight;
  }

  private atBottom(): boolean {
    const el = this.element;
    return el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
  }

  private trackTool(entry: Entry): void {
    if (entry.kind !== 'tool') return;
    if (entry.status === 'running' || entry.status === 'pending') {
      if (!this.toolStarts.has(entry.id)) this.toolStarts.set(entry.id, entry.startedAt ?? Date.now());
    } else {
      this.toolStarts.delete(entry.id);
    }
  }

  private placeholder(entry: Extract<Entry, { kind: 'assistant' }>, node: HTMLElement): void {
    node.className = 'entry assistant placeholder';
    node.dataset.id = entry.id;
    node.setAttribute('aria-live', 'off');
    node.textContent = entry.text;
    this.lazy.add(entry.id);
  }

  private fill(id: string): void {
    if (!this.lazy.delete(id)) return;
    const node = this.nodes.get(id);
    const entry = this.byId.get(id);
    if (!node || !entry) return;
    this.lazyObserver.unobserve(node);
    renderEntry(entry, node);
  }

  /** Parses placeholders newest first in idle time, a few milliseconds at a time. */
  private requestIdleFill(): void {
    if (this.idleRequested || this.lazy.size === 0) return;
    this.idleRequested = true;
    requestIdleCallback(
      (deadline) => {
        this.idleRequested = false;
        if (!this.idleAllowed()) {
          setTimeout(() => this.requestIdleFill(), 1000);
          return;
        }
        const ids = [...this.lazy].reverse();
        for (const id of ids) {
          if (deadline.timeRemaining() < 8) break;
          this.fill(id);
        }
        this.requestIdleFill();
      },
      { timeout: 5000 },
    );
  }
}
