import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_KINDS, PROMPTS, SCENARIO_N, SCENARIO_STEPS } from '../helpers/batch-invariance.js';
import { startLlmServer } from './helpers/llm-server.js';
import { OpenAI } from './helpers/openai.js';

// Batch invariance through the HTTP server and the openai client, for every model kind the builder
// writes: completions of different prompt lengths sent concurrently (staggered so they join the
// running batch at different steps, one with n = 2, one stopping early) give the same text and
// token log-probabilities (within 1e-4) as each request sent alone.

const TOLERANCE = 1e-4;
const servers: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

interface Choice {
  text: string;
  logprobs: { token_logprobs: number[] } | null;
}

describe.each(Object.entries(MODEL_KINDS))('model kind %s over HTTP', (_name, spec) => {
  it('concurrent completions equal the same requests alone', async () => {
    const server = await startLlmServer({
      kind: spec.kind,
      engine: { threads: 1, ...(spec.dtype === 'fp32' ? {} : { dtype: spec.dtype }) },
    });
    servers.push(server);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const ask = async (i: number, n: number): Promise<Choice[]> => {
      const body = await client.completions.create({
        model: 'tiny-llama',
        prompt: PROMPTS[i]! as never,
        max_tokens: SCENARIO_STEPS[i]!,
        temperature: 0,
        ignore_eos: true,
        logprobs: 1,
        n,
      } as never);
      return body.choices as unknown as Choice[];
    };
    const alone: Choice[] = [];
    for (let i = 0; i < PROMPTS.length; i++) alone.push((await ask(i, 1))[0]!);
    const together = await Promise.all(
      PROMPTS.map(async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 25));
        return ask(i, SCENARIO_N[i]!);
      }),
    );
    together.forEach((choices, i) => {
      expect(choices).toHaveLength(SCENARIO_N[i]!);
      for (const choice of choices) {
        expect(choice.text).toBe(alone[i]!.text);
        const got = choice.logprobs!.token_logprobs;
        const want = alone[i]!.logprobs!.token_logprobs;
        expect(got).toHaveLength(SCENARIO_STEPS[i]!);
        for (let s = 0; s < got.length; s++) {
          expect(Math.abs(got[s]! - want[s]!)).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    });
    expect(new Set(alone.map((c) => c.text)).size).toBe(PROMPTS.length);
  });
});
