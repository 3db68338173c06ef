import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from './float16.js';

describe('float16ToFloat32', () => {
  it('converts normals, subnormals, zeros, infinities and NaN', () => {
    const bits = Uint16Array.from([
      0x3c00, 0xc000, 0x3555, 0x0001, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7bff,
    ]);
    const out = float16ToFloat32(bits);
    expect(Array.from(out.slice(0, 2))).toEqual([1, -2]);
    expect(out[2]).toBeCloseTo(0.333251953125, 12);
    expect(out[3]).toBe(2 ** -24);
    expect(Object.is(out[4], 0)).toBe(true);
    expect(Object.is(out[5], -0)).toBe(true);
    expect(out[6]).toBe(Number.POSITIVE_INFINITY);
    expect(out[7]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(out[8])).toBe(true);
    expect(out[9]).toBe(65504);
  });
});
