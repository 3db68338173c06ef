import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../tests/examples/run-weft.js';
import { convert } from './convert.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('01-hello-graph', () => {
  it('runs with `weft graph run`, one JSON line per output packet', async () => {
    const r = await runWeft(
      [
        'graph',
        'run',
        'examples/01-hello-graph/temperatures.yaml',
        '--input',
        'celsius=examples/01-hello-graph/celsius.jsonl',
      ],
      root,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // Each stream is in timestamp order; how the two streams interleave is the scheduler's choice.
    const of = (stream: string) => lines.filter((l) => l.startsWith(`{"stream":"${stream}"`));
    expect(of('fahrenheit')).toEqual([
      '{"stream":"fahrenheit","timestamp":0,"value":32}',
      '{"stream":"fahrenheit","timestamp":1,"value":77}',
      '{"stream":"fahrenheit","timestamp":2,"value":212}',
    ]);
    expect(of('kelvin')).toEqual([
      '{"stream":"kelvin","timestamp":0,"value":273.15}',
      '{"stream":"kelvin","timestamp":1,"value":298.15}',
      '{"stream":"kelvin","timestamp":2,"value":373.15}',
    ]);
    expect(lines).toHaveLength(6);
  });

  it('validates with `weft graph check`', async () => {
    const r = await runWeft(['graph', 'check', 'examples/01-hello-graph/temperatures.yaml'], root);
    expect(r).toEqual({ code: 0, stdout: 'examples/01-hello-graph/temperatures.yaml: ok\n', stderr: '' });
  });

  it('runs from TypeScript with loadGraph', async () => {
    expect(await convert([0, 25, 100, -40])).toEqual([
      { timestamp: 0, fahrenheit: 32, kelvin: 273.15 },
      { timestamp: 1, fahrenheit: 77, kelvin: 298.15 },
      { timestamp: 2, fahrenheit: 212, kelvin: 373.15 },
      { timestamp: 3, fahrenheit: -40, kelvin: 233.14999999999998 },
    ]);
  });
});
