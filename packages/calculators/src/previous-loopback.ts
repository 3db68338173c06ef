import { defineCalculator, describeCalculator, type Packet, Timestamp, t } from '@weft/framework';

/**
 * Closes a loop over time: at each MAIN timestamp it emits, on PREV_LOOP, the LOOP packet produced
 * for the previous MAIN timestamp (nothing, only a bound, at the first one, or when the loop body
 * produced no packet for the previous timestamp). LOOP is connected as a back edge from the end of
 * the loop body. MAIN and LOOP are read with the immediate handler, so MAIN never waits on the back
 * edge; when MAIN advances its bound without a packet, so does PREV_LOOP (MediaPipe's
 * PreviousLoopbackCalculator). PREV_LOOP at T is decided once LOOP is settled at the previous MAIN
 * timestamp: by a LOOP packet there (forwarded), or by LOOP's bound passing it without a packet
 * (then PREV_LOOP at T is empty: only its bound advances), so a loop body may skip timestamps as
 * long as it advances its bound (offset 0, `setNextTimestampBound`), as in MediaPipe.
 *
 * ```text
 * MAIN:      1      2      3           4
 * LOOP:         1:a    2:b    (bound→4)       (computed downstream from PREV_LOOP)
 * PREV_LOOP: (—)    2:a    3:b         (— bound→5)
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
    // LOOP packets not matched yet, oldest first (normally at most one).
    const loops: Packet[] = [];
    return {
      process(ctx) {
        const main = ctx.input('MAIN');
        if (main !== undefined) {
          pending.push({ main: main.timestamp, loop: previousMain });
          previousMain = main.timestamp;
        }
        const loop = ctx.input('LOOP');
        if (loop !== undefined) loops.push(loop);
        // LOOP is settled and seen below this (packets and bound-only advances of the back edge).
        const loopSeen = ctx.inputBound('LOOP');
        const out = ctx.output('PREV_LOOP');
        while (pending.length > 0) {
          const next = pending[0]!;
          if (next.loop !== undefined) {
            while (loops.length > 0 && loops[0]!.timestamp < next.loop) loops.shift();
            if (loops[0]?.timestamp === next.loop) out.addPacket(loops.shift()!.at(next.main));
            else if (loopSeen <= next.loop) break; // LOOP at next.loop is not known yet
          }
          // Packet or not, PREV_LOOP is now decided up to next.main.
          if (out.nextTimestampBound <= next.main) {
            out.setNextTimestampBound(Timestamp.nextAllowedInStream(next.main));
          }
          pending.shift();
        }
        // MAIN moved on without packets: PREV_LOOP will have nothing up to there either.
        const mainSeen = ctx.inputBound('MAIN');
        if (
          pending.length === 0 &&
          Timestamp.isRangeValue(mainSeen - 1) &&
          mainSeen > out.nextTimestampBound
        ) {
          out.setNextTimestampBound(mainSeen);
        }
      },
    };
  },
});
