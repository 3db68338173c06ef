import { defineCalculator, describeCalculator, type Packet, Timestamp, t } from '@weft/framework';
import { CalculatorError } from './errors.js';
import { sameCount } from './port-counts.js';

/**
 * Starts a loop over the elements of an array: for each ITERABLE packet (outer timestamp T) it
 * emits every element on ITEM at consecutive loop-internal timestamps (0, 1, 2... counted across
 * the whole run), then a BATCH_END packet whose value is T, at the last element's internal
 * timestamp. CLONE inputs (synchronised with ITERABLE) are re-emitted with every element, so the
 * loop body can use per-batch data. An empty array uses up one internal timestamp: ITEM and CLONE
 * only advance their bounds past it and BATCH_END is still sent, so EndLoopCalculator answers
 * every outer timestamp. ITERABLE advancing only its bound past T (no packet at T) counts as an empty
 * array at T (the calculator processes timestamp bounds), so downstream sees every outer timestamp
 * settled in order. Pair with EndLoopCalculator (MediaPipe's BeginLoopCalculator).
 *
 * ```text
 * outer:     T=10 [a, b]          T=20 []        T=30 [c]
 * ITEM:      0:a  1:b             (bound → 3)    3:c
 * BATCH_END: 1:10                 2:20           3:30
 * ```
 *
 * Example config:
 * ```yaml
 * - calculator: BeginLoopCalculator
 *   input_stream: [ITERABLE:words, CLONE:prefix]
 *   output_stream: [ITEM:word, BATCH_END:words_end, CLONE:prefix_per_word]
 * ```
 */
export const BeginLoopCalculator = defineCalculator({
  name: 'BeginLoopCalculator',
  description: describeCalculator(
    'Emits each element of an ITERABLE array on ITEM at consecutive loop-internal timestamps, then BATCH_END carrying the outer timestamp.',
    `
- calculator: BeginLoopCalculator
  input_stream: [ITERABLE:words, CLONE:prefix]
  output_stream: [ITEM:word, BATCH_END:words_end, CLONE:prefix_per_word]
`,
  ),
  inputs: {
    ITERABLE: { type: t.any(), description: 'An array (or other iterable) to loop over.' },
    CLONE: {
      type: t.any(),
      optional: true,
      multiple: true,
      description: 'Packets at the same outer timestamp, re-emitted with every element.',
    },
  },
  outputs: {
    ITEM: { type: t.any(), description: 'One element per loop-internal timestamp.' },
    BATCH_END: {
      type: t.number(),
      description: 'The outer timestamp of the batch, at the internal timestamp of its last element.',
    },
    CLONE: { type: t.any(), optional: true, multiple: true, description: 'CLONE:i input, once per element.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  processTimestampBounds: true,
  validatePorts: ({ inputs, outputs }) => sameCount(inputs, outputs, 'CLONE'),
  create() {
    let next = 0; // the next loop-internal timestamp
    return {
      process(ctx) {
        const clones: (Packet | undefined)[] = [];
        for (let i = 0; i < ctx.inputCount('CLONE'); i++) clones.push(ctx.input('CLONE', i));
        const first = next;
        const iterable = ctx.input('ITERABLE');
        if (iterable !== undefined) {
          const items = iterable.value as unknown;
          if (items === null || typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function') {
            throw new CalculatorError(
              'WEFT_ERR_NOT_ITERABLE',
              `BeginLoopCalculator node "${ctx.nodeName}" got ITERABLE ${preview(items)} at ${Timestamp.format(iterable.timestamp)}; ITERABLE must be an array (or another iterable), e.g. [1, 2, 3]`,
            );
          }
          for (const item of items as Iterable<unknown>) {
            ctx.output('ITEM').add(item, next);
            clones.forEach((clone, i) => {
              if (clone !== undefined) ctx.output('CLONE', i).addPacket(clone.at(next));
            });
            next++;
          }
        }
        if (next === first) {
          next++;
          ctx.output('ITEM').setNextTimestampBound(next);
          for (let i = 0; i < clones.length; i++) ctx.output('CLONE', i).setNextTimestampBound(next);
        }
        ctx.output('BATCH_END').add(ctx.inputTimestamp, next - 1);
      },
    };
  },
});

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
