import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPort, formatProblem, renderGraph, validateGraphFile } from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-subgraphs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, lines: string[]): string => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

write('twice.yaml', [
  'name: Twice',
  'input_stream: [IN:x]',
  'output_stream: [OUT:y]',
  'nodes:',
  '  - calculator: PassThroughCalculator',
  '    name: first',
  '    input_stream: x',
  '    output_stream: mid',
  '  - calculator: PassThroughCalculator',
  '    name: second',
  '    input_stream: mid',
  '    output_stream: y',
]);

describe('subgraphs', () => {
  it('expands a subgraph by path and by registered name, with prefixed inner names and bound ports', async () => {
    const main = write('main.yaml', [
      'subgraphs: [./twice.yaml]',
      'input_stream: [a]',
      'output_stream: [c]',
      'nodes:',
      '  - calculator: ./twice.yaml',
      '    name: one',
      '    input_stream: IN:a',
      '    output_stream: OUT:b',
      '  - calculator: Twice',
      '    input_stream: IN:b',
      '    output_stream: OUT:c',
    ]);
    const result = await validateGraphFile(main, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([]);
    const nodes = result.graph!.nodes.map((n) => ({
      name: n.name,
      in: n.inputs.map(formatPort),
      out: n.outputs.map(formatPort),
      at: `${n.location.file.slice(dir.length + 1)}:${n.location.line}`,
    }));
    expect(nodes).toEqual([
      { name: 'one__first', in: ['a'], out: ['one__mid'], at: 'twice.yaml:5' },
      { name: 'one__second', in: ['one__mid'], out: ['b'], at: 'twice.yaml:9' },
      { name: 'Twice_1__first', in: ['b'], out: ['Twice_1__mid'], at: 'twice.yaml:5' },
      { name: 'Twice_1__second', in: ['Twice_1__mid'], out: ['c'], at: 'twice.yaml:9' },
    ]);
  });

  it('drawings group the nodes of each subgraph instance', async () => {
    const main = write('drawn.yaml', [
      'input_stream: [a]',
      'nodes:',
      '  - calculator: ./twice.yaml',
      '    name: one',
      '    input_stream: IN:a',
      '    output_stream: OUT:b',
    ]);
    const { graph } = await validateGraphFile(main, { registry: testRegistry() });
    expect(renderGraph(graph!, 'mermaid').split('\n').slice(2, 7)).toEqual([
      '  gi0(["a"])',
      '  subgraph sg0["one"]',
      '    n0["one__first<br/><i>PassThroughCalculator</i>"]',
      '    n1["one__second<br/><i>PassThroughCalculator</i>"]',
      '  end',
    ]);
    expect(renderGraph(graph!, 'dot')).toContain(
      '  subgraph cluster_0 { label="one"; style=dashed; n0; n1; }\n',
    );
  });

  it('a back edge on the subgraph node marks the inner inputs it feeds', async () => {
    const main = write('loop.yaml', [
      'input_stream: [a]',
      'nodes:',
      '  - calculator: AddCalculator',
      '    name: add',
      "    input_stream: ['IN:a', 'LOOP:back']",
      '    output_stream: SUM:s',
      '  - calculator: ./twice.yaml',
      '    name: delay',
      '    input_stream: IN:s',
      '    output_stream: OUT:back',
      '  - calculator: ./twice.yaml',
      '    name: again',
      '    input_stream: IN:s',
      '    output_stream: OUT:again_out',
    ]);
    const bad = await validateGraphFile(main, { registry: testRegistry() });
    expect(bad.problems.map((p) => p.code)).toEqual(['WEFT_ERR_CYCLE']);
    expect(bad.problems[0]!.message).toMatch(
      /^nodes "add" → "delay__first" → "delay__second" → "add" form a cycle/,
    );
    const fixed = write('loop2.yaml', [
      'input_stream: [a]',
      'nodes:',
      '  - calculator: AddCalculator',
      '    name: add',
      "    input_stream: ['IN:a', 'LOOP:back']",
      '    input_stream_info: [{tag_index: LOOP, back_edge: true}]',
      '    output_stream: SUM:s',
      '  - calculator: ./twice.yaml',
      '    name: delay',
      '    input_stream: IN:s',
      '    output_stream: OUT:back',
    ]);
    const ok = await validateGraphFile(fixed, { registry: testRegistry() });
    expect(ok.problems).toEqual([]);
    expect(ok.graph!.nodes.map((n) => n.name)).toEqual(['add', 'delay__first', 'delay__second']);
  });

  it("problems inside a subgraph point at the subgraph file (listed after the including file's)", async () => {
    const inner = write('broken.yaml', [
      'input_stream: [IN:x]',
      'output_stream: [OUT:y]',
      'nodes:',
      '  - calculator: PassThroughCalculator',
      '    input_stream: x',
      '    output_stream: y',
      '  - calculator: NoSuchCalculator',
    ]);
    const main = write('uses-broken.yaml', [
      'input_stream: [a]',
      'nodes:',
      '  - calculator: ./broken.yaml',
      '    name: sub',
      "    input_stream: ['IN:a', 'EXTRA:a']",
      '    options: {x: 1}',
    ]);
    const result = await validateGraphFile(main, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([
      `${main}:5:28 error WEFT_ERR_UNKNOWN_PORT node "sub" (subgraph "broken") has no input_stream tag "EXTRA" (in "EXTRA:a") (declared: IN)`,
      `${main}:6:14 error WEFT_ERR_SUBGRAPH node "sub" (subgraph "broken") is given options, but subgraphs take none; remove \`options\` (configure the subgraph's own nodes in broken.yaml)`,
      `${inner}:7:17 error WEFT_ERR_UNKNOWN_CALCULATOR node "NoSuchCalculator_1": unknown calculator "NoSuchCalculator"; a calculator must be registered, loaded by \`calculators:\` or be a subgraph`,
    ]);
  });

  it('an unconnected subgraph input is one missing-port problem, not also a stream never produced', async () => {
    const main = write('unbound.yaml', [
      'nodes:',
      '  - calculator: ./twice.yaml',
      '    name: t',
      '    output_stream: OUT:y',
    ]);
    const result = await validateGraphFile(main, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([
      `${main}:2:5 error WEFT_ERR_MISSING_PORT node "t" (subgraph "Twice") is missing required input_stream tag "IN" (add e.g. "IN:a_name" to input_stream)`,
    ]);
  });

  it('refuses recursive inclusion and a missing subgraph file', async () => {
    const a = write('rec-a.yaml', ['nodes:', '  - calculator: ./rec-b.yaml']);
    const b = write('rec-b.yaml', ['nodes:', '  - calculator: ./rec-a.yaml']);
    const result = await validateGraphFile(a, { registry: testRegistry() });
    expect(
      result.problems.map((p) => `${p.location.file}:${p.location.line}:${p.location.col} ${p.code}`),
    ).toEqual([`${b}:2:17 WEFT_ERR_SUBGRAPH`]);
    expect(result.problems[0]!.message).toContain('includes subgraph');
    const missing = write('missing.yaml', ['nodes:', '  - calculator: ./nope.yaml']);
    const m = await validateGraphFile(missing, { registry: testRegistry() });
    expect(m.problems.map(formatProblem)).toEqual([
      `${missing}:2:17 error WEFT_ERR_FILE_READ cannot read graph file "${join(dir, 'nope.yaml')}": no such file (check the path; relative paths start from the including file)`,
    ]);
  });
});
