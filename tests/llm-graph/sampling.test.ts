import type { CompiledGraph } from '@weft/framework';
import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest } from './graph-helpers.js';

let graph: CompiledGraph;
let engine: Engine;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
  engine = graph.sharedSidePacket('engine') as Engine;
});
afterAll(async () => {
  await graph?.dispose();
});

const base = { model: 'tiny-llama', prompt: 'Once upon a time', max_tokens: 12, ignore_eos: true };
const texts = (body: any): string[] => body.choices.map((c: any) => c.text);

describe('sampling through the graph', () => {
  it('a seed gives the same output across runs and batch compositions', async () => {
    const seeded = { ...base, temperature: 1.2, top_p: 0.95, seed: 1234 };
    const first = texts(okBody(await runRequest(graph, 'completions', seeded)));
    const again = texts(okBody(await runRequest(graph, 'completions', seeded)));
    // The same request while 5 others (other prompts, lengths and seeds) share the batch.
    const noise = [1, 2, 3, 4, 5].map((i) =>
      runRequest(graph, 'completions', {
        ...base,
        prompt: `Noise ${i} `.repeat(i),
        max_tokens: 4 * i,
        temperature: 1,
        seed: i,
      }),
    );
    const crowded = texts(okBody(await runRequest(graph, 'completions', seeded)));
    await Promise.all(noise);
    expect(again).toEqual(first);
    expect(crowded).toEqual(first);
    const other = texts(okBody(await runRequest(graph, 'completions', { ...seeded, seed: 99 })));
    expect(other).not.toEqual(first);
  });

  it('n=3 gives 3 choices, each its own sample', async () => {
    const body = okBody(await runRequest(graph, 'completions', { ...base, n: 3, temperature: 1, seed: 7 }));
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(texts(body)).size).toBe(3);
    expect(body.usage.completion_tokens).toBe(36);
  });

  it('best_of=4 beam search returns the highest-scoring beam, and its logprobs are the model’s', async () => {
    const beam = {
      ...base,
      max_tokens: 6,
      use_beam_search: true,
      best_of: 4,
      length_penalty: 0,
      logprobs: 0,
    };
    const all = okBody(await runRequest(graph, 'completions', { ...beam, n: 4 }));
    const best = okBody(await runRequest(graph, 'completions', { ...beam, n: 1 }));
    const sum = (c: any) => c.logprobs.token_logprobs.reduce((a: number, b: number) => a + b, 0);
    const scores = all.choices.map(sum);
    expect(all.choices).toHaveLength(4);
    // Beams come best first; n=1 returns the first of them.
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(best.choices[0].text).toBe(all.choices[0].text);
    // Greedy is one of the paths beam search considered; it cannot beat the best beam.
    const greedy = okBody(
      await runRequest(graph, 'completions', { ...base, max_tokens: 6, temperature: 0, logprobs: 0 }),
    );
    expect(scores[0]).toBeGreaterThanOrEqual(sum(greedy.choices[0]) - 1e-4);
    // Independent check: an exhaustive-expansion beam search written here, on the engine directly.
    const tokenizer = graph.sharedSidePacket('tokenizer') as { encode(t: string): Promise<number[]> };
    const group = engine.submit(await tokenizer.encode(base.prompt), { n: 4 });
    let beams = [0];
    for (let step = 0; step < 6; step++) {
      const { logits } = await group.next();
      const V = logits.length / 4;
      const cands: { cum: number; parent: number; token: number }[] = [];
      beams.forEach((cum, row) => {
        const r = logits.subarray(row * V, (row + 1) * V);
        let max = -Infinity;
        for (const v of r) max = Math.max(max, v);
        let z = 0;
        for (const v of r) z += Math.exp(v - max);
        for (let t = 0; t < V; t++)
          cands.push({ cum: cum + r[t]! - max - Math.log(z), parent: row, token: t });
      });
      const top = cands.sort((a, b) => b.cum - a.cum).slice(0, 4);
      if (step < 5)
        group.append(
          top.map((c) => c.token),
          top.map((c) => c.parent),
        );
      beams = top.map((c) => c.cum);
    }
    group.finish();
    for (const [i, s] of scores.entries()) expect(s).toBeCloseTo(beams[i]!, 3);
  });

  it('beam search ends beams on stop strings and never returns one', async () => {
    const beam = { ...base, max_tokens: 8, use_beam_search: true, best_of: 3, n: 3 };
    const free = okBody(await runRequest(graph, 'completions', beam));
    const text: string = free.choices[0].text;
    const stop = text.slice(2, 4);
    expect(stop).toHaveLength(2);
    const stopped = okBody(await runRequest(graph, 'completions', { ...beam, stop: [stop] }));
    expect(stopped.choices).toHaveLength(3);
    for (const c of stopped.choices) expect(c.text).not.toContain(stop);
    expect(stopped.choices.some((c: any) => c.finish_reason === 'stop')).toBe(true);
  });

  it('logprobs: top_logprobs sorted, the chosen token present, and both API shapes', async () => {
    const comp = okBody(
      await runRequest(graph, 'completions', { ...base, max_tokens: 5, temperature: 0, logprobs: 3 }),
    );
    const lp = comp.choices[0].logprobs;
    expect(lp.tokens).toHaveLength(5);
    expect(lp.tokens.join('')).toBe(comp.choices[0].text);
    expect(lp.text_offset[0]).toBe(0);
    for (let i = 0; i < 5; i++) {
      const top = Object.values(lp.top_logprobs[i]) as number[];
      expect(top.length).toBeGreaterThanOrEqual(1);
      expect([...top].sort((a, b) => b - a)).toEqual(top);
      // Greedy: the chosen token is the most likely one.
      expect(lp.token_logprobs[i]).toBeCloseTo(top[0]!, 5);
      expect(lp.token_logprobs[i]).toBeLessThanOrEqual(0);
    }
    const chat = okBody(
      await runRequest(graph, 'chat/completions', {
        model: 'tiny-llama',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 4,
        temperature: 1,
        seed: 3,
        logprobs: true,
        top_logprobs: 5,
        ignore_eos: true,
      }),
    );
    for (const entry of chat.choices[0].logprobs.content) {
      const tops = entry.top_logprobs.map((t: any) => t.logprob);
      expect(tops).toHaveLength(5);
      expect([...tops].sort((a: number, b: number) => b - a)).toEqual(tops);
      const probs = tops.reduce((s: number, l: number) => s + Math.exp(l), 0);
      expect(probs).toBeLessThanOrEqual(1 + 1e-6);
      // Sampled, so not always the best, but never more likely than the best.
      expect(entry.logprob).toBeLessThanOrEqual(tops[0] + 1e-6);
      expect(Array.isArray(entry.bytes)).toBe(true);
    }
  });

  it('EOS: finishes with stop and never shows; min_tokens holds it off; ignore_eos and skip_special_tokens', async () => {
    const eos = {
      model: 'tiny-llama',
      prompt: 'Hi',
      max_tokens: 5,
      temperature: 0,
      logit_bias: { '837': 100 },
    };
    const now = okBody(await runRequest(graph, 'completions', eos));
    expect(now.choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
    expect(now.usage.completion_tokens).toBe(1);
    const later = okBody(await runRequest(graph, 'completions', { ...eos, min_tokens: 3 }));
    expect(later.choices[0].finish_reason).toBe('stop');
    expect(later.usage.completion_tokens).toBe(4);
    expect(later.choices[0].text).not.toContain('<|im_end|>');
    const ignored = okBody(await runRequest(graph, 'completions', { ...eos, ignore_eos: true }));
    expect(ignored.choices[0]).toMatchObject({ text: '', finish_reason: 'length' });
    expect(ignored.usage.completion_tokens).toBe(5);
    const shown = okBody(
      await runRequest(graph, 'completions', { ...eos, ignore_eos: true, skip_special_tokens: false }),
    );
    expect(shown.choices[0].text).toBe('<|im_end|>'.repeat(5));
  });

  it('temperature 0 ignores the seed and repeats', async () => {
    const a = texts(okBody(await runRequest(graph, 'completions', { ...base, temperature: 0, seed: 1 })));
    const b = texts(okBody(await runRequest(graph, 'completions', { ...base, temperature: 0, seed: 2 })));
    expect(a).toEqual(b);
  });
});
