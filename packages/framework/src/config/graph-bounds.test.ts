import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, validateGraphFile } from '../index.js';
import { testRegistry } from './validation.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** A chain of `n` pass-through nodes: a valid graph of about 130 bytes per node. */
const chain = (n: number): string => {
  const nodes = Array.from(
    { length: n },
    (_, i) =>
      `  - calculator: PassThroughCalculator\n    name: pass_${i}\n    input_stream: [s${i}]\n    output_stream: [s${i + 1}]`,
  );
  return `input_stream: [s0]\noutput_stream: [s${n}]\nnodes:\n${nodes.join('\n')}\n`;
};

describe('graph files are bounded', () => {
  it('refuses a file over maxGraphBytes before parsing it, with both numbers', async () => {
    const text = chain(2500);
    const file = write('big.yaml', text);
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThan(262_144);
    const result = await validateGraphFile(file, { registry: testRegistry() });
    expect(result.problems.map(formatProblem)).toEqual([
      `${file}:1:1 error WEFT_ERR_GRAPH_TOO_LARGE graph file is ${bytes} bytes; the limit is 262144 (maxGraphBytes; the server's max_graph_bytes)`,
    ]);
    const raised = await validateGraphFile(file, { registry: testRegistry(), maxGraphBytes: bytes });
    expect(raised.problems).toEqual([]);
    expect(raised.graph?.nodes).toHaveLength(2500);
  });

  it('applies the bound to included subgraph files too', async () => {
    write('inner.yaml', `type: Inner\n${chain(40)}`);
    const file = write(
      'outer.yaml',
      'subgraphs: [./inner.yaml]\ninput_stream: [a]\noutput_stream: [b]\nnodes:\n  - calculator: Inner\n    input_stream: [a]\n    output_stream: [b]\n',
    );
    const result = await validateGraphFile(file, { registry: testRegistry(), maxGraphBytes: 1000 });
    // The subgraph is not registered, so the node using it is unknown too.
    expect(result.problems.map((p) => [p.code, p.location.file])).toEqual([
      ['WEFT_ERR_UNKNOWN_CALCULATOR', file],
      ['WEFT_ERR_GRAPH_TOO_LARGE', join(dir, 'inner.yaml')],
    ]);
  });

  it('reads broken quoting off the main thread and lists at most 100 syntax errors', async () => {
    // 100,000 lines of `\` inside an unclosed double quote: the YAML library reports one error per
    // line and takes seconds (300 KB: 7.7 s, 550 MB) — in a worker, while this thread keeps running.
    const file = write('quotes.yaml', `name: x\nnodes: "${'\\\n'.repeat(100_000)}"\n`);
    let last = performance.now();
    let worstGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
    }, 5);
    const result = await validateGraphFile(file, { registry: testRegistry() });
    clearInterval(ticker);
    expect(result.problems).toHaveLength(101);
    expect(result.problems.every((p) => p.code === 'WEFT_ERR_YAML_SYNTAX')).toBe(true);
    expect(result.problems[0]!.location).toMatchObject({ file, line: 2, col: 10 });
    expect(result.problems[100]!.message).toMatch(
      /^invalid YAML: \d+ more syntax errors after this one are not shown \(fix the first ones; they often cause the rest\)$/,
    );
    // Not a timing of the parse: only that this thread was never held for long.
    expect(worstGapMs).toBeLessThan(500);
  }, 60_000);

  it('still parses a valid large file (checked in the worker, then read here)', async () => {
    const file = write('valid.yaml', chain(600));
    const result = await validateGraphFile(file, { registry: testRegistry() });
    expect(result.problems).toEqual([]);
    expect(result.graph?.nodes.map((n) => n.name).slice(-1)).toEqual(['pass_599']);
  });
});
