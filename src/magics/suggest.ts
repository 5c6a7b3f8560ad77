// "Did you mean": the closest names to a misspelt one (edit distance, prefix matches first).

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` candidates close to `word` (distance <= 1/3 of its length, at least 2), best first. */
export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  return candidates
    .map((c) => {
      const lc = c.toLowerCase();
      const d = lc.startsWith(w) || w.startsWith(lc) ? 0.5 : editDistance(w, lc);
      return { c, d };
    })
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

/** " Did you mean X?" or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], render: (s: string) => string = (s) => s): string {
  const near = closest(word, candidates);
  return near.length ? ` Did you mean ${near.map(render).join(' or ')}?` : '';
}
