import { defineCalculator, describeCalculator, Timestamp, t } from '@weft/framework';
import { connectedTags, sameCount } from './port-counts.js';

/**
 * Lets input packets through (input i → output i) only while the gate is open. The gate is
 * controlled by at most one of: an ALLOW or DISALLOW boolean stream (synchronised with the data by
 * the default handler, so the value at timestamp T decides the packets at T), an ALLOW or DISALLOW
 * boolean side packet (fixed for the run), or else the `allow` option; connecting more than one
 * control is rejected when the graph is validated, as is a different number of data inputs and
 * outputs. When the control stream has no packet at T, `empty_packets_as_allow` decides. A closed
 * gate emits nothing but advances every output's timestamp bound past T, so downstream nodes never
 * wait for a packet that will not come; closed by a side packet, it closes its data outputs at the
 * first timestamp. STATE_CHANGE, when connected, carries the new state each time it flips (not for
 * the first state, unless `initial_gate_state` says what came before). MediaPipe's GateCalculator.
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
    '': {
      type: t.any(),
      multiple: true,
      optional: true,
      description: 'Streams to gate; input i goes to output i.',
    },
    ALLOW: { type: t.boolean(), optional: true, description: 'true opens the gate at this timestamp.' },
    DISALLOW: { type: t.boolean(), optional: true, description: 'true closes the gate at this timestamp.' },
  },
  outputs: {
    '': { type: t.any(), multiple: true, optional: true, description: 'The gated streams.' },
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
      initial_gate_state: {
        enum: ['uninitialized', 'allow', 'disallow'],
        default: 'uninitialized',
        description:
          'The state before the first timestamp; STATE_CHANGE reports the first state when it differs (uninitialized: never for the first).',
      },
    },
  },
  timestampOffset: 0,
  validatePorts: ({ inputs, outputs, inputSidePackets }) => {
    const controls = [
      ...connectedTags(inputs, ['ALLOW', 'DISALLOW'], 'stream'),
      ...connectedTags(inputSidePackets, ['ALLOW', 'DISALLOW'], 'side packet'),
    ];
    const conflict =
      controls.length > 1
        ? [
            {
              port: [...inputs, ...inputSidePackets].filter(
                (p) => p.tag === 'ALLOW' || p.tag === 'DISALLOW',
              )[1],
              message: `is controlled by ${controls.join(' and ')}; connect at most one of ALLOW / DISALLOW (stream or side packet)`,
            },
          ]
        : [];
    // Without any input stream the node would be a source that never stops.
    const none =
      inputs.length === 0
        ? [
            {
              message:
                'connects no input_stream; connect the streams to gate (and ALLOW/DISALLOW, if a stream)',
            },
          ]
        : [];
    return [...none, ...conflict, ...sameCount(inputs, outputs)];
  },
  create() {
    let count = 0;
    let fixed: boolean | undefined;
    let bySidePacket = false;
    let last: boolean | undefined;
    return {
      open(ctx) {
        count = ctx.inputCount('');
        const initial = ctx.options.initial_gate_state;
        last = initial === 'uninitialized' ? undefined : initial === 'allow';
        bySidePacket = ctx.hasSidePacket('ALLOW') || ctx.hasSidePacket('DISALLOW');
        if (ctx.hasSidePacket('ALLOW')) fixed = ctx.sidePacket('ALLOW');
        else if (ctx.hasSidePacket('DISALLOW')) fixed = !ctx.sidePacket('DISALLOW');
        else if (ctx.inputCount('ALLOW') === 0 && ctx.inputCount('DISALLOW') === 0) fixed = ctx.options.allow;
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
            // A side packet closes the gate for good: close the outputs so downstream nodes finish
            // now instead of at the end of the run (MediaPipe does the same).
            if (bySidePacket) out.close();
            else out.setNextTimestampBound(Timestamp.nextAllowedInStream(ts));
            continue;
          }
          const packet = ctx.input('', i);
          if (packet !== undefined) out.addPacket(packet);
        }
      },
    };
  },
});
