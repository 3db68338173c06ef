import { defineCalculator, describeCalculator, type Packet, Timestamp, t } from '@weft/framework';
import { sameCount } from './port-counts.js';

/**
 * On every tick, re-emits the latest packet seen on each other input at the tick's timestamp
 * (MediaPipe's PacketClonerCalculator). The tick is the TICK input, or else the last untagged input;
 * untagged input i goes to output i. Use it to sample slow streams at a fast stream's rate, e.g.
 * attach the latest settings to every request. As in MediaPipe, the default input stream handler
 * synchronises the inputs, so a tick at T waits until every data input is settled at T and clones
 * the packets up to T; set `input_stream_handler: immediate` on the node to clone whatever has
 * arrived when the tick does. Before an input has seen its first packet its output emits nothing;
 * when the tick's bound passes T the outputs' bounds follow, so downstream nodes never wait.
 *
 * Example config:
 * ```yaml
 * - calculator: PacketClonerCalculator
 *   input_stream: [settings, TICK:requests]
 *   output_stream: [settings_per_request]
 *   options:
 *     output_only_when_all_inputs_received: true
 * ```
 */
export const PacketClonerCalculator = defineCalculator({
  name: 'PacketClonerCalculator',
  description: describeCalculator(
    'On each tick (TICK, or the last untagged input), re-emits the latest packet of every other input (input i → output i) at the tick timestamp.',
    `
- calculator: PacketClonerCalculator
  input_stream: [settings, TICK:requests]
  output_stream: [settings_per_request]
  options:
    output_only_when_all_inputs_received: true
`,
  ),
  inputs: {
    '': {
      type: t.any(),
      multiple: true,
      optional: true,
      description:
        'Streams whose latest packet is cloned on each tick (without TICK, the last one is the tick).',
    },
    TICK: {
      type: t.any(),
      optional: true,
      description: 'Each packet triggers one clone of every input, at its timestamp.',
    },
  },
  outputs: {
    '': { type: t.any(), multiple: true, optional: true, description: 'Clones of input i, one per tick.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      output_only_when_all_inputs_received: {
        type: 'boolean',
        default: false,
        description:
          'Emit nothing on a tick until every input has received at least one packet (output bounds wait too).',
      },
      output_packets_only_when_all_inputs_received: {
        type: 'boolean',
        default: false,
        description:
          'Like output_only_when_all_inputs_received, but output bounds still follow each tick before then.',
      },
    },
  },
  processTimestampBounds: true,
  validatePorts: ({ inputs, outputs }) => {
    if (inputs.some((p) => p.tag === 'TICK')) return sameCount(inputs, outputs);
    if (!inputs.some((p) => p.tag === '')) {
      return [
        { message: 'has no tick: connect a TICK input (or untagged inputs, the last of which is the tick)' },
      ];
    }
    return sameCount(inputs, outputs, '', 1);
  },
  create() {
    let latest: (Packet | undefined)[] = [];
    let missing = 0;
    let tickTag: 'TICK' | '' = 'TICK';
    let tickIndex = 0;
    return {
      open(ctx) {
        const data = ctx.inputCount('');
        const tagged = ctx.inputCount('TICK') > 0;
        tickTag = tagged ? 'TICK' : '';
        tickIndex = tagged ? 0 : data - 1;
        latest = new Array(tagged ? data : data - 1).fill(undefined);
        missing = latest.length;
      },
      process(ctx) {
        for (let i = 0; i < latest.length; i++) {
          const packet = ctx.input('', i);
          if (packet === undefined) continue;
          if (latest[i] === undefined) missing--;
          latest[i] = packet;
        }
        const {
          output_only_when_all_inputs_received: onlyAll,
          output_packets_only_when_all_inputs_received: packetsOnlyAll,
        } = ctx.options;
        const ts = ctx.inputTimestamp;
        const tick = ctx.input(tickTag, tickIndex);
        if (tick !== undefined && (missing === 0 || !(onlyAll || packetsOnlyAll))) {
          for (let i = 0; i < latest.length; i++) {
            const packet = latest[i];
            if (packet !== undefined) ctx.output('', i).addPacket(packet.at(ts));
          }
        }
        // The tick is settled exactly at this timestamp (a packet here, or its bound just past it):
        // nothing more can come for T, so say so downstream (MediaPipe's tick_updated).
        const tickUpdated =
          tick !== undefined || Timestamp.previousAllowedInStream(ctx.inputBound(tickTag, tickIndex)) === ts;
        if (tickUpdated && (missing === 0 || packetsOnlyAll || !onlyAll)) {
          const bound = Timestamp.nextAllowedInStream(ts);
          for (let i = 0; i < latest.length; i++) ctx.output('', i).setNextTimestampBound(bound);
        }
      },
    };
  },
});
