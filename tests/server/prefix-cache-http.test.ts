import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer } from './helpers/llm-server.js';
import { OpenAI } from './helpers/openai.js';

// Prefix caching seen from outside: the same answers with the cache warm, and /metrics counting
// queried and hit prompt tokens (vLLM's prefix_cache_queries / prefix_cache_hits) plus the blocks held.

let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlmServer({ engine: { prefix_block_size: 4 } });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
}, 180_000);
afterAll(() => server?.stop());

const model = 'tiny-llama';

async function prefixMetrics(): Promise<{ queries: number; hits: number; blocks: number; bytes: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name}\\{model="${model}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    queries: read('weft_prefix_cache_queries_total'),
    hits: read('weft_prefix_cache_hits_total'),
    blocks: read('weft_prefix_cache_blocks'),
    bytes: read('weft_prefix_cache_bytes'),
  };
}

describe('prefix caching over HTTP', () => {
  it('answers a repeated prompt the same from the cache and counts it in /metrics', async () => {
    expect(await prefixMetrics()).toEqual({ queries: 0, hits: 0, blocks: 0, bytes: 0 });
    const prompt = Array.from({ length: 30 }, (_, i) => 100 + i * 5); // 7 whole blocks of 4
    const request = { model, prompt, max_tokens: 5, temperature: 0, logprobs: 1 };
    const cold = await client.completions.create(request);
    const warm = await client.completions.create(request);
    expect(cold.usage?.prompt_tokens).toBe(30);
    expect(warm.choices[0]!.text).toBe(cold.choices[0]!.text);
    const lp = (r: typeof cold) => r.choices[0]!.logprobs!.token_logprobs!;
    for (const [i, v] of lp(warm).entries()) expect(Math.abs(v - lp(cold)[i]!)).toBeLessThanOrEqual(1e-4);
    const m = await prefixMetrics();
    // Both prompts queried whole; the second reused 7 blocks (28 tokens, its last token ran). Held:
    // the prompt's 7 blocks and an 8th the first request left when it finished (its prompt and the
    // 4 tokens it ran before the 5th was sampled are 34 tokens).
    expect(m).toMatchObject({ queries: 60, hits: 28, blocks: 8 });
    const engine = server.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
    expect(m.bytes).toBe(8 * 4 * engine.model.kvBytesPerToken);
  });

  it("reuses a conversation's previous turn, the answer included, through the chat template", async () => {
    const messages: { role: 'user' | 'assistant'; content: string }[] = [
      { role: 'user', content: 'Tell me a story about a cat and a dog who meet in the park.' },
    ];
    const first = await client.chat.completions.create({ model, messages, max_tokens: 24, temperature: 0 });
    const before = await prefixMetrics();
    messages.push({ role: 'assistant', content: first.choices[0]!.message.content! });
    messages.push({ role: 'user', content: 'And then?' });
    const second = await client.chat.completions.create({ model, messages, max_tokens: 4, temperature: 0 });
    const reused = (await prefixMetrics()).hits - before.hits;
    // More than the first turn's prompt holds in whole blocks: the answer's blocks were reused too
    // (kept when the first request finished); at most all but the second prompt's last token.
    const firstPrompt = first.usage!.prompt_tokens;
    expect(reused).toBeGreaterThan(Math.floor(firstPrompt / 4) * 4);
    expect(reused).toBeLessThanOrEqual(second.usage!.prompt_tokens - 1);
  });
});
