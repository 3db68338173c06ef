import { defineCalculator, describeCalculator, formatDims, type Tensor, t, tensor } from '@weft/framework';
import { CalculatorError } from './errors.js';

// Sentence-Transformers' Normalize (torch.nn.functional.normalize) divides by max(norm, 1e-12).
const MIN_NORM = 1e-12;

/**
 * Scales every vector along the last axis to unit L2 length (a zero vector stays zero), as
 * Sentence-Transformers' Normalize module. Any float32 shape; the last axis is the vector.
 *
 * Example config:
 * ```yaml
 * - calculator: L2NormalizeCalculator
 *   input_stream: [TENSOR:pooled]
 *   output_stream: [TENSOR:embeddings]
 * ```
 */
export const L2NormalizeCalculator = defineCalculator({
  name: 'L2NormalizeCalculator',
  description: describeCalculator(
    'Scales each vector along the last axis of a float32 tensor to unit L2 length.',
    `
- calculator: L2NormalizeCalculator
  input_stream: [TENSOR:pooled]
  output_stream: [TENSOR:embeddings]
`,
  ),
  inputs: { TENSOR: { type: t.tensor(), description: 'float32, vectors along the last axis' } },
  outputs: { TENSOR: { type: t.tensor(), description: 'the same shape, unit vectors' } },
  options: { type: 'object', additionalProperties: false, properties: {} },
  timestampOffset: 0,
  create: () => ({
    process(ctx) {
      const input = ctx.input('TENSOR')?.value;
      if (input) ctx.output('TENSOR').add(l2Normalize(input));
    },
  }),
});

export function l2Normalize(input: Tensor): Tensor<'float32'> {
  if (input.dtype !== 'float32' || input.dims.length === 0) {
    throw new CalculatorError(
      'WEFT_ERR_TENSOR_SHAPE',
      `L2NormalizeCalculator TENSOR must be float32 with at least one axis, got ${input.dtype} ${formatDims(input.dims)}`,
    );
  }
  const data = input.data as Float32Array;
  const width = input.dims[input.dims.length - 1]!;
  const out = new Float32Array(data.length);
  for (let start = 0; start < data.length; start += width) {
    let sq = 0;
    for (let i = start; i < start + width; i++) sq += data[i]! * data[i]!;
    const norm = Math.max(Math.sqrt(sq), MIN_NORM);
    for (let i = start; i < start + width; i++) out[i] = data[i]! / norm;
  }
  return tensor('float32', input.dims, out);
}
