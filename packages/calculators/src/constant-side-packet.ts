import { defineCalculator, describeCalculator, t } from '@weft/framework';

/**
 * Sets output side packets to constant values written in the graph: `PACKET:i` gets `values[i]`;
 * there must be exactly one value per PACKET:i (checked when the graph is validated). Use it to give other nodes configuration as side packets without passing them at start, e.g. a
 * system prompt or a Mux SELECT (MediaPipe's ConstantSidePacketCalculator, with JSON values).
 *
 * Example config:
 * ```yaml
 * - calculator: ConstantSidePacketCalculator
 *   output_side_packet: [PACKET:0:system_prompt, PACKET:1:route]
 *   options:
 *     values: ["You are terse.", 1]
 * ```
 */
export const ConstantSidePacketCalculator = defineCalculator({
  name: 'ConstantSidePacketCalculator',
  description: describeCalculator(
    'Sets output side packet PACKET:i to `values[i]` from the options.',
    `
- calculator: ConstantSidePacketCalculator
  output_side_packet: [PACKET:0:system_prompt, PACKET:1:route]
  options:
    values: ["You are terse.", 1]
`,
  ),
  outputSidePackets: {
    PACKET: { type: t.any(), multiple: true, description: 'Side packet i holds `values[i]`.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['values'],
    properties: {
      values: {
        type: 'array',
        minItems: 1,
        description: 'One JSON value per PACKET:i output side packet, in index order.',
      },
    },
  },
  validateOptions: ({ values }, { outputSidePackets }) => {
    const packets = outputSidePackets.filter((p) => p.tag === 'PACKET').length;
    if (packets === values.length) return [];
    return [
      {
        path: ['values'],
        message: `values has ${values.length} value(s) for ${packets} PACKET output side packet(s); give one value per PACKET:i, in index order`,
      },
    ];
  },
  create: () => ({
    open(ctx) {
      ctx.options.values.forEach((value, i) => {
        ctx.setOutputSidePacket('PACKET', value, i);
      });
    },
  }),
});
