import { attr, type OnnxGraphBuilder } from './onnx-graph-builder.js';

/** How the builder writes a weight matrix: plain MatMul, 4-bit MatMulNBits, or 8-bit dynamic quantization. */
export type WeightQuant = 'none' | 'q4' | 'q8';

export const Q4_BLOCK_SIZE = 32;

/**
 * `x @ W` for a float `W` of `[inDim, outDim]` (row-major), written the way the chosen export does:
 * - `none`: `MatMul` with the float weight;
 * - `q4`: `com.microsoft::MatMulNBits` (bits 4, block 32, asymmetric with packed zero points), as in
 *   transformers.js `model_q4.onnx` exports;
 * - `q8`: onnxruntime `quantize_dynamic`'s pattern (`DynamicQuantizeLinear` on the activation,
 *   `MatMulInteger` with an int8 per-tensor weight, rescale), as in `model_quantized.onnx`.
 */
export function linear(
  g: OnnxGraphBuilder,
  input: string,
  name: string,
  weight: Float32Array,
  inDim: number,
  outDim: number,
  quant: WeightQuant,
): string {
  if (quant === 'q4') return matMulNBits(g, input, name, weight, inDim, outDim);
  if (quant === 'q8') return dynamicQuantMatMul(g, input, name, weight, inDim, outDim);
  return g.op('MatMul', [input, g.float(name, [inDim, outDim], weight)]);
}

/** The 4-bit tensors of `W` (`[K, N]` row-major) as MatMulNBits stores them. */
export interface Q4Weight {
  /** `[N, blocks, 16]`: column n's K values, 32 per block, two codes a byte, low nibble first. */
  packed: Uint8Array;
  /** `[N * blocks]` */
  scales: Float32Array;
  /** `[N * ceil(blocks / 2)]`, two 4-bit zero points a byte, low nibble first. */
  zeroPoints: Uint8Array;
  blocks: number;
}

/** Quantizes each column block of 32 values to codes 0..15 with its own scale and zero point. */
export function quantizeQ4(weight: Float32Array, k: number, n: number): Q4Weight {
  const blocks = Math.ceil(k / Q4_BLOCK_SIZE);
  const blob = Q4_BLOCK_SIZE / 2;
  const packed = new Uint8Array(n * blocks * blob);
  const scales = new Float32Array(n * blocks);
  const zpBytes = Math.ceil(blocks / 2);
  const zeroPoints = new Uint8Array(n * zpBytes);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const from = b * Q4_BLOCK_SIZE;
      const to = Math.min(k, from + Q4_BLOCK_SIZE);
      // The range always includes 0, so a zero weight stays exactly zero.
      let lo = 0;
      let hi = 0;
      for (let r = from; r < to; r++) {
        const w = weight[r * n + col]!;
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
      }
      const scale = hi > lo ? (hi - lo) / 15 : 1;
      const zp = Math.min(15, Math.max(0, Math.round(-lo / scale)));
      scales[col * blocks + b] = scale;
      zeroPoints[col * zpBytes + (b >> 1)]! |= zp << ((b & 1) * 4);
      for (let r = from; r < to; r++) {
        const code = Math.min(15, Math.max(0, Math.round(weight[r * n + col]! / scale) + zp));
        const i = r - from;
        packed[(col * blocks + b) * blob + (i >> 1)]! |= code << ((i & 1) * 4);
      }
    }
  }
  return { packed, scales, zeroPoints, blocks };
}

function matMulNBits(
  g: OnnxGraphBuilder,
  input: string,
  name: string,
  weight: Float32Array,
  k: number,
  n: number,
): string {
  const q = quantizeQ4(weight, k, n);
  return g.op(
    'com.microsoft::MatMulNBits',
    [
      input,
      g.raw(`${name}_Q4`, [n, q.blocks, Q4_BLOCK_SIZE / 2], 'uint8', q.packed),
      g.float(`${name}_scales`, [n * q.blocks], q.scales),
      g.raw(`${name}_zp`, [n * Math.ceil(q.blocks / 2)], 'uint8', q.zeroPoints),
    ],
    {
      K: attr.int(k),
      N: attr.int(n),
      bits: attr.int(4),
      block_size: attr.int(Q4_BLOCK_SIZE),
    },
  );
}

function dynamicQuantMatMul(
  g: OnnxGraphBuilder,
  input: string,
  name: string,
  weight: Float32Array,
  k: number,
  n: number,
): string {
  let max = 0;
  for (const w of weight) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 127 : 1;
  const codes = new Int8Array(weight.length);
  for (let i = 0; i < weight.length; i++)
    codes[i] = Math.max(-127, Math.min(127, Math.round(weight[i]! / scale)));
  // One activation scale over the whole input tensor (all rows of the batch): this is what couples rows.
  const [xq, xScale, xZp] = g.node('DynamicQuantizeLinear', [input], {}, 3);
  const product = g.op('MatMulInteger', [
    xq!,
    g.raw(`${name}_quantized`, [k, n], 'int8', codes),
    xZp!,
    g.raw(`${name}_zero_point`, [], 'int8', new Int8Array(1)),
  ]);
  const wScale = g.float(`${name}_scale`, [], Float32Array.of(scale));
  return g.op('Mul', [g.op('Cast', [product], { to: attr.int(1) }), g.op('Mul', [xScale!, wScale])]);
}
