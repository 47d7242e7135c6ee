import type { FileTags, SyntaxTagger, Workspace } from '../ports';
import { isSecretPath } from '../policy';
import { decodeUtf8, isProbablyBinary } from '../tools/text';

/** Most files listed when indexing; a larger workspace is indexed in part (and says so). */
const MAX_LISTED = 50_000;
/** Most source files indexed. */
const MAX_SOURCES = 20_000;
/** Files read at once while indexing. */
const READ_BATCH = 32;

interface Entry {
  version: string;
  tags: FileTags | undefined;
}

/**
 * The syntax tags (definitions, identifier counts) of the workspace's source files, kept up to date
 * incrementally: a refresh lists the files, asks for their versions and re-reads only the ones that changed.
 * Secret and ignored files are never read (the listing applies the ignore rules).
 */
export class TagIndex {
  private readonly files = new Map<string, Entry>();
  private readonly sources = new Map<string, boolean>();
  private refreshing: Promise<void> | undefined;
  private truncatedListing = false;
  /** Bumped whenever an entry is added, changed or removed: what was derived from the index is stale then. */
  generation = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly tagger: SyntaxTagger,
  ) {}

  /** Whether the last refresh left files out (a workspace beyond the limits). */
  get truncated(): boolean {
    return this.truncatedListing;
  }

  get size(): number {
    return this.files.size;
  }

  /** Brings the index up to date; concurrent callers share one refresh. */
  refresh(signal?: AbortSignal): Promise<void> {
    this.refreshing ??= this.update(signal).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The tags of every indexed file that could be read, by workspace-relative path. */
  *entries(): IterableIterator<[string, FileTags]> {
    for (const [path, entry] of this.files) if (entry.tags) yield [path, entry.tags];
  }

  get(path: string): FileTags | undefined {
    return this.files.get(path)?.tags;
  }

  /** Whether a listed file is indexed: a language the tagger reads, not a secret (remembered: paths repeat). */
  private isSource(path: string): boolean {
    let source = this.sources.get(path);
    if (source === undefined) {
      source = this.tagger.language(path) !== undefined && !isSecretPath(path);
      if (this.sources.size > 2 * MAX_LISTED) this.sources.clear();
      this.sources.set(path, source);
    }
    return source;
  }

  private async update(signal?: AbortSignal): Promise<void> {
    const listing = await this.workspace.listFiles({ max: MAX_LISTED }, signal);
    const sources = listing.files.filter((f) => this.isSource(f));
    this.truncatedListing = listing.truncated || sources.length > MAX_SOURCES;
    const paths = sources.slice(0, MAX_SOURCES);
    const versions = await this.tagger.versions(paths);
    const present = new Set(paths);
    for (const path of this.files.keys()) {
      if (!present.has(path)) {
        this.files.delete(path);
        this.generation++;
      }
    }
    const stale = paths.flatMap((path, i) => {
      const version = versions[i];
      return version !== undefined && this.files.get(path)?.version !== version ? [{ path, version }] : [];
    });
    for (let i = 0; i < stale.length; i += READ_BATCH) {
      signal?.throwIfAborted();
      const batch = stale.slice(i, i + READ_BATCH);
      const texts = await Promise.all(batch.map((f) => this.workspace.readFile(f.path).then(textOf)));
      for (const [j, { path, version }] of batch.entries()) {
        const text = texts[j];
        this.files.set(path, { version, tags: text === undefined ? undefined : await this.tagger.tags(path, text) });
        this.generation++;
      }
      // Parsing is synchronous: give the event loop a turn between batches, so a first index of a large
      // workspace does not freeze the extension host.
      if (stale.length > READ_BATCH) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function textOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes && !isProbablyBinary(bytes) ? decodeUtf8(bytes) : undefined;
}
