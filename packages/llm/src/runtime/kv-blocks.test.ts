import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { KvBlockStore, kvBytesPerToken } from './kv-blocks.js';
import type { KvBinding } from './model-io.js';

const HEADS = 2;
const HEAD = 3;
const plain: KvBinding = { input: 'past.0.key', output: 'present.0.key', layer: 0, packed: false };
const packed: KvBinding = { input: 'past_1', output: 'present_1', layer: 1, packed: true };

/** A KV tensor whose element at (outer, row, head, pos, d) encodes those indices. */
function tensor(binding: KvBinding, rows: number, seq: number): ort.Tensor {
  const outer = binding.packed ? 2 : 1;
  const data = new Float32Array(outer * rows * HEADS * seq * HEAD);
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let r = 0; r < rows; r++)
      for (let h = 0; h < HEADS; h++)
        for (let p = 0; p < seq; p++)
          for (let d = 0; d < HEAD; d++) data[i++] = o * 1e4 + r * 1e3 + h * 100 + p * 10 + d;
  const dims = binding.packed ? [2, rows, HEADS, seq, HEAD] : [rows, HEADS, seq, HEAD];
  return new ort.Tensor('float32', data, dims);
}

/** Position `p` of head `h` (outer `o`) of a one-row joined tensor. */
function at(t: ort.Tensor, o: number, h: number, p: number): number[] {
  const seq = t.dims[t.dims.length - 2]!;
  const from = ((o * HEADS + h) * seq + p) * HEAD;
  return [...(t.data as Float32Array).subarray(from, from + HEAD)];
}

describe('KvBlockStore', () => {
  const shape = { bindings: [plain, packed], dtype: 'float32' as const, heads: HEADS, headSize: HEAD };

  it('counts bytes per token over every input, packed ones twice', () => {
    expect(kvBytesPerToken(shape)).toBe((1 + 2) * HEADS * HEAD * 4);
    expect(kvBytesPerToken({ ...shape, dtype: 'float16' })).toBe((1 + 2) * HEADS * HEAD * 2);
  });

  it('saves blocks of a left-padded row and joins them from position 0 with room after', () => {
    const store = new KvBlockStore(shape, 2);
    // Row 1 of a 2-row batch, 4 real positions at the end of width 6 (2 padding positions first).
    const row = { tensors: [tensor(plain, 2, 6), tensor(packed, 2, 6)], row: 1, length: 4, width: 6 };
    store.save(7, row, 0, 'left');
    store.save(8, row, 2, 'left');
    const kv = store.join([7, 8], 5)!;
    expect(kv.map((t) => t.dims)).toEqual([
      [1, HEADS, 5, HEAD],
      [2, 1, HEADS, 5, HEAD],
    ]);
    // Joined position p is source position 2 + p of row 1.
    expect(at(kv[0]!, 0, 1, 0)).toEqual([1120, 1121, 1122]);
    expect(at(kv[0]!, 0, 1, 3)).toEqual([1150, 1151, 1152]);
    expect(at(kv[1]!, 1, 0, 2)).toEqual([11040, 11041, 11042]);
    expect(at(kv[0]!, 0, 0, 4)).toEqual([0, 0, 0]);
  });

  it('saves right-aligned rows from position 0, forgets, and reports a missing block', () => {
    const store = new KvBlockStore(shape, 3);
    const row = { tensors: [tensor(plain, 1, 8), tensor(packed, 1, 8)], row: 0, length: 5, width: 7 };
    store.save(1, row, 3, 'right'); // positions 3..5 of the row
    const kv = store.join([1], 3)!;
    expect(at(kv[0]!, 0, 0, 0)).toEqual([30, 31, 32]);
    expect(at(kv[1]!, 1, 1, 2)).toEqual([10150, 10151, 10152]);
    expect(store.size).toBe(1);
    store.forget(1);
    expect(store.has(1)).toBe(false);
    expect(store.join([1], 3)).toBeUndefined();
  });
});
