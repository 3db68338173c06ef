import { CalculatorRegistry, defineCalculator, t } from '../index.js';

/** Test-only calculators in a fresh registry (never the default one). */
export function testRegistry(): CalculatorRegistry {
  const registry = new CalculatorRegistry();
  registry.register(
    defineCalculator({
      name: 'PassThroughCalculator',
      description: 'Copies each input to the output of the same index.',
      inputs: { '': { type: t.any(), multiple: true, optional: true } },
      outputs: { '': { type: t.any(), multiple: true, optional: true } },
      create: () => ({}),
    }),
    defineCalculator({
      name: 'NumberSourceCalculator',
      description: 'Emits numbers.',
      outputs: { OUT: { type: t.number() } },
      options: {
        type: 'object',
        properties: { count: { type: 'integer', minimum: 1, default: 3 }, label: { type: 'string' } },
        additionalProperties: false,
      },
      create: () => ({}),
    }),
    defineCalculator({
      name: 'TextSinkCalculator',
      description: 'Consumes text.',
      inputs: { TEXT: { type: t.string() }, EXTRA: { type: t.any(), optional: true } },
      inputSidePackets: { PREFIX: { type: t.string(), optional: true } },
      create: () => ({}),
    }),
    defineCalculator({
      name: 'AddCalculator',
      description: 'Adds numbers.',
      inputs: { IN: { type: t.number(), multiple: true }, LOOP: { type: t.number(), optional: true } },
      outputs: { SUM: { type: t.number() } },
      create: () => ({}),
    }),
    defineCalculator({
      name: 'ModelCalculator',
      description: 'Graph-scoped resource.',
      scope: 'graph',
      inputSidePackets: { CONFIG: { type: t.any(), optional: true } },
      outputSidePackets: { MODEL: { type: t.named('Model') } },
      create: () => ({}),
    }),
    defineCalculator({
      name: 'UseModelCalculator',
      description: 'Uses a model.',
      inputs: { IN: { type: t.any() } },
      outputs: { OUT: { type: t.any() } },
      inputSidePackets: { MODEL: { type: t.named('Model') } },
      create: () => ({}),
    }),
  );
  return registry;
}
