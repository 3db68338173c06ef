import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { emptyKv, gatherKv } from './kv-gather.js';
import type { KvBinding } from './model-io.js';

const perLayer: KvBinding = {
  input: 'past_key_values.0.key',
  output: 'present.0.key',
  layer: 0,
  packed: false,
};
const packed: KvBinding = { input: 'past_0', output: 'present_0', layer: 0, packed: true };

/** Value encoding (outer, batch row, head, position, element) so copies can be checked exactly. */
const code = (o: number, b: number, h: number, s: number, d: number) =>
  o * 10000 + b * 1000 + h * 100 + s * 10 + d + 1;

function source(
  dtype: 'float32' | 'float16',
  binding: KvBinding,
  batch: number,
  heads: number,
  seq: number,
  head: number,
) {
  const outer = binding.packed ? 2 : 1;
  const data =
    dtype === 'float16'
      ? new Uint16Array(outer * batch * heads * seq * head)
      : new Float32Array(outer * batch * heads * seq * head);
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < heads; h++)
        for (let s = 0; s < seq; s++) for (let d = 0; d < head; d++) data[i++] = code(o, b, h, s, d);
  const dims = binding.packed ? [2, batch, heads, seq, head] : [batch, heads, seq, head];
  return new ort.Tensor(dtype, data, dims);
}

describe.each([
  ['float32', perLayer],
  ['float16', perLayer],
  ['float32', packed],
  ['float16', packed],
] as const)('gatherKv (%s, packed=%s)', (dtype, binding) => {
  it('copies each picked row right-aligned, squeezing padding and zeroing the new padding', () => {
    // Source: 3 rows × 2 heads × 4 positions × 2; row 0 holds 4 real positions, row 1 holds 1, row 2 holds 2.
    const src = source(dtype, binding, 3, 2, 4, 2);
    const [out] = gatherKv(
      [binding],
      dtype,
      [
        { tensors: [src], row: 2, length: 2, width: 4 },
        { tensors: [src], row: 1, length: 1, width: 4 },
        { tensors: [src], row: 2, length: 2, width: 4 },
      ],
      2,
    );
    const outer = binding.packed ? 2 : 1;
    expect(out!.dims).toEqual(binding.packed ? [2, 3, 2, 2, 2] : [3, 2, 2, 2]);
    expect(out!.type).toBe(dtype);
    const data = Array.from(out!.data as Float32Array | Uint16Array);
    const expected: number[] = [];
    const rows = [
      [2, 2],
      [1, 1],
      [2, 2],
    ];
    for (let o = 0; o < outer; o++)
      for (const [srcRow, len] of rows)
        for (let h = 0; h < 2; h++)
          for (let s = 0; s < 2; s++)
            for (let d = 0; d < 2; d++) expected.push(s < 2 - len! ? 0 : code(o, srcRow!, h, 4 - 2 + s, d));
    expect(data).toEqual(expected);
  });

  it('right alignment copies each row from position 0 into a larger capacity, zero after its length', () => {
    const src = source(dtype, binding, 2, 1, 3, 1);
    const [out] = gatherKv(
      [binding],
      dtype,
      [
        { tensors: [src], row: 1, length: 2, width: 3 },
        { tensors: [src], row: 0, length: 3, width: 3 },
      ],
      5,
      'right',
      3,
    );
    expect(out!.dims).toEqual(binding.packed ? [2, 2, 1, 5, 1] : [2, 1, 5, 1]);
    const outer = binding.packed ? 2 : 1;
    const expected: number[] = [];
    for (let o = 0; o < outer; o++)
      for (const [srcRow, len] of [
        [1, 2],
        [0, 3],
      ])
        for (let s = 0; s < 5; s++) expected.push(s < len! ? code(o, srcRow!, 0, s, 0) : 0);
    expect(Array.from(out!.data as Float32Array | Uint16Array)).toEqual(expected);
  });

  it('makes empty KV of the right shape for a prefill', () => {
    const [kv] = emptyKv([binding], dtype, 3, 4, 8);
    expect(kv!.dims).toEqual(binding.packed ? [2, 3, 4, 0, 8] : [3, 4, 0, 8]);
    expect((kv!.data as Float32Array).length).toBe(0);
  });
});
