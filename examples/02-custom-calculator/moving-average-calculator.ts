import { defineCalculator, t } from '@weft/framework';

/**
 * Emits the mean of the last `window` numbers seen on `VALUE`, at the timestamp of the newest one.
 * The window is per run: `create()` is called for every graph run, so two runs never share it.
 *
 * Example config:
 * ```yaml
 * calculators: [./moving-average-calculator.ts]
 * nodes:
 *   - calculator: MovingAverageCalculator
 *     input_stream: VALUE:readings
 *     output_stream: AVERAGE:smoothed
 *     options: { window: 3 }
 * ```
 */
export const MovingAverageCalculator = defineCalculator({
  name: 'MovingAverageCalculator',
  description: 'Mean of the last `window` input numbers, emitted at each input timestamp.',
  inputs: {
    VALUE: { type: t.number(), description: 'The numbers to smooth.' },
  },
  outputs: {
    AVERAGE: { type: t.number(), description: 'Mean of up to `window` latest values.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      window: { type: 'integer', minimum: 1, default: 3, description: 'How many latest values to average.' },
    },
  },
  // Output timestamp = input timestamp, so downstream bounds advance even between packets.
  timestampOffset: 0,
  create() {
    const recent: number[] = [];
    let sum = 0;
    return {
      process(ctx) {
        const packet = ctx.input('VALUE'); // typed Packet<number> | undefined, from `t.number()`
        if (packet === undefined) return;
        recent.push(packet.value);
        sum += packet.value;
        if (recent.length > ctx.options.window) sum -= recent.shift()!; // options.window: number
        ctx.output('AVERAGE').add(sum / recent.length);
      },
    };
  },
});
