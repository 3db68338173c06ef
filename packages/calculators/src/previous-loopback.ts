import { defineCalculator, type Packet, Timestamp, t } from '@weft/framework';
import { describeCalculator } from './describe.js';

/**
 * Closes a loop over time: at each MAIN timestamp it emits, on PREV_LOOP, the LOOP packet produced
 * for the previous MAIN timestamp (nothing, only a bound, at the first one, or when the loop body
 * produced no packet for the previous timestamp). LOOP is connected as a back edge from the end of
 * the loop body. MAIN and LOOP are read with the immediate handler, so MAIN never waits on the back
 * edge; when MAIN advances its bound without a packet, so does PREV_LOOP (MediaPipe's
 * PreviousLoopbackCalculator). PREV_LOOP at T is decided when a LOOP packet at or after the
 * previous MAIN timestamp arrives (or when the run ends), so the loop body should emit a LOOP
 * packet for every MAIN packet.
 *
 * ```text
 * MAIN:      1      2      3
 * LOOP:         1:a    2:b    3:c      (computed downstream from PREV_LOOP)
 * PREV_LOOP: (—)    2:a    3:b
 * ```
 *
 * Example config:
 * ```yaml
 * - calculator: PreviousLoopbackCalculator
 *   input_stream: [MAIN:numbers, LOOP:sum]
 *   input_stream_info:
 *     - { tag_index: LOOP, back_edge: true }
 *   output_stream: [PREV_LOOP:previous_sum]
 * ```
 */
export const PreviousLoopbackCalculator = defineCalculator({
  name: 'PreviousLoopbackCalculator',
  description: describeCalculator(
    'At each MAIN timestamp, emits on PREV_LOOP the LOOP (back edge) packet of the previous MAIN timestamp; nothing at the first.',
    `
- calculator: PreviousLoopbackCalculator
  input_stream: [MAIN:numbers, LOOP:sum]
  input_stream_info:
    - { tag_index: LOOP, back_edge: true }
  output_stream: [PREV_LOOP:previous_sum]
`,
  ),
  inputs: {
    MAIN: { type: t.any(), description: 'Timestamps at which to emit; values are ignored.' },
    LOOP: { type: t.any(), description: 'Back edge: the loop body result for each MAIN timestamp.' },
  },
  outputs: {
    PREV_LOOP: { type: t.any(), description: 'The LOOP packet of the previous MAIN timestamp, at this one.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  create() {
    // MAIN timestamps still to answer, each with the LOOP timestamp whose packet it gets.
    const pending: { main: Timestamp; loop: Timestamp | undefined }[] = [];
    let previousMain: Timestamp | undefined;
    let lastLoop: Packet | undefined;
    // Highest timestamp known to have no MAIN packet still to come (from bound-only calls).
    let mainSettled: Timestamp = Timestamp.Unstarted;
    return {
      process(ctx) {
        const main = ctx.input('MAIN');
        if (main !== undefined) {
          pending.push({ main: main.timestamp, loop: previousMain });
          previousMain = main.timestamp;
        }
        const loop = ctx.input('LOOP');
        if (loop !== undefined) lastLoop = loop;
        // Bound-only calls come from MAIN (the runtime never holds sets back for a back edge), so
        // the input timestamp is a MAIN timestamp that passed without a packet.
        if (main === undefined && loop === undefined) mainSettled = ctx.inputTimestamp;
        const out = ctx.output('PREV_LOOP');
        while (pending.length > 0) {
          const next = pending[0]!;
          if (next.loop !== undefined) {
            // LOOP packets strictly increase, so a packet at or after next.loop settles next.loop.
            if (lastLoop === undefined || lastLoop.timestamp < next.loop) break;
            if (lastLoop.timestamp === next.loop) out.addPacket(lastLoop.at(next.main));
          }
          if (out.nextTimestampBound <= next.main) {
            out.setNextTimestampBound(Timestamp.nextAllowedInStream(next.main));
          }
          pending.shift();
        }
        // MAIN moved on without packets: PREV_LOOP will have nothing up to there either.
        if (pending.length === 0 && mainSettled >= out.nextTimestampBound) {
          out.setNextTimestampBound(Timestamp.nextAllowedInStream(mainSettled));
        }
      },
    };
  },
});
