import { defineCalculator, t } from '@weft/framework';

/**
 * Adds the numbers present at a timestamp; an input with no packet there counts as 0. That is what
 * makes the first step of a running total work: PreviousLoopbackCalculator has nothing to loop back
 * at the first timestamp, only a bound, and the default input stream handler then calls `process`
 * with that input absent.
 *
 * Example config:
 * ```yaml
 * - calculator: AddCalculator
 *   input_stream: [values, previous_total]
 *   output_stream: [total]
 * ```
 */
export const AddCalculator = defineCalculator({
  name: 'AddCalculator',
  description: 'Sum of the numbers present on its inputs at each timestamp (absent inputs count as 0).',
  inputs: {
    '': { type: t.number(), multiple: true, description: 'Numbers to add.' },
  },
  outputs: {
    '': { type: t.number(), description: 'Their sum, at the same timestamp.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  timestampOffset: 0,
  create() {
    return {
      process(ctx) {
        let sum = 0;
        for (let i = 0; i < ctx.inputCount(''); i++) sum += ctx.input('', i)?.value ?? 0;
        ctx.output('').add(sum);
      },
    };
  },
});
