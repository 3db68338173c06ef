import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBuiltinCalculators } from '@weft/calculators';
import { CalculatorRegistry, graphCommand } from '@weft/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `weft graph run` replaying MediaPipe tests of the built-in calculators from a script file
// (framework CLI + @weft/calculators, hence here rather than beside the CLI code).

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-graph-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const registry = () => new CalculatorRegistry();

describe('weft graph run --script and --bounds (MediaPipe-style tests from a file)', () => {
  const run = async (graphYaml: string, script: string, ...flags: string[]) => {
    await writeFile(join(dir, 'graph.yaml'), graphYaml);
    await writeFile(join(dir, 'script.jsonl'), script);
    let stdout = '';
    let stderr = '';
    const reg = registry();
    registerBuiltinCalculators(reg);
    const code = await graphCommand(
      ['run', 'graph.yaml', '--script', 'script.jsonl', ...flags],
      { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      reg,
    );
    return { code, stdout, stderr };
  };
  const lines = (...items: object[]) => items.map((i) => `${JSON.stringify(i)}\n`).join('');

  // PacketClonerCalculatorGatedInputTest.PropagatesTimestampBoundsWithInput, replayed from a file.
  it('replays packets of several streams in order and prints output bounds as they move', async () => {
    const result = await run(
      `input_stream: [input, input_enabled, tick, tick_enabled]
output_stream: [output]
nodes:
  - { calculator: GateCalculator, input_stream: [tick, ALLOW:tick_enabled], output_stream: [tick_gated] }
  - { calculator: GateCalculator, input_stream: [input, ALLOW:input_enabled], output_stream: [input_gated] }
  - { calculator: PacketClonerCalculator, input_stream: [input_gated, TICK:tick_gated], output_stream: [output] }
`,
      lines(
        { stream: 'input_enabled', timestamp: 100, value: true },
        { stream: 'input', timestamp: 100, value: 1 },
        { stream: 'tick_enabled', timestamp: 100, value: true },
        { stream: 'tick', timestamp: 100, value: 0 },
        { stream: 'tick_enabled', timestamp: 110, value: false },
        { stream: 'tick', timestamp: 110, value: 0 },
        { stream: 'input_enabled', timestamp: 200, value: false },
        { stream: 'input', timestamp: 200, value: 2 },
      ),
      '--bounds',
    );
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: lines(
        { stream: 'output', timestamp: 100, value: 1 },
        { stream: 'output', bound: 111 }, // MediaPipe's EmptyPacket(110)
        { stream: 'output', close: true },
      ),
    });
  });

  // ImmediateInputStreamHandlerTest.ProcessTimestampBounds / SummaryPacketCalculatorUseCaseTest:
  // a bound-only update, closing one input mid-script, special timestamps by name.
  it('expresses bound-only updates, closing one input, PreStream and Max', async () => {
    const result = await run(
      `input_stream: [a, b, c]
output_stream: [a_out, b_out, c_out]
nodes:
  - { calculator: PassThroughCalculator, input_stream: [a, b, c], output_stream: [a_out, b_out, c_out] }
`,
      lines(
        { stream: 'a', timestamp: 'PreStream', value: 'header' },
        { stream: 'b', timestamp: 5, value: 'x' },
        { stream: 'c', bound: 20 },
        { stream: 'b', close: true },
        { stream: 'c', timestamp: 'Max', value: 'last' },
      ),
      '--bounds',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      lines(
        // The default handler waits until c is settled past PreStream; the offset then moves the
        // other outputs' bounds to what every input has settled (b's packet at 5).
        { stream: 'a_out', timestamp: 'PreStream', value: 'header' },
        { stream: 'b_out', bound: 5 },
        { stream: 'c_out', bound: 5 },
        { stream: 'b_out', timestamp: 5, value: 'x' },
        { stream: 'c_out', bound: 6 },
        // b closed: everything up to c's bound 20 is settled.
        { stream: 'b_out', bound: 20 },
        { stream: 'c_out', bound: 20 },
        { stream: 'c_out', timestamp: 'Max', value: 'last' },
        { stream: 'a_out', close: true },
        { stream: 'b_out', close: true },
        { stream: 'c_out', close: true },
      ),
    );
  });

  it('names the file and line of a line the run refuses, and of an unknown stream', async () => {
    const graphYaml =
      'input_stream: [a]\noutput_stream: [a_out]\nnodes:\n  - { calculator: PassThroughCalculator, input_stream: [a], output_stream: [a_out] }\n';
    const back = await run(
      graphYaml,
      lines({ stream: 'a', timestamp: 5, value: 1 }, { stream: 'a', timestamp: 4, value: 2 }),
    );
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(
      /^error WEFT_ERR_TIMESTAMP_NOT_INCREASING script\.jsonl:2: addPacket: graph input "a" got a packet at 4/,
    );
    const closed = await run(
      graphYaml,
      lines({ stream: 'a', close: true }, { stream: 'a', timestamp: 4, value: 2 }),
    );
    expect(closed.stderr).toMatch(
      /^error WEFT_ERR_INPUT_CLOSED script\.jsonl:2: addPacket: graph input "a" is already closed/,
    );
    const unknown = await run(graphYaml, lines({ stream: 'aa', timestamp: 0, value: 1 }));
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: 'weft graph run: script.jsonl:1: graph "graph" has no input stream "aa" (did you mean "a"?)\n',
    });
  });

  it('refuses a line that is neither a packet, a bound nor a close, and --script with --input', async () => {
    const graphYaml =
      'input_stream: [a]\noutput_stream: [a_out]\nnodes:\n  - { calculator: PassThroughCalculator, input_stream: [a], output_stream: [a_out] }\n';
    const both = await run(graphYaml, lines({ stream: 'a', bound: 3, timestamp: 2 }));
    expect(both.stderr).toBe(
      'weft graph run: script.jsonl:1: a line is a packet, a bound or a close, not "timestamp" and "bound"; expected {"stream": "in", "timestamp": 0, "value": ...}, {"stream": "in", "bound": 10} or {"stream": "in", "close": true}\n',
    );
    const name = await run(graphYaml, lines({ stream: 'a', timestamp: 'Done', value: 1 }));
    expect(name.stderr).toMatch(
      /^weft graph run: script\.jsonl:1: "timestamp" "Done" is not a timestamp name; use an integer or one of PreStream, Min, Max, PostStream;/,
    );
    const mixed = await run(graphYaml, '', '--input', 'a=a.jsonl');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(
      /^weft graph run: --script feeds every input in order; give either --script or --input, not both\n/,
    );
  });
});
