import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';
import { registerMapFunction } from './map-functions.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const map = (options: string) =>
  new CalculatorRunner(
    `{ calculator: MapCalculator, input_stream: [in], output_stream: [out], options: ${options} }`,
    {
      registry,
    },
  );

registerMapFunction('test_slow_double', async (v: number, { signal }) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  signal.throwIfAborted();
  return v * 2;
});
registerMapFunction('test_even_only', (v: number) => (v % 2 === 0 ? v : undefined));
registerMapFunction('test_fail_on_three', (v: number) => {
  if (v === 3) throw new Error('three is not allowed');
  return v;
});

describe('MapCalculator', () => {
  test('applies a built-in function with args, at the input timestamps', async () => {
    const runner = map('{ function: multiply, args: 1.5 }');
    await runner.addPackets('in', [2, 4], 10).run();
    expect(runner.outputValues('out')).toEqual([3, 6]);
    expect(runner.outputTimestamps('out')).toEqual([10, 11]);
  });

  test('awaits async functions and keeps the order', async () => {
    const runner = map('{ function: test_slow_double }');
    await runner.addPackets('in', [1, 2, 3]).run();
    expect(runner.outputValues('out')).toEqual([2, 4, 6]);
  });

  test('undefined results emit nothing', async () => {
    const runner = map('{ function: test_even_only }');
    await runner.addPackets('in', [1, 2, 3, 4]).run();
    expect(runner.outputValues('out')).toEqual([2, 4]);
    expect(runner.outputTimestamps('out')).toEqual([1, 3]);
  });

  test('a throwing function fails the run with WEFT_ERR_MAP_FUNCTION_FAILED and the timestamp', async () => {
    const runner = map('{ function: test_fail_on_three }');
    const error = await runner
      .addPackets('in', [1, 2, 3])
      .run()
      .then(
        () => undefined,
        (e: unknown) => e as Error & { cause: Error & { code: string } },
      );
    expect(error?.cause.code).toBe('WEFT_ERR_MAP_FUNCTION_FAILED');
    expect(error?.cause.message).toBe(
      'map function "test_fail_on_three" of MapCalculator node "MapCalculator_1" threw at timestamp 2: three is not allowed',
    );
    expect(runner.outputValues('out')).toEqual([1, 2]);
  });

  test('`function` is required and unknown options are rejected before the run', async () => {
    await expect(map('{}').run()).rejects.toThrow('function');
    await expect(map('{ function: identity, arg: 1 }').run()).rejects.toThrow('arg');
  });
});
