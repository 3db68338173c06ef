import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { CalculatorError } from './errors.js';

/**
 * Forwards, at each timestamp, the packet of the input chosen by SELECT: `INPUT:i` for SELECT = i.
 * SELECT is either a stream (synchronised with the inputs, so the value at T picks the packet at
 * T; no SELECT packet at T means no output at T) or a side packet fixed for the run; exactly one
 * of the two must be connected (checked when the graph is validated). The other
 * inputs' packets are discarded. Output bounds follow the inputs (offset 0), so a timestamp with no
 * selected packet never stalls downstream (MediaPipe's MuxCalculator).
 *
 * Example config:
 * ```yaml
 * - calculator: MuxCalculator
 *   input_stream: [SELECT:route, INPUT:0:fast_answer, INPUT:1:slow_answer]
 *   output_stream: [OUTPUT:answer]
 * ```
 */
export const MuxCalculator = defineCalculator({
  name: 'MuxCalculator',
  description: describeCalculator(
    'Forwards the packet of INPUT:i where i is the SELECT value (stream or side packet) at that timestamp.',
    `
- calculator: MuxCalculator
  input_stream: [SELECT:route, INPUT:0:fast_answer, INPUT:1:slow_answer]
  output_stream: [OUTPUT:answer]
`,
  ),
  inputs: {
    SELECT: {
      type: t.number(),
      optional: true,
      description: 'Index of the input to forward at this timestamp.',
    },
    INPUT: { type: t.any(), multiple: true, description: 'Candidate streams INPUT:0..n-1.' },
  },
  outputs: {
    OUTPUT: { type: t.any(), description: 'The selected packets.' },
  },
  inputSidePackets: {
    SELECT: {
      type: t.number(),
      optional: true,
      description: 'Index of the input to forward for the whole run.',
    },
  },
  options: { type: 'object', additionalProperties: false, properties: {} },
  timestampOffset: 0,
  validatePorts: ({ inputs, inputSidePackets }) => {
    const stream = inputs.find((p) => p.tag === 'SELECT');
    const side = inputSidePackets.find((p) => p.tag === 'SELECT');
    if (stream !== undefined && side !== undefined) {
      return [
        { port: side, message: 'has both a SELECT stream and a SELECT side packet; connect exactly one' },
      ];
    }
    if (stream === undefined && side === undefined) {
      return [
        {
          message:
            'has neither a SELECT stream nor a SELECT side packet; connect exactly one, e.g. input_stream: [SELECT:route, ...]',
        },
      ];
    }
    return [];
  },
  create() {
    let fixed: number | undefined;
    let inputs = 0;
    return {
      open(ctx) {
        inputs = ctx.inputCount('INPUT');
        if (ctx.hasSidePacket('SELECT')) fixed = check(ctx.nodeName, ctx.sidePacket('SELECT'), 'side packet');
      },
      process(ctx) {
        let select = fixed;
        if (select === undefined) {
          const packet = ctx.input('SELECT');
          if (packet === undefined) return;
          select = check(ctx.nodeName, packet.value, `packet at ${packet.timestamp}`);
        }
        const chosen = ctx.input('INPUT', select);
        if (chosen !== undefined) ctx.output('OUTPUT').addPacket(chosen);
      },
    };

    function check(node: string, value: number, where: string): number {
      if (!Number.isInteger(value) || value < 0 || value >= inputs) {
        throw new CalculatorError(
          'WEFT_ERR_MUX_SELECT',
          `MuxCalculator node "${node}" got SELECT ${JSON.stringify(value)} (${where}); SELECT must be an integer from 0 to ${inputs - 1}, the index of a connected INPUT:i`,
        );
      }
      return value;
    }
  },
});
