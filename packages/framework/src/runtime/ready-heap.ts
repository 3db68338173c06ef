/**
 * Max-heap of node indexes. The scheduler always runs the ready node latest in topological order,
 * which drains packets towards the outputs before admitting new ones (queues stay short).
 */
export class ReadyHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const items = this.#items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p >= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the largest index; only call when `size > 0`. */
  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && items[r]! > items[l]! ? r : l;
        if (items[c]! <= last) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }

  clear(): void {
    this.#items.length = 0;
  }
}
