import { defineCalculator, describeCalculator, Stop, t } from '@weft/framework';

/**
 * A source that emits `count` numbers, `start`, `start + step`, ..., one per `process` call, at
 * timestamps `first_timestamp`, `first_timestamp + timestamp_step`, ..., then stops. With
 * `interval_ms` it waits between packets (cancellable), which makes it a simple clock. Handy for
 * examples, tests and benchmarks.
 *
 * Example config:
 * ```yaml
 * - calculator: SequenceSourceCalculator
 *   output_stream: [numbers]
 *   options: { count: 5, start: 1, timestamp_step: 10 }
 * ```
 */
export const SequenceSourceCalculator = defineCalculator({
  name: 'SequenceSourceCalculator',
  description: describeCalculator(
    'Source: emits `count` numbers start, start+step, ... at evenly spaced timestamps, then stops.',
    `
- calculator: SequenceSourceCalculator
  output_stream: [numbers]
  options: { count: 5, start: 1, timestamp_step: 10 }
`,
  ),
  outputs: {
    '': { type: t.number(), description: 'The numbers.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      count: { type: 'integer', minimum: 0, default: 10, description: 'How many packets to emit.' },
      start: { type: 'number', default: 0, description: 'First value.' },
      step: { type: 'number', default: 1, description: 'Added to the value for each packet.' },
      first_timestamp: { type: 'integer', default: 0, description: 'Timestamp of the first packet.' },
      timestamp_step: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description: 'Added to the timestamp for each packet.',
      },
      interval_ms: {
        type: 'number',
        minimum: 0,
        default: 0,
        description: 'Wall-clock pause before each packet after the first (0 = as fast as possible).',
      },
    },
  },
  create() {
    let i = 0;
    return {
      process(ctx) {
        const o = ctx.options;
        if (i >= o.count) return Stop;
        // Stay synchronous when not pacing: sources are called in a tight loop by benchmarks.
        const emit = () => {
          ctx.output('').add(o.start + i * o.step, o.first_timestamp + i * o.timestamp_step);
          i++;
          return i >= o.count ? Stop : undefined;
        };
        return o.interval_ms > 0 && i > 0 ? sleep(o.interval_ms, ctx.signal).then(emit) : emit();
      },
    };
  },
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
