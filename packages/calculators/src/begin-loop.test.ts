import {
  CalculatorRegistry,
  CalculatorRunner,
  defineCalculator,
  type GraphRun,
  loadGraphFromString,
  t,
} from '@weft/framework';
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

/** MediaPipe's PassThroughOrEmptyVectorCalculator: processes bounds and emits [] where the input has no packet. */
const PassThroughOrEmptyVector = defineCalculator({
  name: 'PassThroughOrEmptyVectorCalculator',
  description: 'Test helper: forwards the input, or an empty array at a timestamp settled without a packet.',
  inputs: { '': { type: t.any() } },
  outputs: { '': { type: t.any() } },
  timestampOffset: 0,
  processTimestampBounds: true,
  create: () => ({
    process(ctx) {
      ctx.output('').add(ctx.input('')?.value ?? [], ctx.inputTimestamp);
    },
  }),
});
registry.register(PassThroughOrEmptyVector);

// Ported from MediaPipe's begin_end_loop_calculator_graph_test.cc: the loop body increments each
// element (MapCalculator `add 1` for IncrementCalculator); outputs are read before the inputs close.
describe('BeginLoop/EndLoop graphs (MediaPipe BeginEndLoopCalculatorGraphTest)', () => {
  const start = async (yaml: string) =>
    (await loadGraphFromString(yaml, { file: 'loop.yaml', registry })).start();
  const loop = `
  - calculator: BeginLoopCalculator
    input_stream: [ITERABLE:ints_in]
    output_stream: [ITEM:int, BATCH_END:timestamp]
  - calculator: MapCalculator
    input_stream: [int]
    output_stream: [int_plus_one]
    options: { function: add, args: 1 }
  - calculator: EndLoopCalculator
    input_stream: [ITEM:int_plus_one, BATCH_END:timestamp]
    output_stream: [ITERABLE:ints_plus_one]`;
  const seen = (run: GraphRun, stream: string) =>
    run.outputPackets(stream).map((p) => [p.timestamp, p.value]);

  test('SingleEmptyVector, SingleNonEmptyVector and MultipleVectors', async () => {
    const run = await start(`input_stream: [ints_in]\noutput_stream: [ints_plus_one]\nnodes:${loop}`);
    await run.addPacket('ints_in', [], 0);
    expect(seen(run, 'ints_plus_one')).toEqual([]); // an empty batch only advances the bound
    expect(run.outputBound('ints_plus_one')).toBe(1);
    await run.addPacket('ints_in', [0, 1, 2], 1);
    await run.addPacket('ints_in', [], 2);
    await run.addPacket('ints_in', [3, 4], 3);
    run.closeAllInputs();
    await run.done();
    expect(seen(run, 'ints_plus_one')).toEqual([
      [1, [1, 2, 3]],
      [3, [4, 5]],
    ]);
  });

  test('ProcessingEmptyPackets MultipleVectors: bound-only ITERABLE timestamps give empty collections downstream', async () => {
    const run = await start(`
input_stream: [ints, force_ints_to_be_timestamp_bound_update]
output_stream: [ints_plus_one_passed_through]
nodes:
  - calculator: GateCalculator
    input_stream: [ints, DISALLOW:force_ints_to_be_timestamp_bound_update]
    output_stream: [ints_in]${loop}
  - calculator: PassThroughOrEmptyVectorCalculator
    input_stream: [ints_plus_one]
    output_stream: [ints_plus_one_passed_through]
`);
    const send = async (ts: number, ints: number[]) => {
      await run.addPacket('force_ints_to_be_timestamp_bound_update', ints.length === 0, ts);
      await run.addPacket('ints', ints, ts);
    };
    await send(0, []);
    expect(seen(run, 'ints_plus_one_passed_through')).toEqual([[0, []]]);
    await send(1, [0, 1]);
    await send(2, []);
    await send(3, [2, 3]);
    await send(4, []);
    run.closeAllInputs();
    await run.done();
    expect(seen(run, 'ints_plus_one_passed_through')).toEqual([
      [0, []],
      [1, [1, 2]],
      [2, []],
      [3, [3, 4]],
      [4, []],
    ]);
  });

  test('WithClonedInputs: MultipleVectors and InputStreamForIterableIsEmpty', async () => {
    const run = await start(`
input_stream: [ints, multiplier]
output_stream: [multiplied_ints]
nodes:
  - calculator: BeginLoopCalculator
    input_stream: [ITERABLE:ints, CLONE:multiplier]
    output_stream: [ITEM:int_at_loop, CLONE:multiplier_cloned_at_loop, BATCH_END:timestamp]
  - calculator: TestMultiplier
    input_stream: [int_at_loop, multiplier_cloned_at_loop]
    output_stream: [multiplied_int_at_loop]
  - calculator: EndLoopCalculator
    input_stream: [ITEM:multiplied_int_at_loop, BATCH_END:timestamp]
    output_stream: [ITERABLE:multiplied_ints]
`);
    await run.addPacket('multiplier', 2, 41); // a CLONE packet without ITERABLE: no output
    expect(seen(run, 'multiplied_ints')).toEqual([]);
    for (const [ts, multiplier, ints] of [
      [42, 2, [0, 1]],
      [43, 2, []],
      [44, 3, [2, 3]],
    ] as const) {
      await run.addPacket('ints', ints, ts);
      await run.addPacket('multiplier', multiplier, ts);
    }
    run.closeAllInputs();
    await run.done();
    expect(seen(run, 'multiplied_ints')).toEqual([
      [42, [0, 2]],
      [44, [6, 9]],
    ]);
  });
});

registry.register(
  defineCalculator({
    name: 'TestMultiplier',
    description: 'Test helper: input 0 times input 1 (MediaPipe MultiplierCalculator).',
    inputs: { '': { type: t.number(), multiple: true } },
    outputs: { '': { type: t.number() } },
    timestampOffset: 0,
    create: () => ({
      process(ctx) {
        ctx.output('').add(ctx.input('', 0)!.value * ctx.input('', 1)!.value);
      },
    }),
  }),
);
