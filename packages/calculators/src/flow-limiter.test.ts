import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

const limiter = (options: string, inputs = '[frames, FINISHED:finished]', outputs = '[out, ALLOW:allowed]') =>
  new CalculatorRunner(
    `
    calculator: FlowLimiterCalculator
    input_stream: ${inputs}
    input_stream_info:
      - { tag_index: FINISHED, back_edge: true }
    output_stream: ${outputs}
    options: ${options}
    `,
    { registry },
  );

describe('FlowLimiterCalculator', () => {
  test('max_in_flight 1, no queue: frames arriving while one is in flight are dropped', async () => {
    const runner = limiter('{ max_in_flight: 1, max_in_queue: 0 }');
    runner
      .addPacket('frames', 'f1', 1)
      .addPacket('frames', 'f2', 2)
      .addPacket('frames', 'f3', 3)
      .addPacket('FINISHED', 'f1 done', 1)
      .addPacket('frames', 'f4', 4);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f4']);
    expect(runner.outputTimestamps('allowed')).toEqual([1, 2, 3, 4]);
    expect(runner.outputValues('allowed')).toEqual([true, false, false, true]);
  });

  test('queued frames are released by FINISHED, oldest first; overflow drops the oldest', async () => {
    const runner = limiter('{ max_in_flight: 1, max_in_queue: 2 }');
    runner
      .addPacket('frames', 'f1', 1) // released
      .addPacket('frames', 'f2', 2) // queued
      .addPacket('frames', 'f3', 3) // queued
      .addPacket('frames', 'f4', 4) // queue over 2: f2 dropped
      .addPacket('FINISHED', null, 1) // f3 released
      .addPacket('FINISHED', null, 3); // f4 released
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f3', 'f4']);
    expect(runner.outputTimestamps('out')).toEqual([1, 3, 4]);
    expect(runner.outputTimestamps('allowed')).toEqual([1, 2, 3, 4]);
    expect(runner.outputValues('allowed')).toEqual([true, false, true, true]);
  });

  test('max_in_flight 2 lets two frames through before FINISHED', async () => {
    const runner = limiter('{ max_in_flight: 2 }');
    runner
      .addPackets('frames', ['a', 'b', 'c'], 10)
      .addPacket('FINISHED', null, 11)
      .addPacket('frames', 'd', 13);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['a', 'b', 'd']);
  });

  test('a second input travels with the main input of the same timestamp', async () => {
    const runner = limiter('{ max_in_flight: 1 }', '[frames, meta, FINISHED:finished]', '[out, meta_out]');
    runner
      .addPacket('meta', 'm1', 1) // before its frame: held until the frame's fate is known
      .addPacket('frames', 'f1', 1)
      .addPacket('frames', 'f2', 2)
      .addPacket('meta', 'm2', 2)
      .addPacket('FINISHED', null, 1)
      .addPacket('frames', 'f3', 3)
      .addPacket('meta', 'm3', 3);
    await runner.run();
    expect(runner.outputValues('out')).toEqual(['f1', 'f3']);
    expect(runner.outputValues('meta_out')).toEqual(['m1', 'm3']);
    expect(runner.outputTimestamps('meta_out')).toEqual([1, 3]);
  });

  test('rejects max_in_flight 0 before the run', async () => {
    await expect(limiter('{ max_in_flight: 0 }').run()).rejects.toThrow('max_in_flight');
  });
});
