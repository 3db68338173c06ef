import { CalculatorRegistry, defineCalculator, loadGraphFromString, t } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

/**
 * Loop body that skips odd numbers: A + (B or 0) for even A, nothing for odd A. Offset 0, so at an
 * odd timestamp only its bound advances, and the back edge carries that bound without a packet.
 */
const EvenSumCalculator = defineCalculator({
  name: 'EvenSumCalculator',
  description: 'Test helper: A + (B or 0) when A is even; nothing (bound only) when odd.',
  inputs: { A: { type: t.number() }, B: { type: t.any() } },
  outputs: { SUM: { type: t.number() } },
  timestampOffset: 0,
  create: () => ({
    process(ctx) {
      const a = ctx.input('A');
      if (a !== undefined && a.value % 2 === 0) {
        ctx.output('SUM').add(a.value + ((ctx.input('B')?.value as number | undefined) ?? 0));
      }
    },
  }),
});

const graph = `
input_stream: [numbers]
output_stream: [sum, previous_sum]
nodes:
  - calculator: PreviousLoopbackCalculator
    input_stream: [MAIN:numbers, LOOP:sum]
    input_stream_info:
      - { tag_index: LOOP, back_edge: true }
    output_stream: [PREV_LOOP:previous_sum]
  - { calculator: EvenSumCalculator, input_stream: [A:numbers, B:previous_sum], output_stream: [SUM:sum] }
`;

describe('PreviousLoopbackCalculator when LOOP advances only its bound (MediaPipe semantics)', () => {
  test('PREV_LOOP is empty after a LOOP timestamp without a packet, and the loop goes on at once', async () => {
    const registry = new CalculatorRegistry();
    registerBuiltinCalculators(registry);
    registry.register(EvenSumCalculator);
    const run = (await loadGraphFromString(graph, { file: 'test.yaml', registry })).start();
    const sums = run.output('sum')[Symbol.asyncIterator]();
    const next = async () => {
      const r = await sums.next();
      return r.done ? 'ended' : `${r.value.timestamp}:${r.value.value}`;
    };
    // Inputs stay open: each sum must come from the back edge's bound, not from the run ending.
    for (const [ts, n] of [
      [1, 2],
      [2, 4],
      [3, 5],
      [4, 6],
      [5, 8],
    ] as const) {
      await run.addPacket('numbers', n, ts);
    }
    expect([await next(), await next(), await next(), await next()]).toEqual(['1:2', '2:6', '4:6', '5:14']);
    // 4:6 is 6 + 0: PREV_LOOP at 4 is empty because LOOP at 3 had no packet (EvenSum skipped 5).
    run.closeAllInputs();
    await run.done();
    expect(await next()).toBe('ended');
    expect(run.outputPackets('previous_sum').map((p) => `${p.timestamp}:${p.value}`)).toEqual([
      '2:2',
      '3:6',
      '5:6',
    ]);
  });
});
