/** A weighted directed graph over nodes 0..n-1, as edge lists: `from[i] → to[i]` with `weight[i]`. */
export interface Graph {
  nodes: number;
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  weight: ArrayLike<number>;
}

/**
 * Personalised PageRank by power iteration: a walker follows out-edges in proportion to their weight with
 * probability `damping`, else jumps to a node drawn from `personalization` (uniform when absent or all zero).
 * A node without out-edges hands its rank to the jump distribution, so the ranks always sum to 1.
 */
export function pageRank(
  graph: Graph,
  personalization?: ArrayLike<number>,
  options: { damping?: number; iterations?: number; tolerance?: number } = {},
): Float64Array {
  const { nodes: n, from, to, weight } = graph;
  const damping = options.damping ?? 0.85;
  const jump = new Float64Array(n);
  let mass = 0;
  for (let i = 0; i < n; i++) mass += Math.max(0, personalization?.[i] ?? 0);
  for (let i = 0; i < n; i++) jump[i] = mass > 0 ? Math.max(0, personalization![i] ?? 0) / mass : 1 / n;
  const outWeight = new Float64Array(n);
  for (let e = 0; e < from.length; e++) outWeight[from[e]] += weight[e];
  let rank = Float64Array.from(jump);
  let next = new Float64Array(n);
  for (let iteration = 0; iteration < (options.iterations ?? 100); iteration++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += rank[i];
    for (let i = 0; i < n; i++) next[i] = (1 - damping + damping * dangling) * jump[i];
    for (let e = 0; e < from.length; e++) next[to[e]] += (damping * rank[from[e]] * weight[e]) / outWeight[from[e]];
    let delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs(next[i] - rank[i]);
    [rank, next] = [next, rank];
    if (delta < (options.tolerance ?? 1e-6)) break;
  }
  return rank;
}
