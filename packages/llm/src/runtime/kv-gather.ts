import * as ort from 'onnxruntime-node';
import type { RowAlignment } from './batching-plan.js';
import type { FloatDtype, KvBinding } from './model-io.js';

/** Raw KV elements: float32, or fp16 bits (copied as-is, never converted). */
export type KvArray = Float32Array | Uint16Array;

/**
 * One row of a source KV: `length` real positions in a tensor of `width` used positions (its
 * sequence dim may be larger: share-buffer capacity). Left alignment keeps them at
 * `[width - length, width)`, right alignment at `[0, length)`.
 */
export interface KvRowRef {
  readonly tensors: readonly ort.Tensor[];
  readonly row: number;
  readonly length: number;
  readonly width: number;
}

function allocate(dtype: FloatDtype, size: number): KvArray {
  return dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
}

/** `[outer, batch, heads, seq, head]` view of a KV tensor's dims (outer = 2 for packed KV). */
function split(dims: readonly number[], packed: boolean): [number, number, number, number, number] {
  if (packed) return [dims[0]!, dims[1]!, dims[2]!, dims[3]!, dims[4]!];
  return [1, dims[0]!, dims[1]!, dims[2]!, dims[3]!];
}

/** An empty KV for `rows` rows: zero positions as fed on a first step, or zeroed room for `capacity`. */
export function emptyKv(
  bindings: readonly KvBinding[],
  dtype: FloatDtype,
  rows: number,
  heads: number,
  headSize: number,
  capacity = 0,
): ort.Tensor[] {
  return bindings.map(
    (b) =>
      new ort.Tensor(
        dtype,
        allocate(dtype, (b.packed ? 2 : 1) * rows * heads * capacity * headSize),
        b.packed ? [2, rows, heads, capacity, headSize] : [rows, heads, capacity, headSize],
      ),
  );
}

/**
 * Builds a new batched KV whose row i is a copy of `rows[i]` in `seqLen` positions (padding
 * zeroed): with `left` alignment its real positions end at `width`, with `right` alignment they
 * start at 0. Each copy is one contiguous block per (outer, head), so the cost is a memcpy of the
 * real positions only; padding columns of the sources are squeezed out.
 */
export function gatherKv(
  bindings: readonly KvBinding[],
  dtype: FloatDtype,
  rows: readonly KvRowRef[],
  seqLen: number,
  alignment: RowAlignment = 'left',
  width = seqLen,
): ort.Tensor[] {
  return bindings.map((binding, k) => {
    const first = rows[0]!.tensors[k]!;
    const [outer, , heads, , headSize] = split(first.dims as number[], binding.packed);
    const batch = rows.length;
    const dst = allocate(dtype, outer * batch * heads * seqLen * headSize);
    for (let i = 0; i < batch; i++) {
      const ref = rows[i]!;
      const tensor = ref.tensors[k]!;
      const [, srcBatch, , srcSeq] = split(tensor.dims as number[], binding.packed);
      const src = tensor.data as KvArray;
      const block = ref.length * headSize;
      if (block === 0) continue;
      for (let o = 0; o < outer; o++) {
        for (let h = 0; h < heads; h++) {
          const srcStart = alignment === 'left' ? ref.width - ref.length : 0;
          const dstStart = alignment === 'left' ? width - ref.length : 0;
          const from = (((o * srcBatch + ref.row) * heads + h) * srcSeq + srcStart) * headSize;
          const to = (((o * batch + i) * heads + h) * seqLen + dstStart) * headSize;
          dst.set(src.subarray(from, from + block), to);
        }
      }
    }
    const dims = binding.packed ? [outer, batch, heads, seqLen, headSize] : [batch, heads, seqLen, headSize];
    return new ort.Tensor(dtype, dst, dims);
  });
}
