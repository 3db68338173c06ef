/** Edit distance (insert, delete, substitute, transpose adjacent) between two strings. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate to `word` when it is close enough to be a likely typo, else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const score = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (score < bestScore || (score === bestScore && best !== undefined && c < best)) {
      best = c;
      bestScore = score;
    }
  }
  if (best === undefined) return undefined;
  // A quarter of the length: long names share suffixes like `Calculator` and must not all look alike.
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 4));
  return bestScore <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or, with no close match, a list of what is allowed (shortened). */
export function suggest(word: string, candidates: readonly string[], noun = 'one of'): string {
  const match = closest(word, candidates);
  if (match !== undefined) return ` (did you mean "${match}"?)`;
  if (candidates.length === 0) return '';
  const shown = candidates.slice(0, 8).map((c) => `"${c}"`);
  return ` (expected ${noun} ${shown.join(', ')}${candidates.length > 8 ? ', ...' : ''})`;
}
