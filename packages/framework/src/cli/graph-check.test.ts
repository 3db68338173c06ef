import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testRegistry } from '../config/validation.test-helpers.js';
import { type CliIo, graphCommand } from '../index.js';
import { xmlProblem } from '../render/xml-check.test-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'weft-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

writeFileSync(
  join(cwd, 'loop.yaml'),
  [
    'name: loop',
    'input_stream: [IN:a]',
    'input_side_packet: [MODEL_CONFIG:cfg]',
    'output_stream: [SUM:total]',
    'nodes:',
    '  - calculator: ModelCalculator',
    '    name: model',
    "    output_side_packet: ['MODEL:model']",
    '  - calculator: AddCalculator',
    '    name: add',
    "    input_stream: ['IN:a', 'LOOP:prev']",
    '    input_stream_info: [{tag_index: LOOP, back_edge: true}]',
    '    output_stream: SUM:total',
    '  - calculator: UseModelCalculator',
    '    name: delay',
    '    input_stream: IN:total',
    '    input_side_packet: MODEL:model',
    '    output_stream: OUT:prev',
    '',
  ].join('\n'),
);
writeFileSync(
  join(cwd, 'bad.yaml'),
  [
    'nodes:',
    '  - calculator: PassThruCalculator',
    '  - calculator: TextSinkCalculator',
    '    input_stream: TEXT:x',
    '',
  ].join('\n'),
);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { cwd, stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await graphCommand(args, io, testRegistry());
  return { code, out, err };
}

describe('weft graph check', () => {
  it('prints FILE: ok per valid file and exits 0', async () => {
    expect(await run(['check', 'loop.yaml', './loop.yaml'])).toEqual({
      code: 0,
      out: 'loop.yaml: ok\n./loop.yaml: ok\n',
      err: '',
    });
  });

  it('prints one FILE:LINE:COL error CODE message line per problem and exits 1', async () => {
    expect(await run(['check', 'loop.yaml', 'bad.yaml'])).toEqual({
      code: 1,
      out: [
        'loop.yaml: ok',
        'bad.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "PassThruCalculator_1": unknown calculator "PassThruCalculator"; a calculator must be registered, loaded by `calculators:` or be a subgraph (did you mean "PassThroughCalculator"?)',
        'bad.yaml:4:19 error WEFT_ERR_STREAM_NOT_PRODUCED node "TextSinkCalculator_1" reads stream "x" (TEXT:x), which no node produces and which is not a graph input_stream (produce it with a node output, or declare it in the graph\'s input_stream)',
        '',
      ].join('\n'),
      err: '',
    });
  });

  it('checks every graph file of a directory argument', async () => {
    mkdirSync(join(cwd, 'dir'), { recursive: true });
    copyFileSync(join(cwd, 'loop.yaml'), join(cwd, 'dir', 'b.yaml'));
    copyFileSync(join(cwd, 'loop.yaml'), join(cwd, 'dir', 'a.yml'));
    writeFileSync(join(cwd, 'dir', 'notes.txt'), 'not a graph');
    expect(await run(['check', 'dir'])).toEqual({ code: 0, out: 'dir/a.yml: ok\ndir/b.yaml: ok\n', err: '' });
  });

  it('reports a missing file and usage errors', async () => {
    const missing = await run(['check', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.out).toBe(
      `nope.yaml:1:1 error WEFT_ERR_FILE_READ cannot read graph file "${join(cwd, 'nope.yaml')}": no such file (check the path)\n`,
    );
    const usage = await run(['check']);
    expect(usage).toMatchObject({ code: 2, out: '' });
    expect(usage.err).toMatch(/^weft graph check: missing FILE\nusage: weft graph check FILE\|DIR\.\.\.\n/);
    const help = await run(['check', '--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toMatch(/^usage: weft graph check FILE\|DIR\.\.\.\n/);
  });
});

describe('weft graph draw', () => {
  it('mermaid by default: labelled streams, dotted back edge, thick side packets, graph io', async () => {
    expect(await run(['draw', 'loop.yaml'])).toEqual({
      code: 0,
      err: '',
      out: [
        'flowchart TD',
        '  %% loop',
        '  gi0(["IN:a"])',
        '  si0{{"MODEL_CONFIG:cfg"}}',
        '  n0["model<br/><i>ModelCalculator</i>"]',
        '  n1["add<br/><i>AddCalculator</i>"]',
        '  n2["delay<br/><i>UseModelCalculator</i>"]',
        '  go0(["SUM:total"])',
        '  gi0 -->|"a"| n1',
        '  n2 -.->|"prev"| n1',
        '  n1 -->|"total"| n2',
        '  n0 ==>|"model"| n2',
        '  n1 -->|"total"| go0',
        '  classDef io fill:#e8f4ff,stroke:#4a90d9',
        '  classDef side fill:#fff4e0,stroke:#d98e04',
        '  class gi0,go0 io',
        '  class si0 side',
        '',
      ].join('\n'),
    });
  });

  it('dot: back edges dashed without ranking, side packets dotted', async () => {
    const { code, out } = await run(['draw', 'loop.yaml', '--format', 'dot']);
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => l.includes('->'))).toEqual([
      '  gi0 -> n1 [label="a"];',
      '  n2 -> n1 [label="prev", style=dashed, constraint=false];',
      '  n1 -> n2 [label="total"];',
      '  n0 -> n2 [label="model", style=dotted, arrowhead=odot, color="#d98e04"];',
      '  n1 -> go0 [label="total"];',
    ]);
    expect(out).toContain('  n1 [label="add\\nAddCalculator"];');
    expect(out).toContain(
      '  si0 [label="MODEL_CONFIG:cfg", shape=hexagon, style=filled, fillcolor="#fff4e0"];',
    );
  });

  it('svg: well-formed XML with one box per node and one path per edge, written with --output', async () => {
    const { code, out, err } = await run(['draw', 'loop.yaml', '--format=svg', '-o', 'loop.svg']);
    expect({ code, out, err }).toEqual({ code: 0, out: '', err: 'wrote loop.svg\n' });
    const svg = readFileSync(join(cwd, 'loop.svg'), 'utf8');
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg.match(/<rect class="node"/g)).toHaveLength(3);
    expect(svg.match(/<g class="edge /g)).toHaveLength(5);
    expect(svg.match(/<g class="edge back-edge">/g)).toHaveLength(1);
    expect(svg.match(/<g class="edge side-packet">/g)).toHaveLength(1);
    expect(svg).toContain('>AddCalculator</text>');
  });

  it('prints the problems of an invalid graph and rejects unknown formats', async () => {
    const bad = await run(['draw', 'bad.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.err.split('\n')[0]).toMatch(/^bad\.yaml:2:17 error WEFT_ERR_UNKNOWN_CALCULATOR /);
    const png = await run(['draw', 'loop.yaml', '--format', 'png']);
    expect(png).toMatchObject({ code: 2, out: '' });
    expect(png.err).toMatch(
      /^weft graph draw: unknown format "png" \(expected one of mermaid, dot, svg\)\nusage: weft graph draw FILE \[--format mermaid\|dot\|svg\] \[--output OUT\]\n/,
    );
  });
});
