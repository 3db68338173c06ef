import { describe, expect, it } from 'vitest';
import { ReadyHeap } from './ready-heap.js';

describe('ReadyHeap', () => {
  it('pops indexes from largest to smallest whatever the push order', () => {
    const heap = new ReadyHeap();
    for (const v of [3, 9, 0, 4, 7, 1, 8, 2, 6, 5]) heap.push(v);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('interleaves pushes and pops', () => {
    const heap = new ReadyHeap();
    heap.push(2);
    heap.push(5);
    expect(heap.pop()).toBe(5);
    heap.push(1);
    heap.push(4);
    expect([heap.pop(), heap.pop(), heap.pop()]).toEqual([4, 2, 1]);
    expect(heap.size).toBe(0);
  });
});
