import * as ort from 'onnxruntime-node';
import type { IdDtype } from './model-io.js';

/** int32/int64 buffer for ids, masks and positions. */
export type IdArray = Int32Array | BigInt64Array;

export function idArray(dtype: IdDtype, size: number): IdArray {
  return dtype === 'int64' ? new BigInt64Array(size) : new Int32Array(size);
}

export function setId(array: IdArray, index: number, value: number): void {
  if (array instanceof BigInt64Array) array[index] = BigInt(value);
  else array[index] = value;
}

export function fillIds(array: IdArray, value: number, start: number, end: number): void {
  if (array instanceof BigInt64Array) array.fill(BigInt(value), start, end);
  else array.fill(value, start, end);
}

export function idTensor(dtype: IdDtype, data: IdArray, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(dtype, data as never, dims);
}
