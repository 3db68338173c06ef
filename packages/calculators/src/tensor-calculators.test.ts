import { CalculatorRegistry, CalculatorRunner, type Tensor, tensor } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { L2NormalizeCalculator } from './l2-normalize.js';
import { MatryoshkaTruncateCalculator } from './matryoshka-truncate.js';
import { PoolingCalculator } from './pooling.js';

const registry = new CalculatorRegistry().register(
  PoolingCalculator,
  L2NormalizeCalculator,
  MatryoshkaTruncateCalculator,
);
const f32 = (dims: number[], values: number[]) => tensor('float32', dims, Float32Array.from(values));
const i64 = (dims: number[], values: number[]) =>
  tensor('int64', dims, BigInt64Array.from(values.map(BigInt)));
const rows = (x: Tensor) => {
  const w = x.dims.at(-1)!;
  return Array.from({ length: x.data.length / w }, (_, r) => [
    ...(x.data as Float32Array).subarray(r * w, r * w + w),
  ]);
};

// Two rows of 3 tokens, hidden 2; row 1 has one padded position (mask 0) holding junk.
const hidden = f32([2, 3, 2], [1, 2, 3, 4, 5, 6, /* row 1 */ 10, 20, 30, 40, 999, 999]);
const mask = i64([2, 3], [1, 1, 1, 1, 1, 0]);

async function poolWith(mode: string, withMask = true) {
  const runner = new CalculatorRunner(
    `
    calculator: PoolingCalculator
    input_stream: [TENSOR:h${withMask ? ', MASK:m' : ''}]
    output_stream: [TENSOR:pooled]
    options: { mode: ${mode} }
    `,
    { registry },
  );
  runner.addPacket('TENSOR', hidden, 0);
  if (withMask) runner.addPacket('MASK', mask, 0);
  await runner.run();
  return runner.outputValues('pooled')[0] as Tensor;
}

describe('PoolingCalculator', () => {
  test('mean averages only the unmasked tokens', async () => {
    const out = await poolWith('mean');
    expect(out.dims).toEqual([2, 2]);
    expect(rows(out)).toEqual([
      [3, 4],
      [20, 30],
    ]);
  });

  test('cls takes the first token; last_token the last unmasked one', async () => {
    expect(rows(await poolWith('cls'))).toEqual([
      [1, 2],
      [10, 20],
    ]);
    expect(rows(await poolWith('last_token'))).toEqual([
      [5, 6],
      [30, 40],
    ]);
  });

  test('without MASK every token counts', async () => {
    expect(rows(await poolWith('last_token', false))).toEqual([
      [5, 6],
      [999, 999],
    ]);
  });

  test('the mode may come from a MODE side packet, but not from both', async () => {
    const yaml = (option: string) => `
      calculator: PoolingCalculator
      input_stream: [TENSOR:h, MASK:m]
      input_side_packet: [MODE:mode]
      output_stream: [TENSOR:pooled]
      ${option}`;
    const runner = new CalculatorRunner(yaml(''), { registry });
    await runner.setSidePacket('MODE', 'cls').addPacket('TENSOR', hidden, 0).addPacket('MASK', mask, 0).run();
    expect(rows(runner.outputValues('pooled')[0] as Tensor)[1]).toEqual([10, 20]);
    const both = new CalculatorRunner(yaml('options: { mode: mean }'), { registry });
    await expect(both.setSidePacket('MODE', 'cls').run()).rejects.toMatchObject({
      cause: { code: 'WEFT_ERR_TENSOR_OPTIONS', message: expect.stringContaining('both') },
    });
  });

  test('a mask of another shape is refused with both shapes', async () => {
    const runner = new CalculatorRunner(
      'calculator: PoolingCalculator\ninput_stream: [TENSOR:h, MASK:m]\noutput_stream: [TENSOR:p]\noptions: { mode: mean }',
      { registry },
    );
    runner.addPacket('TENSOR', hidden, 0).addPacket('MASK', i64([2, 2], [1, 1, 1, 1]), 0);
    await expect(runner.run()).rejects.toMatchObject({
      cause: { code: 'WEFT_ERR_TENSOR_SHAPE', message: expect.stringContaining('MASK must be [2, 3]') },
    });
  });
});

describe('L2NormalizeCalculator and MatryoshkaTruncateCalculator', () => {
  test('truncate keeps the leading values per DIMENSIONS packet, then normalize makes unit vectors', async () => {
    const graph = new CalculatorRunner(
      `
      calculator: MatryoshkaTruncateCalculator
      input_stream: [TENSOR:x, DIMENSIONS:d]
      output_stream: [TENSOR:y]
      `,
      { registry },
    );
    await graph
      .addPacket('TENSOR', f32([2, 3], [3, 4, 12, 0, 0, 5]), 0)
      .addPacket('DIMENSIONS', 2, 0)
      .addPacket('TENSOR', f32([1, 3], [1, 2, 3]), 1)
      .run();
    const [cut, whole] = graph.outputValues('y') as Tensor[];
    expect(rows(cut!)).toEqual([
      [3, 4],
      [0, 0],
    ]);
    expect(rows(whole!)).toEqual([[1, 2, 3]]);

    const norm = new CalculatorRunner(
      'calculator: L2NormalizeCalculator\ninput_stream: [TENSOR:x]\noutput_stream: [TENSOR:y]',
      {
        registry,
      },
    );
    await norm.addPacket('TENSOR', cut!, 0).run();
    const unit = rows(norm.outputValues('y')[0] as Tensor);
    expect(unit[0]![0]).toBeCloseTo(0.6, 7);
    expect(unit[0]![1]).toBeCloseTo(0.8, 7);
    expect(unit[1]).toEqual([0, 0]);
  });

  test('asking for more dimensions than the vector has names both numbers', async () => {
    const runner = new CalculatorRunner(
      'calculator: MatryoshkaTruncateCalculator\ninput_stream: [TENSOR:x]\noutput_stream: [TENSOR:y]\noptions: { dimensions: 8 }',
      { registry },
    );
    await expect(runner.addPacket('TENSOR', f32([1, 3], [1, 2, 3]), 0).run()).rejects.toMatchObject({
      cause: { message: expect.stringContaining('cannot keep 8 values of vectors [1, 3]: ask for 1 to 3') },
    });
  });
});
