import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { registerBuiltinCalculators } from '@weft/calculators';
import { CalculatorRegistry, GraphValidationError, loadGraph, loadGraphFromString } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../tests/examples/run-weft.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const registry = new CalculatorRegistry();
registerBuiltinCalculators(registry);

describe('03-subgraph-and-loops', () => {
  it('keeps a running total through a back-edge loop, in two independent subgraph instances', async () => {
    const r = await runWeft(
      [
        'graph',
        'run',
        'examples/03-subgraph-and-loops/pedometer.yaml',
        '--input',
        'steps=examples/03-subgraph-and-loops/steps.jsonl',
      ],
      root,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const packets = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { stream: string; timestamp: number; value: number });
    const of = (stream: string) =>
      packets.filter((p) => p.stream === stream).map((p) => [p.timestamp, p.value]);
    expect(of('total_steps')).toEqual([
      [0, 100],
      [1, 350],
      [2, 350],
      [3, 400],
    ]);
    expect(of('total_metres')).toEqual([
      [0, 75],
      [1, 262.5],
      [2, 262.5],
      [3, 300],
    ]);
    expect(packets).toHaveLength(8);
  });

  it('expands each use of the subgraph into nodes prefixed with the node name', async () => {
    const graph = await loadGraph(here('./pedometer.yaml'), { registry });
    expect(graph.config.nodes.map((n) => `${n.name}: ${n.calculator.name}`).sort()).toEqual([
      'metre_total__add: AddCalculator',
      'metre_total__previous: PreviousLoopbackCalculator',
      'step_total__add: AddCalculator',
      'step_total__previous: PreviousLoopbackCalculator',
      'stride: MapCalculator',
    ]);
    const loop = graph.config.nodes.find((n) => n.name === 'step_total__previous')!;
    expect(loop.inputs.map((p) => [p.tag, p.name, p.backEdge === true])).toEqual([
      ['MAIN', 'steps', false],
      ['LOOP', 'total_steps', true],
    ]);
    // Runs of one compiled graph do not share loop state.
    const totals = async (steps: number[]) => {
      const run = graph.start();
      for (const [t, v] of steps.entries()) await run.addPacket('steps', v, t);
      run.closeAllInputs();
      await run.done();
      const out: number[] = [];
      for await (const p of run.output<number>('total_steps')) out.push(p.value);
      return out;
    };
    const [a, b] = await Promise.all([totals([1, 2, 3]), totals([10, 10])]);
    expect(a).toEqual([1, 3, 6]);
    expect(b).toEqual([10, 20]);
    await graph.dispose();
  });

  it('rejects the same loop without `back_edge`, naming the nodes on the cycle', async () => {
    const text = (await readFile(here('./running-total.yaml'), 'utf8')).replace(
      /\n {4}input_stream_info:\n.*\n/,
      '\n',
    );
    const error = await loadGraphFromString(text, { file: here('./no-back-edge.yaml'), registry }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphValidationError);
    const problems = (error as GraphValidationError).problems;
    expect(problems.map((p) => p.code)).toEqual(['WEFT_ERR_CYCLE']);
    expect(problems[0]?.message).toMatch(
      /^nodes "previous" → "add" → "previous" form a cycle with no back edge/,
    );
  });
});
