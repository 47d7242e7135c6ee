import type { Entry, HostToWebview, ViewState } from '../../shared/protocol';

/**
 * The conversation as the user sees it. Every change is mirrored to the webview as a small message, and
 * `snapshot()` rebuilds the whole view, so the webview can be destroyed and restored at any time.
 */
export class Transcript {
  private entries: Entry[] = [];
  private nextId = 1;

  constructor(private readonly post: (msg: HostToWebview) => void) {}

  newId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${this.nextId++}`;
  }

  all(): readonly Entry[] {
    return this.entries;
  }

  /** Adds the entry, or replaces the one with the same id. */
  put(entry: Entry): void {
    const index = this.entries.findIndex((e) => e.id === entry.id);
    if (index >= 0) this.entries[index] = entry;
    else this.entries.push(entry);
    this.post({ type: 'entry', entry });
  }

  appendText(id: string, delta: string): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || (entry.kind !== 'assistant' && entry.kind !== 'reasoning')) return;
    entry.text += delta;
    this.post({ type: 'delta', id, text: delta });
  }

  /** Marks streaming entries finished; drops empty ones (e.g. a turn that only called tools). */
  finishStreaming(): void {
    for (const entry of [...this.entries]) {
      if ((entry.kind === 'assistant' || entry.kind === 'reasoning') && entry.streaming) {
        entry.streaming = false;
        this.post({ type: 'entry', entry });
      }
    }
  }

  clear(): void {
    this.entries = [];
  }

  /** Replaces the whole transcript (a restored session); the caller posts a fresh snapshot. */
  load(entries: Entry[]): void {
    this.entries = entries.map((e) => ({ ...e }));
  }

  snapshot(base: Omit<ViewState, 'entries'>): ViewState {
    return { ...base, entries: this.entries.map((e) => ({ ...e })) };
  }
}
