import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const loopback = () =>
  new CalculatorRunner(
    `
    - calculator: PreviousLoopbackCalculator
      input_stream: [MAIN:main, LOOP:loop]
      input_stream_info:
        - { tag_index: LOOP, back_edge: true }
      output_stream: [PREV_LOOP:prev]
    `,
    { registry },
  );

describe('PreviousLoopbackCalculator', () => {
  test('emits the previous LOOP packet at each MAIN timestamp, nothing at the first', async () => {
    const runner = loopback();
    runner
      .addPacket('MAIN', 'm', 10)
      .addPacket('LOOP', 'a', 10)
      .addPacket('MAIN', 'm', 20)
      .addPacket('LOOP', 'b', 20)
      .addPacket('MAIN', 'm', 30)
      .addPacket('LOOP', 'c', 30);
    await runner.run();
    expect(runner.outputValues('prev')).toEqual(['a', 'b']);
    expect(runner.outputTimestamps('prev')).toEqual([20, 30]);
  });

  test('MAIN packets that arrive before the LOOP packet they need wait for it', async () => {
    const runner = loopback();
    runner
      .addPacket('MAIN', null, 1)
      .addPacket('MAIN', null, 2)
      .addPacket('MAIN', null, 3)
      .addPacket('LOOP', 'one', 1)
      .addPacket('LOOP', 'two', 2);
    await runner.run();
    expect(runner.outputValues('prev')).toEqual(['one', 'two']);
    expect(runner.outputTimestamps('prev')).toEqual([2, 3]);
  });

  test('a LOOP timestamp without a packet gives an empty PREV_LOOP', async () => {
    const runner = loopback();
    runner
      .addPacket('MAIN', null, 1)
      .addPacket('MAIN', null, 2)
      .addPacket('LOOP', 'x', 2) // nothing at 1: PREV_LOOP at 2 is empty
      .addPacket('MAIN', null, 3);
    await runner.run();
    expect(runner.outputValues('prev')).toEqual(['x']);
    expect(runner.outputTimestamps('prev')).toEqual([3]);
  });
});
