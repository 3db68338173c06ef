import type { CalculatorNames } from './calculator-name.js';
import { SAMPLE_INPUT } from './graph-template.js';

/**
 * The scaffolded test: the calculator alone with CalculatorRunner (values, timestamps, defaults,
 * option validation), then the example graph end to end on the sample input file.
 */
export function testTemplate(n: CalculatorNames): string {
  const c = n.calculator;
  const expected = SAMPLE_INPUT.map((value, timestamp) => `{ timestamp: ${timestamp}, value: ${value * 3} }`);
  return `import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CalculatorRegistry, CalculatorRunner, loadGraph } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { ${c} } from './${n.fileStem}.js';

// A registry of its own keeps the test independent of whatever else is registered.
const registry = new CalculatorRegistry().register(${c});

describe('${c}', () => {
  it('multiplies each input by factor and keeps its timestamp', async () => {
    const runner = new CalculatorRunner(
      \`
      calculator: ${c}
      input_stream: IN:numbers
      output_stream: OUT:scaled
      options: { factor: 3 }
      \`,
      { registry },
    );
    runner.addPacket('IN', 1, 0).addPacket('IN', 2, 5).addPacket('IN', -4, 9);
    await runner.run();
    expect(runner.outputValues('OUT')).toEqual([3, 6, -12]);
    expect(runner.outputTimestamps('OUT')).toEqual([0, 5, 9]);
  });

  it('uses the default factor 2 when the option is left out', async () => {
    const runner = new CalculatorRunner(
      { calculator: '${c}', input_stream: 'IN:x', output_stream: 'OUT:y' },
      { registry },
    );
    runner.addPackets('IN', [10, 0.5]);
    await runner.run();
    expect(runner.outputValues('OUT')).toEqual([20, 1]);
  });

  it('rejects a factor that is not a number before anything runs', async () => {
    const runner = new CalculatorRunner(
      {
        calculator: '${c}',
        input_stream: 'IN:x',
        output_stream: 'OUT:y',
        options: { factor: 'three' },
      },
      { registry },
    );
    await expect(runner.run()).rejects.toThrow(/factor/);
  });

  it('runs in the example graph on the sample input', async () => {
    const graph = await loadGraph(fileURLToPath(new URL('./${n.fileStem}.graph.yaml', import.meta.url)));
    const input = await readFile(new URL('./${n.fileStem}.input.jsonl', import.meta.url), 'utf8');
    const run = graph.start();
    for (const line of input.trim().split('\\n')) {
      const { timestamp, value } = JSON.parse(line) as { timestamp: number; value: number };
      await run.addPacket('in', value, timestamp);
    }
    run.closeAllInputs();
    await run.done();
    const packets: { timestamp: number; value: number }[] = [];
    for await (const p of run.output<number>('out')) packets.push({ timestamp: p.timestamp, value: p.value });
    expect(packets).toEqual([
${expected.map((e) => `      ${e},\n`).join('')}    ]);
    await graph.dispose();
  });
});
`;
}
