import type { CalculatorNames } from './calculator-name.js';

/**
 * The scaffolded calculator: a small but real one (multiply by an option) that shows each part of a
 * contract a user will edit: typed ports, an options schema with a default, the lifecycle, the
 * "Example config" block.
 */
export function calculatorTemplate(n: CalculatorNames): string {
  return `import { defineCalculator, t } from '@weft/framework';

/**
 * Multiplies every number on \`IN\` by \`factor\` and emits the product on \`OUT\` at the same
 * timestamp. Replace the body of \`process\` with your own logic and adjust the contract: the graph
 * validator checks every node against it before anything runs, and TypeScript types
 * \`ctx.input('IN')\` and \`ctx.options\` from it.
 *
 * Example config:
 * \`\`\`yaml
 * calculators: [./${n.fileStem}.ts]
 * nodes:
 *   - calculator: ${n.calculator}
 *     input_stream: IN:numbers
 *     output_stream: OUT:scaled
 *     options: { factor: 3 }
 * \`\`\`
 */
export const ${n.calculator} = defineCalculator({
  name: '${n.calculator}',
  description: 'Multiplies each input number by \`factor\`, keeping its timestamp.',
  inputs: {
    IN: { type: t.number(), description: 'Numbers to multiply.' },
  },
  outputs: {
    OUT: { type: t.number(), description: 'Each input times \`factor\`, at the input timestamp.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      factor: { type: 'number', default: 2, description: 'What every input is multiplied by.' },
    },
  },
  // Output timestamp = input timestamp: downstream nodes learn at once when no packet will come.
  timestampOffset: 0,
  create() {
    // State declared here is per graph run: every run gets a fresh instance.
    return {
      process(ctx) {
        const packet = ctx.input('IN'); // Packet<number> | undefined
        if (packet === undefined) return;
        ctx.output('OUT').add(packet.value * ctx.options.factor);
      },
    };
  },
});
`;
}
