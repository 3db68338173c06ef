/**
 * Writes the indices of the `k` largest values of `values[0..length)` into `out`, largest first,
 * and returns how many were written (min(k, length)). A size-k min-heap: O(V log k), no full
 * sort of the vocabulary. Ties keep the lower index first. NaN never wins.
 */
export function selectTopK(
  values: ArrayLike<number>,
  k: number,
  out: Int32Array,
  length = values.length,
): number {
  const size = Math.min(k, length, out.length);
  if (size <= 0) return 0;
  // heap[0] is the weakest kept entry: smallest value, then largest index.
  const heap = out;
  let n = 0;
  const weaker = (a: number, b: number): boolean => {
    const va = values[a]!;
    const vb = values[b]!;
    return va < vb || (va === vb && a > b) || (Number.isNaN(va) && !Number.isNaN(vb));
  };
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (n < size) {
      let j = n++;
      heap[j] = i;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (!weaker(heap[j]!, heap[parent]!)) break;
        const t = heap[j]!;
        heap[j] = heap[parent]!;
        heap[parent] = t;
        j = parent;
      }
    } else if (v > values[heap[0]!]!) {
      heap[0] = i;
      siftDown(heap, 0, n, weaker);
    }
  }
  // Heap-sort in place: repeatedly move the weakest to the end → largest first.
  for (let end = n - 1; end > 0; end--) {
    const t = heap[0]!;
    heap[0] = heap[end]!;
    heap[end] = t;
    siftDown(heap, 0, end, weaker);
  }
  return n;
}

function siftDown(
  heap: Int32Array,
  start: number,
  n: number,
  weaker: (a: number, b: number) => boolean,
): void {
  let j = start;
  for (;;) {
    const l = 2 * j + 1;
    if (l >= n) return;
    const r = l + 1;
    const m = r < n && weaker(heap[r]!, heap[l]!) ? r : l;
    if (!weaker(heap[m]!, heap[j]!)) return;
    const t = heap[j]!;
    heap[j] = heap[m]!;
    heap[m] = t;
    j = m;
  }
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
