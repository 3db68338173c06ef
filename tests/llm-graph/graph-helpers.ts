import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnyCalculatorDefinition,
  CalculatorRegistry,
  type CompiledGraph,
  loadGraphFromString,
} from '@weft/framework';
import { type ChunkPacket, type ResponsePacket, registerLlmCalculators } from '@weft/llm';
import { expect } from 'vitest';
import { ensureTinyModel, repoRoot } from '../helpers/models.js';

export const GRAPH_FILE = join(repoRoot, 'graphs', 'tiny-llama.yaml');

/**
 * The served graph `graphs/tiny-llama.yaml`, unchanged except that `model_dir` points at the test
 * model built by the product's builder and the engine options and the executor's `sampling` may be
 * overridden.
 */
export async function loadTinyLlamaGraph(
  engine: Record<string, number> = {},
  sampling: 'engine' | 'graph' = 'engine',
  edit: (yaml: string) => string = (yaml) => yaml,
  calculators: readonly AnyCalculatorDefinition[] = [],
): Promise<CompiledGraph> {
  const model = await ensureTinyModel('llama');
  const options = { model_dir: model, max_num_seqs: 16, ...engine };
  const text = edit(readFileSync(GRAPH_FILE, 'utf8'))
    .replace(
      'options: { model_dir: ../models/tiny-llama, max_num_seqs: 16 }',
      `options: ${JSON.stringify(options)}`,
    )
    .replace('options: { sampling: engine }', `options: { sampling: ${sampling} }`);
  if (!text.includes(model) || !text.includes(`sampling: ${sampling}`))
    throw new Error('graphs/tiny-llama.yaml changed: update loadTinyLlamaGraph');
  const registry = new CalculatorRegistry();
  registerLlmCalculators(registry);
  registry.register(...calculators);
  return loadGraphFromString(text, { file: GRAPH_FILE, registry });
}

/** Runs one request through the graph (model `tiny-llama`) and returns every RESPONSE packet value. */
export async function runRequest(
  graph: CompiledGraph,
  endpoint: 'completions' | 'chat/completions',
  body: unknown,
  options: { signal?: AbortSignal; onPacket?: (p: ResponsePacket) => void } = {},
): Promise<ResponsePacket[]> {
  const run = graph.start(options.signal ? { signal: options.signal } : {});
  await run.addPacket('request', { endpoint, model: 'tiny-llama', body }, 0);
  run.closeInput('request');
  const out: ResponsePacket[] = [];
  for await (const p of run.output<ResponsePacket>('response')) {
    out.push(p.value);
    options.onPacket?.(p.value);
  }
  await run.done();
  return out;
}

const fail = (what: string, packets: ResponsePacket[]): never => {
  throw new Error(`expected ${what}, got ${JSON.stringify(packets).slice(0, 500)}`);
};

/** The body of an answer with `stream: false`: head, one chunk, usage, end. */
export function okBody(packets: ResponsePacket[]): any {
  const [head, chunk, usage, end] = packets;
  if (packets.length !== 4 || head?.kind !== 'head' || head.stream || chunk?.kind !== 'chunk')
    return fail('head, chunk, usage, end', packets);
  if (usage?.kind !== 'usage' || end?.kind !== 'end') return fail('head, chunk, usage, end', packets);
  return chunk.data;
}

/** The chunks of a streamed answer: head (stream), chunks, usage, end. */
export function streamChunks(packets: ResponsePacket[]): any[] {
  const head = packets[0];
  if (head?.kind !== 'head' || !head.stream) return fail('a streamed answer', packets);
  if (packets.at(-2)?.kind !== 'usage' || packets.at(-1)?.kind !== 'end')
    return fail('usage, end last', packets);
  return packets
    .slice(1, -2)
    .map((p) => (p.kind === 'chunk' ? (p as ChunkPacket).data : fail('chunks', packets)));
}

/** The one error packet a request that the graph refuses answers with. */
export async function requestError(
  graph: CompiledGraph,
  endpoint: 'completions' | 'chat/completions',
  body: unknown,
): Promise<{ kind: 'error'; code: string; message: string; param: string | null }> {
  const packets = await runRequest(graph, endpoint, body);
  expect(packets).toHaveLength(1);
  return packets[0] as { kind: 'error'; code: string; message: string; param: string | null };
}
