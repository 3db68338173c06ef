import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCalculator, graphCommand, t } from '../index.js';
import { registry } from '../runtime/runtime.test-helpers.js';

let dir: string;

const GRAPH = `name: cli
input_stream: [a, b]
output_stream: [pairs, scaled]
input_side_packet: [scale]
nodes:
  - calculator: TestPair
    input_stream: [A:a, B:b]
    output_stream: [OUT:pairs]
  - calculator: TestScale
    input_stream: [IN:a]
    output_stream: [OUT:scaled]
    input_side_packet: [SCALE:scale]
`;

const FAILING = `name: failing
input_stream: [in]
output_stream: [out]
nodes:
  - calculator: TestFailOn
    name: boom
    input_stream: [IN:in]
    output_stream: [OUT:out]
    options: { value: 2 }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-graph-run-'));
  await writeFile(join(dir, 'cli.yaml'), GRAPH);
  await writeFile(join(dir, 'failing.yaml'), FAILING);
  await writeFile(
    join(dir, 'a.jsonl'),
    '{"timestamp": 0, "value": 1}\n{"timestamp": 1, "value": 2}\n\n{"timestamp": 2, "value": 3}\n',
  );
  await writeFile(join(dir, 'b.jsonl'), '{"timestamp": 1, "value": "x"}\n');
  await writeFile(
    join(dir, 'in.jsonl'),
    '{"timestamp": 0, "value": 1}\n{"timestamp": 5, "value": 2}\n{"timestamp": 6, "value": 3}\n',
  );
  await writeFile(join(dir, 'bad.jsonl'), '{"timestamp": 0, "value": 1}\n{"timestamp": "1", "value": 2}\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BrokenEngine = defineCalculator({
  name: 'TestBrokenEngine',
  description: 'A graph-scoped node whose open fails.',
  scope: 'graph',
  outputSidePackets: { ENGINE: { type: t.any() } },
  create: () => ({
    open() {
      throw new Error('weights missing');
    },
  }),
});

async function weft(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await graphCommand(
    ['run', ...args],
    { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    registry().register(BrokenEngine),
  );
  return { code, stdout, stderr };
}

describe('weft graph run', () => {
  it('feeds JSON lines, prints every output packet as a JSON line in the order produced, exits 0', async () => {
    const result = await weft('cli.yaml', '--input', 'a=a.jsonl', '--input=b=b.jsonl', '--side', 'scale=10');
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '{"stream":"scaled","timestamp":0,"value":10}',
        '{"stream":"pairs","timestamp":0,"value":[0,1,null]}',
        '{"stream":"scaled","timestamp":1,"value":20}',
        '{"stream":"pairs","timestamp":1,"value":[1,2,"x"]}',
        '{"stream":"scaled","timestamp":2,"value":30}',
        '{"stream":"pairs","timestamp":2,"value":[2,3,null]}',
        '',
      ].join('\n'),
    });
  });

  it('prints the node, calculator and cause of a graph error and exits 1', async () => {
    const result = await weft('failing.yaml', '--input', 'in=in.jsonl');
    expect(result).toEqual({
      code: 1,
      stdout: '{"stream":"out","timestamp":0,"value":1}\n',
      stderr:
        'error WEFT_ERR_NODE_FAILED node "boom" (TestFailOn) failed in process in graph "failing": cannot handle 2\n',
    });
  });

  it('writes a Chrome trace with one complete event per process call', async () => {
    const result = await weft('failing.yaml', '--input', 'in=in.jsonl', '--trace', 'trace.json');
    expect(result.code).toBe(1);
    const trace = JSON.parse(await readFile(join(dir, 'trace.json'), 'utf8')) as {
      traceEvents: { ph: string; name: string; cat: string; args: Record<string, unknown> }[];
    };
    const calls = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'process');
    expect(calls.map((e) => [e.name, e.args.input_timestamp])).toEqual([['boom', '0']]);
    expect(trace.traceEvents.find((e) => e.name === 'thread_name')?.args).toEqual({
      name: 'boom (TestFailOn)',
    });
  });

  it('names --side when a required side packet is missing (exit 2)', async () => {
    const result = await weft('cli.yaml');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `weft graph run: graph "cli" needs input side packet "scale"; pass --side 'scale=JSON'\n`,
    });
  });

  it('refuses unknown streams and bad input lines with exit 2', async () => {
    expect(await weft('cli.yaml', '--input', 'aa=a.jsonl')).toMatchObject({
      code: 2,
      stderr: '--input aa: graph "cli" has no input stream "aa" (did you mean "a"?)\n'.replace(
        /^/,
        'weft graph run: ',
      ),
    });
    expect(await weft('cli.yaml', '--input', 'a=bad.jsonl', '--side', 'scale=1')).toMatchObject({
      code: 2,
      stderr: `weft graph run: bad.jsonl:2: "timestamp" "1" is not a timestamp name; use an integer or one of PreStream, Min, Max, PostStream; expected {"stream": "in", "timestamp": 0, "value": ...}, {"stream": "in", "bound": 10} or {"stream": "in", "close": true}\n`,
    });
    expect((await weft('cli.yaml', '--sid', 'x=1')).stderr).toMatch(
      /^weft graph run: unknown option "--sid" \(did you mean "--side"\?\)\n/,
    );
  });

  it('prints validation problems like `graph check` and exits 1', async () => {
    await writeFile(join(dir, 'invalid.yaml'), 'nodes:\n  - calculator: TestPas\n');
    const result = await weft('invalid.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^.*invalid\.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR .*"TestPass"/);
  });

  it('reports a graph-scoped node that fails to open as a graph error', async () => {
    await writeFile(
      join(dir, 'engine.yaml'),
      'name: engine\nnodes:\n  - calculator: TestBrokenEngine\n    name: model\n    output_side_packet: [ENGINE:engine]\n',
    );
    expect(await weft('engine.yaml')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error WEFT_ERR_NODE_FAILED node "model" (TestBrokenEngine) failed in open in graph "engine": weights missing\n',
    });
  });
});

it('weft graph run --help documents the line formats on stdout', async () => {
  let stdout = '';
  const code = await graphCommand(
    ['run', '--help'],
    { cwd: dir, stdout: (t) => (stdout += t), stderr: () => {} },
    registry(),
  );
  expect(code).toBe(0);
  for (const text of [
    '--script',
    '{"stream": "in", "bound": 10}',
    '{"stream": "in", "close": true}',
    '--bounds',
    '"PreStream"',
  ]) {
    expect(stdout).toContain(text);
  }
});
