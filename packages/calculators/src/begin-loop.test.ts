import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('BeginLoopCalculator', () => {
  test('emits elements at consecutive internal timestamps, BATCH_END carries the outer timestamp', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: BeginLoopCalculator
      input_stream: [ITERABLE:words, CLONE:prefix]
      output_stream: [ITEM:word, BATCH_END:end, CLONE:prefix_per_word]
      `,
      { registry },
    );
    runner
      .addPacket('ITERABLE', ['a', 'b'], 10)
      .addPacket('CLONE', '>', 10)
      .addPacket('ITERABLE', [], 20)
      .addPacket('CLONE', '#', 20)
      .addPacket('ITERABLE', new Set(['c']), 30)
      .addPacket('CLONE', '!', 30);
    await runner.run();
    expect(runner.outputValues('word')).toEqual(['a', 'b', 'c']);
    expect(runner.outputTimestamps('word')).toEqual([0, 1, 3]);
    expect(runner.outputValues('end')).toEqual([10, 20, 30]);
    expect(runner.outputTimestamps('end')).toEqual([1, 2, 3]);
    expect(runner.outputValues('prefix_per_word')).toEqual(['>', '>', '!']);
    expect(runner.outputTimestamps('prefix_per_word')).toEqual([0, 1, 3]);
  });

  test('a value that is not iterable fails the run with the value quoted', async () => {
    const runner = new CalculatorRunner(
      '{ calculator: BeginLoopCalculator, input_stream: [ITERABLE:x], output_stream: [ITEM:i, BATCH_END:e] }',
      { registry },
    );
    runner.addPacket('ITERABLE', { not: 'a list' }, 5);
    await expect(runner.run()).rejects.toThrow(
      'got ITERABLE {"not":"a list"} at 5; ITERABLE must be an array (or another iterable)',
    );
  });
});
