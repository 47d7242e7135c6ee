// Bounded edit distance for "small typo" tolerance in context lines.

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours), or `max + 1` as soon
 * as the distance is known to exceed `max`. Banded, so comparing two lines costs O(len × max).
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  const inf = max + 1;
  let prev2 = new Array<number>(lb + 1).fill(inf);
  let prev = new Array<number>(lb + 1);
  let cur = new Array<number>(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : inf;
  for (let i = 1; i <= la; i++) {
    cur.fill(inf);
    cur[0] = i <= max ? i : inf;
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = d > inf ? inf : d;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return inf;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[lb], inf);
}

/**
 * How many edits a context line of this length may carry and still count as "the same line, miscopied".
 * Short lines get none: `}` vs `)` or `i++` vs `j++` are different code, not typos.
 */
export function typoBudget(length: number): number {
  if (length < 6) return 0;
  if (length < 40) return 1;
  return 2;
}
