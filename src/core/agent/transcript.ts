import type { Entry, HostToWebview, ViewState } from '../../shared/protocol';
import type { EntryChanges } from '../tasks/taskLog';
import type { EntrySink } from '../ports';

/**
 * Streaming text is sent at most once per frame: a fast model emits hundreds of deltas a second, and each
 * message costs the webview a dispatch and a layout. The first delta after a pause goes out at once (no added
 * latency); the rest of the frame's text follows, merged, when the frame ends.
 */
const DELTA_FRAME_MS = 16;

/** What a running task may do to the transcript (see Transcript.scoped). */
export interface TranscriptSink extends EntrySink {
  appendText(id: string, delta: string): void;
  finishStreaming(): void;
  /** False once the transcript was cleared or replaced (New Task, another task opened). */
  live(): boolean;
}

/**
 * The conversation as the user sees it. Every change is mirrored to the webview as a small message, and
 * `snapshot()` rebuilds the whole view, so the webview can be destroyed and restored at any time.
 */
export class Transcript implements TranscriptSink {
  private entries: Entry[] = [];
  /** Where each entry sits in `entries`: puts and streamed deltas find theirs without a scan. */
  private readonly indexById = new Map<string, number>();
  private nextId = 1;
  /** Deltas not sent yet, in order; adjacent ones for the same entry merged. */
  private pendingDeltas: Array<{ id: string; text: string }> = [];
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by clear() and load(): sinks handed out before stop writing. */
  private epoch = 0;
  /** What changed since the task was last saved: entries by id, or everything after clear()/load(). */
  private changed = new Set<string>();
  private replaced = true;

  constructor(private readonly post: (msg: HostToWebview) => void) {}

  newId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${this.nextId++}`;
  }

  all(): readonly Entry[] {
    return this.entries;
  }

  /** Adds the entry, or replaces the one with the same id. */
  put(entry: Entry): void {
    this.flushDeltas();
    const index = this.indexById.get(entry.id);
    if (index !== undefined) this.entries[index] = entry;
    else this.indexById.set(entry.id, this.entries.push(entry) - 1);
    this.changed.add(entry.id);
    this.post({ type: 'entry', entry });
  }

  appendText(id: string, delta: string): void {
    const index = this.indexById.get(id);
    const entry = index === undefined ? undefined : this.entries[index];
    if (!entry || (entry.kind !== 'assistant' && entry.kind !== 'reasoning')) return;
    entry.text += delta;
    this.changed.add(id);
    if (!this.frameTimer) {
      this.post({ type: 'delta', id, text: delta });
      this.frameTimer = setTimeout(() => this.endFrame(), DELTA_FRAME_MS);
      return;
    }
    const last = this.pendingDeltas.at(-1);
    if (last?.id === id) last.text += delta;
    else this.pendingDeltas.push({ id, text: delta });
  }

  live(): boolean {
    return true;
  }

  /** Sends the deltas held back in this frame; everything else the webview receives must come after them. */
  flushDeltas(): void {
    for (const { id, text } of this.pendingDeltas.splice(0)) this.post({ type: 'delta', id, text });
  }

  private endFrame(): void {
    const hadText = this.pendingDeltas.length > 0;
    this.flushDeltas();
    this.frameTimer = hadText ? setTimeout(() => this.endFrame(), DELTA_FRAME_MS) : undefined;
  }

  /** Marks streaming entries finished (after sending any held-back text). */
  finishStreaming(): void {
    this.flushDeltas();
    for (const entry of [...this.entries]) {
      if ((entry.kind === 'assistant' || entry.kind === 'reasoning') && entry.streaming) {
        entry.streaming = false;
        this.changed.add(entry.id);
        this.post({ type: 'entry', entry });
      }
    }
  }

  /** The parts of the transcript a run writes to. */
  scoped(): TranscriptSink {
    const epoch = this.epoch;
    const live = () => epoch === this.epoch;
    return {
      newId: (prefix) => this.newId(prefix),
      put: (entry) => live() && this.put(entry),
      appendText: (id, delta) => live() && this.appendText(id, delta),
      finishStreaming: () => live() && this.finishStreaming(),
      live,
    };
  }

  /** The entries changed since the last call (for the task's log), and forgets them. */
  takeChanges(): EntryChanges {
    const changes = { reset: this.replaced, ids: this.changed };
    this.changed = new Set();
    this.replaced = false;
    return changes;
  }

  clear(): void {
    this.epoch++;
    this.replaced = true;
    this.pendingDeltas = [];
    this.entries = [];
    this.indexById.clear();
  }

  /** Replaces the whole transcript (a restored session); the caller posts a fresh snapshot. */
  load(entries: Entry[]): void {
    this.epoch++;
    this.replaced = true;
    this.entries = entries.map((e) => ({ ...e }));
    this.indexById.clear();
    this.entries.forEach((e, i) => this.indexById.set(e.id, i));
  }

  /** The whole view (held-back deltas are sent first, so a webview is never behind what it is told next). */
  snapshot(base: Omit<ViewState, 'entries'>): ViewState {
    this.flushDeltas();
    return { ...base, entries: this.entries.map((e) => ({ ...e })) };
  }
}
