import { defineCalculator, describeCalculator, formatDims, type Tensor, t, tensor } from '@weft/framework';
import { CalculatorError } from './errors.js';

export const POOLING_MODES = ['mean', 'cls', 'last_token'] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

/**
 * Pools token embeddings `[batch, seq, hidden]` into one vector per row `[batch, hidden]`, as
 * Sentence-Transformers' Pooling module does: `mean` averages the tokens whose MASK is non-zero,
 * `cls` takes the first token, `last_token` the last token whose MASK is non-zero (right or left
 * padding alike; decoder embedding models). Without MASK every token counts. The mode comes from
 * the `mode` option or from a MODE side packet (a model directory's `1_Pooling/config.json`, read
 * by the node that loads the model), exactly one of the two. Float32 in and out; sums in float64.
 *
 * Example config:
 * ```yaml
 * - calculator: PoolingCalculator
 *   input_stream: [TENSOR:token_embeddings, MASK:attention_mask]
 *   output_stream: [TENSOR:pooled]
 *   options: { mode: mean }
 * ```
 */
export const PoolingCalculator = defineCalculator({
  name: 'PoolingCalculator',
  description: describeCalculator(
    'Pools token embeddings [batch, seq, hidden] into [batch, hidden]: mean over the mask, CLS (first token) or last unmasked token.',
    `
- calculator: PoolingCalculator
  input_stream: [TENSOR:token_embeddings, MASK:attention_mask]
  output_stream: [TENSOR:pooled]
  options: { mode: mean }
`,
  ),
  inputs: {
    TENSOR: { type: t.tensor(), description: 'float32 token embeddings [batch, seq, hidden]' },
    MASK: {
      type: t.tensor(),
      optional: true,
      description: 'attention mask [batch, seq]; non-zero = a real token',
    },
  },
  outputs: { TENSOR: { type: t.tensor(), description: 'float32 [batch, hidden]' } },
  inputSidePackets: {
    MODE: { type: t.string(), optional: true, description: 'the pooling mode, instead of the option' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { mode: { type: 'string', enum: POOLING_MODES, description: 'mean, cls or last_token' } },
  },
  timestampOffset: 0,
  create() {
    let mode: PoolingMode = 'mean';
    return {
      open(ctx) {
        const fromSide = ctx.hasSidePacket('MODE') ? ctx.sidePacket('MODE') : undefined;
        const fromOption = ctx.options.mode;
        if ((fromSide === undefined) === (fromOption === undefined)) {
          throw new CalculatorError(
            'WEFT_ERR_TENSOR_OPTIONS',
            fromSide === undefined
              ? 'PoolingCalculator needs a pooling mode: set the `mode` option (mean, cls, last_token) or connect a MODE side packet'
              : 'PoolingCalculator got both a MODE side packet and the `mode` option; keep one',
          );
        }
        const chosen = (fromSide ?? fromOption) as string;
        if (!(POOLING_MODES as readonly string[]).includes(chosen)) {
          throw new CalculatorError(
            'WEFT_ERR_TENSOR_OPTIONS',
            `pooling mode ${JSON.stringify(chosen)} is not one of ${POOLING_MODES.join(', ')}`,
          );
        }
        mode = chosen as PoolingMode;
      },
      process(ctx) {
        const hidden = ctx.input('TENSOR')?.value;
        if (!hidden) return;
        const mask = ctx.inputCount('MASK') > 0 ? ctx.input('MASK')?.value : undefined;
        ctx.output('TENSOR').add(pool(hidden, mask, mode));
      },
    };
  },
});

/** Pools `[batch, seq, hidden]` float32 over the mask (see PoolingCalculator). */
export function pool(hidden: Tensor, mask: Tensor | undefined, mode: PoolingMode): Tensor<'float32'> {
  if (hidden.dtype !== 'float32' || hidden.dims.length !== 3) {
    throw new CalculatorError(
      'WEFT_ERR_TENSOR_SHAPE',
      `PoolingCalculator TENSOR must be float32 [batch, seq, hidden], got ${hidden.dtype} ${formatDims(hidden.dims)}`,
    );
  }
  const [batch, seq, width] = hidden.dims as [number, number, number];
  if (mask && (mask.dims.length !== 2 || mask.dims[0] !== batch || mask.dims[1] !== seq)) {
    throw new CalculatorError(
      'WEFT_ERR_TENSOR_SHAPE',
      `PoolingCalculator MASK must be [${batch}, ${seq}] like TENSOR's first two dims, got ${formatDims(mask.dims)}`,
    );
  }
  const data = hidden.data as Float32Array;
  const on = (b: number, s: number): boolean => (mask ? Number(mask.data[b * seq + s]) !== 0 : true);
  const out = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++) {
    const row = out.subarray(b * width, (b + 1) * width);
    if (mode === 'mean') {
      const sum = new Float64Array(width);
      let count = 0;
      for (let s = 0; s < seq; s++) {
        if (!on(b, s)) continue;
        count++;
        const base = (b * seq + s) * width;
        for (let h = 0; h < width; h++) sum[h]! += data[base + h]!;
      }
      if (count === 0) {
        throw new CalculatorError(
          'WEFT_ERR_TENSOR_SHAPE',
          `PoolingCalculator row ${b} has no unmasked token to average`,
        );
      }
      for (let h = 0; h < width; h++) row[h] = sum[h]! / count;
    } else {
      let s = mode === 'cls' ? 0 : seq - 1;
      if (mode === 'last_token') while (s >= 0 && !on(b, s)) s--;
      if (s < 0 || seq === 0) {
        throw new CalculatorError('WEFT_ERR_TENSOR_SHAPE', `PoolingCalculator row ${b} has no token to pool`);
      }
      row.set(data.subarray((b * seq + s) * width, (b * seq + s + 1) * width));
    }
  }
  return tensor('float32', [batch, width], out);
}
