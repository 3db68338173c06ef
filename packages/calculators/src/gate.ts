import { defineCalculator, Timestamp, t } from '@weft/framework';
import { describeCalculator } from './describe.js';
import { CalculatorError } from './errors.js';
import { checkSameCount } from './port-counts.js';

/**
 * Lets input packets through (input i → output i) only while the gate is open. The gate is
 * controlled by at most one of: an ALLOW or DISALLOW boolean stream (synchronised with the data by
 * the default handler, so the value at timestamp T decides the packets at T), an ALLOW or DISALLOW
 * boolean side packet (fixed for the run), or else the `allow` option. When the control stream has
 * no packet at T, `empty_packets_as_allow` decides. A closed gate emits nothing but advances every
 * output's timestamp bound past T, so downstream nodes never wait for a packet that will not come.
 * STATE_CHANGE, when connected, carries the new state each time it flips (not for the first state).
 *
 * Example config:
 * ```yaml
 * - calculator: GateCalculator
 *   input_stream: [frames, ALLOW:enabled]
 *   output_stream: [gated_frames, STATE_CHANGE:gate_flips]
 *   options:
 *     empty_packets_as_allow: false
 * ```
 */
export const GateCalculator = defineCalculator({
  name: 'GateCalculator',
  description: describeCalculator(
    'Forwards input i to output i only while the gate (ALLOW/DISALLOW stream or side packet, or the `allow` option) is open; when closed, advances bounds instead.',
    `
- calculator: GateCalculator
  input_stream: [frames, ALLOW:enabled]
  output_stream: [gated_frames, STATE_CHANGE:gate_flips]
  options:
    empty_packets_as_allow: false
`,
  ),
  inputs: {
    '': { type: t.any(), multiple: true, description: 'Streams to gate; input i goes to output i.' },
    ALLOW: { type: t.boolean(), optional: true, description: 'true opens the gate at this timestamp.' },
    DISALLOW: { type: t.boolean(), optional: true, description: 'true closes the gate at this timestamp.' },
  },
  outputs: {
    '': { type: t.any(), multiple: true, description: 'The gated streams.' },
    STATE_CHANGE: {
      type: t.boolean(),
      optional: true,
      description: 'The new state (true = open) whenever it changes.',
    },
  },
  inputSidePackets: {
    ALLOW: {
      type: t.boolean(),
      optional: true,
      description: 'Opens (true) or closes the gate for the whole run.',
    },
    DISALLOW: {
      type: t.boolean(),
      optional: true,
      description: 'Closes (true) or opens the gate for the whole run.',
    },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      empty_packets_as_allow: {
        type: 'boolean',
        default: false,
        description: 'When the ALLOW/DISALLOW stream has no packet at a timestamp, treat the gate as open.',
      },
      allow: {
        type: 'boolean',
        default: false,
        description: 'The state of the gate when no ALLOW/DISALLOW stream or side packet is connected.',
      },
    },
  },
  timestampOffset: 0,
  create() {
    let count = 0;
    let fixed: boolean | undefined;
    let last: boolean | undefined;
    return {
      open(ctx) {
        count = checkSameCount(ctx, ctx.inputCount(''), ctx.outputCount(''));
        const controls = [
          ctx.inputCount('ALLOW') > 0 && 'ALLOW stream',
          ctx.inputCount('DISALLOW') > 0 && 'DISALLOW stream',
          ctx.hasSidePacket('ALLOW') && 'ALLOW side packet',
          ctx.hasSidePacket('DISALLOW') && 'DISALLOW side packet',
        ].filter((c): c is string => c !== false);
        if (controls.length > 1) {
          throw new CalculatorError(
            'WEFT_ERR_GATE_CONFLICT',
            `GateCalculator node "${ctx.nodeName}" is controlled by ${controls.join(' and ')}; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
          );
        }
        if (ctx.hasSidePacket('ALLOW')) fixed = ctx.sidePacket('ALLOW');
        else if (ctx.hasSidePacket('DISALLOW')) fixed = !ctx.sidePacket('DISALLOW');
        else if (controls.length === 0) fixed = ctx.options.allow;
      },
      process(ctx) {
        let allow: boolean;
        if (fixed !== undefined) {
          allow = fixed;
        } else if (ctx.inputCount('ALLOW') > 0) {
          allow = ctx.input('ALLOW')?.value ?? ctx.options.empty_packets_as_allow;
        } else {
          const disallow = ctx.input('DISALLOW');
          allow = disallow === undefined ? ctx.options.empty_packets_as_allow : !disallow.value;
        }
        const ts = ctx.inputTimestamp;
        if (last !== undefined && last !== allow && ctx.outputCount('STATE_CHANGE') > 0) {
          ctx.output('STATE_CHANGE').add(allow, ts);
        }
        last = allow;
        for (let i = 0; i < count; i++) {
          const out = ctx.output('', i);
          if (!allow) {
            out.setNextTimestampBound(Timestamp.nextAllowedInStream(ts));
            continue;
          }
          const packet = ctx.input('', i);
          if (packet !== undefined) out.addPacket(packet);
        }
      },
    };
  },
});
