import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('EndLoopCalculator', () => {
  test('collects the items of each batch and emits them at the outer timestamp', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: EndLoopCalculator
      input_stream: [ITEM:item, BATCH_END:end]
      output_stream: [ITERABLE:items]
      `,
      { registry },
    );
    runner
      .addPacket('ITEM', 'A', 0)
      .addPacket('ITEM', 'B', 1)
      .addPacket('BATCH_END', 10, 1)
      .addPacket('BATCH_END', 20, 2) // empty batch: no packet
      .addPacket('BATCH_END', 30, 4) // item 3 was dropped by the loop body, item 4 kept
      .addPacket('ITEM', 'D', 4);
    await runner.run();
    expect(runner.outputValues('items')).toEqual([['A', 'B'], ['D']]);
    expect(runner.outputTimestamps('items')).toEqual([10, 30]);
  });
});
