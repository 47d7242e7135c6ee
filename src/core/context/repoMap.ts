// A repo map (after Aider's): the workspace's files with their definitions, ranked by how much the rest of
// the code refers to them, cut to a token budget, so that the model of a large repository knows where things
// are before it reads anything. Files are nodes; an identifier defined in file A and used in file B is an
// edge B → A; PageRank over that graph, personalised towards the files in view and the names in the request,
// says which definitions matter most.
import type { Entry } from '../../shared/protocol';
import type { FileTags, SymbolKindName } from '../ports';
import { parseMentions } from './mentions';
import { pageRank } from './pageRank';
import { ReferenceGraphBuilder, type ReferenceGraph } from './referenceGraph';
import type { TagIndex } from './tagIndex';

export interface RepoMapFocus {
  /** Files the user has in view or mentioned: the map leans towards them and what they use. */
  files?: readonly string[];
  /** Identifiers the request names: their definitions, and the files using them, rank higher. */
  words?: readonly string[];
}

export interface RenderedRepoMap {
  text: string;
  /** Tokens of `text` (o200k). */
  tokens: number;
  /** Files shown, and indexed. */
  files: number;
  totalFiles: number;
}

export interface RepoMapOptions {
  /** Counts the tokens of a line (the o200k tokenizer in the product). */
  countTokens: (text: string) => number;
  /** Below this many source files no map is made: the model reads a small repository directly. */
  minFiles?: number;
}

export const DEFAULT_REPO_MAP_MIN_FILES = 10;

interface Candidate {
  file: number;
  definition: number;
  score: number;
}

/** The repo map of one workspace: the graph is rebuilt only when the index changed, renders are cached. */
export class RepoMap {
  private readonly builder = new ReferenceGraphBuilder();
  private graph: (ReferenceGraph & { generation: number }) | undefined;
  private last: { key: string; map: RenderedRepoMap | undefined } | undefined;
  private readonly lineTokens = new Map<string, number>();

  constructor(
    private readonly index: TagIndex,
    private readonly options: RepoMapOptions,
  ) {}

  /** The map within `budget` tokens, or undefined when it is off (no budget, a small repository). */
  async render(budget: number, focus: RepoMapFocus = {}, signal?: AbortSignal): Promise<RenderedRepoMap | undefined> {
    if (budget <= 0) return undefined;
    await this.index.refresh(signal);
    if (this.index.size < (this.options.minFiles ?? DEFAULT_REPO_MAP_MIN_FILES)) return undefined;
    const graph = this.currentGraph();
    const files = [...new Set(focus.files ?? [])].sort();
    const words = [...new Set(focus.words ?? [])].sort();
    const key = JSON.stringify([graph.generation, budget, files, words]);
    if (this.last?.key !== key) this.last = { key, map: this.fit(graph, this.rank(graph, files, new Set(words)), budget) };
    return this.last.map;
  }

  private currentGraph(): ReferenceGraph & { generation: number } {
    if (this.graph?.generation !== this.index.generation)
      this.graph = { ...this.builder.update(this.index.entries()), generation: this.index.generation };
    return this.graph;
  }

  /** Every definition with its share of rank: what flows along the edges of its name into its file. */
  private rank(graph: ReferenceGraph, focusFiles: string[], words: Set<string>): Iterable<Candidate> {
    const n = graph.paths.length;
    const focused = new Set(focusFiles);
    // The focused files together get as much of the random jump as all the others.
    const boost = focused.size ? n / focused.size : 0;
    const personalization = graph.paths.map((p) => 1 + (focused.has(p) ? boost : 0));
    const weight = words.size ? graph.weight.map((w, e) => (words.has(graph.word[e]) ? w * 10 : w)) : graph.weight;
    const rank = pageRank({ nodes: n, from: graph.from, to: graph.to, weight }, personalization);
    const outWeight = new Float64Array(n);
    for (let e = 0; e < weight.length; e++) outWeight[graph.from[e]] += weight[e];
    const share = new Float64Array(graph.slots);
    for (let e = 0; e < weight.length; e++) share[graph.slot[e]] += (rank[graph.from[e]] * weight[e]) / outWeight[graph.from[e]];
    // A name the request uses, defined in a file or two, is what the user is asking about: shown first. (A
    // common word defined all over, like `get`, only gets a boost.)
    const namedIn = new Map<string, number>();
    if (words.size)
      for (const tags of graph.tags)
        for (const d of tags.definitions) if (words.has(d.name)) namedIn.set(d.name, (namedIn.get(d.name) ?? 0) + 1);
    // Most definitions get no rank from references (locals of a sort, unused names): only the others are
    // sorted up front; the rest, by their file's rank, only if the budget reaches them.
    const referenced: Candidate[] = [];
    const rest: Candidate[] = [];
    for (let file = 0; file < n; file++) {
      const slots = graph.definitionSlots[file];
      const inFocus = focused.has(graph.paths[file]);
      const definitions = graph.tags[file].definitions;
      for (let definition = 0; definition < definitions.length; definition++) {
        const d = definitions[definition];
        // Unreferenced definitions still order by their file's rank, after every referenced one.
        let score = share[slots[definition]] + rank[file] * 1e-6;
        if (words.has(d.name)) score = namedIn.get(d.name)! <= 2 ? score + 1 : score * 10;
        if (inFocus) score *= 2;
        (share[slots[definition]] > 0 || words.has(d.name) ? referenced : rest).push({ file, definition, score });
      }
    }
    const order = (a: Candidate, b: Candidate) => b.score - a.score || a.file - b.file || a.definition - b.definition;
    return (function* () {
      yield* referenced.sort(order);
      yield* rest.sort(order);
    })();
  }

  /** The best-ranked definitions that fit the budget (a member brings its container's line), grouped by file. */
  private fit(graph: ReferenceGraph, candidates: Iterable<Candidate>, budget: number): RenderedRepoMap | undefined {
    const header = `Repository map (${graph.paths.length} source files): definitions the rest of the code uses most, by file, with line numbers. From syntax alone, so approximate; use it to know where to look, then read the code.`;
    let used = this.tokens(header);
    const chosen = new Map<number, Set<number>>();
    for (const { file, definition } of candidates) {
      const shown = chosen.get(file);
      if (shown?.has(definition)) continue;
      const lines = [definition, ...ancestors(graph.tags[file], definition)].filter((d) => !shown?.has(d));
      let cost = shown ? 0 : this.tokens(graph.paths[file]) + 1;
      for (const d of lines) cost += this.tokens(definitionLine(graph.tags[file], d)) + 1;
      if (used + cost > budget) break;
      used += cost;
      const set = shown ?? new Set<number>();
      for (const d of lines) set.add(d);
      chosen.set(file, set);
    }
    if (chosen.size === 0) return undefined;
    const blocks = [...chosen].map(([file, shown]) => {
      const definitions = graph.tags[file].definitions;
      const lines = [...shown].sort((a, b) => definitions[a].line - definitions[b].line || a - b);
      return [graph.paths[file], ...lines.map((d) => definitionLine(graph.tags[file], d))].join('\n');
    });
    const text = [header, ...blocks].join('\n');
    if (this.lineTokens.size > 100_000) this.lineTokens.clear();
    return { text, tokens: this.options.countTokens(text), files: chosen.size, totalFiles: graph.paths.length };
  }

  private tokens(line: string): number {
    let n = this.lineTokens.get(line);
    if (n === undefined) {
      n = this.options.countTokens(line);
      this.lineTokens.set(line, n);
    }
    return n;
  }
}

function ancestors(tags: FileTags, definition: number): number[] {
  const out: number[] = [];
  for (let p = tags.definitions[definition].parent; p !== undefined; p = tags.definitions[p].parent) out.push(p);
  return out;
}

const KIND_LABELS = new Map<SymbolKindName, string>([
  ['type parameter', 'type'],
  ['enum member', 'member'],
]);

/** `  12 class Circle`, members indented under their container. */
function definitionLine(tags: FileTags, definition: number): string {
  const d = tags.definitions[definition];
  const depth = ancestors(tags, definition).length;
  return `${'  '.repeat(depth + 1)}${d.line} ${KIND_LABELS.get(d.kind) ?? d.kind} ${d.name}`;
}

/** What a request points the map at: the files in view and those it @mentions, and the names it uses. */
export function requestFocus(request: string | undefined, inView: readonly string[]): RepoMapFocus {
  const mentioned = parseMentions(request ?? '').flatMap((m) => (m.kind === 'path' ? [m.path.replace(/^\.\//, '')] : []));
  const files = [...inView, ...mentioned];
  return { files, words: [...new Set((request ?? '').match(/[A-Za-z_$][\w$]{2,}/g) ?? [])] };
}

/** fixpoint.context.repoMapTokens (FIXPOINT_REPO_MAP_TOKENS in the CLI) when not set. */
export const DEFAULT_REPO_MAP_TOKENS = 2048;

/** How long a request waits for the map (a first index of a large repository takes seconds). */
const REPO_MAP_WAIT_MS = 3000;

/**
 * The map for a request's system prompt, focused on the files in view and on the latest request in the
 * transcript. A request waits at most a few seconds for it and goes without rather than wait longer
 * (indexing goes on, so the next request has it); a failure (an unreadable grammar, say) is no map either.
 */
export async function repoMapForRequest(
  map: RepoMap,
  budget: number,
  entries: readonly Entry[],
  editors: { active?: string; visible: readonly string[] } = { visible: [] },
  waitMs = REPO_MAP_WAIT_MS,
): Promise<string | undefined> {
  let request: string | undefined;
  for (let i = entries.length - 1; i >= 0 && request === undefined; i--) {
    const entry = entries[i];
    if (entry.kind === 'user') request = entry.text;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inView = [...(editors.active ? [editors.active] : []), ...editors.visible];
  const rendering = map.render(budget, requestFocus(request, inView)).catch(() => undefined);
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
  try {
    return (await Promise.race([rendering, late]))?.text;
  } finally {
    clearTimeout(timer);
  }
}
