import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledGraph } from '@weft/framework';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLoader } from '../serve/default-loader.js';
import { GraphRegistry } from './graph-registry.js';

const servable = (name: string) => `name: ${name}
input_stream: REQUEST:request
output_stream: RESPONSE:response
nodes:
  - calculator: PassThroughCalculator
    input_stream: request
    output_stream: response
`;

let dir: string;
let disposed: string[];
const load = defaultLoader();
/** The real loader, recording each dispose so tests can see when old versions go away. */
const loader = async (file: string): Promise<CompiledGraph> => {
  const graph = await load(file);
  const dispose = graph.dispose.bind(graph);
  return Object.assign(Object.create(graph) as CompiledGraph, {
    dispose: async () => {
      disposed.push(graph.config.name);
      await dispose();
    },
  });
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-registry-'));
  disposed = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('GraphRegistry', () => {
  it('serves every graph of the folder under its name and is ready when all loaded', async () => {
    await writeFile(join(dir, 'a.yaml'), servable('alpha'));
    await writeFile(join(dir, 'b.yml'), servable('beta'));
    await writeFile(join(dir, 'notes.txt'), 'not a graph');
    const registry = new GraphRegistry({ loader, graphsDir: dir, watch: false });
    await registry.start();
    expect(registry.models().map((m) => m.name)).toEqual(['alpha', 'beta']);
    expect(registry.isReady()).toBe(true);
    expect(registry.lookup('gamma')).toEqual({ kind: 'unknown' });
    await registry.close();
    expect(disposed.sort()).toEqual(['alpha', 'beta']);
  });

  it('refuses graphs without REQUEST/RESPONSE and duplicate names, naming the file', async () => {
    await writeFile(join(dir, 'a.yaml'), servable('alpha'));
    await writeFile(join(dir, 'b.yaml'), servable('alpha'));
    await writeFile(
      join(dir, 'c.yaml'),
      'name: plain\ninput_stream: in\noutput_stream: out\nnodes:\n  - calculator: PassThroughCalculator\n    input_stream: in\n    output_stream: out\n',
    );
    const registry = new GraphRegistry({ loader, graphsDir: dir, watch: false });
    await registry.start();
    const status = registry.status();
    expect(status.map((s) => [s.name, s.state])).toEqual([
      ['alpha', 'available'],
      ['alpha', 'failed'],
      ['plain', 'failed'],
    ]);
    expect(status[1]!.lastError).toMatch(/model name "alpha" is already served by .*a\.yaml/);
    expect(status[2]!.lastError).toBe(
      `${join(dir, 'c.yaml')}:1:1 graph "plain" cannot be served: it needs an input_stream tagged REQUEST and an output_stream tagged RESPONSE (example: input_stream: [REQUEST:request], output_stream: [RESPONSE:response])`,
    );
    expect(registry.isReady()).toBe(false);
    expect(registry.lookup('plain')).toEqual({ kind: 'unavailable', state: 'failed' });
    await registry.close();
  });

  it('disposes a replaced or removed version only after its leases are released', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, servable('alpha'));
    const registry = new GraphRegistry({ loader, graphsDir: dir, watch: false });
    await registry.start();
    const found = registry.lookup('alpha');
    if (found.kind !== 'available') throw new Error('alpha should be available');
    await writeFile(file, `${servable('alpha')}# edited\n`);
    await registry.refresh(file);
    expect(disposed).toEqual([]);
    found.lease.release();
    await new Promise((r) => setTimeout(r, 10));
    expect(disposed).toEqual(['alpha']);
    // Saving the same text again does not reload.
    await registry.refresh(file);
    expect(disposed).toEqual(['alpha']);
    await unlink(file);
    await registry.refresh(file);
    expect(registry.lookup('alpha')).toEqual({ kind: 'unknown' });
    expect(disposed).toEqual(['alpha', 'alpha']);
    await registry.close();
  });

  it('serves config-listed graphs under the configured name and keeps a removed one as failed', async () => {
    const file = join(dir, 'x.yaml');
    await writeFile(file, servable('internal-name'));
    const registry = new GraphRegistry({ loader, graphs: [{ name: 'public', path: file }], watch: false });
    await registry.start();
    expect(registry.models().map((m) => m.name)).toEqual(['public']);
    await unlink(file);
    await registry.refresh(file);
    expect(registry.status()).toEqual([
      {
        name: 'public',
        file,
        state: 'failed',
        lastError: `${file}:1:1 graph file not found (listed in the server config as "public")`,
        loadedAt: null,
      },
    ]);
    await registry.close();
  });
});
