import { CalculatorRegistry, CalculatorRunner, loadGraphFromString } from '@weft/framework';
import { describe, expect, test } from 'vitest';
import { registerBuiltinCalculators } from './index.js';

const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('ConstantSidePacketCalculator', () => {
  test('sets PACKET:i to values[i]', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: ConstantSidePacketCalculator
      output_side_packet: [PACKET:0:prompt, PACKET:1:route]
      options: { values: ["be brief", { "to": 1 }] }
      `,
      { registry },
    );
    await runner.run();
    expect(runner.outputSidePacket('prompt')).toBe('be brief');
    expect(runner.outputSidePacket('PACKET:1')).toEqual({ to: 1 });
  });

  test('feeds another node: a constant SELECT for Mux', async () => {
    const graph = await loadGraphFromString(
      `
input_stream: [a, b]
output_stream: [out]
nodes:
  - calculator: ConstantSidePacketCalculator
    output_side_packet: [PACKET:route]
    options: { values: [1] }
  - calculator: MuxCalculator
    input_stream: [INPUT:0:a, INPUT:1:b]
    input_side_packet: [SELECT:route]
    output_stream: [OUTPUT:out]
`,
      { file: 'constant.yaml', registry },
    );
    const run = graph.start();
    await run.addPacket('a', 'from a', 0);
    await run.addPacket('b', 'from b', 0);
    run.closeAllInputs();
    const values: unknown[] = [];
    for await (const p of run.output('out')) values.push(p.value);
    expect(values).toEqual(['from b']);
    await run.done();
  });
});
