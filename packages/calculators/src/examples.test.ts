import { CalculatorRegistry, CalculatorRunner, GraphValidationError } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { exampleOfDescription } from '../../../docs/generate/doc-comment.js';
import { builtinCalculators, registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('Example configs', () => {
  test.each(builtinCalculators.map((d) => [d.name, d] as const))(
    '%s: its Example config validates',
    async (_, def) => {
      const runner = new CalculatorRunner(exampleOfDescription(def.description)!, { registry });
      // Running may fail for want of side packets or data; validation problems must not occur.
      const error = await runner.run().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error instanceof GraphValidationError) expect.fail(error.message);
    },
  );

  test('a broken example would be caught', async () => {
    const runner = new CalculatorRunner(
      '- calculator: GateCalculator\n  input_stream: [x, ALOW:y]\n  output_stream: [z]',
      {
        registry,
      },
    );
    await expect(runner.run()).rejects.toBeInstanceOf(GraphValidationError);
  });
});
