import type { CompiledGraph } from '@weft/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest } from './graph-helpers.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
});
afterAll(async () => {
  await graph?.dispose();
});

describe('tiny-llama graph', () => {
  it('completes', async () => {
    const packets = await runRequest(graph, 'completions', {
      model: 'tiny-llama',
      prompt: 'Once upon a time',
      max_tokens: 8,
      temperature: 0,
    });
    console.log(JSON.stringify(packets, null, 1));
    const body = okBody(packets);
    expect(body.choices).toHaveLength(1);
  });
});
