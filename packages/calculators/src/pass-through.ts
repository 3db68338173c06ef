import { defineCalculator, t } from '@weft/framework';
import { describeCalculator } from './describe.js';
import { checkSameCount } from './port-counts.js';

/**
 * Forwards every input packet unchanged to the output with the same index, and (through the
 * declared offset 0) every timestamp bound too: downstream nodes see exactly what they would see if
 * they were connected to the inputs directly. Useful to rename streams, to join graph inputs to
 * outputs, and as the framework benchmark's workhorse (so `process` stays minimal and synchronous).
 * Untagged input side packets are forwarded the same way, side packet i → output side packet i.
 *
 * Example config:
 * ```yaml
 * - calculator: PassThroughCalculator
 *   input_stream: [frames, audio]
 *   output_stream: [frames_out, audio_out]
 * ```
 */
export const PassThroughCalculator = defineCalculator({
  name: 'PassThroughCalculator',
  description: describeCalculator(
    'Forwards each input packet (and every timestamp bound) unchanged to the output of the same index: input i → output i.',
    `
- calculator: PassThroughCalculator
  input_stream: [frames, audio]
  output_stream: [frames_out, audio_out]
`,
  ),
  inputs: {
    '': { type: t.any(), multiple: true, description: 'Streams to forward; input i goes to output i.' },
  },
  outputs: {
    '': { type: t.any(), multiple: true, description: 'One output per input, in the same order.' },
  },
  inputSidePackets: {
    '': { type: t.any(), optional: true, multiple: true, description: 'Side packets to forward, by index.' },
  },
  outputSidePackets: {
    '': { type: t.any(), optional: true, multiple: true, description: 'Input side packet i, unchanged.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  timestampOffset: 0,
  create() {
    let count = 0;
    return {
      open(ctx) {
        count = checkSameCount(ctx, ctx.inputCount(''), ctx.outputCount(''));
        for (let i = 0; ctx.hasSidePacket('', i); i++) ctx.setOutputSidePacket('', ctx.sidePacket('', i), i);
      },
      process(ctx) {
        for (let i = 0; i < count; i++) {
          const packet = ctx.input('', i);
          if (packet !== undefined) ctx.output('', i).addPacket(packet);
        }
      },
    };
  },
});
