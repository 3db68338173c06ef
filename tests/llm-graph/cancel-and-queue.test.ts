import type { CompiledGraph } from '@weft/framework';
import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, runRequest } from './graph-helpers.js';

let graph: CompiledGraph;
let engine: Engine;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph({ max_num_seqs: 2, max_queued: 1 });
  engine = graph.sharedSidePacket('engine') as Engine;
});
afterAll(async () => {
  await graph?.dispose();
});

// Long enough that these runs still hold their seats when the test looks: the engine samples them in
// its worker, which decodes the tiny model's tokens without waiting for the graph.
const long = {
  model: 'tiny-llama',
  prompt: 'Once upon a time',
  max_tokens: 2000,
  ignore_eos: true,
  stream: true,
};

async function idle(): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const m = engine.metrics();
    if (m.running === 0 && m.queued === 0 && m.kvCacheUsedTokens === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`engine not idle: ${JSON.stringify(engine.metrics())}`);
}

describe('cancellation and back-pressure', () => {
  it('cancelling a run mid-stream frees its engine slot', async () => {
    const controller = new AbortController();
    let seen = 0;
    const running = runRequest(graph, 'completions', long, {
      signal: controller.signal,
      onPacket: () => {
        if (++seen === 3) {
          expect(engine.metrics().running).toBe(1);
          controller.abort(new Error('client went away'));
        }
      },
    });
    await expect(running).rejects.toThrow();
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(seen).toBeLessThan(100);
    await idle();
  });

  it('more rows per prompt than the engine runs at once: refused on n or best_of', async () => {
    const tooMany = await runRequest(graph, 'completions', {
      model: 'tiny-llama',
      prompt: 'x',
      n: 3,
      max_tokens: 2,
    });
    expect(tooMany).toEqual([
      { kind: 'head', stream: false },
      {
        kind: 'error',
        message:
          "Invalid value for 'n': 3 sequences per prompt exceed what this model runs at once (max_num_seqs = 2); ask for at most 2.",
        param: 'n',
        code: 'WEFT_ERR_REQUEST_INVALID_VALUE',
      },
    ]);
    const bestOf = await runRequest(graph, 'completions', {
      model: 'tiny-llama',
      prompt: 'x',
      best_of: 4,
      max_tokens: 2,
    });
    expect((bestOf[1] as any).param).toBe('best_of');
    await idle();
  });

  it('a full engine queue is refused with its own code, and the engine drains afterwards', async () => {
    const controller = new AbortController();
    const busy = [1, 2, 3].map(() =>
      runRequest(graph, 'completions', long, { signal: controller.signal }).catch(() => 'cancelled'),
    );
    // Two runs hold the seats and one waits in the queue (max_queued 1): the next one is refused.
    const deadline = Date.now() + 3000;
    while (engine.metrics().queued < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const refused = await runRequest(graph, 'completions', { ...long, stream: false, max_tokens: 2 });
    expect(refused).toHaveLength(2);
    expect(refused[0]).toEqual({ kind: 'head', stream: false });
    expect(refused[1]).toMatchObject({ kind: 'error', code: 'WEFT_ERR_ENGINE_QUEUE_FULL', param: null });
    expect((refused[1] as any).message).toContain('the engine queue is full');
    controller.abort();
    expect(await Promise.all(busy)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await idle();
  });
});
