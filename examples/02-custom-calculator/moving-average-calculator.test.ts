import { fileURLToPath } from 'node:url';
import {
  CalculatorRegistry,
  CalculatorRunner,
  type ContextOf,
  GraphValidationError,
  loadGraph,
  type Packet,
} from '@weft/framework';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MovingAverageCalculator } from './moving-average-calculator.js';

const registry = new CalculatorRegistry().register(MovingAverageCalculator);

describe('MovingAverageCalculator with CalculatorRunner', () => {
  it('averages the last `window` values at each input timestamp', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: MovingAverageCalculator
      input_stream: VALUE:readings
      output_stream: AVERAGE:smoothed
      options: { window: 3 }
      `,
      { registry },
    );
    runner.addPackets('VALUE', [2, 4, 6, 8, 10]);
    await runner.run();
    expect(runner.outputValues('AVERAGE')).toEqual([2, 3, 4, 6, 8]);
    expect(runner.outputTimestamps('AVERAGE')).toEqual([0, 1, 2, 3, 4]);
  });

  it('starts every run with an empty window', async () => {
    const runner = new CalculatorRunner(
      {
        calculator: 'MovingAverageCalculator',
        input_stream: 'VALUE:v',
        output_stream: 'AVERAGE:a',
        options: { window: 2 },
      },
      { registry },
    );
    runner.addPacket('VALUE', 10, 0).addPacket('VALUE', 20, 7);
    await runner.run();
    expect(runner.outputValues('AVERAGE')).toEqual([10, 15]);
    await runner.run(); // same packets, fresh instance: no value left over from the first run
    expect(runner.outputValues('AVERAGE')).toEqual([10, 15]);
    expect(runner.outputTimestamps('AVERAGE')).toEqual([0, 7]);
  });

  it('applies the schema default (window 3) and rejects a window below 1 before running', async () => {
    const defaults = new CalculatorRunner(
      { calculator: 'MovingAverageCalculator', input_stream: 'VALUE:v', output_stream: 'AVERAGE:a' },
      { registry },
    );
    defaults.addPackets('VALUE', [3, 6, 9, 12]);
    await defaults.run();
    expect(defaults.outputValues('AVERAGE')).toEqual([3, 4.5, 6, 9]);

    const bad = new CalculatorRunner(
      {
        calculator: 'MovingAverageCalculator',
        input_stream: 'VALUE:v',
        output_stream: 'AVERAGE:a',
        options: { window: 0 },
      },
      { registry },
    );
    const error = await bad.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphValidationError);
    expect((error as GraphValidationError).problems.map((p) => p.code)).toEqual(['WEFT_ERR_INVALID_OPTIONS']);
    expect((error as GraphValidationError).problems[0]?.message).toContain('window');
  });
});

describe('MovingAverageCalculator in a graph', () => {
  it('is loaded by smoothing.yaml through `calculators:` and runs there', async () => {
    const graph = await loadGraph(fileURLToPath(new URL('./smoothing.yaml', import.meta.url)));
    expect(graph.config.nodes.map((n) => [n.name, n.calculator.name, n.options])).toEqual([
      ['average', 'MovingAverageCalculator', { window: 3 }],
    ]);
    const run = graph.start();
    for (const [timestamp, value] of [2, 4, 6, 8, 10].entries())
      await run.addPacket('readings', value, timestamp);
    run.closeAllInputs();
    await run.done();
    const smoothed: number[] = [];
    for await (const p of run.output<number>('smoothed')) smoothed.push(p.value);
    expect(smoothed).toEqual([2, 3, 4, 6, 8]);
    await graph.dispose();
  });
});

describe('types come from the contract (checked by `tsc -p tsconfig.check.json`)', () => {
  it('types inputs, outputs and options without annotations', () => {
    // Never called: the assertions below are compile-time checks of this function's body.
    const body = (ctx: ContextOf<typeof MovingAverageCalculator>) => {
      expectTypeOf(ctx.input('VALUE')).toEqualTypeOf<Packet<number> | undefined>();
      expectTypeOf(ctx.options.window).toEqualTypeOf<number>();
      expectTypeOf(ctx.output('AVERAGE').add).parameter(0).toEqualTypeOf<number>();
      // @ts-expect-error the contract declares AVERAGE as a number
      ctx.output('AVERAGE').add('three');
      // @ts-expect-error no port named VALUES
      ctx.input('VALUES');
      // @ts-expect-error no option named size
      void ctx.options.size;
    };
    expect(typeof body).toBe('function');
  });
});
