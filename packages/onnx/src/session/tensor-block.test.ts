import { type Tensor, tensor } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { cut, filled, paste } from './tensor-block.js';

const f32 = (dims: number[], values: number[]) => tensor('float32', dims, Float32Array.from(values));
const values = (t: Tensor) => [...(t.data as Float32Array)];

describe('paste and cut', () => {
  test('two rows of different lengths stack into a padded batch and come back out unchanged', () => {
    const a = f32([1, 2, 2], [1, 2, 3, 4]);
    const b = f32([2, 3, 2], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const batch = filled('float32', [3, 3, 2], -1);
    paste(batch, a, [0, 0, 0]);
    paste(batch, b, [1, 0, 0]);
    expect(values(batch)).toEqual([1, 2, 3, 4, -1, -1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(values(cut(batch, [0, 0, 0], [1, 2, 2]))).toEqual(values(a));
    expect(values(cut(batch, [1, 0, 0], [2, 3, 2]))).toEqual(values(b));
  });

  test('a contiguous block is a view of the batch; a strided one is a copy', () => {
    const batch = f32([2, 3, 2], [1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 9, 10]);
    const row = cut(batch, [1, 0, 0], [1, 3, 2]);
    expect(values(row)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(row.data.buffer).toBe(batch.data.buffer);
    const padded = cut(batch, [0, 0, 0], [1, 2, 2]);
    expect(values(padded)).toEqual([1, 2, 3, 4]);
    expect(padded.data.buffer).toBe(batch.data.buffer);
    const strided = cut(batch, [0, 0, 0], [2, 2, 2]);
    expect(values(strided)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(strided.data.buffer).not.toBe(batch.data.buffer);
  });

  test('batching along axis 1 with padding on axis 0', () => {
    const a = f32([2, 1], [1, 2]);
    const b = f32([1, 2], [3, 4]);
    const batch = filled('float32', [2, 3], 0);
    paste(batch, a, [0, 0]);
    paste(batch, b, [0, 1]);
    expect(values(batch)).toEqual([1, 3, 4, 2, 0, 0]);
    expect(values(cut(batch, [0, 1], [1, 2]))).toEqual([3, 4]);
  });

  test('int64 padding values and an empty block', () => {
    const batch = filled('int64', [2, 2], 7);
    paste(batch, tensor('int64', [1, 1], BigInt64Array.from([1n])), [1, 1]);
    expect([...(batch.data as BigInt64Array)]).toEqual([7n, 7n, 7n, 1n]);
    expect(cut(batch, [0, 0], [0, 2]).dims).toEqual([0, 2]);
  });
});
