import type { FileTags } from '../ports';

/**
 * The files of a workspace as a graph: an identifier defined in file A and used in file B is an edge B → A,
 * weighted by how telling the name is and how often B uses it. Each (file, defined name) has a slot, where
 * the repo map adds up the rank flowing to that definition.
 */
export interface ReferenceGraph {
  paths: string[];
  tags: FileTags[];
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
  /** The identifier of each edge. */
  word: string[];
  /** Each edge's (defining file, name) slot. */
  slot: Int32Array;
  /** Per file, per definition, its slot. */
  definitionSlots: Int32Array[];
  slots: number;
}

/** Names defined in more files than this make no edges. */
export const MAX_DEFINERS = 20;

interface FileNode {
  path: string;
  tags: FileTags;
  /** The slot of each name the file defines. */
  names: Map<string, number>;
  out: { to: number[]; weight: number[]; word: string[]; slot: number[] };
  /** The slot of each of its definitions, in their order (kept until the file changes). */
  definitionSlots?: Int32Array;
}

/**
 * Keeps the graph for a changing index: an edited file's edges are recomputed, and those of the files using
 * a name it started or stopped defining; a file added or removed rebuilds the whole graph.
 */
export class ReferenceGraphBuilder {
  private nodes: FileNode[] = [];
  private byPath = new Map<string, number>();
  private definers = new Map<string, number[]>();
  /** The files using each identifier. */
  private users = new Map<string, number[]>();
  private slots = 0;

  update(entries: Iterable<[string, FileTags]>): ReferenceGraph {
    const current = [...entries];
    const changed: Array<[number, FileTags]> = [];
    let rebuild = current.length !== this.nodes.length;
    for (const [path, tags] of rebuild ? [] : current) {
      const file = this.byPath.get(path);
      if (file === undefined) {
        rebuild = true;
        break;
      }
      if (this.nodes[file].tags !== tags) changed.push([file, tags]);
    }
    if (rebuild) this.rebuild(current);
    else this.apply(changed);
    return this.flatten();
  }

  /**
   * Changed files get new out-edges. Where a file now defines other names, the files using those names get
   * new ones too (their targets and weights depend on who defines a name); the rest of the graph stays.
   */
  private apply(changed: Array<[number, FileTags]>): void {
    const recompute = new Set<number>();
    const renamed = new Set<string>();
    for (const [file, tags] of changed) {
      const node = this.nodes[file];
      const now = new Set(tags.definitions.map((d) => d.name));
      for (const name of [...node.names.keys()].filter((n) => !now.has(n))) {
        node.names.delete(name);
        const list = this.definers.get(name)!;
        list.splice(list.indexOf(file), 1);
        if (list.length === 0) this.definers.delete(name);
        renamed.add(name);
      }
      for (const name of [...now].filter((n) => !node.names.has(n))) {
        node.names.set(name, this.slots++);
        const list = this.definers.get(name);
        if (list) list.push(file);
        else this.definers.set(name, [file]);
        renamed.add(name);
      }
      for (const name of node.tags.identifiers.keys()) if (!tags.identifiers.has(name)) remove(this.users.get(name), file);
      for (const name of tags.identifiers.keys()) if (!node.tags.identifiers.has(name)) add(this.users, name, file);
      node.tags = tags;
      node.definitionSlots = undefined;
      recompute.add(file);
    }
    for (const name of renamed) for (const user of this.users.get(name) ?? []) recompute.add(user);
    for (const file of recompute) this.nodes[file].out = this.edgesFrom(file);
  }

  private rebuild(entries: Array<[string, FileTags]>): void {
    this.byPath = new Map();
    this.definers = new Map();
    this.users = new Map();
    this.slots = 0;
    this.nodes = entries.map(([path, tags], file) => {
      this.byPath.set(path, file);
      const names = new Map<string, number>();
      for (const { name } of tags.definitions) {
        if (names.has(name)) continue;
        names.set(name, this.slots++);
        add(this.definers, name, file);
      }
      for (const name of tags.identifiers.keys()) add(this.users, name, file);
      return { path, tags, names, out: { to: [], weight: [], word: [], slot: [] } };
    });
    for (let file = 0; file < this.nodes.length; file++) this.nodes[file].out = this.edgesFrom(file);
  }

  private edgesFrom(file: number): FileNode['out'] {
    const out: FileNode['out'] = { to: [], weight: [], word: [], slot: [] };
    for (const [name, count] of this.nodes[file].tags.identifiers) {
      const defined = this.definers.get(name);
      // A name defined in many files (`name`, `get`, a method every class has) points at none of them, and
      // would cost an edge per definer for every file using it.
      if (!defined || defined.length > MAX_DEFINERS) continue;
      const weight = nameWeight(name, defined.length) * Math.sqrt(count);
      for (const definer of defined) {
        if (definer === file) continue;
        out.to.push(definer);
        out.weight.push(weight);
        out.word.push(name);
        out.slot.push(this.nodes[definer].names.get(name)!);
      }
    }
    return out;
  }

  private flatten(): ReferenceGraph {
    const edges = this.nodes.reduce((n, node) => n + node.out.to.length, 0);
    const graph: ReferenceGraph = {
      paths: this.nodes.map((n) => n.path),
      tags: this.nodes.map((n) => n.tags),
      from: new Int32Array(edges),
      to: new Int32Array(edges),
      weight: new Float64Array(edges),
      word: new Array<string>(edges),
      slot: new Int32Array(edges),
      definitionSlots: this.nodes.map((n) => (n.definitionSlots ??= Int32Array.from(n.tags.definitions, (d) => n.names.get(d.name)!))),
      slots: this.slots,
    };
    let e = 0;
    this.nodes.forEach(({ out }, file) => {
      for (let i = 0; i < out.to.length; i++, e++) {
        graph.from[e] = file;
        graph.to[e] = out.to[i];
        graph.weight[e] = out.weight[i];
        graph.word[e] = out.word[i];
        graph.slot[e] = out.slot[i];
      }
    });
    return graph;
  }
}

function add(lists: Map<string, number[]>, name: string, file: number): void {
  const list = lists.get(name);
  if (list) list.push(file);
  else lists.set(name, [file]);
}

function remove(list: number[] | undefined, file: number): void {
  const at = list?.indexOf(file) ?? -1;
  if (at >= 0) list!.splice(at, 1);
}

/**
 * How much one use of a name says about the file defining it (Aider's weights): long, compound names are
 * specific; private-looking ones and names defined in many files say little.
 */
export function nameWeight(name: string, definers: number): number {
  let weight = 1;
  if (name.length >= 8 && /[a-z][A-Z]|_[a-zA-Z]/.test(name)) weight *= 10;
  if (name.startsWith('_')) weight *= 0.1;
  if (definers > 5) weight *= 0.1;
  return weight;
}
