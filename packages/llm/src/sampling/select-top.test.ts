import { describe, expect, it } from 'vitest';
import { argmax, selectTopK } from './select-top.js';

describe('selectTopK', () => {
  it('returns the k largest indices, largest first, lower index first on ties', () => {
    const values = new Float32Array([0.1, 3, -1, 3, 2, 7, 0]);
    const out = new Int32Array(4);
    expect(selectTopK(values, 4, out)).toBe(4);
    expect([...out]).toEqual([5, 1, 3, 4]);
  });

  it('agrees with a full sort on random data', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const out = new Int32Array(20);
    selectTopK(values, 20, out);
    const expected = [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b).slice(0, 20);
    expect([...out]).toEqual(expected);
  });

  it('caps k at the length', () => {
    const out = new Int32Array(5);
    expect(selectTopK(new Float32Array([1, 2]), 5, out)).toBe(2);
    expect([...out.subarray(0, 2)]).toEqual([1, 0]);
  });

  it('argmax takes the first maximum', () => {
    expect(argmax(new Float32Array([1, 5, 5, 2]))).toBe(1);
  });
});
