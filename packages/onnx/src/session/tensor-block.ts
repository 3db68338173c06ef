import { elementCount, type Tensor, type TensorDtype, tensor } from '@weft/framework';

/**
 * Row-major block copies between tensors of the same rank: the two moves batching needs. `paste`
 * writes a small tensor into a bigger one at per-axis offsets (stacking runs along the batch axis,
 * leaving the padding around them); `cut` reads a block back out (a run's rows, without padding).
 * Both copy whole runs of the innermost axes that are not cut, so a batch of contiguous rows is
 * one `set` per row.
 */

/** A tensor of `dims` filled with `fill` (the padding value). */
export function filled(dtype: TensorDtype, dims: readonly number[], fill: number): Tensor {
  const t = tensor(dtype, dims);
  if (fill !== 0) {
    if (t.data instanceof BigInt64Array) t.data.fill(BigInt(fill));
    else (t.data as Float32Array).fill(fill);
  }
  return t;
}

/** Copies `src` into `dst` so that src[i...] lands at dst[offsets + i...]. */
export function paste(dst: Tensor, src: Tensor, offsets: readonly number[]): void {
  forEachRun(dst.dims, src.dims, offsets, (dstStart, srcStart, length) => {
    (dst.data as Float32Array).set(
      (src.data as Float32Array).subarray(srcStart, srcStart + length),
      dstStart,
    );
  });
}

/**
 * The block of `src` at `offsets` with the shape `dims`. A block that is one contiguous run of
 * `src` (a single row cut back from padding, the common case of an embedding request) is a view
 * of src's data, not a copy: tensor packets are never written after they are made.
 */
export function cut(src: Tensor, offsets: readonly number[], dims: readonly number[]): Tensor {
  const runs: [srcStart: number, outStart: number, length: number][] = [];
  forEachRun(src.dims, dims, offsets, (srcStart, outStart, length) => {
    runs.push([srcStart, outStart, length]);
  });
  const data = src.data as Float32Array;
  if (runs.length === 1) {
    const [start, , length] = runs[0]!;
    return tensor(src.dtype, dims, data.subarray(start, start + length) as never);
  }
  const out = tensor(src.dtype, dims);
  for (const [srcStart, outStart, length] of runs) {
    (out.data as Float32Array).set(data.subarray(srcStart, srcStart + length), outStart);
  }
  return out;
}

/**
 * Walks the block `blockDims` placed at `offsets` inside `outerDims`, calling `copy(outerStart,
 * blockStart, length)` once per contiguous run. The innermost axes where block and outer agree
 * (and the offset is 0) merge into one run.
 */
function forEachRun(
  outerDims: readonly number[],
  blockDims: readonly number[],
  offsets: readonly number[],
  copy: (outerStart: number, blockStart: number, length: number) => void,
): void {
  const rank = outerDims.length;
  if (elementCount(blockDims) === 0) return;
  // Find the first axis from which everything inward is copied whole.
  let inner = rank;
  let run = 1;
  while (inner > 0 && blockDims[inner - 1] === outerDims[inner - 1] && (offsets[inner - 1] ?? 0) === 0) {
    inner--;
    run *= blockDims[inner]!;
  }
  if (inner > 0) {
    // One more axis contributes a partial run.
    inner--;
    run *= blockDims[inner]!;
  }
  const outerStrides = strides(outerDims);
  const blockStrides = strides(blockDims);
  const index = new Array<number>(inner).fill(0);
  for (;;) {
    let outerStart = (offsets[inner] ?? 0) * (outerStrides[inner] ?? 1);
    let blockStart = 0;
    for (let a = 0; a < inner; a++) {
      outerStart += (index[a]! + (offsets[a] ?? 0)) * outerStrides[a]!;
      blockStart += index[a]! * blockStrides[a]!;
    }
    copy(outerStart, blockStart, run);
    let a = inner - 1;
    while (a >= 0) {
      index[a]!++;
      if (index[a]! < blockDims[a]!) break;
      index[a] = 0;
      a--;
    }
    if (a < 0) return;
  }
}

function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let s = 1;
  for (let a = dims.length - 1; a >= 0; a--) {
    out[a] = s;
    s *= dims[a]!;
  }
  return out;
}
