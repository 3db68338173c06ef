import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CalculatorRegistry, type CompiledGraph, loadGraphFromString } from '@weft/framework';
import { type LlmResponse, registerLlmCalculators } from '@weft/llm';
import { ensureTinyModel, repoRoot } from '../helpers/models.js';

export const GRAPH_FILE = join(repoRoot, 'graphs', 'tiny-llama.yaml');

/**
 * The served graph `graphs/tiny-llama.yaml`, unchanged except that `model_dir` points at the test
 * model built by the product's builder and the engine options may be overridden.
 */
export async function loadTinyLlamaGraph(engine: Record<string, number> = {}): Promise<CompiledGraph> {
  const model = await ensureTinyModel('llama');
  const options = { model_dir: model, max_num_seqs: 16, ...engine };
  const text = readFileSync(GRAPH_FILE, 'utf8').replace(
    'options: { model_dir: ../models/tiny-llama, max_num_seqs: 16 }',
    `options: ${JSON.stringify(options)}`,
  );
  if (!text.includes(model)) throw new Error('graphs/tiny-llama.yaml changed: update loadTinyLlamaGraph');
  const registry = new CalculatorRegistry();
  registerLlmCalculators(registry);
  return loadGraphFromString(text, { file: GRAPH_FILE, registry });
}

/** Runs one request through the graph and returns every RESPONSE packet value. */
export async function runRequest(
  graph: CompiledGraph,
  endpoint: 'completions' | 'chat/completions',
  body: unknown,
  options: { signal?: AbortSignal; onPacket?: (p: LlmResponse) => void } = {},
): Promise<LlmResponse[]> {
  const run = graph.start(options.signal ? { signal: options.signal } : {});
  await run.addPacket('request', { endpoint, body }, 0);
  run.closeInput('request');
  const out: LlmResponse[] = [];
  for await (const p of run.output<LlmResponse>('response')) {
    out.push(p.value);
    options.onPacket?.(p.value);
  }
  await run.done();
  return out;
}

/** The body of a single non-streaming 200 response. */
export function okBody(packets: LlmResponse[]): any {
  if (packets.length !== 1 || !('status' in packets[0]!) || packets[0].status !== 200) {
    throw new Error(`expected one 200 response, got ${JSON.stringify(packets).slice(0, 500)}`);
  }
  return packets[0].body;
}
