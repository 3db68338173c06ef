import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { linear, Q4_BLOCK_SIZE, quantizeQ4 } from './quantized-linear.js';
import { SeededRandom } from './seeded-random.js';

/** Dequantizes MatMulNBits tensors by the layout onnxruntime documents, independently of the packer. */
function dequantize(q: ReturnType<typeof quantizeQ4>, k: number, n: number): Float32Array {
  const w = new Float32Array(k * n);
  const blob = Q4_BLOCK_SIZE / 2;
  const zpBytes = Math.ceil(q.blocks / 2);
  for (let col = 0; col < n; col++) {
    for (let r = 0; r < k; r++) {
      const b = Math.floor(r / Q4_BLOCK_SIZE);
      const i = r % Q4_BLOCK_SIZE;
      const byte = q.packed[(col * q.blocks + b) * blob + Math.floor(i / 2)]!;
      const code = i % 2 === 0 ? byte & 0x0f : byte >> 4;
      const zpByte = q.zeroPoints[col * zpBytes + Math.floor(b / 2)]!;
      const zp = b % 2 === 0 ? zpByte & 0x0f : zpByte >> 4;
      w[r * n + col] = (code - zp) * q.scales[col * q.blocks + b]!;
    }
  }
  return w;
}

function matmul(a: Float32Array, w: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += a[i * k + r]! * w[r * n + j]!;
      out[i * n + j] = sum;
    }
  return out;
}

async function runLinear(
  quant: 'q4' | 'q8',
  w: Float32Array,
  a: Float32Array,
  m: number,
  k: number,
  n: number,
) {
  const g = new OnnxGraphBuilder('one_linear');
  g.input('a', 'float32', [m, k]);
  g.op('Identity', [linear(g, 'a', 'w', w, k, n, quant)], {}, 'y');
  g.output('y', 'float32', [m, n]);
  const session = await ort.InferenceSession.create(g.serialize().model, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ a: new ort.Tensor('float32', a, [m, k]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('quantized linear layers', () => {
  const k = 96; // three blocks: an odd count exercises the zero-point padding nibble
  const n = 5;
  const m = 3;
  const w = new SeededRandom(1, 'w').fill(k * n, 0.3);
  const a = new SeededRandom(1, 'a').fill(m * k, 1);

  it('packs 4-bit codes low nibble first, 32 per block, with packed zero points', () => {
    const q = quantizeQ4(w, k, n);
    expect(q.blocks).toBe(3);
    expect(q.packed.length).toBe(n * 3 * 16);
    expect(q.scales.length).toBe(n * 3);
    expect(q.zeroPoints.length).toBe(n * 2);
    const back = dequantize(q, k, n);
    for (let i = 0; i < w.length; i++) {
      const r = Math.floor(i / n);
      const col = i % n;
      const scale = q.scales[col * 3 + Math.floor(r / 32)]!;
      expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
    }
  });

  it('onnxruntime MatMulNBits reads the packing as documented', async () => {
    const expected = matmul(a, dequantize(quantizeQ4(w, k, n), k, n), m, k, n);
    const got = await runLinear('q4', w, a, m, k, n);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
  });

  it('q8 dynamic quantization approximates the float product', async () => {
    const exact = matmul(a, w, m, k, n);
    const got = await runLinear('q8', w, a, m, k, n);
    for (let i = 0; i < exact.length; i++) expect(Math.abs(got[i]! - exact[i]!)).toBeLessThan(0.1);
  });
});
