import { ANY_TAG, defineCalculator, describeCalculator, type OutputStream, t } from '@weft/framework';
import { sameTagIndexes } from './same-tag-indexes.js';

/**
 * Forwards every input packet unchanged to the output with the same tag and index (`TAG:i` →
 * `TAG:i`, untagged input i → untagged output i), and (through the declared offset 0) every
 * timestamp bound too: downstream nodes see exactly what they would see if they were connected to
 * the inputs directly. Useful to rename streams, to join graph inputs to outputs, and as the
 * framework benchmark's workhorse (so `process` stays minimal and synchronous). Input side packets
 * are forwarded the same way. As in MediaPipe, any tags are accepted (the contract's `'*'` ports),
 * and inputs and outputs must use exactly the same `TAG:index` set (checked when the graph is
 * validated, `WEFT_ERR_PORT_RULE`).
 *
 * Example config:
 * ```yaml
 * - calculator: PassThroughCalculator
 *   input_stream: [frames, AUDIO:audio]
 *   output_stream: [frames_out, AUDIO:audio_out]
 * ```
 */
export const PassThroughCalculator = defineCalculator({
  name: 'PassThroughCalculator',
  description: describeCalculator(
    'Forwards each input packet (and every timestamp bound) unchanged to the output of the same tag and index: input TAG:i → output TAG:i.',
    `
- calculator: PassThroughCalculator
  input_stream: [frames, AUDIO:audio]
  output_stream: [frames_out, AUDIO:audio_out]
`,
  ),
  inputs: {
    [ANY_TAG]: { type: t.any(), description: 'Streams to forward, any tag (or untagged) and index.' },
  },
  outputs: {
    [ANY_TAG]: { type: t.any(), description: 'Input TAG:i, unchanged; one output per input.' },
  },
  inputSidePackets: {
    [ANY_TAG]: { type: t.any(), description: 'Side packets to forward, any tag and index.' },
  },
  outputSidePackets: {
    [ANY_TAG]: { type: t.any(), description: 'Input side packet TAG:i, unchanged.' },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  timestampOffset: 0,
  validatePorts: ({ inputs, outputs, inputSidePackets, outputSidePackets }) => [
    // Without inputs the node would be a source that never stops.
    ...(inputs.length === 0
      ? [
          {
            message: 'connects no input_stream; PassThroughCalculator forwards streams, connect at least one',
          },
        ]
      : []),
    ...sameTagIndexes(inputs, outputs, 'input_stream', 'output_stream'),
    ...sameTagIndexes(inputSidePackets, outputSidePackets, 'input_side_packet', 'output_side_packet'),
  ],
  create() {
    // Resolved once in open so process does one lookup per port, as before tags were allowed.
    let ports: (readonly [tag: string, index: number, out: OutputStream])[] = [];
    return {
      open(ctx) {
        ports = ctx
          .inputTags()
          .flatMap((tag) =>
            Array.from({ length: ctx.inputCount(tag) }, (_, i) => [tag, i, ctx.output(tag, i)] as const),
          );
        for (const tag of ctx.sidePacketTags()) {
          for (let i = 0; ctx.hasSidePacket(tag, i); i++)
            ctx.setOutputSidePacket(tag, ctx.sidePacket(tag, i), i);
        }
      },
      process(ctx) {
        for (const [tag, index, out] of ports) {
          const packet = ctx.input(tag, index);
          if (packet !== undefined) out.addPacket(packet);
        }
      },
    };
  },
});
