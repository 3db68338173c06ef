import type { CompiledGraph } from '@weft/framework';
import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest } from './graph-helpers.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
});
afterAll(async () => {
  await graph?.dispose();
});

const prompts = [
  'Once upon a time',
  'The quick brown fox jumps over the lazy dog and',
  'A',
  'In the beginning there was',
  'Hello, world! This is a longer prompt that takes more prefill tokens than the others do, by far.',
  'Stripes',
  'The weather today is',
  'Numbers: 1 2 3 4 5 6 7 8 9',
];
const request = (i: number) => ({
  model: 'tiny-llama',
  prompt: prompts[i]!,
  max_tokens: 6 + 5 * i,
  temperature: 0,
  ignore_eos: true,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('greedy decoding under continuous batching', () => {
  it('8 concurrent runs (different prompts and lengths, joining at different times) equal the same runs one at a time', async () => {
    const alone: string[] = [];
    for (let i = 0; i < prompts.length; i++) {
      alone.push(okBody(await runRequest(graph, 'completions', request(i))).choices[0].text);
    }
    const together = await Promise.all(
      prompts.map(async (_, i) => {
        await sleep(i * 15); // joins while the others are mid-generation
        return okBody(await runRequest(graph, 'completions', request(i))).choices[0].text;
      }),
    );
    expect(together).toEqual(alone);
    expect(new Set(alone).size).toBeGreaterThan(4);
    const engine = graph.sharedSidePacket('engine') as Engine;
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0, kvCacheUsedTokens: 0 });
  });

  it('reports usage with the prompt and completion token counts', async () => {
    const body = okBody(await runRequest(graph, 'completions', request(2)));
    expect(body.usage.completion_tokens).toBe(16);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 16);
    expect(body.choices[0].finish_reason).toBe('length');
  });
});
