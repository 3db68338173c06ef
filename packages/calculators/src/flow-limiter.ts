import { defineCalculator, describeCalculator, type Packet, Timestamp, t } from '@weft/framework';
import { sameCount } from './port-counts.js';

/**
 * Keeps at most `max_in_flight` packets of the main input (the first untagged input) inside the
 * downstream part of the graph: a packet is released when fewer are in flight, otherwise it waits
 * in a queue of at most `max_in_queue` packets; beyond that the oldest queued packets are dropped.
 * A packet stops being in flight when FINISHED (a back edge from the end of the limited section)
 * is settled at its timestamp: by a packet there or later, or by FINISHED's timestamp bound passing
 * it, so a section that drops a frame only has to advance its bound. With `in_flight_timeout`,
 * a frame whose FINISHED never comes is forgotten once a main packet that much newer arrives.
 * ALLOW reports every main packet's fate (true = released, false = dropped) at its timestamp.
 * Further untagged inputs are released for the timestamps ALLOW opened (from a released main
 * packet up to the next dropped one) and dropped otherwise. Read with the immediate handler and
 * processing bounds, so FINISHED never waits for the inputs (MediaPipe's FlowLimiterCalculator).
 *
 * Example config:
 * ```yaml
 * - calculator: FlowLimiterCalculator
 *   input_stream: [frames, FINISHED:processed]
 *   input_stream_info:
 *     - { tag_index: FINISHED, back_edge: true }
 *   output_stream: [throttled_frames, ALLOW:frame_allowed]
 *   options:
 *     max_in_flight: 1
 *     max_in_queue: 0
 * ```
 */
export const FlowLimiterCalculator = defineCalculator({
  name: 'FlowLimiterCalculator',
  description: describeCalculator(
    'Lets at most `max_in_flight` packets through until FINISHED (a back edge, by packet or bound) reports them done; queues up to `max_in_queue` more and drops the rest.',
    `
- calculator: FlowLimiterCalculator
  input_stream: [frames, FINISHED:processed]
  input_stream_info:
    - { tag_index: FINISHED, back_edge: true }
  output_stream: [throttled_frames, ALLOW:frame_allowed]
  options:
    max_in_flight: 1
    max_in_queue: 0
`,
  ),
  inputs: {
    '': {
      type: t.any(),
      multiple: true,
      description: 'Input 0 is limited; others are released for the timestamps input 0 was.',
    },
    FINISHED: {
      type: t.any(),
      description:
        'Back edge: settled at T (packet or bound) means every released packet up to T has left the section.',
    },
  },
  outputs: {
    '': { type: t.any(), multiple: true, description: 'The released packets; input i goes to output i.' },
    ALLOW: {
      type: t.boolean(),
      optional: true,
      description: 'Per main input packet: true released, false dropped.',
    },
  },
  inputSidePackets: {
    MAX_IN_FLIGHT: {
      type: t.number(),
      optional: true,
      description: 'Overrides the max_in_flight option for this run.',
    },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_in_flight: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description: 'Released packets allowed downstream at once.',
      },
      max_in_queue: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description: 'Packets that may wait for a free slot; older ones beyond this are dropped.',
      },
      in_flight_timeout: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description:
          'Forget an in-flight packet once a main packet this many timestamp units newer arrives (0: never).',
      },
    },
  },
  inputStreamHandler: 'immediate',
  processTimestampBounds: true,
  validatePorts: ({ inputs, outputs }) => sameCount(inputs, outputs),
  create() {
    let maxInFlight = 1;
    let queues: Packet[][] = [];
    const inFlight: Timestamp[] = [];
    // Fate ranges by the main timestamp that starts them (MediaPipe's allowed_ map), oldest first.
    let allowed: { from: Timestamp; allow: boolean }[] = [{ from: Timestamp.Unset, allow: true }];

    return {
      open(ctx) {
        maxInFlight = ctx.hasSidePacket('MAX_IN_FLIGHT')
          ? ctx.sidePacket('MAX_IN_FLIGHT')
          : ctx.options.max_in_flight;
        queues = Array.from({ length: ctx.inputCount('') }, () => []);
      },
      process(ctx) {
        const { max_in_queue: maxInQueue, in_flight_timeout: timeout } = ctx.options;
        const ts = ctx.inputTimestamp;
        const hasAllow = ctx.outputCount('ALLOW') > 0;
        const send = (allow: boolean, at: Timestamp): void => {
          if (hasAllow) ctx.output('ALLOW').add(allow, at);
          allowed.push({ from: at, allow });
        };
        // FINISHED at this timestamp, by a packet or by its bound alone: what was in flight up to here is done.
        const finished =
          ctx.input('FINISHED')?.timestamp ?? Timestamp.previousAllowedInStream(ctx.inputBound('FINISHED'));
        if (finished === ts) while (inFlight.length > 0 && inFlight[0]! <= ts) inFlight.shift();
        for (let i = 0; i < queues.length; i++) {
          const packet = ctx.input('', i);
          if (packet !== undefined) queues[i]!.push(packet);
        }
        const main = ctx.input('', 0);
        if (timeout > 0 && main !== undefined && ts < Timestamp.Max) {
          while (inFlight.length > 0 && ts - inFlight[0]! > timeout) inFlight.shift();
        }
        const queue = queues[0]!;
        while (inFlight.length < maxInFlight && queue.length > 0) {
          const packet = queue.shift()!;
          ctx.output('', 0).addPacket(packet);
          send(true, packet.timestamp);
          inFlight.push(packet.timestamp);
        }
        while (queue.length > maxInQueue) send(false, queue.shift()!.timestamp);
        // Nothing below the oldest queued packet (or the main input's bound) can come out any more.
        if (queue.length > 0) advance(ctx.output('', 0), queue[0]!.timestamp);
        else {
          const bound = ctx.inputBound('', 0);
          advance(ctx.output('', 0), bound);
          if (hasAllow) advance(ctx.output('ALLOW'), bound);
        }
        const settled = ctx.output('', 0).nextTimestampBound;
        for (let i = 1; i < queues.length; i++) {
          const pending = queues[i]!;
          while (pending.length > 0 && pending[0]!.timestamp < settled) {
            const packet = pending.shift()!;
            if (isAllowed(packet.timestamp)) ctx.output('', i).addPacket(packet);
          }
          advance(ctx.output('', i), pending[0]?.timestamp ?? ctx.inputBound('', i));
        }
        // Fate ranges that no queued or future packet can fall in any more.
        let oldest: Timestamp = Timestamp.Done;
        for (let i = 0; i < queues.length; i++) {
          const need = queues[i]![0]?.timestamp ?? ctx.inputBound('', i);
          if (need < oldest) oldest = need;
        }
        let keep = 0;
        while (keep + 1 < allowed.length && allowed[keep + 1]!.from <= oldest) keep++;
        if (keep > 0) allowed = allowed.slice(keep);
      },
    };

    function isAllowed(ts: Timestamp): boolean {
      let allow = true;
      for (const range of allowed) {
        if (range.from > ts) break;
        allow = range.allow;
      }
      return allow;
    }
  },
});

/** Raises a bound, or closes the stream when nothing can follow (MediaPipe closes past Max). */
function advance(
  out: { nextTimestampBound: Timestamp; setNextTimestampBound(b: Timestamp): void; close(): void },
  bound: Timestamp,
): void {
  if (bound > Timestamp.Max) out.close();
  else if (bound > out.nextTimestampBound) out.setNextTimestampBound(bound);
}
