// An in-memory overlay over a PatchSource: file operations of one patch are applied here in order, so that
// later operations see earlier ones, and at the end it reports one change per file. Nothing is written.
import type { PatchSource } from './types';

interface Entry {
  content: string;
  /** The original path whose content this descends from (after a move), or null for an added file. */
  origin: string | null;
}

export interface OverlayChange {
  kind: 'add' | 'delete' | 'update';
  path: string;
  movePath?: string;
  oldContent?: string;
  newContent?: string;
  /** The existing file this change overwrites, and what it held. */
  replaces?: { path: string; content: string };
}

export class Overlay {
  private readonly originals = new Map<string, string | undefined>();
  /** Current state of touched paths; null = deleted. Untouched paths are as in the source. */
  private readonly current = new Map<string, Entry | null>();
  /** Paths in the order they were first touched, for a stable result order. */
  private readonly order: string[] = [];

  constructor(private readonly source: PatchSource) {}

  async read(path: string): Promise<string | undefined> {
    if (this.current.has(path)) return this.current.get(path)?.content;
    return this.original(path);
  }

  /** The original path the current content at `path` descends from (itself if untouched). */
  async originOf(path: string): Promise<string | null> {
    const entry = this.current.get(path);
    if (entry !== undefined) return entry ? entry.origin : null;
    return (await this.original(path)) === undefined ? null : path;
  }

  write(path: string, content: string, origin: string | null): void {
    this.touch(path);
    this.current.set(path, { content, origin });
  }

  remove(path: string): void {
    this.touch(path);
    this.current.set(path, null);
  }

  changes(): OverlayChange[] {
    const out: OverlayChange[] = [];
    const reported = new Set<string>();
    for (const path of this.order) {
      const oldContent = this.originals.get(path);
      if (oldContent === undefined) continue;
      const target = this.descendantOf(path);
      const occupant = this.current.get(path);
      if (target !== undefined) {
        reported.add(target);
        const newContent = (this.current.get(target) as Entry).content;
        const moved = target !== path ? { movePath: target, ...this.lostTo(target) } : {};
        out.push({ kind: 'update', path, ...moved, oldContent, newContent });
      } else if (occupant?.origin === null) {
        // Added over the existing file (or deleted and added again): an update that replaces its content.
        reported.add(path);
        out.push({ kind: 'update', path, oldContent, newContent: occupant.content, replaces: { path, content: oldContent } });
      } else if (!occupant) {
        out.push({ kind: 'delete', path, oldContent });
      }
      // Otherwise another file was moved onto `path`: that move's change carries the replacement.
    }
    for (const path of this.order) {
      const entry = this.current.get(path);
      if (entry && entry.origin === null && !reported.has(path)) out.push({ kind: 'add', path, newContent: entry.content });
    }
    return out;
  }

  /** The path whose current content descends from the original content of `path`, if it survives anywhere. */
  private descendantOf(path: string): string | undefined {
    let target: string | undefined;
    for (const [p, e] of this.current) if (e && e.origin === path) target = p;
    return target;
  }

  /** A move onto `target` replaces its original content unless that content lives on elsewhere (a swap). */
  private lostTo(target: string): Pick<OverlayChange, 'replaces'> {
    const content = this.originals.get(target);
    if (content === undefined || this.descendantOf(target) !== undefined) return {};
    return { replaces: { path: target, content } };
  }

  private async original(path: string): Promise<string | undefined> {
    if (!this.originals.has(path)) this.originals.set(path, await this.source.read(path));
    return this.originals.get(path);
  }

  private touch(path: string): void {
    if (!this.order.includes(path)) this.order.push(path);
  }
}
