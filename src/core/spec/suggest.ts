/** "Did you mean …" suggestions by edit distance. */

/** Damerau-style (optimal string alignment) edit distance, case-sensitive. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The closest candidate to `word`, or undefined when nothing is close enough.
 * Case and `-`/`_`/space differences are ignored first; then up to ~1/3 of the length may differ.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = norm(word);
  const exact = candidates.find((c) => norm(c) === w);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, norm(c));
    if (d < bestD) { bestD = d; best = c; }
  }
  const limit = Math.max(1, Math.floor(Math.max(w.length, 3) / 3));
  if (best !== undefined && bestD <= limit) return best;
  // prefix/substring match for longer names ("temp" → "temperature")
  if (w.length >= 3) {
    const sub = candidates.find((c) => norm(c).startsWith(w) || (w.length >= 4 && norm(c).includes(w)));
    if (sub !== undefined) return sub;
  }
  // a long shared prefix ("evaluate" → "evaluation")
  let bestPrefix = 0;
  let byPrefix: string | undefined;
  for (const c of candidates) {
    const n = norm(c);
    let k = 0;
    while (k < n.length && k < w.length && n[k] === w[k]) k++;
    if (k > bestPrefix) { bestPrefix = k; byPrefix = c; }
  }
  if (bestPrefix >= Math.max(5, Math.ceil(0.6 * w.length))) return byPrefix;
  return undefined;
}

/** Formats a list for messages: `a, b, c, … (12 more)`. */
export function listSome(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}
