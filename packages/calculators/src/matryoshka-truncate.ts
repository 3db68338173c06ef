import { defineCalculator, describeCalculator, formatDims, type Tensor, t, tensor } from '@weft/framework';
import { CalculatorError } from './errors.js';

/**
 * Matryoshka truncation: keeps the first `dimensions` values of every vector along the last axis
 * (models trained with MatryoshkaLoss put the most information first). The size comes from a
 * DIMENSIONS packet at the same timestamp (per request), else from the `dimensions` option; with
 * neither the tensor passes unchanged. Asking for more than the vector has, or fewer than 1, fails.
 * Re-normalize afterwards (L2NormalizeCalculator) when unit vectors are wanted.
 *
 * Example config:
 * ```yaml
 * - calculator: MatryoshkaTruncateCalculator
 *   input_stream: [TENSOR:pooled, DIMENSIONS:dimensions]
 *   output_stream: [TENSOR:truncated]
 * ```
 */
export const MatryoshkaTruncateCalculator = defineCalculator({
  name: 'MatryoshkaTruncateCalculator',
  description: describeCalculator(
    'Keeps the first N values along the last axis (N from a DIMENSIONS packet or the `dimensions` option); re-normalize afterwards.',
    `
- calculator: MatryoshkaTruncateCalculator
  input_stream: [TENSOR:pooled, DIMENSIONS:dimensions]
  output_stream: [TENSOR:truncated]
`,
  ),
  inputs: {
    TENSOR: { type: t.tensor(), description: 'vectors along the last axis' },
    DIMENSIONS: { type: t.number(), optional: true, description: 'how many leading values to keep' },
  },
  outputs: { TENSOR: { type: t.tensor(), description: 'the tensor with its last axis cut to N' } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dimensions: { type: 'integer', minimum: 1, description: 'default size when no DIMENSIONS packet' },
    },
  },
  timestampOffset: 0,
  create: () => ({
    process(ctx) {
      const input = ctx.input('TENSOR')?.value;
      if (!input) return;
      const n =
        (ctx.inputCount('DIMENSIONS') > 0 ? ctx.input('DIMENSIONS')?.value : undefined) ??
        ctx.options.dimensions;
      ctx.output('TENSOR').add(n === undefined ? input : truncateLastAxis(input, n));
    },
  }),
});

export function truncateLastAxis(input: Tensor, n: number): Tensor {
  const width = input.dims[input.dims.length - 1];
  if (width === undefined || !Number.isInteger(n) || n < 1 || n > width) {
    throw new CalculatorError(
      'WEFT_ERR_TENSOR_SHAPE',
      `MatryoshkaTruncateCalculator cannot keep ${n} values of vectors ${formatDims(input.dims)}: ask for 1 to ${width ?? 0}`,
    );
  }
  if (n === width) return input;
  const Ctor = input.data.constructor as new (size: number) => typeof input.data;
  const rows = input.data.length / width;
  const out = new Ctor(rows * n);
  for (let r = 0; r < rows; r++)
    (out as Float32Array).set((input.data as Float32Array).subarray(r * width, r * width + n), r * n);
  return tensor(input.dtype, [...input.dims.slice(0, -1), n], out);
}
