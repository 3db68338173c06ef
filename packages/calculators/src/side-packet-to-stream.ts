import {
  defineCalculator,
  describeCalculator,
  type PortRuleProblem,
  Stop,
  Timestamp,
  t,
} from '@weft/framework';

const MODES = [
  'AT_PRESTREAM',
  'AT_POSTSTREAM',
  'AT_ZERO',
  'AT_TIMESTAMP',
  'AT_TICK',
  'AT_FIRST_TICK',
] as const;
type Mode = (typeof MODES)[number];

const FIXED: Partial<Record<Mode, Timestamp>> = {
  AT_PRESTREAM: Timestamp.PreStream,
  AT_POSTSTREAM: Timestamp.PostStream,
  AT_ZERO: 0,
};

const outputPort = (description: string) => ({
  type: t.any(),
  optional: true,
  multiple: true,
  description,
});

/**
 * Turns input side packets into stream packets. The output tag chooses the timestamp: AT_PRESTREAM,
 * AT_POSTSTREAM, AT_ZERO (0), AT_TIMESTAMP (the TIMESTAMP side packet): one packet per stream, then
 * the streams close; AT_TICK: a packet at every TICK timestamp; AT_FIRST_TICK: one packet at the first
 * TICK, then the streams close. Side packet i goes to output i of that tag (MediaPipe's
 * SidePacketToStreamCalculator). Without TICK the node is a source and emits as soon as it runs.
 * The wiring rules (one output tag, TICK exactly for the tick modes, TIMESTAMP exactly for
 * AT_TIMESTAMP, one output per side packet) are checked when the graph is validated.
 *
 * Example config:
 * ```yaml
 * - calculator: SidePacketToStreamCalculator
 *   input_side_packet: [system_prompt]
 *   output_stream: [AT_ZERO:system_prompt_stream]
 * ```
 */
export const SidePacketToStreamCalculator = defineCalculator({
  name: 'SidePacketToStreamCalculator',
  description: describeCalculator(
    'Emits each input side packet as a stream packet at the timestamp the output tag names (AT_PRESTREAM, AT_POSTSTREAM, AT_ZERO, AT_TIMESTAMP, AT_TICK, AT_FIRST_TICK).',
    `
- calculator: SidePacketToStreamCalculator
  input_side_packet: [system_prompt]
  output_stream: [AT_ZERO:system_prompt_stream]
`,
  ),
  inputs: {
    TICK: { type: t.any(), optional: true, description: 'For AT_TICK / AT_FIRST_TICK: when to emit.' },
  },
  outputs: {
    AT_PRESTREAM: outputPort('Side packet i at Timestamp.PreStream.'),
    AT_POSTSTREAM: outputPort('Side packet i at Timestamp.PostStream.'),
    AT_ZERO: outputPort('Side packet i at timestamp 0.'),
    AT_TIMESTAMP: outputPort('Side packet i at the TIMESTAMP side packet.'),
    AT_TICK: outputPort('Side packet i at every TICK timestamp.'),
    AT_FIRST_TICK: outputPort('Side packet i at the first TICK timestamp.'),
  },
  inputSidePackets: {
    '': { type: t.any(), multiple: true, description: 'The values to emit; side packet i goes to output i.' },
    TIMESTAMP: { type: t.number(), optional: true, description: 'For AT_TIMESTAMP: the timestamp to use.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  validatePorts: ({ inputs, outputs, inputSidePackets }) => {
    const used = MODES.filter((m) => outputs.some((p) => p.tag === m));
    if (used.length !== 1) {
      return [
        {
          port: outputs.find((p) => p.tag === used[1]),
          message: `uses output tags [${used.join(', ')}]; use exactly one of ${MODES.join(', ')}, e.g. output_stream: [AT_ZERO:value_stream]`,
        },
      ];
    }
    const mode = used[0]!;
    const problems: PortRuleProblem[] = [];
    const ticked = mode === 'AT_TICK' || mode === 'AT_FIRST_TICK';
    const tick = inputs.find((p) => p.tag === 'TICK');
    if (ticked && tick === undefined)
      problems.push({ message: `uses ${mode} without a TICK input; connect TICK` });
    if (!ticked && tick !== undefined) {
      problems.push({
        port: tick,
        message: `has a TICK input but uses ${mode}; TICK is only for AT_TICK and AT_FIRST_TICK`,
      });
    }
    const timestamp = inputSidePackets.find((p) => p.tag === 'TIMESTAMP');
    if (mode === 'AT_TIMESTAMP' && timestamp === undefined) {
      problems.push({
        message: 'uses AT_TIMESTAMP without a TIMESTAMP side packet; add input_side_packet TIMESTAMP:a_name',
      });
    }
    if (mode !== 'AT_TIMESTAMP' && timestamp !== undefined) {
      problems.push({
        port: timestamp,
        message: `has a TIMESTAMP side packet but uses ${mode}; TIMESTAMP is only for AT_TIMESTAMP`,
      });
    }
    const values = inputSidePackets.filter((p) => p.tag === '').length;
    const streams = outputs.filter((p) => p.tag === mode).length;
    if (values !== streams) {
      problems.push({
        message: `has ${values} untagged input side packet(s) but ${streams} ${mode} output(s); side packet i goes to output i, so give one output per side packet`,
      });
    }
    return problems;
  },
  create() {
    let mode: Mode = 'AT_ZERO';
    let values: unknown[] = [];
    let emitted = false;
    return {
      open(ctx) {
        mode = MODES.find((m) => ctx.outputCount(m) > 0)!;
        values = [];
        while (ctx.hasSidePacket('', values.length)) values.push(ctx.sidePacket('', values.length));
      },
      process(ctx) {
        if (mode === 'AT_TICK' || mode === 'AT_FIRST_TICK') {
          const tick = ctx.input('TICK');
          if (tick === undefined || emitted) return;
          emitted = mode === 'AT_FIRST_TICK';
          for (let i = 0; i < values.length; i++) {
            const out = ctx.output(mode, i);
            out.add(values[i], tick.timestamp);
            if (emitted) out.close();
          }
          return;
        }
        const ts = FIXED[mode] ?? ctx.sidePacket('TIMESTAMP');
        for (let i = 0; i < values.length; i++) {
          const out = ctx.output(mode, i);
          out.add(values[i], ts);
          out.close();
        }
        return Stop;
      },
    };
  },
});
