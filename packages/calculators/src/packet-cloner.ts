import { defineCalculator, type Packet, Timestamp, t } from '@weft/framework';
import { describeCalculator } from './describe.js';
import { checkSameCount } from './port-counts.js';

/**
 * On every TICK packet, re-emits the latest packet seen on each other input at the tick's
 * timestamp (MediaPipe's PacketClonerCalculator). Use it to sample slow streams at a fast stream's
 * rate, e.g. attach the latest settings to every request. Data and TICK are read with the immediate
 * handler, so a tick never waits for the data streams; a data packet and a tick at the same
 * timestamp are handled data first, so the tick clones the new packet. A tick clones what has
 * arrived by the time it is processed: data produced later (even at a lower timestamp) is not
 * waited for. Before an input has seen its first packet its output only advances its bound.
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
    'On each TICK, re-emits the latest packet of every other input (input i → output i) at the tick timestamp.',
    `
- calculator: PacketClonerCalculator
  input_stream: [settings, TICK:requests]
  output_stream: [settings_per_request]
  options:
    output_only_when_all_inputs_received: true
`,
  ),
  inputs: {
    '': { type: t.any(), multiple: true, description: 'Streams whose latest packet is cloned on each tick.' },
    TICK: { type: t.any(), description: 'Each packet triggers one clone of every input, at its timestamp.' },
  },
  outputs: {
    '': { type: t.any(), multiple: true, description: 'Clones of input i, one per tick.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      output_only_when_all_inputs_received: {
        type: 'boolean',
        default: false,
        description:
          'Emit nothing (only advance bounds) on a tick until every input has received at least one packet.',
      },
    },
  },
  inputStreamHandler: 'immediate',
  create() {
    let latest: (Packet | undefined)[] = [];
    let missing = 0;
    return {
      open(ctx) {
        latest = new Array(checkSameCount(ctx, ctx.inputCount(''), ctx.outputCount(''))).fill(undefined);
        missing = latest.length;
      },
      process(ctx) {
        for (let i = 0; i < latest.length; i++) {
          const packet = ctx.input('', i);
          if (packet === undefined) continue;
          if (latest[i] === undefined) missing--;
          latest[i] = packet;
        }
        const tick = ctx.input('TICK');
        if (tick === undefined) return;
        const skipAll = ctx.options.output_only_when_all_inputs_received && missing > 0;
        for (let i = 0; i < latest.length; i++) {
          const packet = latest[i];
          const out = ctx.output('', i);
          if (packet === undefined || skipAll) {
            out.setNextTimestampBound(Timestamp.nextAllowedInStream(tick.timestamp));
          } else {
            out.addPacket(packet.at(tick.timestamp));
          }
        }
      },
    };
  },
});
