import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ANY_TAG,
  CalculatorRegistry,
  CalculatorRunner,
  defineCalculator,
  formatProblem,
  t,
  validateGraphString,
} from '../index.js';

/** Declares TEXT (required) plus `'*'` numbers; the rule rejects a tag named BAD. */
const AnyTagSink = defineCalculator({
  name: 'AnyTagSinkCalculator',
  description: 'Reads TEXT and any other tag.',
  inputs: { TEXT: { type: t.string() }, [ANY_TAG]: { type: t.number() } },
  validatePorts: ({ inputs }) =>
    inputs
      .filter((p) => p.tag === 'BAD')
      .map((port) => ({ port, message: `"${port.name}" may not use tag BAD` })),
  create: () => ({}),
});

const WordSource = defineCalculator({
  name: 'WordSourceCalculator',
  description: 'Emits strings.',
  outputs: { OUT: { type: t.string() } },
  create: () => ({}),
});

/** Sums the packets of every connected input at each timestamp: reads tags it cannot name up front. */
const SumAll = defineCalculator({
  name: 'SumAllCalculator',
  description: 'Sums any inputs.',
  inputs: { [ANY_TAG]: { type: t.number() } },
  outputs: { SUM: { type: t.number() } },
  create: () => ({
    process(ctx) {
      let sum = 0;
      for (const tag of ctx.inputTags()) {
        // Typed from the '*' entry (checked by tsc): number | undefined, for any tag string.
        expectTypeOf(ctx.input(tag)?.value).toEqualTypeOf<number | undefined>();
        for (let i = 0; i < ctx.inputCount(tag); i++) sum += ctx.input(tag, i)?.value ?? 0;
      }
      ctx.output('SUM').add(sum);
    },
  }),
});

async function problems(...lines: string[]): Promise<string[]> {
  const registry = new CalculatorRegistry().register(AnyTagSink, WordSource);
  const result = await validateGraphString(`${lines.join('\n')}\n`, { file: 'g.yaml', registry });
  return result.problems.map(formatProblem);
}

describe("contract ports keyed '*' (any tag, any index)", () => {
  it('reach the calculator under any tag; inputTags lists them', async () => {
    const runner = new CalculatorRunner(
      "{ calculator: SumAllCalculator, input_stream: ['A:0:a', 'A:1:b', 'B:c', d], output_stream: ['SUM:s'] }",
      { registry: new CalculatorRegistry().register(SumAll) },
    );
    runner
      .addPacket('a', 1, 0)
      .addPacket('b', 10, 0)
      .addPacket('c', 100, 0)
      .addPacket('d', 1000, 0)
      .addPacket('c', 5, 1);
    await runner.run();
    expect(runner.outputValues('s')).toEqual([1111, 5]);
  });

  it('accept undeclared tags and several indexes; declared tags stay required', async () => {
    expect(
      await problems(
        'input_stream: [t, a, b, c]',
        'nodes:',
        '  - calculator: AnyTagSinkCalculator',
        "    input_stream: ['TEXT:t', 'X:0:a', 'X:1:b', c]",
        '  - calculator: AnyTagSinkCalculator',
        "    input_stream: ['Y:a']",
      ),
    ).toEqual([
      'g.yaml:5:5 error WEFT_ERR_MISSING_PORT node "AnyTagSinkCalculator_2" (AnyTagSinkCalculator) is missing required input_stream tag "TEXT" (add e.g. "TEXT:a_name" to input_stream)',
    ]);
  });

  it("type-check edges with the '*' type and run the contract's validatePorts at the port", async () => {
    expect(
      await problems(
        'input_stream: [t]',
        'nodes:',
        '  - calculator: WordSourceCalculator',
        "    output_stream: ['OUT:w']",
        '  - calculator: AnyTagSinkCalculator',
        "    input_stream: ['TEXT:t', 'OTHER:w', 'BAD:t']",
      ),
    ).toEqual([
      'g.yaml:6:30 error WEFT_ERR_TYPE_MISMATCH stream "w": node "AnyTagSinkCalculator_1" (AnyTagSinkCalculator) reads OTHER:w as number, but node "WordSourceCalculator_1" (OUT:w) produces string; types must be equal or one of them "any" (insert a converting calculator or fix the connection)',
      'g.yaml:6:41 error WEFT_ERR_PORT_RULE node "AnyTagSinkCalculator_1" (AnyTagSinkCalculator): "t" may not use tag BAD',
    ]);
  });
});
