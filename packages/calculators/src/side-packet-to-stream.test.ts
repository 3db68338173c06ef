import { CalculatorRegistry, CalculatorRunner, Timestamp } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const node = (output: string, extra = '') =>
  new CalculatorRunner(
    `
    calculator: SidePacketToStreamCalculator
    input_side_packet: [first, second${extra}]
    output_stream: [${output}:0:first_stream, ${output}:1:second_stream]
    `,
    { registry },
  );

describe('SidePacketToStreamCalculator', () => {
  test.each([
    ['AT_PRESTREAM', Timestamp.PreStream],
    ['AT_POSTSTREAM', Timestamp.PostStream],
    ['AT_ZERO', 0],
  ])('%s emits each side packet once, on the output of the same index', async (tag, ts) => {
    const runner = node(tag).setSidePacket('first', 'one').setSidePacket('second', { n: 2 });
    await runner.run();
    expect(runner.outputValues('first_stream')).toEqual(['one']);
    expect(runner.outputValues('second_stream')).toEqual([{ n: 2 }]);
    expect(runner.outputTimestamps('second_stream')).toEqual([ts]);
  });

  test('AT_TIMESTAMP uses the TIMESTAMP side packet', async () => {
    const runner = node('AT_TIMESTAMP', ', TIMESTAMP:when');
    runner.setSidePacket('first', 1).setSidePacket('second', 2).setSidePacket('TIMESTAMP', 42);
    await runner.run();
    expect(runner.outputTimestamps('first_stream')).toEqual([42]);
  });

  test('AT_TICK emits at every tick, AT_FIRST_TICK only at the first', async () => {
    for (const [tag, expected] of [
      ['AT_TICK', [3, 7]],
      ['AT_FIRST_TICK', [3]],
    ] as const) {
      const runner = new CalculatorRunner(
        `
        calculator: SidePacketToStreamCalculator
        input_stream: [TICK:tick]
        input_side_packet: [value]
        output_stream: [${tag}:value_stream]
        `,
        { registry },
      );
      runner.setSidePacket('value', 'v').addPacket('TICK', null, 3).addPacket('TICK', null, 7);
      await runner.run();
      expect(runner.outputTimestamps('value_stream')).toEqual(expected);
      expect(runner.outputValues('value_stream')).toEqual(expected.map(() => 'v'));
    }
  });
});
