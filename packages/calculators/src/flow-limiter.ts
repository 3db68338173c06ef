import { defineCalculator, type OutputStream, type Packet, Timestamp, t } from '@weft/framework';

interface AuxContext {
  input(tag: '', index: number): Packet | undefined;
  output(tag: '', index: number): OutputStream;
}

import { describeCalculator } from './describe.js';
import { checkSameCount } from './port-counts.js';

/**
 * Keeps at most `max_in_flight` packets of the main input (the first untagged input) inside the
 * downstream part of the graph: a packet is released when fewer are in flight, otherwise it waits
 * in a queue of at most `max_in_queue` packets; beyond that the oldest queued packets are dropped.
 * A packet stops being in flight when FINISHED (a back edge from the end of the limited section)
 * carries a packet at its timestamp or later, so the section should emit one FINISHED packet for
 * every packet it receives (a section that drops a packet without one keeps its slot taken). ALLOW reports every main packet's fate (true =
 * released, false = dropped) at its timestamp. Further untagged inputs travel with the main packet
 * of the same timestamp and are dropped with it. Read with the immediate handler, so FINISHED never
 * waits for the inputs (MediaPipe's FlowLimiterCalculator).
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
    'Lets at most `max_in_flight` packets through until FINISHED (a back edge) reports them done; queues up to `max_in_queue` more and drops the rest.',
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
      description: 'Input 0 is limited; others travel with it by timestamp.',
    },
    FINISHED: {
      type: t.any(),
      description: 'Back edge: a packet at T means every released packet up to T has left the section.',
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
    },
  },
  inputStreamHandler: 'immediate',
  create() {
    let count = 0;
    const queue: Packet[] = [];
    const inFlight: Timestamp[] = [];
    // Fate of recent main packets by timestamp, kept only while an auxiliary input may still ask.
    const decided = new Map<Timestamp, boolean>();
    let aux: Packet[][] = [];
    let auxSeen: Timestamp[] = [];
    let mainSeen: Timestamp = Timestamp.Unstarted;
    let hasAllow = false;

    return {
      open(ctx) {
        count = checkSameCount(ctx, ctx.inputCount(''), ctx.outputCount(''));
        aux = Array.from({ length: Math.max(0, count - 1) }, () => []);
        auxSeen = aux.map(() => Timestamp.Unstarted);
        hasAllow = ctx.outputCount('ALLOW') > 0;
      },
      process(ctx) {
        const { max_in_flight: maxInFlight, max_in_queue: maxInQueue } = ctx.options;
        const decide = (packet: Packet, allowed: boolean): void => {
          if (aux.length > 0) decided.set(packet.timestamp, allowed);
          if (hasAllow) ctx.output('ALLOW').add(allowed, packet.timestamp);
        };

        const finished = ctx.input('FINISHED');
        if (finished !== undefined) {
          while (inFlight.length > 0 && inFlight[0]! <= finished.timestamp) inFlight.shift();
        }
        const main = ctx.input('', 0);
        if (main !== undefined) {
          queue.push(main);
          mainSeen = main.timestamp;
        }
        while (inFlight.length < maxInFlight && queue.length > 0) {
          const packet = queue.shift()!;
          ctx.output('', 0).addPacket(packet);
          inFlight.push(packet.timestamp);
          decide(packet, true);
        }
        while (queue.length > maxInQueue) decide(queue.shift()!, false);
        // Nothing below the oldest queued packet (or the last main packet) can come out any more.
        const bound = queue[0]?.timestamp ?? Timestamp.nextAllowedInStream(mainSeen);
        if (mainSeen !== Timestamp.Unstarted && bound > ctx.output('', 0).nextTimestampBound) {
          ctx.output('', 0).setNextTimestampBound(bound);
        }
        if (aux.length > 0) releaseAuxiliary(ctx);
      },
    };

    function releaseAuxiliary(ctx: AuxContext): void {
      const queuedMain = new Set(queue.map((p) => p.timestamp));
      for (let i = 0; i < aux.length; i++) {
        const packet = ctx.input('', i + 1);
        if (packet !== undefined) {
          aux[i]!.push(packet);
          auxSeen[i] = packet.timestamp;
        }
        const pending = aux[i]!;
        const out = ctx.output('', i + 1);
        while (pending.length > 0) {
          const ts = pending[0]!.timestamp;
          const fate = decided.get(ts);
          // Undecided: wait while the main packet at ts may still come or is still queued.
          if (fate === undefined && (ts > mainSeen || queuedMain.has(ts))) break;
          const next = pending.shift()!;
          if (fate === true) out.addPacket(next);
        }
        const bound = pending[0]?.timestamp ?? Timestamp.nextAllowedInStream(auxSeen[i]!);
        if (auxSeen[i] !== Timestamp.Unstarted && bound > out.nextTimestampBound)
          out.setNextTimestampBound(bound);
      }
      let oldestNeeded = Timestamp.Done;
      for (let i = 0; i < aux.length; i++) {
        const need = aux[i]![0]?.timestamp ?? Timestamp.nextAllowedInStream(auxSeen[i]!);
        if (need < oldestNeeded) oldestNeeded = need;
      }
      for (const ts of decided.keys()) if (ts < oldestNeeded) decided.delete(ts);
    }
  },
});
