import { defineCalculator, describeCalculator, Timestamp, t } from '@weft/framework';

/**
 * Ends a loop started by BeginLoopCalculator: collects the ITEM packets of one batch (in order;
 * elements the loop body dropped are simply missing) and, when BATCH_END arrives, emits them as one
 * array on ITERABLE at the outer timestamp BATCH_END carries. A batch with no items emits nothing on
 * ITERABLE but advances its bound past the outer timestamp (MediaPipe's EndLoopCalculator).
 *
 * ```text
 * ITEM:      0:A  1:B             -              3:C
 * BATCH_END: 1:10                 2:20           3:30
 * ITERABLE:  10:[A, B]            (bound → 21)   30:[C]
 * ```
 *
 * Example config:
 * ```yaml
 * - calculator: EndLoopCalculator
 *   input_stream: [ITEM:upper_word, BATCH_END:words_end]
 *   output_stream: [ITERABLE:upper_words]
 * ```
 */
export const EndLoopCalculator = defineCalculator({
  name: 'EndLoopCalculator',
  description: describeCalculator(
    'Collects the ITEM packets of a loop batch into an array, emitted on ITERABLE at the outer timestamp carried by BATCH_END.',
    `
- calculator: EndLoopCalculator
  input_stream: [ITEM:upper_word, BATCH_END:words_end]
  output_stream: [ITERABLE:upper_words]
`,
  ),
  inputs: {
    ITEM: { type: t.any(), description: 'Loop-body results at loop-internal timestamps.' },
    BATCH_END: {
      type: t.number(),
      description: 'From BeginLoopCalculator: the outer timestamp of the batch.',
    },
  },
  outputs: {
    ITERABLE: { type: t.any(), description: 'The collected items of each batch, as an array.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let items: unknown[] = [];
    return {
      process(ctx) {
        const item = ctx.input('ITEM');
        if (item !== undefined) items.push(item.value);
        const end = ctx.input('BATCH_END');
        if (end === undefined) return;
        const outer = end.value;
        if (items.length > 0) {
          ctx.output('ITERABLE').add(items, outer);
          items = [];
        } else {
          ctx.output('ITERABLE').setNextTimestampBound(Timestamp.nextAllowedInStream(outer));
        }
      },
    };
  },
});
