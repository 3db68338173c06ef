import * as ort from 'onnxruntime-node';
import type { FloatDtype, KvBinding } from './model-io.js';

/** Raw KV elements: float32, or fp16 bits (copied as-is, never converted). */
export type KvArray = Float32Array | Uint16Array;

/** One row of a source KV: `length` real positions right-aligned in a tensor of `seqLen` positions. */
export interface KvRowRef {
  readonly tensors: readonly ort.Tensor[];
  readonly row: number;
  readonly length: number;
}

function allocate(dtype: FloatDtype, size: number): KvArray {
  return dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
}

/** `[outer, batch, heads, seq, head]` view of a KV tensor's dims (outer = 2 for packed KV). */
function split(dims: readonly number[], packed: boolean): [number, number, number, number, number] {
  if (packed) return [dims[0]!, dims[1]!, dims[2]!, dims[3]!, dims[4]!];
  return [1, dims[0]!, dims[1]!, dims[2]!, dims[3]!];
}

/** An empty KV (zero positions) for `rows` rows, as fed on the first step. */
export function emptyKv(
  bindings: readonly KvBinding[],
  dtype: FloatDtype,
  rows: number,
  heads: number,
  headSize: number,
): ort.Tensor[] {
  return bindings.map(
    (b) =>
      new ort.Tensor(
        dtype,
        allocate(dtype, 0),
        b.packed ? [2, rows, heads, 0, headSize] : [rows, heads, 0, headSize],
      ),
  );
}

/**
 * Builds a new batched KV whose row i is a copy of `rows[i]`, right-aligned (left padding zeroed)
 * in `seqLen` positions. Each copy is one contiguous block per (outer, head), so the cost is a
 * memcpy of the real positions only; padding columns of the sources are squeezed out.
 */
export function gatherKv(
  bindings: readonly KvBinding[],
  dtype: FloatDtype,
  rows: readonly KvRowRef[],
  seqLen: number,
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
          const from = (((o * srcBatch + ref.row) * heads + h) * srcSeq + (srcSeq - ref.length)) * headSize;
          const to = (((o * batch + i) * heads + h) * seqLen + (seqLen - ref.length)) * headSize;
          dst.set(src.subarray(from, from + block), to);
        }
      }
    }
    const dims = binding.packed ? [outer, batch, heads, seqLen, headSize] : [batch, heads, seqLen, headSize];
    return new ort.Tensor(dtype, dst, dims);
  });
}
