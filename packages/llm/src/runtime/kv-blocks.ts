import * as ort from 'onnxruntime-node';
import type { RowAlignment } from './batching-plan.js';
import type { KvArray, KvRowRef } from './kv-gather.js';
import type { FloatDtype, KvBinding } from './model-io.js';

/** The shape facts of a model's KV that block copies need. */
export interface KvShape {
  readonly bindings: readonly KvBinding[];
  readonly dtype: FloatDtype;
  readonly heads: number;
  readonly headSize: number;
}

/** Bytes of KV one token occupies (every past input, key and value). */
export function kvBytesPerToken(shape: KvShape): number {
  const element = shape.dtype === 'float16' ? 2 : 4;
  let per = 0;
  for (const b of shape.bindings) per += (b.packed ? 2 : 1) * shape.heads * shape.headSize * element;
  return per;
}

/**
 * Copies of KV for fixed runs of `blockSize` positions, by id: the worker's half of the prefix
 * cache (the main thread's `PrefixCache` decides which ids exist). A block is one array holding,
 * for each past input in order, `[outer, heads, blockSize, headSize]` (outer = 2 for packed KV).
 * Saving copies positions out of a row of a batch; `join` lays blocks end to end as the KV of a
 * new one-row batch. Both are one memcpy per (input, outer, head) and block.
 */
export class KvBlockStore {
  private readonly blocks = new Map<number, KvArray>();
  private readonly perBinding: number;

  constructor(
    private readonly shape: KvShape,
    readonly blockSize: number,
  ) {
    this.perBinding = shape.heads * blockSize * shape.headSize;
  }

  get size(): number {
    return this.blocks.size;
  }

  has(id: number): boolean {
    return this.blocks.has(id);
  }

  /** Stores positions `[from, from + blockSize)` of the row's real tokens as block `id`. */
  save(id: number, row: KvRowRef, from: number, alignment: RowAlignment): void {
    const { bindings, dtype, heads, headSize } = this.shape;
    const size = bindings.reduce((n, b) => n + (b.packed ? 2 : 1) * this.perBinding, 0);
    const block = dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
    const span = this.blockSize * headSize;
    const start = (alignment === 'left' ? row.width - row.length : 0) + from;
    let at = 0;
    bindings.forEach((binding, k) => {
      const tensor = row.tensors[k]!;
      const dims = tensor.dims as number[];
      const [outer, batch, seq] = binding.packed ? [2, dims[1]!, dims[3]!] : [1, dims[0]!, dims[2]!];
      const src = tensor.data as KvArray;
      for (let o = 0; o < outer; o++) {
        for (let h = 0; h < heads; h++) {
          const offset = (((o * batch + row.row) * heads + h) * seq + start) * headSize;
          block.set(src.subarray(offset, offset + span), at);
          at += span;
        }
      }
    });
    this.blocks.set(id, block);
  }

  /**
   * The KV of one row holding blocks `ids` end to end from position 0, in tensors of `capacity`
   * positions (the rest zero). Undefined when a block is missing.
   */
  join(ids: readonly number[], capacity: number): ort.Tensor[] | undefined {
    const blocks = ids.map((id) => this.blocks.get(id));
    if (blocks.some((b) => b === undefined)) return undefined;
    const { bindings, dtype, heads, headSize } = this.shape;
    const span = this.blockSize * headSize;
    let at = 0;
    return bindings.map((binding) => {
      const outer = binding.packed ? 2 : 1;
      const data =
        dtype === 'float16'
          ? new Uint16Array(outer * heads * capacity * headSize)
          : new Float32Array(outer * heads * capacity * headSize);
      for (let o = 0; o < outer; o++) {
        for (let h = 0; h < heads; h++) {
          const rowStart = (o * heads + h) * capacity * headSize;
          blocks.forEach((block, j) => {
            data.set(block!.subarray(at, at + span), rowStart + j * span);
          });
          at += span;
        }
      }
      const dims = binding.packed ? [2, 1, heads, capacity, headSize] : [1, heads, capacity, headSize];
      return new ort.Tensor(dtype, data, dims);
    });
  }

  forget(id: number): void {
    this.blocks.delete(id);
  }
}
