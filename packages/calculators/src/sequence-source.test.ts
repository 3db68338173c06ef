import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const source = (options: string) =>
  new CalculatorRunner(
    `{ calculator: SequenceSourceCalculator, output_stream: [numbers], options: ${options} }`,
    {
      registry,
    },
  );

describe('SequenceSourceCalculator', () => {
  test('emits count values at evenly spaced timestamps, then stops', async () => {
    const runner = source('{ count: 4, start: 1, step: 2, first_timestamp: 100, timestamp_step: 10 }');
    await runner.run();
    expect(runner.outputValues('numbers')).toEqual([1, 3, 5, 7]);
    expect(runner.outputTimestamps('numbers')).toEqual([100, 110, 120, 130]);
    expect(runner.stats().processCalls).toBe(4);
  });

  test('defaults: 10 values 0..9 at timestamps 0..9; count 0 emits nothing', async () => {
    const runner = source('{}');
    await runner.run();
    expect(runner.outputValues('numbers')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runner.outputTimestamps('numbers')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const empty = source('{ count: 0 }');
    await empty.run();
    expect(empty.outputValues('numbers')).toEqual([]);
  });

  test('interval_ms paces the packets and the pause is cancellable', async () => {
    const paced = source('{ count: 3, interval_ms: 20 }');
    const t0 = performance.now();
    await paced.run();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(38);
    expect(paced.outputValues('numbers')).toEqual([0, 1, 2]);

    const slow = source('{ count: 3, interval_ms: 60000 }');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 20);
    const t1 = performance.now();
    await expect(slow.run({ signal: controller.signal })).rejects.toThrow('enough');
    expect(performance.now() - t1).toBeLessThan(5000);
  });
});
